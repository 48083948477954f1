import type { Matrix } from '../ingest';
import { type Random, FEATURE_THRESHOLD } from '../util';
import { finiteCount, midpoint } from './column-values';
import type { Splitter } from './tree-builder';
import type { TreeWriter } from './tree-storage';

/**
 * Exact splitting for classification trees (the decision tree and the random forest):
 * the input's columns ranked once (`SortedColumns`), and sklearn's BestSplitter with a
 * gini or entropy criterion over them (`ClassSplitter`).
 */

/** nodes up to this many rows are sorted by insertion */
const SMALL_SORT = 16;
/** nodes up to this many rows read their ranks row by row (`SortedColumns.rowRank`), larger ones column by column */
const ROW_MAJOR_ROWS = 4096;
/** moves per row the bucket sort's insertion pass may make before the node is sorted natively instead */
const INSERTION_BUDGET = 8;

/**
 * The input's columns ranked once, for exact splitting: `rank[f·n + i]` is the position of
 * x[i, f] among column f's distinct values `values[f]` (ascending, NaN last). Sorting a
 * node's rows by a feature then sorts small integers, by counting when their range is
 * narrow, so the forest pays for ranking once, not per tree.
 */
export class SortedColumns {
  private constructor(
    readonly n: number,
    readonly d: number,
    readonly rank: Uint32Array,
    /** the same ranks row by row (`rowRank[i·d + f]`): a small node's rows then share cache lines across features */
    readonly rowRank: Uint32Array,
    readonly values: Float32Array[],
    /** 1 where a column has consecutive distinct values closer than sklearn's tolerance */
    readonly tight: Uint8Array,
  ) {}

  static of(x: Matrix): SortedColumns {
    const { n, d } = x;
    const rank = new Uint32Array(n * d);
    const values: Float32Array[] = [];
    const tight = new Uint8Array(d);
    const ranker = new RadixRanker(n);
    for (let f = 0; f < d; f++) {
      const distinct = ranker.rank(x, f, rank.subarray(f * n, (f + 1) * n));
      const finite = finiteCount(distinct);
      for (let r = 1; r < finite; r++) if (distinct[r] <= distinct[r - 1] + FEATURE_THRESHOLD) tight[f] = 1;
      // the input is float32, so its distinct values are too
      values.push(Float32Array.from(distinct));
    }
    const rowRank = new Uint32Array(n * d);
    for (let f = 0; f < d; f++) for (let i = 0; i < n; i++) rowRank[i * d + f] = rank[f * n + i];
    return new SortedColumns(n, d, rank, rowRank, values, tight);
  }
}

/** bits per pass of the radix sort: three passes sort 32-bit keys */
const RADIX_BITS = 11;
const RADIX = 1 << RADIX_BITS;

/**
 * Ranks a float32 column with a stable least-significant-digit radix sort of its bits,
 * made to sort as the values do: three counting passes over the column, no comparisons.
 */
class RadixRanker {
  private readonly keys: Uint32Array;
  private readonly rows: Uint32Array;
  private readonly keysB: Uint32Array;
  private readonly rowsB: Uint32Array;
  private readonly counts = new Uint32Array(3 * RADIX);
  private readonly float = new Float32Array(1);
  private readonly bits = new Uint32Array(this.float.buffer);

  constructor(n: number) {
    this.keys = new Uint32Array(n);
    this.rows = new Uint32Array(n);
    this.keysB = new Uint32Array(n);
    this.rowsB = new Uint32Array(n);
  }

