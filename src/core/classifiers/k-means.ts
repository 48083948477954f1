import { type FitOptions, Random } from '../util';
import type { Matrix } from '../ingest';
import { argmaxRows, type Classifier, type ClassifierJSON } from './classifier';
import { finiteInput } from './finite-input';
import { FitPacer } from './fit-pacer';
import { classCounts } from './labels';
import { oneHotRows } from './scores';

/**
 * k-means as scikit-learn's `KMeans` with its defaults: greedy k-means++ seeding
 * (2 + ⌊ln k⌋ candidates per centre, the one that lowers the potential most wins),
 * then Lloyd iterations until the labels stop changing or the centres move less than
 * tol × the mean feature variance in all (summed squared shifts), at most max_iter;
 * an empty cluster is moved onto the row farthest from its centre. n_init 'auto' is one
 * seeding, as sklearn ≥ 1.4 does for k-means++; with n_init > 1 the run with the lowest
 * inertia wins. The random numbers come from our seeded `Random`, not NumPy.
 *
 * As a classifier baseline the clustering ignores the labels; only afterwards is each
 * cluster named after the most common training class among its rows (the lowest class
 * index on ties; a cluster left empty takes the most common class overall). `predict`
 * gives that class, `predictProba` a one-hot row of it. n_clusters defaults to the
 * number of classes (sklearn's default would be 8).
 */
export interface KMeansParams {
  /** null = the number of classes passed to fit */
  n_clusters: number | null;
  n_init: 'auto' | number;
  max_iter: number;
  tol: number;
  random_state: number;
}

export const DEFAULT_KMEANS_PARAMS: Readonly<KMeansParams> = {
  n_clusters: null,
  n_init: 'auto',
  max_iter: 300,
  tol: 1e-4,
  random_state: 0,
};

const JSON_VERSION = 1;

interface Fitted {
  /** clusters × d centres, row-major */
  centers: Float64Array;
  clusters: number;
  d: number;
  nClasses: number;
  /** the class each cluster predicts */
  clusterClass: Int32Array;
  inertia: number;
  iterations: number;
}

export interface KMeansJSON extends ClassifierJSON {
  kind: 'kmeans';
  version: number;
  params: KMeansParams;
  n_classes: number;
  cluster_centers_: number[][];
  cluster_class_: number[];
  inertia_: number;
  n_iter_: number;
}

export class KMeans implements Classifier {
  readonly kind = 'kmeans';
  readonly params: Readonly<KMeansParams>;
  private fitted: Fitted | null = null;

  constructor(params: Partial<KMeansParams> = {}) {
    this.params = validateParams({ ...DEFAULT_KMEANS_PARAMS, ...params });
  }

  static fromJSON(json: ClassifierJSON): KMeans {
    const j = json as KMeansJSON;
    if (j.kind !== 'kmeans') throw new Error(`expected k-means, got "${String(j.kind)}"`);
    if (j.version !== JSON_VERSION) throw new Error(`k-means file version ${String(j.version)} is not supported (expected ${JSON_VERSION})`);
    const clusters = j.cluster_centers_.length;
    const d = j.cluster_centers_[0]?.length ?? 0;
    if (clusters < 1 || j.cluster_centers_.some((c) => c.length !== d) || j.cluster_class_.length !== clusters) {
      throw new Error('cluster_centers_ and cluster_class_ of the k-means model disagree in shape');
    }
    if (j.cluster_class_.some((c) => !(c >= 0 && c < j.n_classes))) throw new Error(`cluster_class_ must lie in 0…${j.n_classes - 1}`);
    const model = new KMeans(j.params);
    model.fitted = {
      centers: Float64Array.from(j.cluster_centers_.flat()),
      clusters,
      d,
      nClasses: j.n_classes,
      clusterClass: Int32Array.from(j.cluster_class_),
      inertia: j.inertia_,
      iterations: j.n_iter_,
    };
    return model;
  }

  get cluster_centers_(): Float64Array {
    return this.need().centers;
  }

  /** sum of squared distances of the training rows to their centres */
  get inertia_(): number {
    return this.need().inertia;
  }

  /** Lloyd iterations of the best run */
  get n_iter_(): number {
    return this.need().iterations;
  }

  /** the class each cluster stands for */
  get clusterClass(): Int32Array {
    return this.need().clusterClass;
  }

