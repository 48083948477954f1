import { type SourceFile, DatasetReader, totalSkipped, type IngestCounters, InputError } from '../ingest';
import type { CaptureCounters } from '../packets';
import type { GridResult } from '../detectors';
import { evaluateBinary, type BinaryReport } from '../metrics';
import { verdicts, AdaptiveThreshold, type AdaptiveThresholdOptions } from '../threshold';
import { type Dialect, ClassVocabulary } from '../schema';
import { fitPipeline, type FitPipelineOptions } from './fit';
import type { FittedPipeline } from './fitted-pipeline';
import { countTimeSplit, keptRows, randomSplit, type RowSplit, type SplitKind } from './row-split';
import { ScoreLog } from './score-log';
import { AlertLabeller, type AlertNaming } from './alert-labeller';
import { HybridDetector } from '../detectors';
import { isSupervised, type ModelKind } from '../detectors';
import { CHOICE_FOLDS, chooseDetector, type DetectorChoice } from './choose-detector';
import { DEFAULT_FOLDS, fitSupervisedPipeline } from './fit-supervised';
import { HybridParts, type HybridComparison } from './hybrid-parts';

export interface EvaluateOptions extends Omit<FitPipelineOptions, 'excludeRow' | 'vocabulary' | 'detector'> {
  /**
   * an unsupervised detector (learns benign rows), a classifier or a hybrid (learn labelled
   * rows), or "auto": the one that does best on the latest training rows (see `chooseDetector`)
   */
  detector: ModelKind | 'auto';
  /** with "auto": the kinds to choose from (default `AUTO_CANDIDATES`) */
  candidates?: readonly ModelKind[];
  /** files to train on (their benign rows); not needed with `model` */
  train?: SourceFile[];
  /** files to score; without them a seeded share of the training files' rows is held out */
  test?: SourceFile[];
  /** share of rows held out for testing when no test files are given */
  testFraction?: number;
  /** how they are held out: the later rows of each file and class (default) or a random share */
  split?: SplitKind;
  /** a fitted pipeline to score with instead of training one */
  model?: FittedPipeline;
  /** also replay the test rows, in reading order, through a drift-aware threshold and report its figures */
  adaptive?: AdaptiveThresholdOptions;
  /**
   * name the attack class of each alert: with the model itself where it names classes (a
   * classifier or hybrid), else with a random forest trained on the training files
   */
  labelAlerts?: boolean;
  /** classifier or hybrid: benign folds scored out of fold for the threshold (default 5) */
  folds?: number;
  /** a fitted classifier or hybrid that names the class of each alert (the second stage) */
  namer?: FittedPipeline;
}

export interface RowCounts {
  read: number;
  scored: number;
  skipped: number;
  skipped_reasons: IngestCounters['skipped'];
  /** numeric cells repaired by the cell policy, per column */
  repaired_cells: IngestCounters['cells'];
}

export interface Evaluation {
  report: BinaryReport;
  rows: RowCounts;
  pipeline: FittedPipeline;
  /** dataset of the test files and how sure the detection was */
  dataset: { dialect: string; name: string; confidence: number | null; files: string[] };
  /** rows of the training reading, where one was done */
  trainRows: RowCounts | null;
  /** how the training files were split, when no test files were given */
  split: { kind: SplitKind; test_fraction: number } | null;
  /** every combination a grid search tried, best first */
  grid: GridResult[] | null;
  /** with detector "auto": the candidates as measured on the validation tail of the training rows, and the one chosen */
  choice: DetectorChoice | null;
  /** how well the second stage named the class of true alerts */
  alertLabels: AlertNaming | null;
  /** the test rows replayed in reading order through a drift-aware threshold, when asked */
  adaptive: AdaptiveFigures | null;
  /** a hybrid against its two parts alone, per class */
  hybridParts: HybridComparison | null;
  /** what the packet captures among the test files held (null: no captures) */
  packets: CaptureCounters | null;
  warnings: string[];
}

export const DEFAULT_TEST_FRACTION = 0.3;

