import type { FitProgress } from '../util';
import { ClassifierDetector, type KnownClass } from '../detectors';
import { HybridDetector } from '../detectors';
import { createSupervised, DEFAULT_HYBRID, type DetectorSettings, type SupervisedKind } from '../detectors';
import { takeRows, type Matrix, type SourceFile, InputError } from '../ingest';
import { DEFAULT_PREPROCESSOR, Preprocessor, type PreprocessorParams, captureTimeColumns } from '../features';
import type { Dialect, ClassVocabulary } from '../schema';
import { DEFAULT_FOREST_PARAMS } from '../classifiers';
import { readLabelled, type LabelledSet } from './labelled-set';
import { calibrate, type ThresholdSpec } from '../threshold';
import { DEFAULT_MAX_TRAIN_ROWS, MIN_BENIGN_ROWS, type PipelineProgress } from './fit';
import { FittedPipeline } from './fitted-pipeline';

export interface FitSupervisedOptions {
  detector: SupervisedKind;
  settings?: DetectorSettings;
  threshold?: ThresholdSpec;
  preprocessor?: Partial<PreprocessorParams>;
  /** the benign rows are cut into this many consecutive folds, each scored by a model that did not learn it */
  folds?: number;
  /** labelled rows kept for training at most (a uniform sample past that) */
  maxTrainRows?: number;
  seed?: number;
  dialect?: Dialect;
  excludeRow?: (fileIndex: number, rowNumber: number, classIndex: number) => boolean;
  vocabulary?: ClassVocabulary;
  signal?: AbortSignal;
  onProgress?: (p: PipelineProgress) => void;
}

export interface SupervisedFit {
  pipeline: FittedPipeline;
  vocabulary: ClassVocabulary;
  dialect: Dialect;
  rows: LabelledSet['rows'];
}

export const DEFAULT_FOLDS = 5;
/**
 * A forest of fewer trees is calibrated out of fold: each row is out of the bag of about
 * 37 % of the trees, and a score averaged over a handful of them is so coarse that the
 * benign percentile lands on 1, a threshold nothing can pass (20 trees did that on the
 * newer CICIoMT2024 sample).
 */
const MIN_OUT_OF_BAG_TREES = 50;
/**
 * Scaled values are clipped this far out rather than the detectors' ±10: a classifier tells
 * floods apart by how far past benign traffic they are, and a hybrid's autoencoder only
 * scores such rows higher. On the time split of the newer CICIoMT2024 sample it raised the
 * hybrid from 89.1 % recall at 1.1 % false positives to 90.5 % at 0.4 %.
 */
const SUPERVISED_CLIP = 1e6;

/**
 * Trains a classifier detector or a hybrid on the labelled rows of the files, with its
 * threshold calibrated on benign rows it did not learn: each class's rows are cut into
 * `folds` consecutive blocks, and each block is scored by a model trained on everything
 * else (as a forest's out-of-bag rows are, for any model). A classifier is near-certain
 * about the rows it learned, so calibrating on those would promise a false-positive rate
 * it does not keep; a single held-back share would rest the threshold on few rows. The
 * model kept is then trained on every row. A hybrid's two parts are put on one benign
 * scale from the same out-of-fold scores, so its threshold is the whole's, and the share
 * of the false-positive budget each part gets is chosen on the out-of-fold attack rows.
 */
