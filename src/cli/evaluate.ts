import { writeFileSync } from 'node:fs';
import { Ensemble, ensureBackend } from '../core/detectors';
import { CLASSIFIER_DETECTORS, isClassifierDetector } from '../core/detectors';
import { DETECTOR_KINDS, MEMBER_KINDS, MODEL_KINDS, type DetectorSettings, type MemberKind, type ModelKind } from '../core/detectors';
import { DEFAULT_GRID, type GridResult } from '../core/detectors';
import { formatReport, formatTable } from '../core/metrics';
import {
  AUTO_CANDIDATES,
  VALIDATION_FRACTION,
  type DetectorChoice,
  DEFAULT_HOLDOUT,
  DEFAULT_TEST_FRACTION,
  describeSplit,
  evaluate,
  type Evaluation,
  type HybridComparison,
} from '../core/pipeline';
import { formatCaptureCounters } from '../core/packets';
import { KNOWN_DIALECTS } from '../core/schema';
import { describeExpectedFpr, describeThreshold, parseThreshold, thresholdCaveat } from '../core/threshold';
import { numberArg, one, UsageError, type ParsedArgs } from './args';
import { sourceFiles } from './files';
import { dialectArg, DIALECT_OPTIONS } from './dialect-arg';
import { loadModelFolder, saveModelFolder } from './model-folder';
import { useNodeForestThreads } from './node-forest-threads';
import { runCommand } from './run-command';
import { splitArg } from './split-arg';

const USAGE = `usage: npm run evaluate -- --train <files or folders> [--test <files or folders>]
         --detector <kind> [--threshold p99] [--json <file>] [--save <dir>]
   or: npm run evaluate -- --model <saved dir> --test <files or folders> [--json <file>]

detectors that learn benign rows: ${DETECTOR_KINDS.join(', ')} (kmeans: distance to the nearest benign cluster;
  knn: distance to the 5th nearest benign row)
classifiers that learn labelled rows, replayed as detectors (score 1 − P(benign)):
  ${CLASSIFIER_DETECTORS.join(', ')}
hybrid: an unsupervised detector and a classifier, fused on the scale of held-back benign rows
auto (the default): ${AUTO_CANDIDATES.join(', ')}, each fitted on the earlier training rows and judged at its
  calibrated threshold on the latest ${VALIDATION_FRACTION * 100} % of them (the test rows stay unseen); the best is trained on all of them

Trains on the benign rows of --train, holding the latest ${DEFAULT_HOLDOUT * 100} % of each file back to calibrate the
threshold (a classifier or hybrid: on every labelled row, the threshold from out-of-fold scores of the benign rows; a
random forest's from its out-of-bag rows, the trees that did not draw each row), scores
every --test row and prints the confusion matrix, score statistics by traffic type,
detection rate by attack class and ROC-AUC/PR-AUC, TPR, FPR, balanced accuracy, F1.
Without --test, the last ${DEFAULT_TEST_FRACTION * 100} % of the rows of each --train file and class (in file order,
which is capture order where the file keeps it) is held out and scored instead: a time split.

options:
  --threshold p99 | p98 | p99.5 | c0.1 | <number>   benign percentile (default p99), contamination, or fixed
  --dialect ${KNOWN_DIALECTS.map((d) => d.id).join('|')}   skip detection
  --label-column <name> [--benign <value>...]  read any other CSV (numeric columns are features)
  --exclude <column>...  --include <column>...  feature lists
  --scaling standard|minmax|robust   --log auto|none|all   preprocessing
  --timesteps <n>   LSTM window (1 = the original system)   --epochs <n>   autoencoder epochs
  --members ae iforest ...   ensemble members; hybrid: <detector> <classifier> (default knn random_forest)
  --params n_estimators=300 max_depth=12 ...   the classifier's hyperparameters (scikit-learn's names; their
           defaults, except a forest's min_samples_leaf=3, which ranks rows more smoothly, and max_features=0.5)
  --folds <n>   classifier or hybrid: benign folds scored out of fold for the threshold (default 5; a random
           forest, alone or in a hybrid, is scored out of bag unless --folds is given)
  --seed <n>   --test-fraction <0-1>
  --split time|random   without --test: later rows of each file (default) or a seeded random share
  --adaptive [--adaptive-window <n>]   also replay the test rows in file order through the drift-aware
           threshold (the calibrated percentile of the last n scores that did not stand out; default 2000)
  --max-train-rows <n>   --holdout <0-1>   --quiet (only the summary)
  --grid   isolation forest only: search the original system's grid (n_estimators 50/100/200,
           max_samples auto/512, max_features 0.5/0.8/1.0, contamination 0.05/0.1), ranked by
           ROC-AUC of held-back benign rows against the --train files' attack rows
  --label-alerts   name the attack class of each alert, as the original system's second stage
           did: with the model itself if it is a classifier or hybrid, else with a random forest
           trained on the --train rows; prints how often it was right, per class
  --namer <saved dir>   a saved classifier or hybrid names the alerts (implies --label-alerts)`;

