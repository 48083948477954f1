import { type FitOptions, Random, throwIfAborted } from '../util';
import type { Matrix } from '../ingest';
import { argmaxRows, type Classifier, type ClassifierJSON } from './classifier';
import { checkModelJSON, classSplitter, DEFAULT_TREE_PARAMS, growLimits, meanProba, rowWeights, validateTreeParams, type TreeParams } from './decision-tree';
import { FitPacer } from './fit-pacer';
import { SortedColumns } from './exact-splitter';
import { checkFitInput, growTree } from './tree-builder';
import { addTreeValues, treeFromJSON, treeToJSON, type Tree, type TreeJSON } from './tree-storage';

/**
 * A random forest with scikit-learn's semantics and defaults
 * (`sklearn.ensemble.RandomForestClassifier`): `n_estimators` CART trees, each grown on a
 * bootstrap sample (drawn as per-row counts that weigh the rows, as sklearn does) and
 * looking at `max_features` random features per split; probabilities are the mean of
 * the trees' leaf probabilities. The columns are ranked once and shared by every tree.
 */
export interface RandomForestClassifierParams extends TreeParams {
  n_estimators: number;
  /** draw each tree's rows with replacement; otherwise every tree sees every row */
  bootstrap: boolean;
  /** with bootstrap, rows drawn per tree: null = n, a fraction in (0, 1] of n, or an integer count */
  max_samples: number | null;
  random_state: number;
  /**
   * with bootstrap, keep each training row's mean probabilities over the trees that did
   * not draw it (sklearn's `oob_decision_function_`; not saved with the model)
   */
  oob_score: boolean;
}

export const DEFAULT_FOREST_PARAMS: Readonly<RandomForestClassifierParams> = {
  ...DEFAULT_TREE_PARAMS,
  n_estimators: 100,
  max_features: 'sqrt',
  bootstrap: true,
  max_samples: null,
  random_state: 0,
  oob_score: false,
};

const JSON_VERSION = 1;

export interface RandomForestClassifierJSON extends ClassifierJSON {
  kind: 'forest';
  version: number;
  params: RandomForestClassifierParams;
  n_features_in_: number;
  n_classes_: number;
  feature_importances_: number[];
  trees: TreeJSON[];
}

interface Fitted {
  trees: Tree[];
  nFeatures: number;
  nClasses: number;
  importances: Float64Array;
  /** n × classes, NaN for a row every tree drew */
  oob: Float32Array | null;
}

export class RandomForestClassifier implements Classifier {
  readonly kind = 'forest';
  readonly params: Readonly<RandomForestClassifierParams>;
  private fitted: Fitted | null = null;

  constructor(params: Partial<RandomForestClassifierParams> = {}) {
    this.params = validateParams({ ...DEFAULT_FOREST_PARAMS, ...params });
  }

  static fromJSON(json: ClassifierJSON): RandomForestClassifier {
    const j = json as RandomForestClassifierJSON;
    checkModelJSON(j, 'forest', JSON_VERSION, 'random forest');
    if (j.trees.length === 0 || j.feature_importances_.length !== j.n_features_in_)
      throw new Error('random forest file: no trees or importances of the wrong length');
    const model = new RandomForestClassifier(j.params);
    model.fitted = {
      trees: j.trees.map((t) => treeFromJSON(t, j.n_features_in_, j.n_classes_, 'random forest')),
      nFeatures: j.n_features_in_,
      nClasses: j.n_classes_,
      importances: Float64Array.from(j.feature_importances_),
      oob: null,
    };
    return model;
  }

  get isFitted(): boolean {
    return this.fitted !== null;
  }

  async fit(x: Matrix, y: Int32Array, nClasses: number, options: FitOptions = {}): Promise<void> {
    const counts = checkFitInput(x, y, nClasses, 'random forest');
    throwIfAborted(options.signal, 'random forest');
    const { n, d } = x;
    const p = this.params;
    const draws = resolveMaxSamples(p, n);
    const splitter = classSplitter(SortedColumns.of(x), y, nClasses, p);
    const limits = growLimits(p, n);
    const classWeight = rowWeights(y, counts, p.class_weight);
    // a seed per tree, as sklearn gives each estimator its own: a tree depends only on its seed
    const master = new Random(p.random_state);
    const seeds = Array.from({ length: p.n_estimators }, () => master.int(0x100000000));
    const drawn = new Uint32Array(n);
    const weight = new Float64Array(n);
    const trees: Tree[] = [];
    const importances = new Float64Array(d);
    const oob = p.oob_score ? new OutOfBag(n, nClasses) : null;
    const pacer = new FitPacer(options, 'random forest');
    for (let t = 0; t < p.n_estimators; t++) {
      const rng = new Random(seeds[t]);
      const samples = p.bootstrap ? bootstrapSample(rng, draws, drawn, classWeight, weight) : Uint32Array.from({ length: n }, (_, i) => i);
      splitter.reset(samples, p.bootstrap ? weight : classWeight, rng);
      const treeImportances = new Float64Array(d);
      const tree = growTree(splitter, samples.length, limits, treeImportances);
      trees.push(tree);
      oob?.add(tree, x, drawn);
      // sklearn averages the normalised importances of the trees that split at all
      const treeTotal = treeImportances.reduce((a, v) => a + v, 0);
      if (treeTotal > 0) for (let f = 0; f < d; f++) importances[f] += treeImportances[f] / treeTotal;
      await pacer.step('tree', t + 1, p.n_estimators);
    }
    const total = importances.reduce((a, v) => a + v, 0);
    if (total > 0) for (let f = 0; f < d; f++) importances[f] /= total;
    this.fitted = { trees, nFeatures: d, nClasses, importances, oob: oob && oob.proba() };
  }