/** Train (or load), score every test row, and measure. */
export async function evaluate(options: EvaluateOptions): Promise<Evaluation> {
  const seed = options.seed ?? 0;
  const warnings: string[] = [];
  const splitting = !options.test?.length;
  const testFraction = options.testFraction ?? DEFAULT_TEST_FRACTION;
  const testFiles = splitting ? options.train : options.test;
  if (!testFiles?.length) throw new InputError('nothing to test: give test files, or training files to split');

  let pipeline = options.model ?? null;
  let vocabulary: ClassVocabulary | undefined;
  let trainRows: RowCounts | null = null;
  let grid: GridResult[] | null = null;
  let dialect: Dialect | undefined = options.dialect;
  let split: RowSplit | null = null;
  if (splitting && (options.split ?? 'time') === 'time') {
    ({ split, vocabulary, dialect } = await countTimeSplit(testFiles, testFraction, { dialect, signal: options.signal }));
  } else if (splitting) split = randomSplit(testFraction, seed);
  const excludeRow = split?.isTest;
  let choice: DetectorChoice | null = null;
  let kind = options.detector;
  if (!pipeline) {
    if (!options.train?.length) throw new InputError('nothing to train on: give training files or a saved model');
    const train = options.train;
    if (kind === 'auto') {
      choice = await chooseDetector(train, {
        outer: excludeRow ?? null,
        dialect,
        vocabulary,
        signal: options.signal,
        candidates: options.candidates,
        fit: async (k, exclude) =>
          (
            await fitModel(train, {
              ...options,
              folds: Math.min(options.folds ?? DEFAULT_FOLDS, CHOICE_FOLDS),
              detector: k,
              dialect,
              vocabulary,
              excludeRow: exclude,
            })
          ).pipeline,
      });
      kind = choice.detector;
    }
    const fitted = await fitModel(train, { ...options, detector: kind, dialect, vocabulary, excludeRow });
    ({ pipeline, vocabulary, dialect, trainRows, grid } = fitted);
    if (overlaps(options.train, options.test))
      warnings.push('the same file is in --train and --test: its benign rows are scored after being learned, which flatters the results');
  }

  let namer = options.namer ?? null;
  if (!namer && options.labelAlerts && pipeline.detector.nameClasses) namer = pipeline;
  else if (!namer && options.labelAlerts) {
    if (!options.train?.length)
      throw new InputError('naming the class of alerts needs --train files with labelled attacks, or a saved classifier to name them');
    namer = (await fitSupervisedPipeline(options.train, { detector: 'random_forest', dialect, seed, vocabulary, signal: options.signal, excludeRow })).pipeline;
  }

  const reader = new DatasetReader(testFiles, {
    dialect,
    vocabulary,
    signal: options.signal,
    onProgress: (p) => options.onProgress?.({ phase: 'read', ...p }),
  });
  const log = new ScoreLog();
  const labeller = namer && new AlertLabeller(namer, reader.classes);
  const parts = pipeline.detector instanceof HybridDetector ? new HybridParts(pipeline.detector) : null;
  let scored = 0;
  // a capture's windows cut short by its end (where the capture stopped, not the device) are skipped, counted
  let cut = 0;
  const notTest = split && ((f: number, r: number, c: number) => !split.isTest(f, r, c));
  for await (const raw of reader.batches()) {
    if (scored === 0) {
      pipeline.assertCompatible(reader.schema!);
      namer?.assertCompatible(reader.schema!);
    }
    const batch = keptRows(raw, notTest || undefined, () => cut++);
    if (batch.n === 0) continue;
    // `features` only where needed: reading them is what preprocesses for a detector that scores raw rows
    const scoredRows = await pipeline.score(batch, reader.schema!);
    const scores = scoredRows.scores;
    log.append(scores, batch.classIndex);
    labeller?.label(batch, reader.schema!, verdicts(scores, pipeline.threshold.value), batch.classIndex);
    if (parts) await parts.add(scoredRows.features, batch.classIndex);
    scored += batch.n;
  }
  if (scored === 0) throw new InputError(nothingScored(reader.counters, cut, splitting));
  const classes = reader.classes;
  const { scores, classIndex } = log.view;
  const report = evaluateBinary({
    scores,
    threshold: pipeline.threshold.value,
    truth: classes.truthOf(classIndex),
    classIndex,
    classNames: classes.names,
    isBenign: classes.info.map((c) => c.benign),
    families: classes.info.map((c) => c.family),
  });
  const adaptive = options.adaptive ? adaptiveFigures(scores, classes.truthOf(classIndex), classIndex, pipeline, options.adaptive) : null;
  const { unlabelled } = report;
  if (unlabelled.rows === scored) {
    warnings.push(
      'the test rows carry no labels (packet captures read without a label): only their alerts are counted; recall, false positives and the confusion matrix need labels (features --label <Class>, or a file named after its class)',
    );
  } else {
    if (unlabelled.rows > 0) warnings.push(`${unlabelled.rows} test rows carry no labels: their alerts are counted apart, and they are in no other figure`);
    const present = new Set<number>();
    for (const k of classIndex) if (k >= 0) present.add(k);
    if (![...present].some((k) => !classes.info[k].benign)) warnings.push('the test rows hold no attacks: ROC-AUC and recall are undefined');
    if (![...present].some((k) => classes.info[k].benign)) warnings.push('the test rows hold no benign traffic: the false-positive rate is undefined');
  }
  const mediums = new Set(classes.names.map((n) => (/^Bluetooth/i.test(n) ? 'Bluetooth' : 'WiFi/MQTT')));
  if (reader.dialect?.id === 'ciciomt2024-v1' && mediums.size > 1) {
    warnings.push('Bluetooth and Wi-Fi/MQTT captures are mixed: they are different domains, evaluate them separately');
  }
  const first = reader.files[0]?.detection;
  return {
    report,
    rows: rowCounts(reader.counters, scored, cut, splitting ? reader.counters.accepted - scored - cut : 0),
    pipeline,
    dataset: {
      dialect: reader.dialect!.id,
      name: reader.dialect!.name,
      confidence: first ? first.confidence : null,
      files: testFiles.map((f) => f.name),
    },
    trainRows,
    split: split && { kind: split.kind, test_fraction: split.testFraction },
    grid,
    choice,
    alertLabels: labeller?.summary() ?? null,
    adaptive,
    hybridParts: parts?.compare(report, classes) ?? null,
    packets: reader.captures,
    // a damaged capture keeps the packets before the damage: say what could not be read
    warnings: [...warnings, ...(reader.captures?.problems ?? [])],
  };
}

