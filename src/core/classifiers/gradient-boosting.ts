import { type FitOptions, Random } from '../util';
import type { Matrix } from '../ingest';
import { argmaxRows, type Classifier, type ClassifierJSON } from './classifier';
import { checkModelJSON, growLimits, validateLimits, type LimitParams } from './decision-tree';
import { FitPacer } from './fit-pacer';
import { BinnedColumns, HistogramSplitter, newHistogram, rootHistograms } from './histogram-splitter';
import { checkFitInput, growTree } from './tree-builder';
import { addTreeValues, treeFromJSON, treeToJSON, type Tree, type TreeJSON } from './tree-storage';

/**
 * Gradient boosting with scikit-learn's semantics and defaults
 * (`sklearn.ensemble.GradientBoostingClassifier`, loss='log_loss'): raw predictions start
 * at the prior (log-odds for two classes, centred log class priors for more); each stage
 * fits a regression tree (friedman_mse) to the negative gradient of each class — one tree
 * for two classes, K for K > 2 — and sets its leaves by one Newton step,
 * Σ residual / Σ p(1 − p), times (K − 1)/K for K > 2. Probabilities are the logistic of
 * the raw prediction, or its softmax.
 *
 * Unlike sklearn's exact splitter, the trees split on the features binned once into at
 * most `max_bins` quantile bins (as HistGradientBoosting does): boosting grows thousands
 * of small trees, and exact sorting would dominate its time. On a column with at most
 * `max_bins` distinct values the bins find the same best split as sorting. A stage's K
 * root histograms are built in one pass over the rows.
 */
export interface GradientBoostingClassifierParams extends LimitParams {
  n_estimators: number;
  learning_rate: number;
  /** fraction of the rows (drawn without replacement per stage) each stage's trees see */
  subsample: number;
  /** seeds the subsampling */
  random_state: number;
  /** bins per feature for the split search, ≤ 255 */
  max_bins: number;
}

export const DEFAULT_GBT_PARAMS: Readonly<GradientBoostingClassifierParams> = {
  n_estimators: 100,
  learning_rate: 0.1,
  max_depth: 3,
  subsample: 1.0,
  min_samples_split: 2,
  min_samples_leaf: 1,
  random_state: 0,
  max_bins: 255,
};

const JSON_VERSION = 1;
/** numpy's float32 eps: sklearn clips the prior to [eps, 1 − eps] before taking logs */
const PRIOR_EPS = 2 ** -23;

export interface GradientBoostingClassifierJSON extends ClassifierJSON {
  kind: 'gbt';
  version: number;
  params: GradientBoostingClassifierParams;
  n_features_in_: number;
  n_classes_: number;
  /** the initial raw prediction per tree column (1 for two classes, else one per class) */
  init_: number[];
  /** stage by stage, each stage's trees in class order; leaf values before the learning rate */
  trees: TreeJSON[];
}

interface Fitted {
  trees: Tree[];
  init: Float64Array;
  nFeatures: number;
  nClasses: number;
}

export class GradientBoostingClassifier implements Classifier {
  readonly kind = 'gbt';
  readonly params: Readonly<GradientBoostingClassifierParams>;
  private fitted: Fitted | null = null;

  constructor(params: Partial<GradientBoostingClassifierParams> = {}) {
    this.params = validateParams({ ...DEFAULT_GBT_PARAMS, ...params });
  }

  static fromJSON(json: ClassifierJSON): GradientBoostingClassifier {
    const j = json as GradientBoostingClassifierJSON;
    checkModelJSON(j, 'gbt', JSON_VERSION, 'gradient boosting');
    const columns = treeColumns(j.n_classes_);
    if (j.init_.length !== columns || j.trees.length === 0 || j.trees.length % columns !== 0) {
      throw new Error('gradient boosting file: init_ or trees do not match the classes');
    }
    const model = new GradientBoostingClassifier(j.params);
    model.fitted = {
      trees: j.trees.map((t) => treeFromJSON(t, j.n_features_in_, 1, 'gradient boosting')),
      init: Float64Array.from(j.init_),
      nFeatures: j.n_features_in_,
      nClasses: j.n_classes_,
    };
    return model;
  }

  get isFitted(): boolean {
    return this.fitted !== null;
  }

