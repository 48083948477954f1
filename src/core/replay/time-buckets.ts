import { MAX_BUCKETS, type LiveSeries } from '../store';

/**
 * Equal time buckets over a run's time axis, at most `MAX_BUCKETS` of them: when a time
 * falls past the last bucket, neighbouring buckets are merged pairwise (the width
 * doubles), so the whole run stays on the chart at a fixed cost. Each bucket counts
 * flows and flagged flows, keeps the highest score and a log-spaced score histogram
 * (per-bucket percentiles without keeping scores), flows and flagged flows per protocol,
 * and flows per class (the heatmap). Adding a row is O(1); a summary is O(buckets × bins).
 */

/** score histogram: log10(score / reference) from −DECADES_BELOW to +DECADES_ABOVE */
const DECADES_BELOW = 4;
const DECADES_ABOVE = 4;
const PER_DECADE = 24;
export const SCORE_BINS = (DECADES_BELOW + DECADES_ABOVE) * PER_DECADE;
const LN10 = Math.log(10);

/** a run's `LiveSeries` before its protocols and classes are named: per protocol index, and class index × bucket */
export type BucketSeries = Omit<LiveSeries, 'byProtocol' | 'heatmap'> & {
  byProtocol: Omit<LiveSeries['byProtocol'][number], 'name'>[];
  heatmap: LiveSeries['heatmap']['counts'];
};

export class TimeBuckets {
  private width: number;
  /** start of bucket 0; NaN until the first row */
  private start = NaN;
  /** buckets in use */
  private used = 0;
  private readonly flows = new Float64Array(MAX_BUCKETS);
  private readonly flagged = new Float64Array(MAX_BUCKETS);
  private readonly maxScore = new Float32Array(MAX_BUCKETS).fill(-Infinity);
  private readonly hist = new Uint32Array(MAX_BUCKETS * SCORE_BINS);
  /** protocol p, bucket b at p * MAX_BUCKETS + b */
  private readonly protoFlows: Float64Array;
  private readonly protoFlagged: Float64Array;
  /** per class index: flows per bucket */
  private readonly heat: Float64Array[] = [];
  /** 1 / ln-scale reference for the score histogram */
  private readonly logReference: number;

  constructor(
    readonly protocols: number,
    /** scores are binned relative to this (the threshold at the start) */
    readonly scoreReference: number,
    initialWidth = 1,
  ) {
    this.width = initialWidth;
    this.protoFlows = new Float64Array(protocols * MAX_BUCKETS);
    this.protoFlagged = new Float64Array(protocols * MAX_BUCKETS);
    this.logReference = Math.log(scoreReference > 0 && Number.isFinite(scoreReference) ? scoreReference : 1);
  }

  get bucketSeconds(): number {
    return this.width;
  }

  get buckets(): number {
    return this.used;
  }

  /** the bucket for time `t` (seconds), merging buckets if it lies past the last one */
  bucketOf(t: number): number {
    if (this.start !== this.start) this.start = Math.floor(t / this.width) * this.width;
    let b = Math.floor((t - this.start) / this.width);
    if (!(b >= 0)) b = 0; // before the first bucket (unsorted timestamps) or NaN: the first bucket
    while (b >= MAX_BUCKETS) {
      this.merge();
      b = Math.floor((t - this.start) / this.width);
    }
    if (b >= this.used) this.used = b + 1;
    return b;
  }

  /** one row: bucket (from bucketOf), score, flagged, protocol index, class index (−1: none) */
  add(b: number, score: number, flagged: boolean, protocol: number, classIndex: number): void {
    this.flows[b]++;
    if (score > this.maxScore[b]) this.maxScore[b] = score;
    this.hist[b * SCORE_BINS + this.binOf(score)]++;
    this.protoFlows[protocol * MAX_BUCKETS + b]++;
    if (flagged) {
      this.flagged[b]++;
      this.protoFlagged[protocol * MAX_BUCKETS + b]++;
    }
    if (classIndex >= 0) {
      let row = this.heat[classIndex];
      if (!row) {
        for (let c = this.heat.length; c <= classIndex; c++) this.heat[c] ??= new Float64Array(MAX_BUCKETS);
        row = this.heat[classIndex];
      }
      row[b]++;
    }
  }

