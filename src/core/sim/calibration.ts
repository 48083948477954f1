/**
 * How far the simulator is from real traffic: for every class and feature, the two-sample
 * Kolmogorov–Smirnov statistic between simulated rows and the real rows of that class
 * (∞ counts as a value above every finite one, in both samples).
 */
import type { Batch } from '../ingest';
import { formatTable, ksStatistic, quantileOf } from '../metrics';
import { CICIOMT_V2_COLUMNS, type ClassVocabulary } from '../schema';
import { SIM_CLASSES } from './attacks';
import { FEATURE_COUNT } from '../packets';
import { sampleClass } from './simulator';

export interface ClassCalibration {
  className: string;
  realRows: number;
  simulatedRows: number;
  /** KS statistic per feature, in schema order */
  ks: number[];
  median: number;
  max: number;
  worstFeature: string;
}

export interface CalibrationReport {
  seed: number;
  rowsPerClass: number;
  classes: ClassCalibration[];
  /** feature-class pairs above 0.5 */
  above: { className: string; feature: string; ks: number }[];
}

/** Real rows grouped by class name, from batches read in the v2 schema. */
export function rowsByClassName(batches: readonly Batch[], vocabulary: ClassVocabulary): Map<string, Float32Array> {
  const parts = new Map<string, number[]>();
  for (const b of batches) {
    if (b.d !== FEATURE_COUNT) throw new Error(`the real rows have ${b.d} features, the newer CICIoMT2024 release has ${FEATURE_COUNT}`);
    for (let r = 0; r < b.n; r++) {
      const name = vocabulary.names[b.classIndex[r]];
      let list = parts.get(name);
      if (!list) parts.set(name, (list = []));
      for (let j = 0; j < FEATURE_COUNT; j++) list.push(b.data[r * FEATURE_COUNT + j]);
    }
  }
  return new Map([...parts].map(([k, v]) => [k, Float32Array.from(v)]));
}

function column(rows: Float32Array, j: number): Float64Array {
  const n = rows.length / FEATURE_COUNT;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rows[i * FEATURE_COUNT + j];
  return out;
}

const median = (v: readonly number[]) => quantileOf(v, 0.5);

/** KS statistics of `rowsPerClass` simulated rows of each class against the real rows of that class. */
export function calibrate(real: Map<string, Float32Array>, rowsPerClass = 2000, seed = 1): CalibrationReport {
  const classes: ClassCalibration[] = [];
  const above: CalibrationReport['above'] = [];
  SIM_CLASSES.forEach((className, k) => {
    const realRows = real.get(className);
    if (!realRows) return;
    const sim = sampleClass(className, rowsPerClass, seed + 7919 * k);
    const ks = CICIOMT_V2_COLUMNS.map((_, j) => ksStatistic(column(realRows, j), column(sim, j)));
    let worst = 0;
    for (let j = 1; j < ks.length; j++) if (ks[j] > ks[worst]) worst = j;
    classes.push({
      className,
      realRows: realRows.length / FEATURE_COUNT,
      simulatedRows: rowsPerClass,
      ks,
      median: median(ks),
      max: ks[worst],
      worstFeature: CICIOMT_V2_COLUMNS[worst],
    });
    ks.forEach((v, j) => v > 0.5 && above.push({ className, feature: CICIOMT_V2_COLUMNS[j], ks: v }));
  });
  return { seed, rowsPerClass, classes, above };
}

export function formatCalibration(r: CalibrationReport): string {
  const rows = r.classes.map((c) => [c.className, String(c.realRows), c.median.toFixed(3), c.max.toFixed(3), c.worstFeature]);
  const all = r.classes.flatMap((c) => c.ks);
  const medians = r.classes.map((c) => c.median);
  return [
    formatTable(['class', 'real rows', 'median KS', 'max KS', 'worst feature'], rows),
    '',
    `classes with median KS ≤ 0.2: ${medians.filter((m) => m <= 0.2).length} of ${medians.length}; median over all pairs ${median(all).toFixed(3)}; pairs above 0.5: ${r.above.length}`,
    ...r.above.map((a) => `  above 0.5: ${a.className} / ${a.feature} = ${a.ks.toFixed(3)}`),
  ].join('\n');
}

/** The table as Markdown, and the full class × feature matrix. */
export function calibrationMarkdown(r: CalibrationReport): { summary: string; matrix: string } {
  const summary = [
    '| class | real rows | median KS | max KS | worst feature |',
    '|---|---:|---:|---:|---|',
    ...r.classes.map((c) => `| ${c.className} | ${c.realRows} | ${c.median.toFixed(3)} | ${c.max.toFixed(3)} | ${c.worstFeature} |`),
  ].join('\n');
  const head = `| feature | ${r.classes
    .map((c) =>
      c.className
        .replace(/^TCP_IP-/, '')
        .replace(/^Recon-/, 'R-')
        .replace(/^MQTT-/, 'M-'),
    )
    .join(' | ')} |`;
  const matrix = [
    head,
    `|---|${r.classes.map(() => '---:').join('|')}|`,
    ...CICIOMT_V2_COLUMNS.map((f, j) => `| ${f} | ${r.classes.map((c) => c.ks[j].toFixed(2)).join(' | ')} |`),
  ].join('\n');
  return { summary, matrix };
}