  async fit(x: Matrix, y: Int32Array, nClasses: number, options: FitOptions = {}): Promise<void> {
    const counts = checkFitInput(x, y, nClasses, 'gradient boosting');
    if (nClasses < 2) throw new Error('gradient boosting needs at least two classes');
    const { n } = x;
    const p = this.params;
    const columns = treeColumns(nClasses);
    const init = priorRaw(counts, n);
    const raw = new Float64Array(n * columns);
    for (let i = 0; i < n; i++) raw.set(init, i * columns);
    const prob = new Float64Array(n * columns);
    // every class's residual (its negative gradient), then the current tree's one
    const residuals = new Float64Array(n * columns);
    const residual = new Float64Array(n);
    // the class each tree column is for, the current tree's, and its leaf factor (K − 1)/K (1 for two classes)
    const classOf = (k: number) => (columns === 1 ? 1 : k);
    let target = 0;
    const factor = columns === 1 ? 1 : (nClasses - 1) / nClasses;
    const inBag = Math.max(1, Math.floor(p.subsample * n));
    const limits = growLimits(p, n);
    const binned = BinnedColumns.of(x, p.max_bins);
    const roots = Array.from({ length: columns }, () => newHistogram(x.d));
    const splitter = new HistogramSplitter(binned, limits, (samples, start, end) => {
      let num = 0;
      let den = 0;
      for (let q = start; q < end; q++) {
        const row = samples[q];
        const r = residual[row];
        // y − residual is the probability the stage started from
        const pr = (y[row] === target ? 1 : 0) - r;
        num += r;
        den += pr * (1 - pr);
      }
      // sklearn's _safe_divide: no step where the hessian vanishes
      return Math.abs(den) < 1e-150 ? 0 : (factor * num) / den;
    });
    const rng = new Random(p.random_state);
    const samples = new Uint32Array(inBag);
    let bag: Uint32Array = Uint32Array.from({ length: n }, (_, i) => i);
    let outOfBag: Uint32Array = new Uint32Array(0);
    const trees: Tree[] = [];
    const pacer = new FitPacer(options, 'gradient boosting');
    for (let stage = 0; stage < p.n_estimators; stage++) {
      if (inBag < n) [bag, outOfBag] = subsample(rng, n, inBag);
      rawToProba(raw, n, columns, prob);
      // progress with the training loss of the stages so far (sklearn's train_score_)
      await pacer.step('stage', stage, p.n_estimators, logLoss(prob, y, columns));
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < columns; k++) residuals[i * columns + k] = (y[i] === classOf(k) ? 1 : 0) - prob[i * columns + k];
      }
      rootHistograms(binned, bag, residuals, columns, roots);
      for (let k = 0; k < columns; k++) {
        target = classOf(k);
        for (let i = 0; i < n; i++) residual[i] = residuals[i * columns + k];
        samples.set(bag);
        splitter.reset(samples, residual, roots[k]);
        const tree = growTree(splitter, inBag, limits);
        // every row moves, in-bag or not, as in sklearn
        splitter.addToGrownRows(tree, raw, columns, k, p.learning_rate);
        if (outOfBag.length > 0) addTreeValues(tree, x, raw, columns, k, p.learning_rate, outOfBag);
        trees.push(tree);
      }
    }
    rawToProba(raw, n, columns, prob);
    await pacer.step('stage', p.n_estimators, p.n_estimators, logLoss(prob, y, columns));
    this.fitted = { trees, init, nFeatures: x.d, nClasses };
  }

  predict(x: Matrix): Int32Array {
    return argmaxRows(this.predictProba(x), x.n, this.need().nClasses);
  }

  predictProba(x: Matrix): Float32Array {
    const { trees, init, nFeatures, nClasses } = this.need();
    if (x.d !== nFeatures) throw new Error(`the gradient boosting was fitted on ${nFeatures} columns, got ${x.d}`);
    const { n } = x;
    const columns = init.length;
    const raw = new Float64Array(n * columns);
    for (let i = 0; i < n; i++) raw.set(init, i * columns);
    trees.forEach((t, j) => addTreeValues(t, x, raw, columns, j % columns, this.params.learning_rate));
    const prob = new Float64Array(n * columns);
    rawToProba(raw, n, columns, prob);
    if (columns > 1) return Float32Array.from(prob);
    const out = new Float32Array(n * nClasses);
    for (let i = 0; i < n; i++) {
      out[2 * i] = 1 - prob[i];
      out[2 * i + 1] = prob[i];
    }
    return out;
  }

  toJSON(): GradientBoostingClassifierJSON {
    const { trees, init, nFeatures, nClasses } = this.need();
    return {
      kind: 'gbt',
      version: JSON_VERSION,
      params: { ...this.params },
      n_features_in_: nFeatures,
      n_classes_: nClasses,
      init_: Array.from(init),
      trees: trees.map(treeToJSON),
    };
  }

  private need(): Fitted {
    if (!this.fitted) throw new Error('the gradient boosting is not fitted');
    return this.fitted;
  }
}

