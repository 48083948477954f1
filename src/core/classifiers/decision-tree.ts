import { type FitOptions, Random, throwIfAborted } from '../util';
import type { Matrix } from '../ingest';
import { argmaxRows, type Classifier, type ClassifierJSON } from './classifier';
import { ClassSplitter, SortedColumns, type Criterion } from './exact-splitter';
import { checkFitInput, growTree, type GrowLimits } from './tree-builder';
import { addTreeValues, treeFromJSON, treeToJSON, type Tree, type TreeJSON } from './tree-storage';
import { DecisionForestKernel } from './wasm/decision-forest-kernel';

/**
 * A CART classification tree with scikit-learn's semantics and defaults
 * (`sklearn.tree.DecisionTreeClassifier`): exact best splits on gini or entropy, grown
 * until pure unless limited, leaves holding class probabilities (normalised weighted
 * counts). Also the settings and helpers the random forest shares.
 */

/** null = every feature; a number in (0, 1] is a fraction of them (at least one), a larger integer a count */
export type MaxFeatures = null | 'sqrt' | 'log2' | number;
export type ClassWeight = null | 'balanced';

/** The settings a forest passes on to its trees. */
export interface TreeParams {
  criterion: Criterion;
  /** null grows until the leaves are pure or too small to split */
  max_depth: number | null;
  /** an integer count (≥ 2), or a fraction in (0, 1) of the rows */
  min_samples_split: number;
  /** an integer count (≥ 1), or a fraction in (0, 1) of the rows */
  min_samples_leaf: number;
  max_features: MaxFeatures;
  /** 'balanced' weighs class c by n / (classes present × rows of c) */
  class_weight: ClassWeight;
}

export interface DecisionTreeClassifierParams extends TreeParams {
  /** seeds the order features are looked at in, which breaks ties between equally good splits */
  random_state: number;
}

export const DEFAULT_TREE_PARAMS: Readonly<DecisionTreeClassifierParams> = {
  criterion: 'gini',
  max_depth: null,
  min_samples_split: 2,
  min_samples_leaf: 1,
  max_features: null,
  random_state: 0,
  class_weight: null,
};

const JSON_VERSION = 1;

export interface DecisionTreeClassifierJSON extends ClassifierJSON {
  kind: 'tree';
  version: number;
  params: DecisionTreeClassifierParams;
  n_features_in_: number;
  n_classes_: number;
  tree: TreeJSON;
}

interface Fitted {
  tree: Tree;
  /** the tree as a forest of one, one array for the model's life: meanProba keeps its kernel per array */
  forest: readonly Tree[];
  nFeatures: number;
  nClasses: number;
}

export class DecisionTreeClassifier implements Classifier {
  readonly kind = 'tree';
  readonly params: Readonly<DecisionTreeClassifierParams>;
  private fitted: Fitted | null = null;

  constructor(params: Partial<DecisionTreeClassifierParams> = {}) {
    this.params = validateTreeParams({ ...DEFAULT_TREE_PARAMS, ...params });
  }

  static fromJSON(json: ClassifierJSON): DecisionTreeClassifier {
    const j = json as DecisionTreeClassifierJSON;
    checkModelJSON(j, 'tree', JSON_VERSION, 'decision tree');
    const model = new DecisionTreeClassifier(j.params);
    const tree = treeFromJSON(j.tree, j.n_features_in_, j.n_classes_, 'decision tree');
    model.fitted = { tree, forest: [tree], nFeatures: j.n_features_in_, nClasses: j.n_classes_ };
    return model;
  }

  get isFitted(): boolean {
    return this.fitted !== null;
  }

  /** nodes of the fitted tree */
  get nodeCount(): number {
    return this.need().tree.feature.length;
  }

  async fit(x: Matrix, y: Int32Array, nClasses: number, options: FitOptions = {}): Promise<void> {
    const counts = checkFitInput(x, y, nClasses, 'decision tree');
    throwIfAborted(options.signal, 'decision tree');
    const p = this.params;
    const splitter = classSplitter(SortedColumns.of(x), y, nClasses, p);
    splitter.reset(
      Uint32Array.from({ length: x.n }, (_, i) => i),
      rowWeights(y, counts, p.class_weight),
      new Random(p.random_state),
    );
    const tree = growTree(splitter, x.n, growLimits(p, x.n));
    throwIfAborted(options.signal, 'decision tree');
    this.fitted = { tree, forest: [tree], nFeatures: x.d, nClasses };
    options.progress?.({ stage: 'tree', done: 1, total: 1 });
  }

  predict(x: Matrix): Int32Array {
    return argmaxRows(this.predictProba(x), x.n, this.need().nClasses);
  }

  predictProba(x: Matrix): Float32Array {
    const { forest, nFeatures, nClasses } = this.need();
    return meanProba(forest, x, nFeatures, nClasses, 'decision tree');
  }

  toJSON(): DecisionTreeClassifierJSON {
    const { tree, nFeatures, nClasses } = this.need();
    return { kind: 'tree', version: JSON_VERSION, params: { ...this.params }, n_features_in_: nFeatures, n_classes_: nClasses, tree: treeToJSON(tree) };
  }

  private need(): Fitted {
    if (!this.fitted) throw new Error('the decision tree is not fitted');
    return this.fitted;
  }
}