  series(classes: number): BucketSeries {
    const n = this.used;
    const t: number[] = [];
    const p50: number[] = [];
    const p99: number[] = [];
    const max: number[] = [];
    for (let b = 0; b < n; b++) {
      t.push(this.start + b * this.width);
      p50.push(this.quantile(b, 0.5));
      p99.push(this.quantile(b, 0.99));
      max.push(this.flows[b] > 0 ? this.maxScore[b] : NaN);
    }
    const byProtocol = [];
    for (let p = 0; p < this.protocols; p++) {
      byProtocol.push({
        flows: Array.from(this.protoFlows.subarray(p * MAX_BUCKETS, p * MAX_BUCKETS + n)),
        flagged: Array.from(this.protoFlagged.subarray(p * MAX_BUCKETS, p * MAX_BUCKETS + n)),
      });
    }
    const heatmap: number[][] = [];
    for (let c = 0; c < classes; c++) heatmap.push(this.heat[c] ? Array.from(this.heat[c].subarray(0, n)) : new Array<number>(n).fill(0));
    return {
      bucketSeconds: this.width,
      t,
      flows: Array.from(this.flows.subarray(0, n)),
      flagged: Array.from(this.flagged.subarray(0, n)),
      scoreMax: max,
      scoreP50: p50,
      scoreP99: p99,
      byProtocol,
      heatmap,
    };
  }

  private binOf(score: number): number {
    if (!(score > 0)) return 0;
    const bin = Math.floor(((Math.log(score) - this.logReference) / LN10 + DECADES_BELOW) * PER_DECADE);
    return bin < 0 ? 0 : bin >= SCORE_BINS ? SCORE_BINS - 1 : bin;
  }

  /** the q-quantile of bucket b's scores, read at its bin's geometric middle and kept within the bucket's max */
  private quantile(b: number, q: number): number {
    const total = this.flows[b];
    if (total === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * total));
    let seen = 0;
    const base = b * SCORE_BINS;
    let bin = 0;
    for (; bin < SCORE_BINS - 1; bin++) {
      seen += this.hist[base + bin];
      if (seen >= rank) break;
    }
    const value = Math.exp(this.logReference + ((bin + 0.5) / PER_DECADE - DECADES_BELOW) * LN10);
    return Math.min(value, this.maxScore[b]);
  }

  /** pairs of buckets become one; the width doubles */
  private merge(): void {
    const half = Math.ceil(this.used / 2);
    for (let k = 0; k < half; k++) {
      const a = 2 * k;
      const b = a + 1;
      const has = b < this.used;
      this.flows[k] = this.flows[a] + (has ? this.flows[b] : 0);
      this.flagged[k] = this.flagged[a] + (has ? this.flagged[b] : 0);
      this.maxScore[k] = has ? Math.max(this.maxScore[a], this.maxScore[b]) : this.maxScore[a];
      for (let i = 0; i < SCORE_BINS; i++) this.hist[k * SCORE_BINS + i] = this.hist[a * SCORE_BINS + i] + (has ? this.hist[b * SCORE_BINS + i] : 0);
      for (let p = 0; p < this.protocols; p++) {
        const o = p * MAX_BUCKETS;
        this.protoFlows[o + k] = this.protoFlows[o + a] + (has ? this.protoFlows[o + b] : 0);
        this.protoFlagged[o + k] = this.protoFlagged[o + a] + (has ? this.protoFlagged[o + b] : 0);
      }
      for (const row of this.heat) if (row) row[k] = row[a] + (has ? row[b] : 0);
    }
    for (let k = half; k < MAX_BUCKETS; k++) {
      this.flows[k] = 0;
      this.flagged[k] = 0;
      this.maxScore[k] = -Infinity;
      this.hist.fill(0, k * SCORE_BINS, (k + 1) * SCORE_BINS);
      for (let p = 0; p < this.protocols; p++) {
        this.protoFlows[p * MAX_BUCKETS + k] = 0;
        this.protoFlagged[p * MAX_BUCKETS + k] = 0;
      }
      for (const row of this.heat) if (row) row[k] = 0;
    }
    this.used = half;
    this.width *= 2;
  }
}