export async function fitSupervisedPipeline(files: SourceFile[], options: FitSupervisedOptions): Promise<SupervisedFit> {
  const started = Date.now();
  const seed = options.seed ?? 0;
  const { set, vocabulary } = await readLabelled(files, options.vocabulary, {
    dialect: options.dialect,
    maxRows: options.maxTrainRows ?? DEFAULT_MAX_TRAIN_ROWS,
    seed,
    signal: options.signal,
    excludeRow: options.excludeRow,
    onProgress: (p) => options.onProgress?.({ phase: 'read', ...p }),
  });
  const classes = vocabulary.names.map((name, c) => ({ name, benign: vocabulary.info[c].benign, family: vocabulary.info[c].family }));
  const benign: number[] = [];
  let attacks = 0;
  set.classIndex.forEach((c, i) => (classes[c].benign ? benign.push(i) : attacks++));
  const where = files.map((f) => f.name).join(', ');
  if (benign.length < MIN_BENIGN_ROWS)
    throw new InputError(
      `${benign.length} benign rows in ${where}: a ${options.detector} detector needs at least ${MIN_BENIGN_ROWS} to learn benign traffic and calibrate its threshold`,
    );
  if (attacks === 0)
    throw new InputError(
      `no labelled attack rows in ${where}: a ${options.detector} detector learns the attacks from them (the unsupervised detectors learn from benign rows alone)`,
    );

  const folds = options.folds ?? DEFAULT_FOLDS;
  if (!(Number.isInteger(folds) && folds >= 2)) throw new InputError(`folds must be a whole number of at least 2, got ${folds}`);
  if (benign.length < folds) throw new InputError(`${benign.length} benign rows cannot be cut into ${folds} folds to calibrate the threshold`);
  if (folds > 255) throw new InputError(`folds must be at most 255, got ${folds}`);
  const names = set.schema.columns.map((c) => c.name);
  // judged on benign rows alone: a file of classes one after another would look like drift
  const exclusions = {
    ...set.dialect.defaultExclusions,
    ...captureTimeColumns(
      takeRows(set.x, benign),
      benign.map((i) => set.fileIndex[i]),
      names,
    ),
  };
  const hybrid = options.detector === 'hybrid';
  // a hybrid's autoencoder needs benign-scaled inputs; a classifier alone is scaled on everything it learns from
  const preprocessor = new Preprocessor({ ...DEFAULT_PREPROCESSOR, clip: SUPERVISED_CLIP, ratios: true, ...options.preprocessor }).fit(
    hybrid ? takeRows(set.x, benign) : set.x,
    set.schema,
    exclusions,
  );
  const x = preprocessor.transform(set.x, set.schema);
  const y = set.classIndex;

  // a bootstrapped forest (alone or a hybrid's classifier) is calibrated on its out-of-bag
  // rows unless folds are asked for: each row scored by the trees of the kept forest that did
  // not draw it, rather than by forests refitted on less data, which score benign rows higher
  const settings = options.settings ?? {};
  const classifierKind = hybrid ? (settings.hybrid?.classifier ?? DEFAULT_HYBRID.classifier) : options.detector;
  const trees = Number(settings.classifier?.n_estimators ?? DEFAULT_FOREST_PARAMS.n_estimators);
  const outOfBag =
    options.folds === undefined && classifierKind === 'random_forest' && settings.classifier?.bootstrap !== false && trees >= MIN_OUT_OF_BAG_TREES;
  // a hybrid whose forest is calibrated out of bag needs only its detector part fitted per fold
  const outOfFold = hybrid || !outOfBag ? await outOfFoldScores(x, y, classes, folds, options, seed, hybrid && outOfBag) : [];
  const detector = createSupervised(options.detector, outOfBag ? { ...settings, classifier: { ...settings.classifier, oob_score: true } } : settings, seed);
  await detector.fitLabelled(x, y, classes, fitOptions(options, 'all rows'));
  if (outOfBag) outOfFold[hybrid ? 1 : 0] = (detector instanceof HybridDetector ? detector.classifier : detector).outOfBagScores()!;

  options.onProgress?.({ phase: 'calibrate' });
  const spec = options.threshold ?? { kind: 'percentile', p: 99 };
  // a row every tree drew has no out-of-bag score: it is left out of the calibration
  const scoredRows = [...y.keys()].filter((i) => outOfFold.every((s) => !Number.isNaN(s[i])));
  const calibrationRows = scoredRows.filter((i) => classes[y[i]].benign);
  if (calibrationRows.length < MIN_BENIGN_ROWS)
    throw new InputError(
      `only ${calibrationRows.length} benign rows were left out of the forest's trees: too few to calibrate its threshold; give folds instead`,
    );
  const benignOutOfFold = outOfFold.map((s) => Float32Array.from(calibrationRows, (i) => s[i]));
  let calibrationScores: Float32Array;
  if (detector instanceof HybridDetector) {
    detector.setScale(benignOutOfFold);
    detector.chooseBalance(
      outOfFold.map((s) => Float32Array.from(scoredRows, (i) => s[i])),
      Uint8Array.from(scoredRows, (i) => (classes[y[i]].benign ? 0 : 1)),
      spec,
    );
    detector.calibrateParts(benignOutOfFold, spec);
    calibrationScores = detector.fuse(benignOutOfFold.map((s) => s.slice()));
  } else calibrationScores = benignOutOfFold[0];
  const threshold = calibrate(spec, calibrationScores, calibrationScores);

  const pipeline = new FittedPipeline(set.schema, preprocessor, detector, threshold, {
    files: files.map((f) => f.name),
    dataset: set.dialect.name,
    rowsRead: set.rows.read,
    benignRows: benign.length,
    trainRows: x.n,
    holdoutRows: calibrationRows.length,
    calibration: outOfBag ? (hybrid ? 'out-of-fold and out-of-bag' : 'out-of-bag') : 'out-of-fold',
    fitMs: Date.now() - started,
    createdAt: new Date().toISOString(),
  });
  return { pipeline, vocabulary, dialect: set.dialect, rows: set.rows };
}

