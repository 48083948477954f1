/**
 * The simulator's cross-check against real rows (npm run simulate -- --cross-check):
 *  (a) trained on simulated benign flows, tested on the real rows;
 *  (b) trained on real benign rows, tested on simulated flows (every attack class, and benign);
 *  (c) trained and tested on real rows (a seeded 70/30 split), the reference.
 * Per-family detection rates side by side, with ROC-AUC, for each detector.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { ensureBackend } from '../core/detectors/tf-backend';
import { DETECTOR_KINDS, type DetectorKind } from '../core/detectors/registry';
import { evaluate, type Evaluation } from '../core/pipeline';
import { simulateCsv } from '../core/sim';
import { parseThreshold } from '../core/threshold';
import { UsageError } from './args';
import { sourceFiles } from './files';

const FAMILIES = ['Benign', 'DDoS', 'DoS', 'MQTT', 'Recon', 'Spoofing'];
/** simulated training rows (the quiet ward: benign only) and test rows (the mixed day: every class) */
const TRAIN = { scenario: 'quiet-ward', rows: 30_000 };
const TEST = { scenario: 'mixed-day', rows: 20_000 };

export async function crossCheck(realPath: string, markdown: string | undefined, detectors: string[], seed: number): Promise<number> {
  for (const d of detectors) if (!DETECTOR_KINDS.includes(d as DetectorKind)) throw new UsageError(`--detector takes ${DETECTOR_KINDS.join(', ')}, not "${d}"`);
  if (!existsSync(realPath)) throw new Error(`the real newer-release sample is not at ${realPath}; give its place with --real <file>`);
  await ensureBackend('wasm');
  const dir = mkdtempSync(join(tmpdir(), 'iomt-cross-check-'));
  try {
    const simTrain = join(dir, 'sim-train.csv');
    const simTest = join(dir, 'sim-test.csv');
    writeFileSync(simTrain, [...simulateCsv(TRAIN.scenario, TRAIN.rows, seed)].join(''));
    writeFileSync(simTest, [...simulateCsv(TEST.scenario, TEST.rows, seed + 1)].join(''));
    const results: { detector: string; a: Evaluation; b: Evaluation; c: Evaluation }[] = [];
    for (const detector of detectors as DetectorKind[]) {
      const common = { detector, threshold: parseThreshold('p99'), seed };
      const a = await evaluate({ ...common, train: sourceFiles([simTrain]), test: sourceFiles([realPath]) });
      const b = await evaluate({ ...common, train: sourceFiles([realPath]), test: sourceFiles([simTest]) });
      const c = await evaluate({ ...common, train: sourceFiles([realPath]) });
      results.push({ detector, a, b, c });
      console.log(table(detector, a, b, c));
    }
    if (markdown) {
      mkdirSync(dirname(markdown), { recursive: true });
      writeFileSync(markdown, doc(results, realPath, seed));
      console.log(`wrote ${markdown}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return 0;
}

const pct = (v: number | undefined) => (v === undefined ? '–' : `${(100 * v).toFixed(1)} %`);

function rows(a: Evaluation, b: Evaluation, c: Evaluation): string[][] {
  const rate = (e: Evaluation, f: string) => (f === 'Benign' ? e.report.fpr : e.report.per_family[f]);
  const out = FAMILIES.map((f) => [f === 'Benign' ? 'Benign (false alarms)' : f, pct(rate(a, f)), pct(rate(b, f)), pct(rate(c, f))]);
  out.push(['ROC-AUC', a.report.roc_auc.toFixed(3), b.report.roc_auc.toFixed(3), c.report.roc_auc.toFixed(3)]);
  out.push(['rows scored', String(a.rows.scored), String(b.rows.scored), String(c.rows.scored)]);
  return out;
}

function table(detector: string, a: Evaluation, b: Evaluation, c: Evaluation): string {
  const head = ['family', '(a) sim → real', '(b) real → sim', '(c) real → real'];
  const body = rows(a, b, c);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((x, i) => (i === 0 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('  ');
  return `\n${detector}\n${line(head)}\n${body.map(line).join('\n')}`;
}

function doc(results: { detector: string; a: Evaluation; b: Evaluation; c: Evaluation }[], realPath: string, seed: number): string {
  const real = realPath.replace(/^.*\/shared\//, '../shared/');
  const sections = results.map(({ detector, a, b, c }) => {
    const perClass = Object.keys(c.report.per_class).filter((k) => k !== 'Benign').sort()
      .map((k) => `| ${k} | ${pct(a.report.per_class[k])} | ${pct(b.report.per_class[k])} | ${pct(c.report.per_class[k])} |`).join('\n');
    return `## ${detector}

| family | (a) trained on simulated benign, tested on real | (b) trained on real benign, tested on simulated | (c) trained and tested on real |
|---|---:|---:|---:|
${rows(a, b, c).map((r) => `| ${r.join(' | ')} |`).join('\n')}

<details><summary>per class</summary>

| class | (a) | (b) | (c) |
|---|---:|---:|---:|
${perClass}

</details>
`;
  });
  return `# Cross-check: simulated against real flows

Generated by \`npm run simulate -- --cross-check --markdown docs/cross-check.md\` on
${new Date().toISOString().slice(0, 10)} (${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}), seed ${seed}.

- **(a)** trained on the benign rows of ${TRAIN.rows} simulated flows (\`${TRAIN.scenario}\`, seed ${seed}), tested on every row of
  \`${real}\` (the real newer-release sample). The issue asks for ROC-AUC ≥ 0.90 here
  (\`npm run evaluate -- --train <simulated.csv> --test <real rows>\`).
- **(b)** trained on the real sample's benign rows, tested on ${TEST.rows} simulated flows of \`${TEST.scenario}\` (seed ${seed + 1}:
  every attack class and the ward's benign traffic).
- **(c)** the reference: trained on the real sample's benign rows and tested on a seeded 30 % of its rows.

Every detector as \`npm run evaluate\` runs it: preprocessor and detector fitted on 80 % of the
benign training rows, threshold at the 99th percentile of the scores of the other 20 %.
Detection rate = share of a family's rows flagged; for Benign it is the false-alarm rate.

${sections.join('\n')}
## Reading it

- (a) is the issue's acceptance check: a detector that never saw a real row scores the real
  sample. The autoencoder's ROC-AUC there is close to (c); its false-alarm rate on real benign
  rows is higher than in (c), because real benign traffic has tails (applications, sizes,
  gaps) the simulated ward does not produce, and its threshold is calibrated on simulated
  benign rows.
- (b) asks the converse: are the simulated attacks as detectable, to a detector that knows
  only real benign traffic, as the real attacks are? The floods (DDoS, DoS: 100-packet
  windows) are caught in both. For MQTT, Recon and Spoofing the rates show where simulated
  attacks are easier or harder than the real ones; a part of each real attack class is the
  victims' own benign-looking traffic, which no detector of anomalies can flag.
- The isolation forest with the original system's settings is weaker than the autoencoder
  on this release even on real rows (c); that is a property of the detector, not of the
  simulator.
`;
}
