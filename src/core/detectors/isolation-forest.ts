import type { Matrix } from '../ingest';
import { throwIfAborted, floorToFloat32, lastFloat32Where, nextTurn, Random, FEATURE_THRESHOLD } from '../util';
import type { ColumnMap, Detector, DetectorJSON, DetectorLoader, FitOptions } from './detector';
import { ISOLATION_FOREST_DEFAULTS, ORIGINAL_SYSTEM_PRESET as ORIGINAL_SETTINGS } from './defaults';
import { completeForest, type Forest } from './isolation-forest-layout';
import { ForestKernel } from './wasm/isolation-forest-kernel';

export type { Forest };

/**
 * Isolation forest with scikit-learn's semantics (`sklearn.ensemble.IsolationForest`):
 * each tree is grown on `max_samples` rows and its own subset of `max_features` columns,
 * splits on a random non-constant feature at a threshold drawn uniformly between the
 * node's min and max, stops at depth ceil(log2(max_samples)), and a row's path length is
 * its leaf depth plus c(rows in that leaf). The anomaly score is
 * s = 2^(−E[h(x)] / c(max_samples)) in (0, 1], which is sklearn's `-score_samples`.
 *
 * The random numbers come from our seeded `Random`, not NumPy, so a forest is
 * reproducible from `random_state` but not tree-for-tree identical to sklearn's.
 */
export interface IsolationForestParams {
  n_estimators: number;
  /** 'auto' = min(256, n); a number in (0, 1] is a fraction of the rows, a larger integer a count (clamped to n, as sklearn does) */
  max_samples: 'auto' | number;
  /** a number in (0, 1] is a fraction of the columns (at least one), a larger integer a count */
  max_features: number;
  /** 'auto' puts the threshold at s = 0.5; a rate in (0, 0.5] puts it at that upper quantile of the training scores */
  contamination: 'auto' | number;
  random_state: number;
  /** draw each tree's rows with replacement */
  bootstrap: boolean;
}

export const DEFAULT_PARAMS: Readonly<IsolationForestParams> = ISOLATION_FOREST_DEFAULTS;

export const ORIGINAL_SYSTEM_PRESET = ORIGINAL_SETTINGS satisfies Partial<IsolationForestParams>;

const EULER_GAMMA = 0.5772156649;
const JSON_VERSION = 1;

/** c(n): the average path length of an unsuccessful search in a binary search tree of n items. */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/**
 * The fitted trees of a whole forest in flat arrays, nodes in pre-order so a split's
 * left child is the next node and only the right child needs storing.
 */
interface Fitted {
  forest: Forest;
  nFeatures: number;
  /** rows per tree after resolving 'auto' and fractions, as sklearn's `max_samples_` */
  maxSamples: number;
  /** sklearn's sign convention: decision_function = −s − offset */
  offset: number;
  /** the WebAssembly scorer, made at the first scoring; null where the forest is too deep for it */
  kernel?: ForestKernel | null;
}

export interface IsolationForestJSON extends DetectorJSON {
  kind: 'iforest';
  version: number;
  params: IsolationForestParams;
  n_features_in_: number;
  max_samples_: number;
  offset_: number;
  /** Forest's flat arrays as plain number arrays (see `Forest`); `right` indexes the whole forest */
  forest: { roots: number[]; feature: number[]; right: number[]; value: number[] };
}

export class IsolationForest implements Detector {
  readonly kind = 'iforest';
  readonly params: Readonly<IsolationForestParams>;
  private fitted: Fitted | null = null;

  constructor(params: Partial<IsolationForestParams> = {}) {
    this.params = validateParams({ ...DEFAULT_PARAMS, ...params });
  }

  static fromJSON(json: DetectorJSON): IsolationForest {
    const j = json as IsolationForestJSON;
    if (j.kind !== 'iforest') throw new Error(`expected an isolation forest, got "${String(j.kind)}"`);
    if (j.version !== JSON_VERSION) throw new Error(`isolation forest file version ${String(j.version)} is not supported (expected ${JSON_VERSION})`);
    const f = j.forest;
    const forest: Forest = {
      roots: Int32Array.from(f.roots),
      feature: Int32Array.from(f.feature),
      right: Int32Array.from(f.right),
      value: Float32Array.from(f.value),
    };
    checkForest(forest, j.n_features_in_);
    const model = new IsolationForest(j.params);
    model.fitted = { forest, nFeatures: j.n_features_in_, maxSamples: j.max_samples_, offset: j.offset_ };
    return model;
  }

