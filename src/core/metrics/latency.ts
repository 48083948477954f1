const LOWEST_MS = 1e-3;
const HIGHEST_MS = 1e5;
/** 100 buckets a decade: each 2.3 % wide, so a percentile read at the bucket's geometric middle is within 1.2 % */
const PER_DECADE = 100;
const BUCKETS = Math.round(Math.log10(HIGHEST_MS / LOWEST_MS) * PER_DECADE);
/** bucket 0 holds latencies below 1 µs, bucket BUCKETS + 1 those of 100 s and more */
const SLOTS = BUCKETS + 2;

export interface LatencyHistogramJSON {
  lowest_ms: number;
  highest_ms: number;
  buckets_per_decade: number;
  count: number;
  sum_ms: number;
  /** null while empty */
  min_ms: number | null;
  max_ms: number | null;
  /** underflow, the log-spaced buckets, overflow */
  counts: number[];
}

/**
 * Latencies (ms) in a fixed number of log-spaced buckets from 1 µs to 100 s: constant
 * memory however many are recorded, percentiles within bucket resolution, and histograms
 * of several workers merge exactly. Count, mean, min and max are exact.
 */
export class LatencyHistogram {
  private readonly counts = new Float64Array(SLOTS);
  private n = 0;
  private sum = 0;
  private lo = Infinity;
  private hi = -Infinity;

  /** one latency, or `times` equal ones (a batch whose rows all waited as long) */
  record(ms: number, times = 1): void {
    if (!(ms >= 0)) throw new RangeError(`a latency must be 0 ms or more, not ${ms}`);
    if (!(times >= 0)) throw new RangeError(`a latency is recorded 0 or more times, not ${times}`);
    if (times === 0) return;
    this.counts[slotOf(ms)] += times;
    this.n += times;
    this.sum += ms * times;
    if (ms < this.lo) this.lo = ms;
    if (ms > this.hi) this.hi = ms;
  }

  get count(): number {
    return this.n;
  }

  /** NaN while empty */
  get mean(): number {
    return this.n ? this.sum / this.n : NaN;
  }

  get min(): number {
    return this.n ? this.lo : NaN;
  }

  get max(): number {
    return this.n ? this.hi : NaN;
  }

  /**
   * The p-th percentile (0–100, nearest rank) read at the geometric middle of its bucket
   * and kept within [min, max]; p0 and p100 are the exact min and max. NaN while empty.
   */
  percentile(p: number): number {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`a percentile must be between 0 and 100, not ${p}`);
    if (this.n === 0) return NaN;
    if (p === 0) return this.lo;
    if (p === 100) return this.hi;
    const rank = (p / 100) * this.n;
    let seen = 0;
    let slot = 0;
    for (; slot < SLOTS - 1; slot++) {
      seen += this.counts[slot];
      if (seen >= rank) break;
    }
    if (slot === 0) return this.lo;
    if (slot === SLOTS - 1) return this.hi;
    const middle = LOWEST_MS * 10 ** ((slot - 0.5) / PER_DECADE);
    return Math.min(Math.max(middle, this.lo), this.hi);
  }

  /** adds `other`'s latencies to these */
  merge(other: LatencyHistogram): this {
    for (let i = 0; i < SLOTS; i++) this.counts[i] += other.counts[i];
    this.n += other.n;
    this.sum += other.sum;
    this.lo = Math.min(this.lo, other.lo);
    this.hi = Math.max(this.hi, other.hi);
    return this;
  }

  toJSON(): LatencyHistogramJSON {
    return {
      lowest_ms: LOWEST_MS,
      highest_ms: HIGHEST_MS,
      buckets_per_decade: PER_DECADE,
      count: this.n,
      sum_ms: this.sum,
      min_ms: this.n ? this.lo : null,
      max_ms: this.n ? this.hi : null,
      counts: Array.from(this.counts),
    };
  }

  static fromJSON(json: LatencyHistogramJSON): LatencyHistogram {
    if (json.lowest_ms !== LOWEST_MS || json.highest_ms !== HIGHEST_MS || json.buckets_per_decade !== PER_DECADE || json.counts.length !== SLOTS) {
      throw new Error(
        `a latency histogram of another layout (${json.lowest_ms}–${json.highest_ms} ms, ${json.buckets_per_decade} a decade, ${json.counts.length} counts)`,
      );
    }
    const h = new LatencyHistogram();
    h.counts.set(json.counts);
    h.n = json.count;
    h.sum = json.sum_ms;
    h.lo = json.min_ms ?? Infinity;
    h.hi = json.max_ms ?? -Infinity;
    return h;
  }
}

function slotOf(ms: number): number {
  if (ms < LOWEST_MS) return 0;
  if (ms >= HIGHEST_MS) return SLOTS - 1;
  // min: log10 may round a value just below 100 s up into the overflow slot
  return Math.min(1 + Math.floor(Math.log10(ms / LOWEST_MS) * PER_DECADE), BUCKETS);
}
