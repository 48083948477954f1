import { createDetector, type DetectorKind, type DetectorSettings } from '../detectors';
import { Ensemble, type Detector } from '../detectors';
import type { FitOptions, FitProgress } from '../util';
import { gridSearchIsolationForest, type GridResult, type IsolationForestGrid } from '../detectors';
import { concatRows, fileStretches, takeRows, type Matrix, DatasetReader, type ReadProgress, type SourceFile, InputError, RowSample } from '../ingest';
import { DEFAULT_PREPROCESSOR, Preprocessor, type PreprocessorParams, captureTimeColumns } from '../features';
import { ClassVocabulary, type Dialect, type Schema } from '../schema';
import { calibrate, rowsForPercentile, type ThresholdSpec } from '../threshold';
import { FittedPipeline, type TrainingSummary } from './fitted-pipeline';
import { keptRows } from './row-split';

export interface FitPipelineOptions {
  detector: DetectorKind;
  settings?: DetectorSettings;
  threshold?: ThresholdSpec;
  preprocessor?: Partial<PreprocessorParams>;
  /** share of benign training rows held back to calibrate the threshold */
  holdout?: number;
  /** benign rows kept for training at most (a uniform sample past that) */
  maxTrainRows?: number;
  seed?: number;
  /** read the files in this dialect instead of detecting it */
  dialect?: Dialect;
  /**
   * leave these rows out of training: the test part of a split of the same files (asked
   * once per row, in reading order; see `RowSplit.reading`)
   */
  excludeRow?: (fileIndex: number, rowNumber: number, classIndex: number) => boolean;
  /** share the class indices with a later test reading */
  vocabulary?: ClassVocabulary;
  /**
   * Isolation forest only: try every combination and keep the best, ranked by ROC-AUC of
   * the held-back benign rows against the training files' attack rows (as the original
   * system chose its settings; the test files stay unseen).
   */
  grid?: IsolationForestGrid;
  signal?: AbortSignal;
  onProgress?: (p: PipelineProgress) => void;
}

export type PipelineProgress = ({ phase: 'read' } & ReadProgress) | ({ phase: 'fit' } & FitProgress) | { phase: 'calibrate' };

export const DEFAULT_HOLDOUT = 0.2;
export const DEFAULT_MAX_TRAIN_ROWS = 200_000;
/** fewer benign rows than this cannot both train a detector and calibrate its threshold */
export const MIN_BENIGN_ROWS = 10;
/**
 * folds of a small training set scored out of fold (`fitBenignRows`): ten, so each fold's detector learns 90 % of the
 * rows and misses few of a rare normal kind (six reconnects in a short capture); with five, a fifth of them were missing
 * and scored higher
 */
const CALIBRATION_FOLDS = 10;
/**
 * more benign rows than this are not scored out of fold: eleven fits of a small set take seconds, of a large one minutes,
 * and a large set's held-back rows measure every percentile but the most extreme (which the caveat then names)
 */
const OUT_OF_FOLD_MAX_ROWS = 20_000;
/**
 * not calibrated out of fold: the LSTM reads consecutive rows as sequences (a fold of every tenth row is none), and an
 * ensemble puts its members on the scale of held-back rows
 */
const SEQUENCE_OR_FUSED = new Set<DetectorKind>(['lstm', 'ensemble']);
/** attack rows of the training files kept to rank a grid search or choose an ensemble's fusion */
const ATTACK_ROWS = 20_000;

/**
 * Reads the training files, keeps their benign rows (and a capture's unlabelled ones), fits the preprocessor and the
 * detector on most of them and calibrates the threshold on the rest.
 */