function validateParams(p: GradientBoostingClassifierParams): GradientBoostingClassifierParams {
  if (!Number.isInteger(p.n_estimators) || p.n_estimators < 1) throw new Error(`n_estimators must be a positive integer, got ${p.n_estimators}`);
  if (!(p.learning_rate > 0)) throw new Error(`learning_rate must be positive, got ${p.learning_rate}`);
  if (!(p.subsample > 0 && p.subsample <= 1)) throw new Error(`subsample must be in (0, 1], got ${p.subsample}`);
  if (!Number.isInteger(p.random_state)) throw new Error(`random_state must be an integer, got ${p.random_state}`);
  if (!(Number.isInteger(p.max_bins) && p.max_bins >= 2 && p.max_bins <= 255)) throw new Error(`max_bins must be an integer in 2…255, got ${p.max_bins}`);
  validateLimits(p);
  return p;
}

/** a stage's rows drawn without replacement (sklearn's `_random_sample_mask`), and the rest, both ascending */
function subsample(rng: Random, n: number, inBag: number): [Uint32Array, Uint32Array] {
  const drawn = new Uint8Array(n);
  for (const i of rng.sample(n, inBag)) drawn[i] = 1;
  const bag = new Uint32Array(inBag);
  const rest = new Uint32Array(n - inBag);
  let b = 0;
  let r = 0;
  for (let i = 0; i < n; i++) {
    if (drawn[i]) bag[b++] = i;
    else rest[r++] = i;
  }
  return [bag, rest];
}

/** raw-prediction columns: one (the log-odds of class 1) for two classes, else one per class */
function treeColumns(nClasses: number): number {
  return nClasses === 2 ? 1 : nClasses;
}

/**
 * sklearn's initial raw predictions from the class priors (its DummyClassifier 'prior'
 * init, clipped, through the loss's link): the log-odds of class 1 for two classes, else
 * the log priors centred on their mean (the multinomial logit against the geometric mean).
 */
function priorRaw(counts: Float64Array, n: number): Float64Array {
  const nClasses = counts.length;
  const prior = counts.map((c) => c / n);
  const clip = (v: number) => Math.min(Math.max(v, PRIOR_EPS), 1 - PRIOR_EPS);
  if (nClasses === 2) return Float64Array.of(Math.log(clip(prior[1]) / (1 - clip(prior[1]))));
  const logs = prior.map((v) => Math.log(clip(v)));
  const mean = logs.reduce((a, v) => a + v, 0) / nClasses;
  return logs.map((v) => v - mean);
}

/** the mean of −log p(true class): sklearn's log_loss, from `rawToProba`'s output */
function logLoss(prob: Float64Array, y: Int32Array, columns: number): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const p = columns === 1 ? (y[i] === 1 ? prob[i] : 1 - prob[i]) : prob[i * columns + y[i]];
    sum -= Math.log(Math.max(p, Number.MIN_VALUE));
  }
  return sum / y.length;
}

/** probabilities from raw predictions: the logistic of the log-odds for one column, else the row's softmax */
function rawToProba(raw: Float64Array, n: number, columns: number, out: Float64Array): void {
  if (columns === 1) {
    for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-raw[i]));
    return;
  }
  for (let i = 0; i < n; i++) {
    const base = i * columns;
    let max = -Infinity;
    for (let k = 0; k < columns; k++) max = Math.max(max, raw[base + k]);
    let sum = 0;
    for (let k = 0; k < columns; k++) sum += out[base + k] = Math.exp(raw[base + k] - max);
    for (let k = 0; k < columns; k++) out[base + k] /= sum;
  }
}
