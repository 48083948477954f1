import type { Matrix } from '../ingest';
import { distinctSorted, finiteCount, lowerBound, midpoint } from './column-values';
import { StablePartition } from './stable-partition';
import type { GrowLimits, Splitter } from './tree-builder';
import type { Tree, TreeWriter } from './tree-storage';

/**
 * Histogram splitting for gradient boosting's regression trees: the input binned once
 * (`BinnedColumns`), and a friedman_mse split over per-node histograms of the gradients
 * (`HistogramSplitter`, with `rootHistograms` for a stage's K trees at once).
 */

/**
 * The input binned once for histogram splitting: `bins[i·d + f]` is the bin of x[i, f];
 * bin b holds the values in (thresholds[f][b−1], thresholds[f][b]]; NaN joins the last.
 * Thresholds are midpoints between consecutive distinct values when a column has at most
 * `maxBins` of them (then splitting is as exact as sorting), else between quantiles, as
 * sklearn's HistGradientBoosting `_find_binning_thresholds`.
 */
export class BinnedColumns {
  private constructor(
    readonly n: number,
    readonly d: number,
    readonly bins: Uint8Array,
    readonly thresholds: Float64Array[],
  ) {}

  /** `maxBins` in 2…255, so that a bin fits a byte */
  static of(x: Matrix, maxBins: number): BinnedColumns {
    const { n, d, data } = x;
    const bins = new Uint8Array(n * d);
    const thresholds: Float64Array[] = [];
    const col = new Float64Array(n);
    for (let f = 0; f < d; f++) {
      for (let i = 0; i < n; i++) col[i] = data[i * d + f];
      const t = binThresholds(col, maxBins);
      for (let i = 0; i < n; i++) bins[i * d + f] = Number.isNaN(col[i]) ? t.length : lowerBound(t, t.length, col[i]);
      thresholds.push(t);
    }
    return new BinnedColumns(n, d, bins, thresholds);
  }
}

function binThresholds(col: Float64Array, maxBins: number): Float64Array {
  const distinct = distinctSorted(col);
  const finite = finiteCount(distinct);
  const mids: number[] = [];
  if (finite <= maxBins) {
    for (let i = 1; i < finite; i++) mids.push(midpoint(distinct[i - 1], distinct[i]));
  } else {
    // numpy.percentile(col, linspace(0, 100, maxBins + 1)[1:-1], method='midpoint') over the finite values
    const sorted = col.slice().sort();
    let m = sorted.length;
    while (m > 0 && Number.isNaN(sorted[m - 1])) m--;
    for (let q = 1; q < maxBins; q++) {
      const pos = (q / maxBins) * (m - 1);
      const v = midpoint(sorted[Math.floor(pos)], sorted[Math.ceil(pos)]);
      if (mids.length === 0 || v > mids[mids.length - 1]) mids.push(v);
    }
  }
  return Float64Array.from(mids);
}

/** a leaf's value from the rows samples[start, end) of its node */
export type LeafValue = (samples: Uint32Array, start: number, end: number) => number;

/** doubles per histogram: per feature, 256 bins of (sum of targets, row count) */
const HIST_BINS = 256;

/**
 * A regression split with sklearn's friedman_mse criterion over binned features, every
 * feature looked at in every node (sklearn's GradientBoosting default max_features=None).
 * Rows are unweighted; leaves take their value from `leafValue` (boosting's Newton step).
 * As in LightGBM, only the smaller child's histogram is built from its rows: the larger
 * one's is the parent's minus it.
 */
export class HistogramSplitter implements Splitter {
  readonly nOutputs = 1;
  nodeWeight = 0;
  feature = -1;
  threshold = 0;
  readonly nConstant = 0;
  private samples: Uint32Array = new Uint32Array(0);
  private target: Float64Array = new Float64Array(0);
  private nodeSum = 0;
  private readonly one = new Float64Array(1);
  private readonly stable: StablePartition;
  /** histograms of pending nodes that will be split, by their first sample position */
  private readonly pending = new Map<number, Float64Array>();
  private readonly spare: Float64Array[] = [];
  /** each leaf's sample range, by its value row */
  private leafStart: number[] = [];
  private leafEnd: number[] = [];
  /** the caller's root histogram, never pooled */
  private lent: Float64Array | null = null;

  constructor(
    private readonly binned: BinnedColumns,
    private readonly limits: GrowLimits,
    private readonly leafValue: LeafValue,
  ) {
    this.stable = new StablePartition(binned.n);
  }

  /**
   * Starts a tree on the rows `samples` (ascending; reordered as it grows) with regression
   * targets `target` (by row); `root`, if given, is their histogram (see `rootHistograms`),
   * which the splitter may overwrite but does not keep.
   */
  reset(samples: Uint32Array, target: Float64Array, root?: Float64Array): void {
    this.samples = samples;
    this.target = target;
    this.leafStart = [];
    this.leafEnd = [];
    this.lent = root ?? null;
    if (root) this.pending.set(0, root);
  }

  nodeImpurity(start: number, end: number): number {
    const { samples, target } = this;
    let s = 0;
    let s2 = 0;
    for (let p = start; p < end; p++) {
      const v = target[samples[p]];
      s += v;
      s2 += v * v;
    }
    const m = end - start;
    this.nodeWeight = m;
    this.nodeSum = s;
    return s2 / m - (s / m) * (s / m);
  }

  leaf(start: number, end: number, writer: TreeWriter): number {
    this.release(this.take(start));
    this.leafStart.push(start);
    this.leafEnd.push(end);
    this.one[0] = this.leafValue(this.samples, start, end);
    return writer.addValues(this.one, 1);
  }