/**
 * Raw scores of every row (one channel per scored part), each from a model that did not
 * learn it: each class is cut into `folds` consecutive blocks, so the last fold holds each
 * class's latest rows. With `detectorOnly` a hybrid's classifier channel is left at 0 for
 * the caller to fill (from the forest's out-of-bag rows): its fold forests are not fitted.
 */
async function outOfFoldScores(
  x: Matrix,
  y: Int32Array,
  classes: KnownClass[],
  folds: number,
  options: FitSupervisedOptions,
  seed: number,
  detectorOnly: boolean,
): Promise<Float32Array[]> {
  const fold = foldOf(y, folds);
  const outOfFold = Array.from({ length: options.detector === 'hybrid' ? 2 : 1 }, () => new Float32Array(x.n));
  for (let k = 0; k < folds; k++) {
    const held: number[] = [];
    const rest: number[] = [];
    for (let i = 0; i < x.n; i++) (fold[i] === k ? held : rest).push(i);
    const model = createSupervised(options.detector, options.settings, seed);
    try {
      const fit = [takeRows(x, rest), Int32Array.from(rest, (i) => y[i]), classes, fitOptions(options, `fold ${k + 1}/${folds}`)] as const;
      let scores: Float32Array[];
      if (detectorOnly && model instanceof HybridDetector) {
        await model.fitUnsupervised(...fit);
        scores = [await model.unsupervised.score(takeRows(x, held))];
      } else {
        await model.fitLabelled(...fit);
        scores = await rawScores(model, takeRows(x, held));
      }
      scores.forEach((s, c) => held.forEach((r, j) => (outOfFold[c][r] = s[j])));
    } finally {
      model.dispose();
    }
  }
  return outOfFold;
}

function fitOptions(options: FitSupervisedOptions, step: string) {
  return { signal: options.signal, progress: (p: FitProgress) => options.onProgress?.({ phase: 'fit' as const, ...p, stage: `${step}: ${p.stage}` }) };
}

/** the scores the calibration needs: a hybrid's two parts raw, or a classifier's own */
async function rawScores(model: ClassifierDetector | HybridDetector, x: Matrix): Promise<Float32Array[]> {
  return model instanceof HybridDetector ? model.memberScores(x, false) : [await model.score(x)];
}

/** each row's fold: per class, `folds` consecutive blocks in read order */
function foldOf(y: Int32Array, folds: number): Uint8Array {
  const perClass = new Map<number, number>();
  for (const c of y) perClass.set(c, (perClass.get(c) ?? 0) + 1);
  const seen = new Map<number, number>();
  return Uint8Array.from(y, (c) => {
    const p = seen.get(c) ?? 0;
    seen.set(c, p + 1);
    return Math.floor((p * folds) / perClass.get(c)!);
  });
}