export interface AdaptiveFigures {
  tpr: number;
  fpr: number;
  /** the threshold after the last row */
  final_threshold: number;
  /** rows that stood out and were kept out of its window */
  left_out: number;
}

/** scores (in reading order) judged batch by batch by a drift-aware threshold that starts from the calibrated one; unlabelled rows are judged but in neither rate */
function adaptiveFigures(
  scores: Float32Array,
  truth: Uint8Array,
  classIndex: Int32Array,
  pipeline: FittedPipeline,
  options: AdaptiveThresholdOptions,
): AdaptiveFigures {
  const t = pipeline.threshold;
  const spec = t.spec.kind === 'percentile' ? { p: t.spec.p } : {};
  const threshold = new AdaptiveThreshold(t.value, t.benignMedian ?? NaN, { ...spec, ...options });
  let tp = 0;
  let fp = 0;
  let positives = 0;
  let negatives = 0;
  for (let start = 0; start < scores.length; start += REPLAY_BATCH) {
    const batch = scores.subarray(start, start + REPLAY_BATCH);
    const flagged = threshold.judge(batch);
    for (let i = 0; i < batch.length; i++) {
      if (classIndex[start + i] < 0) continue;
      const attack = truth[start + i] === 1;
      if (attack) positives++;
      else negatives++;
      if (flagged[i]) attack ? tp++ : fp++;
    }
  }
  return { tpr: positives ? tp / positives : NaN, fpr: negatives ? fp / negatives : NaN, final_threshold: threshold.value, left_out: threshold.leftOut };
}

/** rows per batch when replaying scores through a drift-aware threshold (a replay's batches are of this order) */
const REPLAY_BATCH = 256;

type FitModelOptions = Omit<EvaluateOptions, 'detector'> & Pick<FitPipelineOptions, 'excludeRow' | 'vocabulary'> & { detector: ModelKind };

/** fits a model of any kind on the training files (rows `excludeRow` leaves in) */
async function fitModel(train: SourceFile[], options: FitModelOptions) {
  const kind = options.detector;
  if (isSupervised(kind)) {
    const fitted = await fitSupervisedPipeline(train, { ...options, detector: kind });
    const trainRows: RowCounts = { read: fitted.rows.read, scored: 0, skipped: fitted.rows.skipped, skipped_reasons: {}, repaired_cells: {} };
    return { pipeline: fitted.pipeline, vocabulary: fitted.vocabulary, dialect: fitted.dialect, trainRows, grid: null };
  }
  const fitted = await fitPipeline(train, { ...options, detector: kind });
  return {
    pipeline: fitted.pipeline,
    vocabulary: fitted.reader.classes,
    dialect: fitted.reader.dialect!,
    trainRows: rowCounts(fitted.reader.counters, 0, 0),
    grid: fitted.grid,
  };
}

/**
 * Counts of a reading. When a split holds out part of the rows, the rest were used for
 * training and are reported as such, so `read = scored + skipped + trained_on`.
 */
function rowCounts(c: IngestCounters, scored: number, cut: number, usedForTraining = 0): RowCounts & { in_training_split?: number } {
  const counts: RowCounts & { in_training_split?: number } = {
    read: c.read,
    scored,
    skipped: totalSkipped(c) + cut,
    skipped_reasons: cut ? { ...c.skipped, 'window cut by the end of its capture': cut } : c.skipped,
    repaired_cells: c.cells,
  };
  if (usedForTraining) counts.in_training_split = usedForTraining;
  return counts;
}

/** The sentence for a test reading that scored nothing: which rows were read and where they went. */
function nothingScored(c: IngestCounters, cut: number, splitting: boolean): string {
  const rows = `${c.read} test row${c.read === 1 ? '' : 's'}`;
  if (c.accepted > cut && splitting) return `none of the ${rows} fell in the test split: give more rows, a larger --test-fraction, or --test files`;
  const reasons = Object.entries(rowCounts(c, 0, cut).skipped_reasons)
    .map(([why, n]) => `${n} ${why}`)
    .join(', ');
  return `every one of the ${rows} was skipped (${reasons}): nothing was scored`;
}

function overlaps(a: SourceFile[] | undefined, b: SourceFile[] | undefined): boolean {
  if (!a || !b) return false;
  const names = new Set(a.map((f) => f.name));
  return b.some((f) => names.has(f.name));
}