  /** writes column f's ranks into `out` and returns its distinct values ascending, NaN last (as `distinctSorted`) */
  rank(x: Matrix, f: number, out: Uint32Array): Float64Array {
    const { n, d, data } = x;
    const { keys, rows, float, bits, counts } = this;
    let m = 0;
    let nan = false;
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const v = data[i * d + f];
      if (Number.isNaN(v)) {
        nan = true;
        continue;
      }
      float[0] = v === 0 ? 0 : v; // −0 ranks with 0
      const b = bits[0];
      const key = b >= 0x80000000 ? ~b >>> 0 : b + 0x80000000;
      keys[m] = key;
      rows[m++] = i;
      counts[key & (RADIX - 1)]++;
      counts[RADIX + ((key >>> RADIX_BITS) & (RADIX - 1))]++;
      counts[2 * RADIX + (key >>> (2 * RADIX_BITS))]++;
    }
    radixPass(keys, rows, this.keysB, this.rowsB, m, counts, 0, 0);
    radixPass(this.keysB, this.rowsB, keys, rows, m, counts, RADIX, RADIX_BITS);
    radixPass(keys, rows, this.keysB, this.rowsB, m, counts, 2 * RADIX, 2 * RADIX_BITS);
    const sortedKeys = this.keysB;
    const sortedRows = this.rowsB;
    const distinct = new Float64Array(m + (nan ? 1 : 0));
    let r = -1;
    let last = -1;
    for (let k = 0; k < m; k++) {
      const i = sortedRows[k];
      if (sortedKeys[k] !== last) {
        last = sortedKeys[k];
        distinct[++r] = data[i * d + f] === 0 ? 0 : data[i * d + f];
      }
      out[i] = r;
    }
    if (nan) {
      distinct[++r] = NaN;
      for (let i = 0; i < n; i++) if (Number.isNaN(data[i * d + f])) out[i] = r;
    }
    return distinct.slice(0, r + 1);
  }
}

/** one stable counting pass on the digit of `keys` at `shift`, whose counts start at counts[at] */
function radixPass(
  keys: Uint32Array,
  rows: Uint32Array,
  toKeys: Uint32Array,
  toRows: Uint32Array,
  m: number,
  counts: Uint32Array,
  at: number,
  shift: number,
): void {
  let sum = 0;
  for (let b = at; b < at + RADIX; b++) {
    const c = counts[b];
    counts[b] = sum;
    sum += c;
  }
  for (let k = 0; k < m; k++) {
    const key = keys[k];
    const to = counts[at + ((key >>> shift) & (RADIX - 1))]++;
    toKeys[to] = key;
    toRows[to] = rows[k];
  }
}

export type Criterion = 'gini' | 'entropy';

export interface ClassSplitterOptions {
  criterion: Criterion;
  /** features to look at per split (more are drawn while all drawn ones are constant) */
  maxFeatures: number;
  minSamplesLeaf: number;
}

/**
 * sklearn's BestSplitter with a classification criterion. Rows carry weights (bootstrap
 * counts × class weights); a row that is not in the tree is not among the samples, so the
 * row counts behind `min_samples_*` are distinct rows, as in sklearn.
 */
export class ClassSplitter implements Splitter {
  readonly nOutputs: number;
  nodeWeight = 0;
  feature = -1;
  threshold = 0;
  nConstant = 0;
  /** the tree's rows (indices into the columns), reordered as the tree grows */
  private samples: Uint32Array = new Uint32Array(0);
  /** class and weight of samples[p] at p, moved along with it, so a node's rows sit together in memory */
  private readonly sampleClass: Int32Array;
  private readonly sampleWeight: Float64Array;
  private rng: Random | null = null;
  private readonly counts: Float64Array;
  private readonly leftCounts: Float64Array;
  private readonly rightCounts: Float64Array;
  /** the value row of a pure leaf of each class in the current tree, −1 until needed */
  private readonly pureRow: Int32Array;
  /** the node's ranks in one feature, in sample order */
  private readonly nodeRank: Uint32Array;
  /** the node's rows sorted by one feature: their ranks, classes and weights */
  private readonly sortedRank: Uint32Array;
  /** their positions in the sample array (where their classes and weights are) */
  private readonly sortedPos: Uint32Array;
  private readonly keys32: Uint32Array;
  private readonly keys64: Float64Array;
  private readonly buckets: Uint32Array;
  private readonly features: Int32Array;
  private readonly constantFeatures: Int32Array;
  /** 1 where position start + i of the node being split goes left */
  private readonly goesLeft: Uint8Array;
  /** the right side's samples, classes and weights while a node is partitioned */
  private readonly rightSamples: Uint32Array;
  private readonly rightClass: Int32Array;
  private readonly rightWeight: Float64Array;
  /** the lowest and highest rank `gatherRanks` saw */
  private readonly span = new Uint32Array(2);
  /** where the last `bestThreshold` found its split: the last row going left, in sorted order */
  private foundAt = 0;