/** The settings that stop a tree's growth, shared with gradient boosting's trees. */
export type LimitParams = Pick<TreeParams, 'max_depth' | 'min_samples_split' | 'min_samples_leaf'>;

export function validateLimits(p: LimitParams): void {
  if (p.max_depth !== null && !(Number.isInteger(p.max_depth) && p.max_depth >= 1))
    throw new Error(`max_depth must be null or a positive integer, got ${p.max_depth}`);
  if (!isCountOrFraction(p.min_samples_split, 2))
    throw new Error(`min_samples_split must be an integer ≥ 2 or a fraction in (0, 1), got ${p.min_samples_split}`);
  if (!isCountOrFraction(p.min_samples_leaf, 1)) throw new Error(`min_samples_leaf must be an integer ≥ 1 or a fraction in (0, 1), got ${p.min_samples_leaf}`);
}

export function validateTreeParams<P extends TreeParams>(p: P): P {
  if (p.criterion !== 'gini' && p.criterion !== 'entropy') throw new Error(`criterion must be 'gini' or 'entropy', got ${String(p.criterion)}`);
  validateLimits(p);
  const m = p.max_features;
  if (!(m === null || m === 'sqrt' || m === 'log2' || (typeof m === 'number' && ((m > 0 && m <= 1) || (Number.isInteger(m) && m > 1))))) {
    throw new Error(`max_features must be null, 'sqrt', 'log2', a fraction in (0, 1] or an integer count, got ${String(m)}`);
  }
  if (p.class_weight !== null && p.class_weight !== 'balanced') throw new Error(`class_weight must be null or 'balanced', got ${String(p.class_weight)}`);
  return p;
}

function isCountOrFraction(v: number, minCount: number): boolean {
  return Number.isInteger(v) ? v >= minCount : v > 0 && v < 1;
}

/** `min_samples_*` as a row count: a fraction of n is rounded up, as sklearn does */
function rowCount(v: number, n: number, minCount: number): number {
  return Number.isInteger(v) ? v : Math.max(minCount, Math.ceil(v * n));
}

export function growLimits(p: LimitParams, n: number): GrowLimits {
  return {
    maxDepth: p.max_depth ?? Infinity,
    minSamplesSplit: rowCount(p.min_samples_split, n, 2),
    minSamplesLeaf: rowCount(p.min_samples_leaf, n, 1),
  };
}

/** sklearn's `max_features_`: how many of d features each split looks at */
export function resolveMaxFeatures(m: MaxFeatures, d: number): number {
  if (m === null) return d;
  if (m === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(d)));
  if (m === 'log2') return Math.max(1, Math.floor(Math.log2(d)));
  if (m <= 1) return Math.max(1, Math.floor(m * d));
  if (m > d) throw new Error(`max_features ${m} is more than the ${d} columns`);
  return m;
}

export function classSplitter(cols: SortedColumns, y: Int32Array, nClasses: number, p: TreeParams): ClassSplitter {
  return new ClassSplitter(cols, y, nClasses, {
    criterion: p.criterion,
    maxFeatures: resolveMaxFeatures(p.max_features, cols.d),
    minSamplesLeaf: growLimits(p, cols.n).minSamplesLeaf,
  });
}

/** each row's weight: 1, or its class's under class_weight='balanced' (sklearn's compute_class_weight); `counts` are rows per class */
export function rowWeights(y: Int32Array, counts: Float64Array, classWeight: ClassWeight): Float64Array {
  const w = new Float64Array(y.length).fill(1);
  if (classWeight === null) return w;
  const present = counts.reduce((a, c) => a + (c > 0 ? 1 : 0), 0);
  for (let i = 0; i < y.length; i++) w[i] = y.length / (present * counts[y[i]]);
  return w;
}

/** the mean of the trees' leaf class probabilities (sklearn's forest predict_proba), n × k */
/** each fitted model's trees in the WebAssembly kernel, made at its first prediction (null: no WebAssembly) */
const kernels = new WeakMap<readonly Tree[], DecisionForestKernel | null>();

export function meanProba(trees: readonly Tree[], x: Matrix, nFeatures: number, nClasses: number, what: string): Float32Array {
  if (x.d !== nFeatures) throw new Error(`the ${what} was fitted on ${nFeatures} columns, got ${x.d}`);
  const sum = new Float64Array(x.n * nClasses);
  if (!kernels.has(trees)) kernels.set(trees, DecisionForestKernel.create(trees, nClasses));
  const kernel = kernels.get(trees);
  if (kernel) kernel.addLeafValues(x, sum);
  else for (const t of trees) addTreeValues(t, x, sum, nClasses, 0, 1);
  const out = new Float32Array(sum.length);
  for (let i = 0; i < sum.length; i++) out[i] = sum[i] / trees.length;
  return out;
}

/** the checks every tree model's `fromJSON` starts with */
export function checkModelJSON(j: ClassifierJSON & { version?: unknown }, kind: string, version: number, what: string): void {
  if (j.kind !== kind) throw new Error(`expected a ${what}, got "${String(j.kind)}"`);
  if (j.version !== version) throw new Error(`${what} file version ${String(j.version)} is not supported (expected ${version})`);
}