  async fit(x: Matrix, y: Int32Array, nClasses: number, options: FitOptions = {}): Promise<void> {
    const input = finiteInput(x);
    const { n, d } = input;
    const counts = classCounts(y, nClasses, n);
    const clusters = this.params.n_clusters ?? nClasses;
    if (n < clusters) throw new Error(`k-means needs at least n_clusters = ${clusters} rows, got ${n}`);
    const p = this.params;
    const runs = p.n_init === 'auto' ? 1 : p.n_init;
    const rng = new Random(p.random_state);
    const tolerance = p.tol * meanVariance(input);
    const pacer = new FitPacer(options, 'k-means');
    let best: Lloyd | null = null;
    for (let run = 0; run < runs; run++) {
      const lloyd = new Lloyd(input, kMeansPlusPlus(input, clusters, rng));
      while (lloyd.iterations < p.max_iter && !lloyd.step(tolerance)) {
        await pacer.step('iteration', run * p.max_iter + lloyd.iterations, runs * p.max_iter);
      }
      lloyd.finish();
      if (!best || lloyd.inertia < best.inertia) best = lloyd;
      await pacer.step('iteration', (run + 1) * p.max_iter, runs * p.max_iter);
    }
    const { centers, labels, inertia, iterations } = best!;
    this.fitted = { centers, clusters, d, nClasses, clusterClass: majorityClasses(labels, y, clusters, counts), inertia, iterations };
  }

  /** The nearest centre of each row (sklearn's `KMeans.predict`). */
  clusterOf(x: Matrix): Int32Array {
    const { centers, d } = this.need();
    return nearestCenters(finiteInput(x, d), centers).labels;
  }

  /** Distance of each row to its nearest centre (the anomaly score of k-means on benign rows). */
  distanceToNearest(x: Matrix): Float32Array {
    const { centers, d } = this.need();
    return Float32Array.from(nearestCenters(finiteInput(x, d), centers).distances, Math.sqrt);
  }

  predict(x: Matrix): Int32Array {
    const { clusterClass } = this.need();
    return this.clusterOf(x).map((c) => clusterClass[c]);
  }

  predictProba(x: Matrix): Float32Array {
    return oneHotRows(this.predict(x), this.need().nClasses);
  }

  toJSON(): KMeansJSON {
    const { centers, clusters, d, nClasses, clusterClass, inertia, iterations } = this.need();
    return {
      kind: 'kmeans',
      version: JSON_VERSION,
      params: { ...this.params },
      n_classes: nClasses,
      cluster_centers_: Array.from({ length: clusters }, (_, c) => Array.from(centers.subarray(c * d, (c + 1) * d))),
      cluster_class_: Array.from(clusterClass),
      inertia_: inertia,
      n_iter_: iterations,
    };
  }

  private need(): Fitted {
    if (!this.fitted) throw new Error('k-means is not fitted');
    return this.fitted;
  }
}

/** One run of Lloyd's algorithm from given centres. */
class Lloyd {
  labels: Int32Array;
  inertia = NaN;
  iterations = 0;
  private readonly clusters: number;
  private stable = false;

  constructor(
    private readonly x: Matrix,
    public centers: Float64Array,
  ) {
    this.clusters = centers.length / x.d;
    this.labels = new Int32Array(x.n).fill(-1);
  }

  /** Assigns rows to the centres, then moves the centres to their rows' means; true once converged. */
  step(tolerance: number): boolean {
    const { x, clusters } = this;
    const { n, d, data } = x;
    const assigned = nearestCenters(x, this.centers);
    const sums = new Float64Array(clusters * d);
    const sizes = new Float64Array(clusters);
    for (let i = 0; i < n; i++) {
      const c = assigned.labels[i];
      sizes[c]++;
      for (let j = 0; j < d; j++) sums[c * d + j] += data[i * d + j];
    }
    relocateEmptyClusters(x, assigned, sums, sizes);
    let shift = 0;
    for (let c = 0; c < clusters; c++) {
      for (let j = 0; j < d; j++) {
        const moved = sums[c * d + j] / sizes[c];
        shift += (moved - this.centers[c * d + j]) ** 2;
        sums[c * d + j] = moved;
      }
    }
    this.centers = sums;
    this.iterations++;
    this.stable = assigned.labels.every((c, i) => c === this.labels[i]);
    this.labels = assigned.labels;
    return this.stable || shift <= tolerance;
  }

  /** Labels and inertia for the final centres (sklearn re-runs the assignment unless the labels had settled). */
  finish(): void {
    const { n, d, data } = this.x;
    if (!this.stable) this.labels = nearestCenters(this.x, this.centers).labels;
    this.inertia = 0;
    for (let i = 0; i < n; i++) this.inertia += squaredDistance(data, i * d, this.centers, this.labels[i] * d, d);
  }
}

interface Assignment {
  labels: Int32Array;
  /** squared distance of each row to its centre */
  distances: Float64Array;
}

function nearestCenters(x: Matrix, centers: Float64Array): Assignment {
  const { n, d, data } = x;
  const clusters = centers.length / d;
  const labels = new Int32Array(n);
  const distances = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let label = 0;
    for (let c = 0; c < clusters; c++) {
      const dist = squaredDistance(data, i * d, centers, c * d, d, best);
      if (dist < best) {
        best = dist;
        label = c;
      }
    }
    labels[i] = label;
    distances[i] = best;
  }
  return { labels, distances };
}