  /** sklearn's `offset_`: −0.5 for contamination 'auto', else minus the training-score quantile */
  get offset_(): number {
    return this.need().offset;
  }

  /** The threshold on our positive score: a row is an anomaly when score > decisionThreshold. */
  get decisionThreshold(): number {
    return -this.need().offset;
  }

  get max_samples_(): number {
    return this.need().maxSamples;
  }

  get n_features_in_(): number {
    return this.need().nFeatures;
  }

  get inputWidth(): number | undefined {
    return this.fitted?.nFeatures;
  }

  get isFitted(): boolean {
    return this.fitted !== null;
  }

  async fit(x: Matrix, options: FitOptions = {}): Promise<void> {
    const { n, d } = x;
    if (n < 1 || d < 1) throw new Error(`cannot fit an isolation forest on ${n}×${d} rows`);
    const p = this.params;
    const maxSamples = resolveMaxSamples(p.max_samples, n);
    const maxFeatures = resolveMaxFeatures(p.max_features, d);
    const maxDepth = Math.ceil(Math.log2(Math.max(maxSamples, 2)));
    const total = p.n_estimators;
    // a seed per tree, as sklearn gives each estimator its own: a tree depends only on its seed
    const master = new Random(p.random_state);
    const seeds = Array.from({ length: total }, () => master.int(0x100000000));
    const builder = new TreeBuilder(x, maxSamples, maxFeatures, maxDepth, p.bootstrap);
    const trees: Forest[] = [];
    // yield to the event loop now and then, so an abort sent by message can arrive
    const step = Math.max(1, Math.ceil(total / 20));
    for (let t = 0; t < total; t++) {
      throwIfAborted(options.signal, 'isolation forest');
      trees.push(builder.build(new Random(seeds[t])));
      if ((t + 1) % step === 0 || t + 1 === total) {
        options.progress?.({ stage: 'tree', done: t + 1, total });
        await nextTurn();
      }
    }
    throwIfAborted(options.signal, 'isolation forest');
    const fitted: Fitted = { forest: joinTrees(trees), nFeatures: d, maxSamples, offset: -0.5 };
    if (p.contamination !== 'auto') fitted.offset = contaminationOffset(scoreForest(fitted, x), p.contamination);
    this.fitted = fitted;
  }

  async score(x: Matrix): Promise<Float32Array> {
    return this.scoreSync(x);
  }

  /** `score` without the promise, for callers that are already off the main thread. */
  scoreSync(x: Matrix): Float32Array {
    const fitted = this.need();
    if (x.d !== fitted.nFeatures) throw new Error(`the isolation forest was fitted on ${fitted.nFeatures} columns, got ${x.d}`);
    return scoreForest(fitted, x);
  }

  /**
   * The same trees with each split `output(v) ≤ t` taken back to the raw cell as `v ≤ V`,
   * V the largest float32 where it holds (the map does not decrease, so these are the same
   * rows). A split no cell passes gets NaN, which nothing is ≤. A missing cell, which the
   * raw trees would send right, is read as a stand-in the map sends where it sends NaN; a
   * batch with a missing cell that has none (no float32 maps exactly there) is not scored (null).
   */
  scorerOfRaw(columns: readonly ColumnMap[], width: number): ((x: Matrix) => Float32Array | null) | null {
    const fitted = this.need();
    if (columns.length !== fitted.nFeatures || columns.some((c) => !(c.column >= 0 && c.column < width))) return null;
    const standIns = Float32Array.from(columns, ({ output }) => {
      const missing = output(NaN);
      const standIn = lastFloat32Where((v) => output(v) <= missing);
      return standIn !== null && output(standIn) === missing ? standIn : NaN;
    });
    const { roots, feature, right, value } = fitted.forest;
    const raw: Forest = { roots, feature: new Int32Array(feature.length), right, value: new Float32Array(value) };
    for (let k = 0; k < feature.length; k++) {
      const j = feature[k];
      raw.feature[k] = j < 0 ? j : columns[j].column;
      if (j < 0) continue;
      const { output } = columns[j];
      const t = value[k];
      raw.value[k] = lastFloat32Where((v) => output(v) <= t) ?? NaN;
    }
    const rawFitted: Fitted = { ...fitted, forest: raw, nFeatures: width, kernel: undefined };
    const cells = Int32Array.from(columns, (c) => c.column);
    return (x) => {
      if (x.d !== width) throw new Error(`the isolation forest's raw scorer takes rows of ${width} cells, got ${x.d}`);
      const filled = withStandIns(x, cells, standIns);
      return filled && scoreForest(rawFitted, filled);
    };
  }