export async function fitPipeline(
  files: SourceFile[],
  options: FitPipelineOptions,
): Promise<{ pipeline: FittedPipeline; reader: DatasetReader; grid: GridResult[] | null }> {
  const started = Date.now();
  const seed = options.seed ?? 0;
  if (options.grid && options.detector !== 'iforest') throw new InputError('a grid search is for the isolation forest (--detector iforest)');
  const reader = new DatasetReader(files, {
    dialect: options.dialect,
    vocabulary: options.vocabulary,
    signal: options.signal,
    onProgress: (p) => options.onProgress?.({ phase: 'read', ...p }),
  });
  let benignSample: RowSample | null = null;
  let attackSample: RowSample | null = null;
  let cutRows = 0;
  for await (const raw of reader.batches()) {
    // cut windows left out: short captures end in one per device, all among the latest rows the threshold is calibrated
    // on, where their few packets' counts and sizes outscored every attack. Counted among the benign rows they would have been.
    const batch = keptRows(raw, options.excludeRow, (c) => {
      if (c < 0 || reader.classes.isBenign(c)) cutRows++;
    });
    benignSample ??= new RowSample(batch.d, options.maxTrainRows ?? DEFAULT_MAX_TRAIN_ROWS, seed);
    // an unlabelled capture given to train on is the user's own normal traffic: the detector learns it as such
    benignSample.add(batch, (c) => c < 0 || reader.classes.isBenign(c));
    if (options.grid || options.detector === 'ensemble') {
      attackSample ??= new RowSample(batch.d, ATTACK_ROWS, seed + 1);
      attackSample.add(batch, (c) => c >= 0 && !reader.classes.isBenign(c));
    }
  }
  const schema = reader.schema!;
  const dialect = reader.dialect!;
  const benignSeen = benignSample?.seen ?? 0;
  if (!benignSample || benignSeen === 0) {
    throw new InputError(`no benign rows to train on in ${files.map((f) => f.name).join(', ')} (the detectors learn what normal traffic looks like)`);
  }
  if (benignSeen < MIN_BENIGN_ROWS) {
    throw new InputError(
      `only ${benignSeen} benign row${benignSeen === 1 ? '' : 's'} to train on: at least ${MIN_BENIGN_ROWS} are needed to learn normal traffic and calibrate a threshold`,
    );
  }
  const { x: benign, fileIndex } = benignSample.rows();
  const attacks = attackSample?.seen ? attackSample.rows().x : null;
  const { pipeline, grid } = await fitBenignRows(
    benign,
    fileIndex,
    schema,
    dialect,
    options,
    {
      files: files.map((f) => f.name),
      rowsRead: reader.counters.read,
      benignRows: benignSeen,
      cutRows,
      started,
    },
    attacks,
  );
  return { pipeline, reader, grid };
}

/**
 * Fits the preprocessor and the detector on the earlier benign rows of each file and
 * calibrates the threshold on the latest ones (`benign` in file order, `fileIndex`
 * separating files); where those are too few to measure a percentile threshold (fewer than
 * 100 for p99), it is calibrated on every row scored out of fold and the detector learns them all.
 * The files' reading and a live feed's learning period both end here.
 */
export async function fitBenignRows(
  benign: Matrix,
  fileIndex: ArrayLike<number>,
  schema: Schema,
  dialect: Pick<Dialect, 'name' | 'defaultExclusions'>,
  options: Omit<FitPipelineOptions, 'excludeRow' | 'vocabulary' | 'dialect'>,
  source: { files: string[]; rowsRead: number; benignRows: number; cutRows?: number; started: number },
  trainingAttacks: Matrix | null = null,
): Promise<{ pipeline: FittedPipeline; grid: GridResult[] | null }> {
  const seed = options.seed ?? 0;
  const names = schema.columns.map((c) => c.name);
  const exclusions = { ...dialect.defaultExclusions, ...captureTimeColumns(benign, fileIndex, names) };

  const spec = options.threshold ?? { kind: 'percentile', p: 99 };
  const fitOptions = (step?: string) => ({
    signal: options.signal,
    progress: (p: FitProgress) => options.onProgress?.({ phase: 'fit', ...p, ...(step && { stage: `${step}: ${p.stage}` }) }),
  });
  const fitPreprocessor = (rows: Matrix) => new Preprocessor({ ...DEFAULT_PREPROCESSOR, ...options.preprocessor }).fit(rows, schema, exclusions);
  const holdoutShare = options.holdout ?? DEFAULT_HOLDOUT;
  const { trainIdx, holdoutIdx } = latestHoldout(fileIndex, holdoutShare);
  const outOfFold =
    spec.kind === 'percentile' &&
    holdoutIdx.length < rowsForPercentile(spec.p) &&
    benign.n <= OUT_OF_FOLD_MAX_ROWS &&
    !options.grid &&
    !SEQUENCE_OR_FUSED.has(options.detector);
  if (outOfFold) {
    // too few held back to measure the percentile (it would be about their highest score, which one unusual benign row
    // sets: a short capture's session start or end): every benign row is scored out of fold, and the detector learns them all
    const preprocessor = fitPreprocessor(benign);
    const x = preprocessor.transform(benign, schema);
    const scores = await outOfFoldScores(x, options, seed, fitOptions);
    const detector = createDetector(options.detector, options.settings, seed);
    await detector.fit(x, fitOptions('all rows'));
    options.onProgress?.({ phase: 'calibrate' });
    const pipeline = new FittedPipeline(schema, preprocessor, detector, calibrate(spec, scores, scores), {
      ...summary(source, dialect.name, x.n, x.n),
      calibration: 'out-of-fold',
    });
    return { pipeline, grid: null };
  }
  const trainRaw = takeRows(benign, trainIdx);
  const preprocessor = fitPreprocessor(trainRaw);
  const train = preprocessor.transform(trainRaw, schema);
  const holdout = preprocessor.transform(takeRows(benign, holdoutIdx), schema);

  let detector: Detector;
  let grid: GridResult[] | null = null;
  const attacks = trainingAttacks ? preprocessor.transform(trainingAttacks, schema) : null;
  if (options.grid) {
    if (!attacks || holdout.n === 0) throw new InputError('a grid search needs attack rows and benign rows in the training files to rank the settings');
    const search = await gridSearchIsolationForest(train, validationSet(holdout, attacks), options.grid, { ...fitOptions(), random_state: seed });
    detector = search.best;
    grid = search.results;
  } else {
    detector = createDetector(options.detector, options.settings, seed);
    await detector.fit(train, fitOptions());
  }

  options.onProgress?.({ phase: 'calibrate' });
  // an ensemble puts its members on the scale of the held-back rows and chooses its fusion on the training files' attacks
  if (detector instanceof Ensemble) await detector.calibrate(holdout, attacks, spec.kind === 'percentile' ? spec.p : 99);
  const holdoutScores = holdout.n ? await detector.score(holdout) : new Float32Array(0);
  const trainScores = spec.kind === 'contamination' ? await detector.score(train) : new Float32Array(0);
  const threshold = calibrate(spec, holdoutScores, trainScores);

  const pipeline = new FittedPipeline(schema, preprocessor, detector, threshold, summary(source, dialect.name, trainIdx.length, holdoutIdx.length));
  return { pipeline, grid };
}