  constructor(
    private readonly cols: SortedColumns,
    private readonly y: Int32Array,
    nClasses: number,
    private readonly options: ClassSplitterOptions,
  ) {
    const { n, d } = cols;
    this.nOutputs = nClasses;
    this.sampleClass = new Int32Array(n);
    this.sampleWeight = new Float64Array(n);
    this.counts = new Float64Array(nClasses);
    this.leftCounts = new Float64Array(nClasses);
    this.rightCounts = new Float64Array(nClasses);
    this.pureRow = new Int32Array(nClasses);
    this.nodeRank = new Uint32Array(n);
    this.sortedRank = new Uint32Array(n);
    this.sortedPos = new Uint32Array(n);
    this.keys32 = new Uint32Array(n);
    this.keys64 = new Float64Array(n);
    this.buckets = new Uint32Array(n + 1);
    this.features = Int32Array.from({ length: d }, (_, f) => f);
    this.constantFeatures = new Int32Array(d);
    this.goesLeft = new Uint8Array(n);
    this.rightSamples = new Uint32Array(n);
    this.rightClass = new Int32Array(n);
    this.rightWeight = new Float64Array(n);
  }

  /** starts a tree on the rows `samples` (ascending; reordered as it grows), each with weight[row] > 0 */
  reset(samples: Uint32Array, weight: Float64Array, rng: Random): void {
    this.samples = samples;
    for (let p = 0; p < samples.length; p++) {
      this.sampleClass[p] = this.y[samples[p]];
      this.sampleWeight[p] = weight[samples[p]];
    }
    this.rng = rng;
    this.pureRow.fill(-1);
    for (let f = 0; f < this.features.length; f++) this.features[f] = f;
  }

  nodeImpurity(start: number, end: number): number {
    const { counts, options } = this;
    const w = addClassWeights(counts, this.sampleClass, this.sampleWeight, start, end);
    this.nodeWeight = w;
    return impurity(options.criterion, counts, w);
  }

  leaf(_start: number, _end: number, writer: TreeWriter): number {
    const { counts } = this;
    let only = -1;
    let classes = 0;
    for (let c = 0; c < counts.length; c++) {
      if (counts[c] > 0) {
        only = c;
        classes++;
      }
    }
    if (classes !== 1) return writer.addValues(counts, 1 / this.nodeWeight);
    if (this.pureRow[only] < 0) this.pureRow[only] = writer.addValues(counts, 1 / counts[only]);
    return this.pureRow[only];
  }

  /** sklearn's BestSplitter.node_split, including how it draws features and tracks constant ones */
  split(start: number, end: number, nKnownConstants: number): number {
    const { features, constantFeatures } = this;
    const rng = this.rng!;
    const maxFeatures = this.options.maxFeatures;
    let fi = features.length;
    let nVisited = 0;
    let nFoundConstants = 0;
    let nDrawnConstants = 0;
    let nTotalConstants = nKnownConstants;
    let best = -Infinity;
    let bestFeature = -1;
    let bestRank = 0;
    let bestNextRank = 0;
    while (fi > nTotalConstants && (nVisited < maxFeatures || nVisited <= nFoundConstants + nDrawnConstants)) {
      nVisited++;
      let fj = nDrawnConstants + rng.int(fi - nFoundConstants - nDrawnConstants);
      if (fj < nKnownConstants) {
        swap(features, nDrawnConstants, fj);
        nDrawnConstants++;
        continue;
      }
      fj += nFoundConstants;
      const f = features[fj];
      if (!this.sortNode(f, start, end)) {
        swap(features, fj, nTotalConstants);
        nFoundConstants++;
        nTotalConstants++;
        continue;
      }
      fi--;
      swap(features, fi, fj);
      const found = this.bestThreshold(f, end - start, best);
      if (found > best) {
        best = found;
        bestFeature = f;
        bestRank = this.sortedRank[this.foundAt];
        bestNextRank = this.sortedRank[this.foundAt + 1];
      }
    }
    // keep the known constants in their order for siblings; hand the new ones to the children
    for (let k = 0; k < nKnownConstants; k++) features[k] = constantFeatures[k];
    for (let k = nKnownConstants; k < nTotalConstants; k++) constantFeatures[k] = features[k];
    this.nConstant = nTotalConstants;
    if (bestFeature < 0) return -1;
    this.feature = bestFeature;
    const values = this.cols.values[bestFeature];
    this.threshold = midpoint(values[bestRank], values[bestNextRank]);
    return this.partition(start, end, bestFeature, bestRank);
  }