  /** 1 where the row is an anomaly (sklearn's −1), 0 otherwise. */
  predict(x: Matrix): Uint8Array {
    const s = this.scoreSync(x);
    const threshold = this.decisionThreshold;
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s[i] > threshold ? 1 : 0;
    return out;
  }

  /**
   * The same trees with another contamination; `trainingScores` are this forest's scores
   * of the rows it was fitted on. Lets a search over contamination skip refitting.
   */
  withContamination(contamination: IsolationForestParams['contamination'], trainingScores: ArrayLike<number>): IsolationForest {
    const fitted = this.need();
    const model = new IsolationForest({ ...this.params, contamination });
    const offset = contamination === 'auto' ? -0.5 : contaminationOffset(trainingScores, contamination);
    model.fitted = { ...fitted, offset };
    return model;
  }

  toJSON(): IsolationForestJSON {
    const { forest, nFeatures, maxSamples, offset } = this.need();
    return {
      kind: 'iforest',
      version: JSON_VERSION,
      params: { ...this.params },
      n_features_in_: nFeatures,
      max_samples_: maxSamples,
      offset_: offset,
      forest: {
        roots: Array.from(forest.roots),
        feature: Array.from(forest.feature),
        right: Array.from(forest.right),
        value: Array.from(forest.value),
      },
    };
  }

  async artifacts(): Promise<Record<string, Uint8Array>> {
    return {};
  }

  dispose(): void {
    this.fitted = null;
  }

  private need(): Fitted {
    if (!this.fitted) throw new Error('the isolation forest is not fitted');
    return this.fitted;
  }
}

export const loadIsolationForest: DetectorLoader = async (json) => IsolationForest.fromJSON(json);

function validateParams(p: IsolationForestParams): IsolationForestParams {
  if (!Number.isInteger(p.n_estimators) || p.n_estimators < 1) throw new Error(`n_estimators must be a positive integer, got ${p.n_estimators}`);
  if (p.max_samples !== 'auto' && !isFractionOrCount(p.max_samples)) {
    throw new Error(`max_samples must be 'auto', a fraction in (0, 1] or an integer count, got ${String(p.max_samples)}`);
  }
  if (!isFractionOrCount(p.max_features)) throw new Error(`max_features must be a fraction in (0, 1] or an integer count, got ${p.max_features}`);
  if (p.contamination !== 'auto' && !(p.contamination > 0 && p.contamination <= 0.5)) {
    throw new Error(`contamination must be 'auto' or in (0, 0.5], got ${String(p.contamination)}`);
  }
  if (!Number.isInteger(p.random_state)) throw new Error(`random_state must be an integer, got ${p.random_state}`);
  return p;
}

/** JavaScript has no int/float distinction, so 1 means "all" (sklearn's 1.0), not one item. */
function isFractionOrCount(v: number): boolean {
  return (v > 0 && v <= 1) || (Number.isInteger(v) && v > 1);
}

function resolveMaxSamples(m: IsolationForestParams['max_samples'], n: number): number {
  if (m === 'auto') return Math.min(256, n);
  if (m <= 1) {
    const k = Math.floor(m * n);
    if (k < 1) throw new Error(`max_samples ${m} of ${n} rows is less than one row`);
    return k;
  }
  return Math.min(m, n);
}

function resolveMaxFeatures(m: number, d: number): number {
  if (m <= 1) return Math.max(1, Math.floor(m * d));
  if (m > d) throw new Error(`max_features ${m} is more than the ${d} columns`);
  return m;
}

/** numpy.percentile(−s, 100·contamination) with linear interpolation, as sklearn sets offset_. */
function contaminationOffset(scores: ArrayLike<number>, contamination: number): number {
  if (scores.length === 0) throw new Error('a contamination threshold needs the training rows’ scores');
  const neg = Float64Array.from(scores, (s) => -s).sort();
  const pos = contamination * (neg.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, neg.length - 1);
  return neg[lo] + (neg[hi] - neg[lo]) * (pos - lo);
}