const OPTIONS = {
  train: 'many',
  test: 'many',
  model: 'one',
  detector: 'one',
  threshold: 'one',
  json: 'one',
  save: 'one',
  ...DIALECT_OPTIONS,
  exclude: 'many',
  include: 'many',
  scaling: 'one',
  log: 'one',
  timesteps: 'one',
  epochs: 'one',
  members: 'many',
  seed: 'one',
  'test-fraction': 'one',
  split: 'one',
  adaptive: 'switch',
  'adaptive-window': 'one',
  'max-train-rows': 'one',
  holdout: 'one',
  grid: 'switch',
  'label-alerts': 'switch',
  quiet: 'switch',
  namer: 'one',
  params: 'many',
  folds: 'one',
} as const;

useNodeForestThreads();
runCommand(USAGE, OPTIONS, async (args) => {
  const modelDir = one(args, 'model');
  const detector = (one(args, 'detector') ?? (modelDir ? undefined : 'auto')) as ModelKind | 'auto' | undefined;
  if (detector && detector !== 'auto' && !MODEL_KINDS.includes(detector)) throw new UsageError(`--detector must be auto or one of ${MODEL_KINDS.join(', ')}`);
  if (!modelDir && !args.get('train')) throw new UsageError('give --train files (or --model with a saved model)');
  if (modelDir && args.get('train')) throw new UsageError('give either --train or --model, not both');
  if (modelDir && !args.get('test')) throw new UsageError('--model needs --test files to score');

  const seed = numberArg(args, 'seed', Number.isInteger, 'a whole number') ?? 0;
  const split = splitArg(args);
  const namerDir = one(args, 'namer');
  const started = performance.now();
  await ensureBackend('wasm');
  const result = await evaluate({
    train: args.get('train') && sourceFiles(args.get('train')!),
    test: args.get('test') && sourceFiles(args.get('test')!),
    model: modelDir ? await loadModelFolder(modelDir) : undefined,
    detector: detector ?? 'ae',
    settings: detectorSettings(args, detector),
    threshold: parseThreshold(one(args, 'threshold') ?? 'p99'),
    preprocessor: preprocessorSettings(args),
    dialect: dialectArg(args),
    seed,
    split,
    adaptive:
      args.has('adaptive') || args.has('adaptive-window')
        ? { window: numberArg(args, 'adaptive-window', (v) => Number.isInteger(v) && v >= 10, 'a whole number of at least 10') }
        : undefined,
    testFraction: numberArg(args, 'test-fraction', (v) => v > 0 && v < 1, 'between 0 and 1'),
    holdout: numberArg(args, 'holdout', (v) => v > 0 && v < 1, 'between 0 and 1'),
    maxTrainRows: numberArg(args, 'max-train-rows', (v) => Number.isInteger(v) && v > 1, 'a whole number above 1'),
    grid: args.has('grid') ? DEFAULT_GRID : undefined,
    folds: numberArg(args, 'folds', (v) => Number.isInteger(v) && v >= 2, 'a whole number of at least 2'),
    labelAlerts: args.has('label-alerts') || args.has('namer'),
    namer: namerDir ? await loadModelFolder(namerDir) : undefined,
  });
  const seconds = (performance.now() - started) / 1000;

  if (!args.has('quiet')) console.log(formatReport(result.report));
  if (result.grid) console.log(gridTable(result.grid));
  if (result.choice) console.log(choiceTable(result.choice));
  console.log(summary(result, seconds));
  const jsonPath = one(args, 'json');
  if (jsonPath) writeFileSync(jsonPath, JSON.stringify(toJSON(result, seconds), null, 2));
  const saveDir = one(args, 'save');
  if (saveDir) {
    const written = await saveModelFolder(saveDir, result.pipeline);
    console.log(`saved the model to ${saveDir}/ (${written.join(', ')})`);
  }
  return 0;
});