  /**
   * Sorts the node's rows by feature f into sortedRank/Pos[0, m), ties in row
   * order: by rank buckets (`bucketSort`), or, where those come out too unsorted, by one
   * native sort of packed (rank, position) keys. Returns false, without sorting, when f
   * is constant here.
   */
  private sortNode(f: number, start: number, end: number): boolean {
    const { nodeRank, sortedRank, sortedPos } = this;
    const values = this.cols.values[f];
    const m = end - start;
    const span = this.span;
    this.gather(f, start, end, nodeRank, span);
    const lo = span[0];
    const hi = span[1];
    if (lo === hi || values[hi] <= values[lo] + FEATURE_THRESHOLD) return false;
    if (m > SMALL_SORT && this.bucketSort(start, m, lo, hi)) return true;
    if ((hi - lo + 1) * 2 ** (32 - Math.clz32(m - 1)) <= 0x100000000) {
      // (rank, position) packed into uint32 keys, which sort about twice as fast as float64 ones
      const shift = 32 - Math.clz32(m - 1);
      const mask = (1 << shift) - 1;
      const keys = this.keys32;
      for (let i = 0; i < m; i++) keys[i] = (nodeRank[i] - lo) * (mask + 1) + i;
      if (m <= SMALL_SORT) insertionSort(keys, m);
      else keys.subarray(0, m).sort();
      for (let i = 0; i < m; i++) {
        const k = keys[i];
        const p = start + (k & mask);
        sortedRank[i] = (k >>> shift) + lo;
        sortedPos[i] = p;
      }
    } else {
      const keys = this.keys64.subarray(0, m);
      for (let i = 0; i < m; i++) keys[i] = (nodeRank[i] - lo) * m + i;
      keys.sort();
      for (let i = 0; i < m; i++) {
        const q = Math.floor(keys[i] / m);
        const p = start + keys[i] - q * m;
        sortedRank[i] = q + lo;
        sortedPos[i] = p;
      }
    }
    return true;
  }

  /**
   * Sorts the node's rows, whose ranks nodeRank[0, m) lie in lo..hi, into
   * sortedRank/Pos, ties in row order: counted into at most about 2m buckets of 2^shift
   * consecutive ranks (one rank each where the range allows: a counting sort), then an
   * insertion pass puts each bucket in order. Ranks are spread about evenly over a
   * column, so buckets hold few rows and the whole costs a few passes over m; returns
   * false, leaving the sort half done, if the insertions exceed their budget.
   */
  private bucketSort(start: number, m: number, lo: number, hi: number): boolean {
    // about two buckets a row: fewer rows share one, so the insertion pass moves fewer
    const shift = Math.max(0, 32 - Math.clz32(Math.ceil((hi - lo + 1) / (2 * m)) - 1));
    const nBuckets = ((hi - lo) >>> shift) + 1;
    const { buckets } = this;
    buckets.fill(0, 0, nBuckets + 1);
    countBuckets(this.nodeRank, m, lo, shift, buckets);
    prefixSums(buckets, nBuckets);
    this.scatter(start, m, lo, shift);
    return shift === 0 || this.insertionPass(m);
  }

  /** moves the node's rows into their buckets, whose starts `buckets` holds, in row order within each */
  private scatter(start: number, m: number, lo: number, shift: number): void {
    const { nodeRank, sortedRank, sortedPos, buckets } = this;
    for (let i = 0; i < m; i++) {
      const r = nodeRank[i];
      const at = buckets[(r - lo) >>> shift]++;
      sortedRank[at] = r;
      sortedPos[at] = start + i;
    }
  }