/** ‖a[ia…] − b[ib…]‖² over d values; stops early once past `bound`, which is all a nearest-centre search needs. */
function squaredDistance(a: Float32Array | Float64Array, ia: number, b: Float32Array | Float64Array, ib: number, d: number, bound = Infinity): number {
  let s = 0;
  for (let j = 0; j < d && s < bound; j++) s += (a[ia + j] - b[ib + j]) ** 2;
  return s;
}

/**
 * sklearn's fix for clusters left without rows: the rows farthest from their centres
 * each become the sole member of one empty cluster (their old cluster gives them up in
 * the sums; their labels are left as they were, as in sklearn).
 */
function relocateEmptyClusters(x: Matrix, assigned: Assignment, sums: Float64Array, sizes: Float64Array): void {
  const empty: number[] = [];
  sizes.forEach((size, c) => size === 0 && empty.push(c));
  if (empty.length === 0) return;
  const { d, data } = x;
  const farthest = Array.from(assigned.distances.keys()).sort((a, b) => assigned.distances[b] - assigned.distances[a]);
  empty.forEach((to, e) => {
    const i = farthest[e];
    const from = assigned.labels[i];
    for (let j = 0; j < d; j++) {
      sums[from * d + j] -= data[i * d + j];
      sums[to * d + j] = data[i * d + j];
    }
    sizes[from]--;
    sizes[to] = 1;
  });
}

/**
 * sklearn's greedy k-means++: the first centre is a uniformly drawn row; each next one is
 * the best of 2 + ⌊ln k⌋ rows drawn with probability proportional to their squared
 * distance from the nearest centre so far, "best" meaning the lowest potential (sum of
 * those distances) once it is added.
 */
function kMeansPlusPlus(x: Matrix, clusters: number, rng: Random): Float64Array {
  const { n, d, data } = x;
  const trials = 2 + Math.floor(Math.log(clusters));
  const centers = new Float64Array(clusters * d);
  const first = rng.int(n);
  centers.set(data.subarray(first * d, (first + 1) * d));
  let closest = new Float64Array(n);
  for (let i = 0; i < n; i++) closest[i] = squaredDistance(data, i * d, data, first * d, d);
  let potential = closest.reduce((a, b) => a + b, 0);
  const cumulative = new Float64Array(n);
  const candidate = new Float64Array(n);
  for (let c = 1; c < clusters; c++) {
    let running = 0;
    for (let i = 0; i < n; i++) cumulative[i] = running += closest[i];
    let bestPotential = Infinity;
    let bestRow = 0;
    let bestClosest = closest;
    for (let t = 0; t < trials; t++) {
      const row = Math.min(searchSorted(cumulative, rng.next() * potential), n - 1);
      let pot = 0;
      for (let i = 0; i < n; i++) pot += candidate[i] = Math.min(closest[i], squaredDistance(data, i * d, data, row * d, d));
      if (pot < bestPotential) {
        bestPotential = pot;
        bestRow = row;
        bestClosest = candidate.slice();
      }
    }
    closest = bestClosest;
    potential = bestPotential;
    centers.set(data.subarray(bestRow * d, (bestRow + 1) * d), c * d);
  }
  return centers;
}

/** The first index whose value is ≥ v (numpy's searchsorted, side='left'). */
function searchSorted(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** sklearn's `_tolerance`: tol is relative to the mean variance of the features. */
function meanVariance(x: Matrix): number {
  const { n, d, data } = x;
  let total = 0;
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += data[i * d + j];
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (data[i * d + j] - mean) ** 2;
    total += ss / n;
  }
  return total / d;
}

/** The most common training class in each cluster; the most common overall for an empty one. */
function majorityClasses(labels: Int32Array, y: Int32Array, clusters: number, counts: Float64Array): Int32Array {
  const k = counts.length;
  const table = new Float32Array(clusters * k);
  for (let i = 0; i < labels.length; i++) table[labels[i] * k + y[i]]++;
  const overall = argmaxRows(Float32Array.from(counts), 1, k)[0];
  return argmaxRows(table, clusters, k).map((best, c) => (table[c * k + best] > 0 ? best : overall));
}

function validateParams(p: KMeansParams): KMeansParams {
  if (p.n_clusters !== null && !(Number.isInteger(p.n_clusters) && p.n_clusters >= 1))
    throw new Error(`n_clusters must be a positive integer or null, got ${p.n_clusters}`);
  if (p.n_init !== 'auto' && !(Number.isInteger(p.n_init) && p.n_init >= 1))
    throw new Error(`n_init must be 'auto' or a positive integer, got ${String(p.n_init)}`);
  if (!Number.isInteger(p.max_iter) || p.max_iter < 1) throw new Error(`max_iter must be a positive integer, got ${p.max_iter}`);
  if (!(p.tol >= 0)) throw new Error(`tol must be non-negative, got ${p.tol}`);
  if (!Number.isInteger(p.random_state)) throw new Error(`random_state must be an integer, got ${p.random_state}`);
  return p;
}
