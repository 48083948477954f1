import { type FitOptions, Random, throwIfAborted } from '../util';
import type { Matrix } from '../ingest';
import { argmaxRows, type Classifier, type ClassifierJSON } from './classifier';
import { checkModelJSON, DEFAULT_TREE_PARAMS, meanProba, validateTreeParams } from './decision-tree';
import { FitPacer } from './fit-pacer';
import { bootstrapCounts, ForestGrower, resolveMaxSamples, type ForestGrowParams, type GrownTree } from './forest-grower';
import { forestThreads, growOnThread, type ForestTask } from './forest-threads';
import { checkFitInput } from './tree-builder';
import { addTreeValues, treeFromJSON, treeToJSON, type Tree, type TreeJSON } from './tree-storage';

/**
 * A random forest with scikit-learn's semantics and defaults
 * (`sklearn.ensemble.RandomForestClassifier`): `n_estimators` CART trees, each grown on a
 * bootstrap sample (drawn as per-row counts that weigh the rows, as sklearn does) and
 * looking at `max_features` random features per split; probabilities are the mean of
 * the trees' leaf probabilities. The columns are ranked once and shared by every tree.
 */
export interface RandomForestClassifierParams extends ForestGrowParams {
  n_estimators: number;
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
    checkFitInput(x, y, nClasses, 'random forest');
    throwIfAborted(options.signal, 'random forest');
    const { n, d } = x;
    const p = this.params;
    resolveMaxSamples(p, n); // throws before any thread starts if max_samples is more than the rows
    // a seed per tree, as sklearn gives each estimator its own: a tree depends only on its seed
    const master = new Random(p.random_state);
    const seeds = Array.from({ length: p.n_estimators }, () => master.int(0x100000000));
    const grown = await growTrees(x, y, nClasses, p, seeds, options);
    const trees = grown.map((g) => g.tree);
    const importances = new Float64Array(d);
    for (const g of grown) {
      // sklearn averages the normalised importances of the trees that split at all
      const treeTotal = g.importances.reduce((a, v) => a + v, 0);
      if (treeTotal > 0) for (let f = 0; f < d; f++) importances[f] += g.importances[f] / treeTotal;
    }
    const total = importances.reduce((a, v) => a + v, 0);
    if (total > 0) for (let f = 0; f < d; f++) importances[f] /= total;
    let oob: Float32Array | null = null;
    if (p.oob_score) {
      const bag = new OutOfBag(n, nClasses);
      trees.forEach((tree, t) => bag.add(tree, x, bootstrapCounts(seeds[t], p, n)));
      oob = bag.proba();
    }
    this.fitted = { trees, nFeatures: d, nClasses, importances, oob };
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

/** forests smaller than this many row-trees are grown on the fitting thread alone unless the threads say otherwise: a helper's start (about 0.3 s under tsx) costs more */
const MIN_THREADED_WORK = 2_000_000;

/**
 * Grows the forest's trees, in forest order: the fitting thread grows every (helpers + 1)th
 * tree and each helper thread (`forestThreads`) the ones between, all at once. Once its own
 * are done, the fitting thread takes the helpers' undelivered trees from the last one back
 * (a tree grown twice is the same tree): a helper on a busier core, or one that failed to
 * start, then delays nothing, and a host whose threads do not start still fits.
 */
async function growTrees(
  x: Matrix,
  y: Int32Array,
  nClasses: number,
  p: RandomForestClassifierParams,
  seeds: number[],
  options: FitOptions,
): Promise<GrownTree[]> {
  const total = seeds.length;
  const threads = forestThreads();
  const helpers = threads && x.n * total >= (threads.minRowTrees ?? MIN_THREADED_WORK) ? Math.min(threads.count, total - 1, helpersInMemory(x)) : 0;
  const grown: (GrownTree | undefined)[] = new Array(total);
  let done = 0;
  /** per helper (from 1; 0 is this thread): it has delivered a tree or ended, so it is no use waiting for it to start */
  const underway = new Array<boolean>(helpers + 1).fill(false);
  underway[0] = true;
  const stop = new AbortController();
  const onAbort = () => stop.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort);
  for (let h = 1; h <= helpers; h++) {
    const indices = seeds.map((_, t) => t).filter((t) => t % (helpers + 1) === h);
    const task: ForestTask = { n: x.n, d: x.d, data: x.data, y, nClasses, params: p, indices, seeds: indices.map((t) => seeds[t]) };
    const onTree = (g: GrownTree) => {
      underway[h] = true;
      if (grown[g.index]) return;
      grown[g.index] = g;
      done++;
    };
    // a failed helper's trees are grown here; an abort is thrown by the pacer
    void growOnThread(threads!, task, onTree, stop.signal).then(
      () => (underway[h] = true),
      () => (underway[h] = true),
    );
  }
  try {
    const pacer = new FitPacer(options, 'random forest');
    const grower = new ForestGrower(x, y, nClasses, p);
    const own = seeds.map((_, t) => t).filter((t) => t % (helpers + 1) === 0);
    const theirs = seeds.map((_, t) => total - 1 - t).filter((t) => t % (helpers + 1) !== 0);
    let reported = 0;
    for (const t of [...own, ...theirs]) {
      while (!grown[t] && !underway[t % (helpers + 1)]) {
        await delay(20);
        await pacer.step('tree', (reported = done), total);
      }
      if (grown[t]) continue;
      grown[t] = grower.grow(t, seeds[t]);
      await pacer.step('tree', (reported = ++done), total);
    }
    // the last trees may have come from a helper
    if (reported < total) await pacer.step('tree', total, total);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    stop.abort();
  }
  return grown as GrownTree[];
}

/** what all helpers together may hold: each has its own copy of the rows, their ranks and the splitter's scratch */
const HELPER_MEMORY = 1 << 30;

/** helpers whose copies fit in HELPER_MEMORY: rows (4 bytes a value), ranks in two layouts (8), about 96 bytes a row of scratch (splitter, bootstrap, ranking) */
function helpersInMemory(x: Matrix): number {
  return Math.floor(HELPER_MEMORY / (x.n * (12 * x.d + 96)));
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