  /** With `oob_score`: each training row's probabilities from the trees that did not learn it (NaN where every tree did). */
  oobDecisionFunction(): Float32Array {
    const { oob } = this.need();
    if (!oob) throw new Error('the random forest was fitted without oob_score');
    return oob;
  }

  predict(x: Matrix): Int32Array {
    return argmaxRows(this.predictProba(x), x.n, this.need().nClasses);
  }

  predictProba(x: Matrix): Float32Array {
    const { trees, nFeatures, nClasses } = this.need();
    return meanProba(trees, x, nFeatures, nClasses, 'random forest');
  }

  /** sklearn's `feature_importances_`: mean decrease in impurity per feature, summing to 1 (all 0 if no tree split) */
  featureImportances(): Float64Array {
    return this.need().importances.slice();
  }

  toJSON(): RandomForestClassifierJSON {
    const { trees, nFeatures, nClasses, importances } = this.need();
    return {
      kind: 'forest',
      version: JSON_VERSION,
      params: { ...this.params },
      n_features_in_: nFeatures,
      n_classes_: nClasses,
      feature_importances_: Array.from(importances),
      trees: trees.map(treeToJSON),
    };
  }

  private need(): Fitted {
    if (!this.fitted) throw new Error('the random forest is not fitted');
    return this.fitted;
  }
}

function validateParams(p: RandomForestClassifierParams): RandomForestClassifierParams {
  if (!Number.isInteger(p.n_estimators) || p.n_estimators < 1) throw new Error(`n_estimators must be a positive integer, got ${p.n_estimators}`);
  if (!Number.isInteger(p.random_state)) throw new Error(`random_state must be an integer, got ${p.random_state}`);
  const m = p.max_samples;
  if (p.oob_score && !p.bootstrap) throw new Error('oob_score needs bootstrap: without it no row is out of bag');
  if (m !== null) {
    if (!p.bootstrap) throw new Error('max_samples needs bootstrap: without it every tree sees every row');
    if (!((m > 0 && m <= 1) || (Number.isInteger(m) && m > 1))) throw new Error(`max_samples must be null, a fraction in (0, 1] or an integer count, got ${m}`);
  }
  return validateTreeParams(p);
}

/** Sums each row's leaf probabilities over the trees whose bootstrap left it out. */
class OutOfBag {
  private readonly sum: Float64Array;
  private readonly trees: Uint32Array;

  constructor(
    n: number,
    private readonly nClasses: number,
  ) {
    this.sum = new Float64Array(n * nClasses);
    this.trees = new Uint32Array(n);
  }

  /** `drawn`: times each row was drawn for `tree` (0: out of its bag) */
  add(tree: Tree, x: Matrix, drawn: Uint32Array): void {
    const rows: number[] = [];
    for (let i = 0; i < drawn.length; i++) if (drawn[i] === 0) rows.push(i);
    addTreeValues(tree, x, this.sum, this.nClasses, 0, 1, Uint32Array.from(rows));
    for (const i of rows) this.trees[i]++;
  }

  proba(): Float32Array {
    const k = this.nClasses;
    return Float32Array.from(this.sum, (v, j) => {
      const t = this.trees[Math.floor(j / k)];
      return t ? v / t : NaN;
    });
  }
}

/** rows drawn per tree, as sklearn's `_get_n_samples_bootstrap` */
function resolveMaxSamples(p: RandomForestClassifierParams, n: number): number {
  const m = p.max_samples;
  if (m === null) return n;
  if (m <= 1) return Math.max(1, Math.round(m * n));
  if (m > n) throw new Error(`max_samples ${m} is more than the ${n} rows`);
  return m;
}

/**
 * Draws `draws` rows with replacement and returns the distinct ones drawn, setting their
 * weight to (times drawn) × class weight; `drawn` is scratch of length n.
 */
function bootstrapSample(rng: Random, draws: number, drawn: Uint32Array, classWeight: Float64Array, weight: Float64Array): Uint32Array {
  const n = drawn.length;
  drawn.fill(0);
  for (let k = 0; k < draws; k++) drawn[rng.int(n)]++;
  let m = 0;
  for (let i = 0; i < n; i++) if (drawn[i] > 0) m++;
  const samples = new Uint32Array(m);
  m = 0;
  for (let i = 0; i < n; i++) {
    if (drawn[i] > 0) {
      samples[m++] = i;
      weight[i] = drawn[i] * classWeight[i];
    }
  }
  return samples;
}