function scoreForest(fitted: Fitted, x: Matrix): Float32Array {
  if (fitted.kernel === undefined) {
    const complete = completeForest(fitted.forest);
    fitted.kernel = complete && ForestKernel.create(complete);
  }
  const depths = fitted.kernel ? fitted.kernel.sumLeafDepths(x.data, x.n, x.d) : walkForest(fitted.forest, x);
  const denominator = fitted.forest.roots.length * averagePathLength(fitted.maxSamples);
  const out = new Float32Array(x.n);
  // sklearn scores 0.5 when c(max_samples) = 0, i.e. one row per tree
  for (let i = 0; i < x.n; i++) out[i] = denominator > 0 ? Math.pow(2, -depths[i] / denominator) : 0.5;
  return out;
}

/** `x`, or a copy with each missing (NaN) cell of columns `cells[j]` set to `standIns[j]`; null where that is NaN too */
function withStandIns(x: Matrix, cells: Int32Array, standIns: Float32Array): Matrix | null {
  const { n, d, data } = x;
  // most batches have no missing cell at all: one plain pass says so
  let at = 0;
  while (at < data.length && data[at] === data[at]) at++;
  if (at === data.length) return x;
  let copy: Float32Array | null = null;
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < cells.length; j++) {
      if (data[row + cells[j]] === data[row + cells[j]]) continue;
      if (standIns[j] !== standIns[j]) return null;
      copy ??= Float32Array.from(data);
      copy[row + cells[j]] = standIns[j];
    }
  }
  return copy ? { n, d, data: copy } : x;
}

/** rows walked together through one tree at a time: their features and the tree stay in cache */
const WALK_BLOCK = 1024;

/**
 * Σ over trees of each row's leaf value by following the pointers: the scorer of forests
 * too deep for the complete layout (max_samples above 4096), and the reference the
 * kernel's sums equal bit for bit.
 */
export function walkForest(forest: Forest, x: Matrix): Float64Array {
  const { roots, feature, right, value } = forest;
  const { n, d, data } = x;
  const depths = new Float64Array(n);
  for (let start = 0; start < n; start += WALK_BLOCK) {
    const end = Math.min(n, start + WALK_BLOCK);
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t];
      for (let i = start; i < end; i++) {
        const base = i * d;
        let k = root;
        let f = feature[k];
        // NaN fails `<=`, so it goes right, deterministically
        while (f >= 0) {
          k = data[base + f] <= value[k] ? k + 1 : right[k];
          f = feature[k];
        }
        depths[i] += value[k];
      }
    }
  }
  return depths;
}

/**
 * Grows one tree at a time, reusing its buffers across trees. Rows are drawn from a
 * pool kept as the identity permutation between trees (partial Fisher–Yates, then
 * undone), so drawing costs O(max_samples) however large the input.
 */
class TreeBuilder {
  private readonly pool: Uint32Array;
  private readonly rows: Uint32Array;
  /** the tree's sample, column-major over its feature subset */
  private readonly cols: Float32Array;
  private readonly idx: Int32Array;
  private readonly feature: Int32Array;
  private readonly right: Int32Array;
  private readonly value: Float32Array;
  private nodes = 0;
  private rng = new Random(0);
  private subset: Uint32Array = new Uint32Array(0);

  constructor(
    private readonly x: Matrix,
    private readonly maxSamples: number,
    private readonly maxFeatures: number,
    private readonly maxDepth: number,
    private readonly bootstrap: boolean,
  ) {
    this.pool = bootstrap ? new Uint32Array(0) : Uint32Array.from({ length: x.n }, (_, i) => i);
    this.rows = new Uint32Array(maxSamples);
    this.cols = new Float32Array(maxSamples * maxFeatures);
    this.idx = new Int32Array(maxSamples);
    const maxNodes = 2 * maxSamples - 1;
    this.feature = new Int32Array(maxNodes);
    this.right = new Int32Array(maxNodes);
    this.value = new Float32Array(maxNodes);
  }

  build(rng: Random): Forest {
    this.rng = rng;
    const { x, maxSamples: m, rows } = this;
    if (this.bootstrap) {
      for (let k = 0; k < m; k++) rows[k] = rng.int(x.n);
    } else {
      drawFromPool(rng, this.pool, m, rows, this.idx);
    }
    this.subset = rng.sample(x.d, this.maxFeatures);
    for (let j = 0; j < this.subset.length; j++) {
      const f = this.subset[j];
      const col = j * m;
      for (let k = 0; k < m; k++) this.cols[col + k] = x.data[rows[k] * x.d + f];
    }
    for (let k = 0; k < m; k++) this.idx[k] = k;
    this.nodes = 0;
    this.grow(
      0,
      m,
      0,
      Uint32Array.from({ length: this.subset.length }, (_, j) => j),
    );
    return {
      roots: Int32Array.of(0),
      feature: this.feature.slice(0, this.nodes),
      right: this.right.slice(0, this.nodes),
      value: this.value.slice(0, this.nodes),
    };
  }