  /**
   * out[row·stride + column] += scale · (its leaf's value) for the rows the last tree was
   * grown on, from where they ended up, without walking the tree.
   */
  addToGrownRows(t: Tree, out: Float64Array, stride: number, column: number, scale: number): void {
    const { samples, leafStart, leafEnd } = this;
    for (let r = 0; r < leafStart.length; r++) {
      const v = scale * t.values[r];
      for (let p = leafStart[r]; p < leafEnd[r]; p++) out[samples[p] * stride + column] += v;
    }
  }

  split(start: number, end: number, _nConstant: number, depth: number): number {
    const { samples, binned } = this;
    const { d, bins, thresholds } = binned;
    const hist = this.take(start) ?? this.build(start, end);
    const m = end - start;
    const total = this.nodeSum;
    const minLeaf = this.limits.minSamplesLeaf;
    let best = -Infinity;
    let bestFeature = -1;
    let bestBin = 0;
    for (let f = 0; f < d; f++) {
      const lastBin = thresholds[f].length;
      let nl = 0;
      let sl = 0;
      for (let b = 0; b < lastBin; b++) {
        const h = (f * HIST_BINS + b) * 2;
        if (hist[h + 1] === 0) continue;
        nl += hist[h + 1];
        sl += hist[h];
        if (nl < minLeaf) continue;
        const nr = m - nl;
        if (nr < minLeaf) break;
        // sklearn's FriedmanMSE.proxy_impurity_improvement
        const diff = nr * sl - nl * (total - sl);
        const proxy = (diff * diff) / (nl * nr);
        if (proxy > best) {
          best = proxy;
          bestFeature = f;
          bestBin = b;
        }
      }
    }
    if (bestFeature < 0) {
      this.release(hist);
      return -1;
    }
    this.feature = bestFeature;
    this.threshold = thresholds[bestFeature][bestBin];
    const { goesLeft } = this.stable;
    for (let p = start; p < end; p++) goesLeft[p - start] = bins[samples[p] * d + bestFeature] <= bestBin ? 1 : 0;
    const pos = this.stable.apply(start, end, samples);
    this.prepareChildren(hist, start, pos, end, depth + 1);
    return pos;
  }

  /** builds the histograms of the children that may be split; `hist` (the parent's) is reused or released */
  private prepareChildren(hist: Float64Array, start: number, pos: number, end: number, depth: number): void {
    const { maxDepth, minSamplesSplit, minSamplesLeaf } = this.limits;
    const maySplit = (count: number) => depth < maxDepth && count >= minSamplesSplit && count >= 2 * minSamplesLeaf;
    const leftSmaller = pos - start <= end - pos;
    const [smallStart, smallEnd, largeStart, largeEnd] = leftSmaller ? [start, pos, pos, end] : [pos, end, start, pos];
    const small = maySplit(smallEnd - smallStart);
    const large = maySplit(largeEnd - largeStart);
    if (!small && !large) {
      this.release(hist);
      return;
    }
    const smallHist = this.build(smallStart, smallEnd);
    if (large) {
      for (let i = 0; i < hist.length; i++) hist[i] -= smallHist[i];
      this.pending.set(largeStart, hist);
    } else {
      this.release(hist);
    }
    if (small) this.pending.set(smallStart, smallHist);
    else this.release(smallHist);
  }

  private build(start: number, end: number): Float64Array {
    const { samples, target } = this;
    const { d, bins } = this.binned;
    const hist = this.spare.pop()?.fill(0) ?? newHistogram(d);
    for (let p = start; p < end; p++) {
      const row = samples[p];
      const v = target[row];
      const base = row * d;
      for (let f = 0; f < d; f++) {
        const h = (f * HIST_BINS + bins[base + f]) * 2;
        hist[h] += v;
        hist[h + 1]++;
      }
    }
    return hist;
  }

  private take(start: number): Float64Array | undefined {
    const hist = this.pending.get(start);
    this.pending.delete(start);
    return hist;
  }

  private release(hist: Float64Array | undefined): void {
    if (hist && hist !== this.lent) this.spare.push(hist);
  }
}

export function newHistogram(d: number): Float64Array {
  return new Float64Array(d * HIST_BINS * 2);
}

/**
 * The root histograms (in `HistogramSplitter`'s layout) of `columns` targets at once,
 * targets[i·columns + k] being target k of row i: one pass over the rows instead of one
 * per target, for boosting's K trees per stage. Fills `out[k]` (d·256·2 values each).
 */
export function rootHistograms(binned: BinnedColumns, samples: Uint32Array, targets: Float64Array, columns: number, out: readonly Float64Array[]): void {
  const { d, bins } = binned;
  // per (feature, bin): the columns' sums, then the row count
  const width = columns + 1;
  const joint = new Float64Array(d * HIST_BINS * width);
  // feature by feature, so the slots being added to (256 × width) stay in cache
  for (let f = 0; f < d; f++) {
    const offset = f * HIST_BINS;
    for (let p = 0; p < samples.length; p++) {
      const row = samples[p];
      const h = (offset + bins[row * d + f]) * width;
      const t = row * columns;
      for (let k = 0; k < columns; k++) joint[h + k] += targets[t + k];
      joint[h + columns]++;
    }
  }
  for (let k = 0; k < columns; k++) {
    const hist = out[k];
    for (let b = 0; b < d * HIST_BINS; b++) {
      hist[2 * b] = joint[b * width + k];
      hist[2 * b + 1] = joint[b * width + columns];
    }
  }
}