function detectorSettings(args: ParsedArgs, kind: ModelKind | 'auto' | undefined): DetectorSettings {
  const epochs = numberArg(args, 'epochs', (v) => Number.isInteger(v) && v > 0, 'a whole number above 0');
  const timesteps = numberArg(args, 'timesteps', (v) => Number.isInteger(v) && v > 0, 'a whole number above 0');
  const members = args.get('members');
  let ensemble: DetectorSettings['ensemble'];
  let hybrid: DetectorSettings['hybrid'];
  if (members && kind === 'hybrid') {
    const [unsupervised, classifier, ...rest] = members;
    if (
      rest.length ||
      !classifier ||
      !DETECTOR_KINDS.includes(unsupervised as MemberKind) ||
      unsupervised === 'ensemble' ||
      !isClassifierDetector(classifier)
    ) {
      throw new UsageError(`a hybrid's --members are one detector (${MEMBER_KINDS.join(', ')}) and one classifier (${CLASSIFIER_DETECTORS.join(', ')})`);
    }
    hybrid = { unsupervised: unsupervised as MemberKind, classifier };
  } else if (members) {
    for (const m of members) {
      if (!DETECTOR_KINDS.includes(m as MemberKind) || m === 'ensemble') throw new UsageError(`--members takes ${MEMBER_KINDS.join(', ')}, not "${m}"`);
    }
    ensemble = { members: members as MemberKind[] };
  }
  return {
    ae: epochs ? { epochs } : undefined,
    lstm: { ...(epochs ? { epochs } : {}), ...(timesteps ? { timesteps } : {}) },
    ensemble,
    hybrid,
    classifier: classifierParams(args.get('params') ?? []),
  };
}

/** `name=value` words → hyperparameters: numbers, true/false/null, or text (e.g. class_weight=balanced) */
function classifierParams(words: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const w of words) {
    const m = /^([a-z_]+)=(.+)$/.exec(w);
    if (!m) throw new UsageError(`--params takes name=value words (e.g. n_estimators=300), not "${w}"`);
    const [, name, text] = m;
    out[name] = text === 'true' ? true : text === 'false' ? false : text === 'null' ? null : Number.isFinite(Number(text)) ? Number(text) : text;
  }
  return out;
}

function preprocessorSettings(args: ParsedArgs) {
  const scaling = one(args, 'scaling');
  if (scaling && !['standard', 'minmax', 'robust'].includes(scaling)) throw new UsageError('--scaling must be standard, minmax or robust');
  const log = one(args, 'log');
  if (log && !['auto', 'none', 'all'].includes(log)) throw new UsageError('--log must be auto, none or all');
  return {
    ...(scaling ? { scaling: scaling as 'standard' } : {}),
    ...(log ? { log: log as 'auto' } : {}),
    ...(args.get('include') ? { include: args.get('include') } : {}),
    ...(args.get('exclude') ? { exclude: Object.fromEntries(args.get('exclude')!.map((c) => [c, 'excluded on the command line'])) } : {}),
  };
}

function summary(r: Evaluation, seconds: number): string {
  const t = r.pipeline.training;
  const lines = [
    '',
    `dataset    ${r.dataset.name}${r.dataset.confidence !== null ? ` (detected, confidence ${r.dataset.confidence.toFixed(2)})` : ''}`,
    `detector   ${r.pipeline.detector.kind}; threshold ${fmt(r.pipeline.threshold.value)} = ${describeThreshold(r.pipeline.threshold.spec)}`,
    ...(r.pipeline.detector instanceof Ensemble ? [`fusion     ${describeFusion(r.pipeline.detector)}`] : []),
    ...(r.pipeline.threshold.expectedFpr && Number.isFinite(r.report.fpr)
      ? [`calibrated ${describeExpectedFpr(r.pipeline.threshold.expectedFpr)}; measured here ${(100 * r.report.fpr).toFixed(2)} %`]
      : []),
    ...[thresholdCaveat(r.pipeline.threshold)].filter((c) => c !== null).map((c) => `caveat     ${c}`),
    `split      ${r.split ? describeSplit(r.split) : 'the --test files'}`,
    r.pipeline.detector.classes
      ? `training   ${t.trainRows} labelled rows of ${t.rowsRead} read; threshold from ${t.calibration ?? 'out-of-fold'} scores of ${t.holdoutRows} of the ${t.benignRows} benign rows`
      : `training   ${t.trainRows} benign rows (${t.calibration ? `threshold from ${t.calibration} scores of all of them` : `${t.holdoutRows} held back for the threshold`}) of ${t.rowsRead} read${t.cutRows ? `; ${t.cutRows} windows cut short by the end of a capture left out` : ''}`,
    `excluded   ${
      Object.entries(r.pipeline.preprocessor.excluded)
        .map(([c, why]) => `${c}: ${why}`)
        .join('; ') || 'none'
    }`,
    `test rows  read ${r.rows.read}, scored ${r.rows.scored}, skipped ${r.rows.skipped}${skippedDetail(r)}${'in_training_split' in r.rows ? `, in the training split ${(r.rows as { in_training_split: number }).in_training_split}` : ''}`,
    ...(r.packets ? [`packets    ${formatCaptureCounters(r.packets)}`] : []),
    `time       ${seconds.toFixed(1)} s`,
  ];
  if (r.alertLabels) {
    const a = r.alertLabels;
    lines.push(
      `alerts     the ${a.namer} named the class of ${(100 * a.class_accuracy).toFixed(1)} % and the family of ${(100 * a.family_accuracy).toFixed(1)} % of ${a.true_alerts} true alerts`,
    );
  }
  if (r.hybridParts) lines.push(hybridTable(r.hybridParts));
  if (r.adaptive) {
    const a = r.adaptive;
    lines.push(
      `adaptive   drift-aware threshold, test rows replayed in file order: recall ${(100 * a.tpr).toFixed(1)} %, false positives ${(100 * a.fpr).toFixed(2)} %; it ended at ${fmt(a.final_threshold)}, ${a.left_out} rows kept out of its window`,
    );
  }
  for (const w of r.warnings) lines.push(`warning    ${w}`);
  return lines.join('\n');
}