  /**
   * Grows the subtree over idx[start, end). `candidates` are positions in the feature
   * subset not yet known to be constant here: as in sklearn's random splitter, features
   * are drawn without replacement until one varies, and the ones found constant are not
   * drawn again below.
   */
  private grow(start: number, end: number, depth: number, candidates: Uint32Array): void {
    const node = this.nodes++;
    const count = end - start;
    if (depth < this.maxDepth && count >= 2) {
      const { cols, idx, rng, maxSamples: m } = this;
      let live = candidates.length;
      while (live > 0) {
        const pick = rng.int(live);
        const j = candidates[pick];
        const col = j * m;
        let lo = Infinity;
        let hi = -Infinity;
        for (let k = start; k < end; k++) {
          const v = cols[col + idx[k]];
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        if (hi <= lo + FEATURE_THRESHOLD) {
          // constant here and in every descendant: swap it out of the live range
          live--;
          candidates[pick] = candidates[live];
          candidates[live] = j;
          continue;
        }
        let threshold = lo + (hi - lo) * rng.next();
        if (threshold === hi) threshold = lo;
        threshold = floorToFloat32(threshold);
        let split = start;
        for (let k = start; k < end; k++) {
          const r = idx[k];
          if (cols[col + r] <= threshold) {
            idx[k] = idx[split];
            idx[split++] = r;
          }
        }
        const childCandidates = candidates.slice(0, live);
        this.feature[node] = this.subset[j];
        this.value[node] = threshold;
        this.grow(start, split, depth + 1, childCandidates);
        this.right[node] = this.nodes;
        this.grow(split, end, depth + 1, childCandidates);
        return;
      }
    }
    this.feature[node] = -1;
    this.right[node] = -1;
    this.value[node] = depth + averagePathLength(count);
  }
}

/** k distinct values of `pool` into `out`; `swaps` (length ≥ k) is scratch; `pool` is left as it was. */
function drawFromPool(rng: Random, pool: Uint32Array, k: number, out: Uint32Array, swaps: Int32Array): void {
  const n = pool.length;
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    swaps[i] = j;
    out[i] = pool[j];
    pool[j] = pool[i];
    pool[i] = out[i];
  }
  for (let i = k - 1; i >= 0; i--) {
    const j = swaps[i];
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
}

function joinTrees(trees: Forest[]): Forest {
  let size = 0;
  for (const t of trees) size += t.feature.length;
  const forest: Forest = {
    roots: new Int32Array(trees.length),
    feature: new Int32Array(size),
    right: new Int32Array(size),
    value: new Float32Array(size),
  };
  let offset = 0;
  trees.forEach((t, i) => {
    forest.roots[i] = offset;
    forest.feature.set(t.feature, offset);
    forest.value.set(t.value, offset);
    for (let k = 0; k < t.right.length; k++) forest.right[offset + k] = t.right[k] < 0 ? -1 : t.right[k] + offset;
    offset += t.feature.length;
  });
  return forest;
}

/** A forest read from a file must not send scoring out of bounds or round in circles. */
function checkForest(f: Forest, nFeatures: number): void {
  const size = f.feature.length;
  if (f.right.length !== size || f.value.length !== size || f.roots.length === 0) throw new Error('isolation forest file: arrays of different lengths');
  for (let t = 0; t < f.roots.length; t++) {
    const start = f.roots[t];
    const end = t + 1 < f.roots.length ? f.roots[t + 1] : size;
    if (!(start >= 0 && start < end && end <= size)) throw new Error(`isolation forest file: tree ${t} has no nodes`);
    for (let k = start; k < end; k++) {
      const feat = f.feature[k];
      if (feat < 0) continue;
      // pre-order: children come after their parent and inside the same tree
      if (feat >= nFeatures || k + 1 >= end || f.right[k] <= k + 1 || f.right[k] >= end) {
        throw new Error(`isolation forest file: node ${k} of tree ${t} is malformed`);
      }
    }
  }
}