type SourceSummary = Parameters<typeof fitBenignRows>[5];

function summary(source: SourceSummary, dataset: string, trainRows: number, holdoutRows: number): TrainingSummary {
  return {
    files: source.files,
    dataset,
    rowsRead: source.rowsRead,
    benignRows: source.benignRows,
    trainRows,
    holdoutRows,
    ...(source.cutRows && { cutRows: source.cutRows }),
    fitMs: Date.now() - source.started,
    createdAt: new Date().toISOString(),
  };
}

/**
 * Every benign row's score from a detector that did not learn it: row i is in fold
 * i mod `CALIBRATION_FOLDS`, each fold scored by a detector fitted on the others. Interleaved,
 * not consecutive blocks: a capture's rare normal windows come together in time (every
 * device starts its session in the first second, reconnects at about the same moment), so a
 * block would hold all of one kind and its detector would never have seen it.
 */
async function outOfFoldScores(
  x: Matrix,
  options: Pick<FitPipelineOptions, 'detector' | 'settings'>,
  seed: number,
  fitOptions: (step: string) => FitOptions,
): Promise<Float32Array> {
  const scores = new Float32Array(x.n);
  const folds = Math.min(CALIBRATION_FOLDS, x.n);
  for (let k = 0; k < folds; k++) {
    const held: number[] = [];
    const rest: number[] = [];
    for (let i = 0; i < x.n; i++) (i % CALIBRATION_FOLDS === k ? held : rest).push(i);
    const detector = createDetector(options.detector, options.settings, seed);
    try {
      await detector.fit(takeRows(x, rest), fitOptions(`fold ${k + 1}/${folds}`));
      const s = await detector.score(takeRows(x, held));
      held.forEach((r, j) => (scores[r] = s[j]));
    } finally {
      detector.dispose();
    }
  }
  return scores;
}

/** benign rows labelled 0, attack rows 1 */
function validationSet(benign: Matrix, attacks: Matrix): { x: Matrix; y: Uint8Array } {
  const y = new Uint8Array(benign.n + attacks.n);
  y.fill(1, benign.n);
  return { x: concatRows([benign, attacks]), y };
}

/**
 * The benign rows held back for calibration: `share` of each file's rows (rows in file
 * order), taken from its latest stretch, every other row of the latest 2 × `share`. The
 * threshold is set on the traffic nearest to what comes next, so slow drift shows in it
 * instead of being averaged away; and the detector learns the other half of that stretch,
 * so a kind of benign traffic that only appears late in the capture (BoT-IoT's long flows
 * between the attacks) is learned, not left for the threshold to climb over: held back
 * whole, it was never seen by the detector, scored above the bulk, and the 99th
 * percentile landed on it, above most attacks. At least one row on each side where a file
 * has two.
 */
export function latestHoldout(fileIndex: ArrayLike<number>, share: number) {
  const trainIdx: number[] = [];
  const holdoutIdx: number[] = [];
  for (const [start, end] of fileStretches(fileIndex)) {
    const n = end - start;
    let k = Math.round(n * share);
    if (share > 0 && n >= 2) k = Math.min(Math.max(k, 1), n - 1);
    const held = new Uint8Array(n);
    let taken = 0;
    for (let i = n - 1; i >= 0 && taken < k; i -= 2, taken++) held[i] = 1;
    // a share above one half: the rest from the latest rows left
    for (let i = n - 1; i >= 0 && taken < k; i--) if (!held[i]) ((held[i] = 1), taken++);
    for (let i = 0; i < n; i++) (held[i] ? holdoutIdx : trainIdx).push(start + i);
  }
  return { trainIdx, holdoutIdx };
}