function hybridTable(h: HybridComparison): string {
  const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)} %` : '–');
  const rows = h.per_class.map((c) => [c.class + (c.benign ? ' (false positives)' : ''), pct(c.hybrid), pct(c.unsupervised), pct(c.classifier), c.verdict]);
  const parts =
    `hybrid parts alone at their own thresholds: ${h.unsupervised.kind} recall ${pct(h.unsupervised.tpr)} at ${pct(h.unsupervised.fpr)} false positives, ` +
    `${h.classifier.kind} recall ${pct(h.classifier.tpr)} at ${pct(h.classifier.fpr)}`;
  return `\n${parts}\n` + formatTable(['class', 'hybrid', h.unsupervised.kind, h.classifier.kind, 'hybrid against its parts'], rows);
}

function gridTable(results: GridResult[]): string {
  const rows = results
    .slice(0, 10)
    .map((r) => [
      String(r.params.n_estimators),
      String(r.params.max_samples),
      String(r.params.max_features),
      String(r.params.contamination),
      r.roc_auc.toFixed(4),
      String(Math.round(r.fit_ms)),
    ]);
  const title = `\nGrid search (${results.length} combinations, best 10; the threshold is still the --threshold one)\n`;
  return title + formatTable(['n_estimators', 'max_samples', 'max_features', 'contamination', 'ROC-AUC (train files)', 'fit ms'], rows);
}

function choiceTable(c: DetectorChoice): string {
  const rows = c.candidates.map((k) => [
    k.detector + (k.detector === c.detector ? ' (chosen)' : ''),
    ...(k.error || k.skipped
      ? ['–', '–', '–', k.error ?? `not fitted: ${k.skipped}`]
      : [k.roc_auc.toFixed(4), `${(100 * k.tpr).toFixed(1)} %`, `${(100 * k.fpr).toFixed(2)} %`, '']),
  ]);
  const title = `\nDetector chosen on the latest ${VALIDATION_FRACTION * 100} % of the training rows (${c.rows.benign} benign, ${c.rows.attack} attack)\n`;
  return title + formatTable(['candidate', 'ROC-AUC', 'recall', 'FPR', 'note'], rows);
}

function describeFusion(e: Ensemble): string {
  const f = e.fusion;
  if (f.chosen) return f.chosen;
  return `${f.fusion} of the members' benign ranks${e.params.fusion === 'auto' ? ' (no attack rows in the training files to choose the fusion on)' : ', as asked'}`;
}

function skippedDetail(r: Evaluation): string {
  const parts = Object.entries(r.rows.skipped_reasons).map(([why, n]) => `${n} ${why}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function fmt(v: number) {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(3);
}

function toJSON(r: Evaluation, seconds: number) {
  return {
    ...r.report,
    rows: r.rows,
    train_rows: r.trainRows,
    split: r.split,
    dataset: r.dataset,
    detector: r.pipeline.detector.kind,
    threshold_spec: r.pipeline.threshold.spec,
    threshold: r.pipeline.threshold.value,
    expected_fpr: r.pipeline.threshold.expectedFpr ?? null,
    threshold_caveat: thresholdCaveat(r.pipeline.threshold),
    adaptive: r.adaptive,
    excluded_columns: r.pipeline.preprocessor.excluded,
    training: r.pipeline.training,
    grid_search: r.grid,
    detector_choice: r.choice,
    ensemble_fusion: r.pipeline.detector instanceof Ensemble ? r.pipeline.detector.fusion : null,
    alert_labels: r.alertLabels,
    hybrid_parts: r.hybridParts,
    packets: r.packets,
    warnings: r.warnings,
    seconds,
  };
}