  /** sorts sortedRank/Pos[0, m) by rank, stably; false if it would take more than the budget's moves */
  private insertionPass(m: number): boolean {
    const { sortedRank, sortedPos } = this;
    let budget = INSERTION_BUDGET * m;
    for (let i = 1; i < m; i++) {
      const r = sortedRank[i];
      if (sortedRank[i - 1] <= r) continue;
      const q = sortedPos[i];
      let j = i - 1;
      while (j >= 0 && sortedRank[j] > r) {
        sortedRank[j + 1] = sortedRank[j];
        sortedPos[j + 1] = sortedPos[j];
        j--;
      }
      sortedRank[j + 1] = r;
      sortedPos[j + 1] = q;
      budget -= i - j;
      if (budget < 0) return false;
    }
    return true;
  }

  /**
   * Scans the m sorted rows of the node for the split with the best proxy improvement
   * above `floor` (sklearn's `proxy_impurity_improvement`); returns it and sets `foundAt`,
   * or returns `floor` if none beats it.
   */
  private bestThreshold(f: number, m: number, floor: number): number {
    const { sortedRank, sortedPos, sampleClass, sampleWeight, leftCounts: left, counts } = this;
    const values = this.cols.values[f];
    // only columns with values closer than the tolerance need it checked per boundary
    const tight = this.cols.tight[f] === 1;
    const minLeaf = this.options.minSamplesLeaf;
    const gini = this.options.criterion === 'gini';
    // a local: an imported binding is re-read at every use (through a getter where modules are CommonJS)
    const tolerance = FEATURE_THRESHOLD;
    left.fill(0);
    let wl = 0;
    // gini's proxy needs only the sums of squared class weights, updated in O(1) per row
    let sql = 0;
    let sqr = 0;
    for (let c = 0; c < counts.length; c++) sqr += counts[c] * counts[c];
    let best = floor;
    for (let i = 0; i < m - 1; i++) {
      const c = sampleClass[sortedPos[i]];
      const w = sampleWeight[sortedPos[i]];
      // the right side's weights are the node's less the left's, as sklearn's criterion takes them
      const l = left[c];
      sql += w * (2 * l + w);
      sqr += w * (w - 2 * (counts[c] - l));
      left[c] = l + w;
      wl += w;
      const r = sortedRank[i];
      const next = sortedRank[i + 1];
      if (next === r || i + 1 < minLeaf) continue;
      if (m - i - 1 < minLeaf) break;
      if (tight && values[next] <= values[r] + tolerance) continue;
      const wr = this.nodeWeight - wl;
      if (gini) {
        // sql/wl + sqr/wr > best, without dividing at every boundary
        const num = sql * wr + sqr * wl;
        const den = wl * wr;
        if (num > best * den) {
          best = num / den;
          this.foundAt = i;
        }
      } else {
        const proxy = -(wl * impurity('entropy', left, wl) + wr * impurity('entropy', this.rightOf(left), wr));
        if (proxy > best) {
          best = proxy;
          this.foundAt = i;
        }
      }
    }
    return best;
  }

  /** the right side's class weights when the left side's are `left` */
  private rightOf(left: Float64Array): Float64Array {
    const { rightCounts: right, counts } = this;
    for (let c = 0; c < counts.length; c++) right[c] = counts[c] - left[c];
    return right;
  }

  /** the node's ranks in feature f, from whichever layout its size reads fastest */
  private gather(f: number, start: number, end: number, out: Uint32Array, span: Uint32Array): void {
    const { n, d, rank, rowRank } = this.cols;
    if (end - start > ROW_MAJOR_ROWS) gatherRanks(rank, f * n, 1, this.samples, start, end, out, span);
    else gatherRanks(rowRank, f, d, this.samples, start, end, out, span);
  }

  /** moves the node's rows with rank ≤ `lastLeft` in feature f to the front; returns where the rest start */
  private partition(start: number, end: number, f: number, lastLeft: number): number {
    const { samples, goesLeft } = this;
    const { n, d, rank, rowRank } = this.cols;
    if (end - start > ROW_MAJOR_ROWS) markLeft(goesLeft, rank, f * n, 1, samples, start, end, lastLeft);
    else markLeft(goesLeft, rowRank, f, d, samples, start, end, lastLeft);
    return partitionSamples(goesLeft, start, end, samples, this.sampleClass, this.sampleWeight, this.rightSamples, this.rightClass, this.rightWeight);
  }
}

