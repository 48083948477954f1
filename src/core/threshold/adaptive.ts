import { quantile } from '../util';

/**
 * A threshold that follows slow benign drift during a replay or a live feed without
 * learning the attacks as normal: it is the calibrated percentile of a window of recent
 * scores, and a row the threshold flags with room to spare (score above the threshold by
 * more than `margin` times the calibrated spread, threshold − benign median) never enters
 * that window. Drift moves benign scores a little at a time, so rows just above the
 * threshold still enter and pull it up; an attack stands out by more and is left out.
 * An attack that stands out by less comes in bursts: while more of the last `burst` rows
 * are flagged than benign traffic at the calibrated rate would explain (binomial, three
 * standard deviations), no flagged row enters, so the burst cannot raise the threshold
 * (unflagged rows still enter: they can only hold it or lower it).
 * Until `warmup` scores have entered, the calibrated value holds.
 */
export interface AdaptiveThresholdOptions {
  /** recent unflagged scores the percentile is taken over (default 2000) */
  window?: number;
  /** percentile, as calibrated (default 99) */
  p?: number;
  /** how far above the threshold, in calibrated spreads, a score still enters the window (default 0.5) */
  margin?: number;
  /** scores needed before the window takes over from the calibrated value (default: a quarter of the window) */
  warmup?: number;
  /** recent rows whose share of flags tells a burst from drift (default 200) */
  burst?: number;
}

export const DEFAULT_ADAPTIVE: Required<Omit<AdaptiveThresholdOptions, 'warmup'>> = { window: 2000, p: 99, margin: 0.5, burst: 200 };

export class AdaptiveThreshold {
  private readonly ring: Float64Array;
  private filled = 0;
  private next = 0;
  private current: number;
  private readonly spread: number;
  private readonly p: number;
  private readonly margin: number;
  private readonly warmup: number;
  /** the verdicts of the last `burst` rows, as a ring, and how many of them are flags */
  private readonly recent: Uint8Array;
  private recentNext = 0;
  private recentFilled = 0;
  private recentFlags = 0;
  /** rows kept out of the window because they stood out or came in a burst of flags */
  leftOut = 0;

  /** `calibrated`: the fitted threshold; `benignMedian`: the median benign score it was set against */
  constructor(
    readonly calibrated: number,
    benignMedian: number,
    options: AdaptiveThresholdOptions = {},
  ) {
    const window = options.window ?? DEFAULT_ADAPTIVE.window;
    if (!(Number.isInteger(window) && window >= 10)) throw new RangeError(`an adaptive threshold needs a window of at least 10 scores, not ${window}`);
    this.ring = new Float64Array(window);
    this.p = options.p ?? DEFAULT_ADAPTIVE.p;
    this.margin = options.margin ?? DEFAULT_ADAPTIVE.margin;
    this.warmup = Math.min(window, options.warmup ?? Math.ceil(window / 4));
    this.current = calibrated;
    const burst = options.burst ?? DEFAULT_ADAPTIVE.burst;
    if (!(Number.isInteger(burst) && burst >= 10)) throw new RangeError(`an adaptive threshold judges bursts over at least 10 rows, not ${burst}`);
    this.recent = new Uint8Array(burst);
    const spread = calibrated - benignMedian;
    this.spread = Number.isFinite(spread) && spread > 0 ? spread : Math.abs(calibrated) || 1;
  }

  get value(): number {
    return this.current;
  }

  /** scores in the window now */
  get size(): number {
    return this.filled;
  }

  /**
   * Verdicts of a batch against the threshold as it stood (1 = flagged), then the scores
   * that did not stand out update it.
   */
  judge(scores: ArrayLike<number>): Uint8Array {
    const t = this.current;
    const admit = t + this.margin * this.spread;
    const verdicts = new Uint8Array(scores.length);
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i];
      const flagged = s > t ? 1 : 0;
      verdicts[i] = flagged;
      const inBurst = this.noteVerdict(flagged);
      if (!(s <= admit) || (flagged && inBurst)) {
        this.leftOut++;
        continue;
      }
      this.ring[this.next] = s;
      this.next = (this.next + 1) % this.ring.length;
      if (this.filled < this.ring.length) this.filled++;
    }
    if (this.filled >= this.warmup) this.current = quantile(this.ring.slice(0, this.filled).sort(), this.p / 100);
    return verdicts;
  }

  /** records a verdict among the recent ones; true when they hold more flags than benign traffic would give */
  private noteVerdict(flagged: number): boolean {
    const r = this.recent;
    if (this.recentFilled === r.length) this.recentFlags -= r[this.recentNext];
    else this.recentFilled++;
    r[this.recentNext] = flagged;
    this.recentFlags += flagged;
    this.recentNext = (this.recentNext + 1) % r.length;
    const n = this.recentFilled;
    const rate = 1 - this.p / 100;
    return this.recentFlags > n * rate + 3 * Math.sqrt(n * rate * (1 - rate)) + 1;
  }
}