function impurity(criterion: Criterion, counts: Float64Array, w: number): number {
  let s = 0;
  if (criterion === 'gini') {
    for (let c = 0; c < counts.length; c++) s += counts[c] * counts[c];
    return 1 - s / (w * w);
  }
  for (let c = 0; c < counts.length; c++) {
    if (counts[c] > 0) {
      const p = counts[c] / w;
      s -= p * Math.log2(p);
    }
  }
  return s;
}

/* The hot loops are functions of their own, each whole: V8 would otherwise optimise their method from inside the loop (on-stack replacement) and fall back to the interpreter at every call where the code after the loop had not yet run. */

/** out[0, end − start) = the ranks of samples[start, end), row i's at rank[base + i·stride]; span = their lowest and highest */
function gatherRanks(
  rank: Uint32Array,
  base: number,
  stride: number,
  samples: Uint32Array,
  start: number,
  end: number,
  out: Uint32Array,
  span: Uint32Array,
): void {
  let lo = 0xffffffff;
  let hi = 0;
  for (let p = start; p < end; p++) {
    const r = rank[base + samples[p] * stride];
    out[p - start] = r;
    if (r < lo) lo = r;
    if (r > hi) hi = r;
  }
  span[0] = lo;
  span[1] = hi;
}

/** counts[c] = the weight of class c among positions [start, end); returns their total weight */
function addClassWeights(counts: Float64Array, sampleClass: Int32Array, sampleWeight: Float64Array, start: number, end: number): number {
  counts.fill(0);
  let w = 0;
  for (let p = start; p < end; p++) {
    counts[sampleClass[p]] += sampleWeight[p];
    w += sampleWeight[p];
  }
  return w;
}

/** goesLeft[p − start] = 1 where the rank of samples[p] (as in `gatherRanks`) is at most lastLeft */
function markLeft(
  goesLeft: Uint8Array,
  rank: Uint32Array,
  base: number,
  stride: number,
  samples: Uint32Array,
  start: number,
  end: number,
  lastLeft: number,
): void {
  for (let p = start; p < end; p++) goesLeft[p - start] = rank[base + samples[p] * stride] <= lastLeft ? 1 : 0;
}

/**
 * Moves the node's samples that go left (`goesLeft`) to the front of [start, end), their
 * classes and weights with them, each side in its order (rows stay ascending, so gathering
 * by row walks memory forwards); returns where the right side starts. One pass for the
 * three arrays, not one each (as `StablePartition` does its one): the branch on the side is
 * a coin toss, mispredicted once a row instead of three times.
 */
function partitionSamples(
  goesLeft: Uint8Array,
  start: number,
  end: number,
  samples: Uint32Array,
  sampleClass: Int32Array,
  sampleWeight: Float64Array,
  rightSamples: Uint32Array,
  rightClass: Int32Array,
  rightWeight: Float64Array,
): number {
  let at = start;
  let right = 0;
  for (let p = start; p < end; p++) {
    const row = samples[p];
    const c = sampleClass[p];
    const w = sampleWeight[p];
    if (goesLeft[p - start] === 1) {
      samples[at] = row;
      sampleClass[at] = c;
      sampleWeight[at] = w;
      at++;
    } else {
      rightSamples[right] = row;
      rightClass[right] = c;
      rightWeight[right] = w;
      right++;
    }
  }
  samples.set(rightSamples.subarray(0, right), at);
  sampleClass.set(rightClass.subarray(0, right), at);
  sampleWeight.set(rightWeight.subarray(0, right), at);
  return at;
}

function countBuckets(ranks: Uint32Array, m: number, lo: number, shift: number, buckets: Uint32Array): void {
  for (let i = 0; i < m; i++) buckets[((ranks[i] - lo) >>> shift) + 1]++;
}

function prefixSums(a: Uint32Array, n: number): void {
  for (let b = 1; b <= n; b++) a[b] += a[b - 1];
}

/** sorts a[0, m) in place: for the many tiny nodes, cheaper than a native sort's call */
function insertionSort(a: Uint32Array, m: number): void {
  for (let i = 1; i < m; i++) {
    const k = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > k) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = k;
  }
}

function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
