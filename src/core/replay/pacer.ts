import type { RateSpec } from '../rate';

/** a plain copy of a rate (views hand over reactive proxies, which cannot cross to a worker) */
export function plainRate(rate: RateSpec): RateSpec {
  if (rate.kind === 'flows') return { kind: 'flows', perSecond: Number(rate.perSecond) };
  if (rate.kind === 'speed') return { kind: 'speed', multiplier: Number(rate.multiplier) };
  return { kind: 'max' };
}

export interface PacerOptions {
  /** rows per batch at most (the max rate sends batches of this size) */
  maxBatch?: number;
  /** shortest wait between two batches at high finite rates */
  minTickMs?: number;
  /** how far behind the clock may fall before it is re-anchored */
  maxLagMs?: number;
  /** longest wait for one gap in the flow time (speed mode) */
  maxGapMs?: number;
}

export interface PacerPlan {
  /** rows to emit now (0: wait) */
  rows: number;
  /** when rows is 0: ms until something is due */
  waitMs: number;
}

/** flows per second of `speed ×1` for sources whose rows have no timestamps */
export const UNTIMED_RATE = 100;
const MIN_RATE = 1;
const DEFAULT_MAX_BATCH = 8192;

/**
 * The replay clock: given the wall-clock time and the rows waiting to be emitted, says
 * how many rows go out now and how long to wait before asking again.
 *
 * - `flows`: a fixed number of flows per second. Rows are due at t0 + k / rate; below
 *   one row per minimum tick a single row is sent exactly when due (so at 100 flows/s a
 *   flow leaves within timer accuracy of its due time), above it the rows due since the
 *   last tick go out together, every `minTickMs`.
 * - `speed`: a multiplier on the source's own timestamps (seconds): a row is due at
 *   t0 + (time − time0) / multiplier. Sources without timestamps play at
 *   `multiplier × UNTIMED_RATE` flows per second. A gap in the flow time longer than
 *   `maxGapMs` of wall time is skipped (an idle night in a capture does not stall the lab).
 * - `max`: as fast as the consumer takes them, `maxBatch` rows at a time.
 *
 * The pacer never looks at credits: the replay loop asks it only when it may send. If
 * the consumer falls behind by more than `maxLagMs`, the clock is re-anchored rather
 * than bursting to catch up (the rate is a ceiling, never a debt).
 */
export class ReplayPacer {
  readonly maxBatch: number;
  private readonly minTickMs: number;
  private readonly maxLagMs: number;
  private readonly maxGapMs: number;
  private rate: RateSpec;
  /** wall-clock anchor; NaN until the first plan after a (re)start */
  private wall0 = NaN;
  /** rows emitted since the anchor (flows mode) */
  private sinceAnchor = 0;
  /** flow time at the anchor (speed mode) */
  private time0 = NaN;
  private paused = false;

  constructor(rate: RateSpec, options: PacerOptions = {}) {
    this.rate = checkRate(rate);
    this.maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    this.minTickMs = options.minTickMs ?? 4;
    this.maxLagMs = options.maxLagMs ?? 1000;
    this.maxGapMs = options.maxGapMs ?? 5000;
  }

  get current(): RateSpec {
    return this.rate;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  setRate(rate: RateSpec): void {
    this.rate = checkRate(rate);
    this.reanchor();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.reanchor();
  }

  /** after a seek, a loop restart or a pause: the next row is due at once */
  reanchor(): void {
    this.wall0 = NaN;
    this.time0 = NaN;
    this.sinceAnchor = 0;
  }

  /**
   * How many of the `available` waiting rows (their flow times in `times[from …]`) to
   * emit at wall-clock `now` (ms). `hasOwnTime` says whether the times are real
   * timestamps (speed mode) or ordinals.
   */
  plan(now: number, times: Float64Array, from: number, available: number, hasOwnTime: boolean): PacerPlan {
    if (this.paused) return { rows: 0, waitMs: Infinity };
    if (available <= 0) return { rows: 0, waitMs: 0 };
    const rate = this.rate;
    if (rate.kind === 'max') return { rows: Math.min(available, this.maxBatch), waitMs: 0 };
    if (rate.kind === 'speed' && hasOwnTime) return this.planTimed(now, times, from, available, rate.multiplier);
    return this.planFlows(now, available, this.nominalRate());
  }

  /** the caller emitted `rows` rows of the plan (fewer than planned is allowed) */
  emitted(rows: number): void {
    this.sinceAnchor += rows;
  }

  /** flows per second the current rate aims at (speed mode: at one flow per second of flow time; max: Infinity) */
  nominalRate(): number {
    const rate = this.rate;
    return rate.kind === 'max' ? Infinity : rate.kind === 'flows' ? rate.perSecond : rate.multiplier * UNTIMED_RATE;
  }

  /** the batch size a single step emits at the current rate */
  stepRows(): number {
    // max: Infinity rows a tick, so a whole batch
    return Math.max(1, Math.min(this.maxBatch, Math.floor((this.nominalRate() * this.minTickMs) / 1000)));
  }

  private planFlows(now: number, available: number, perSecond: number): PacerPlan {
    if (Number.isNaN(this.wall0)) {
      this.wall0 = now;
      this.sinceAnchor = 0;
    }
    const msPerRow = 1000 / perSecond;
    let due = Math.floor((now - this.wall0) / msPerRow) + 1 - this.sinceAnchor;
    if (due * msPerRow > this.maxLagMs + msPerRow) {
      // the consumer held us back: start the clock again from here
      this.wall0 = now;
      this.sinceAnchor = 0;
      due = 1;
    }
    if (due > 0) return { rows: Math.min(due, available, this.maxBatch), waitMs: 0 };
    const nextDue = this.wall0 + this.sinceAnchor * msPerRow;
    const wait = nextDue - now;
    // a high rate sends what is due every minimum tick rather than a row per timer
    return { rows: 0, waitMs: msPerRow < this.minTickMs ? Math.max(wait, this.minTickMs) : Math.max(wait, 0) };
  }

  private planTimed(now: number, times: Float64Array, from: number, available: number, multiplier: number): PacerPlan {
    if (Number.isNaN(this.wall0)) {
      this.wall0 = now;
      this.time0 = times[from];
    }
    const dueAt = (t: number) => this.wall0 + ((t - this.time0) * 1000) / multiplier;
    let rows = 0;
    const limit = Math.min(available, this.maxBatch);
    while (rows < limit && dueAt(times[from + rows]) <= now) rows++;
    if (rows > 0) {
      if (now - dueAt(times[from + rows - 1]) > this.maxLagMs) this.reanchorAt(now, times[from + rows - 1]);
      return { rows, waitMs: 0 };
    }
    const wait = dueAt(times[from]) - now;
    if (wait > this.maxGapMs) {
      // a long silence in the capture: skip it
      this.reanchorAt(now, times[from]);
      return { rows: 1, waitMs: 0 };
    }
    return { rows: 0, waitMs: Math.max(wait, 1) };
  }

  private reanchorAt(now: number, time: number): void {
    this.wall0 = now;
    this.time0 = time;
  }
}

function checkRate(rate: RateSpec): RateSpec {
  if (rate.kind === 'flows' && !(rate.perSecond >= MIN_RATE && Number.isFinite(rate.perSecond))) {
    throw new RangeError(`a replay rate must be at least ${MIN_RATE} flow/s, not ${rate.perSecond}`);
  }
  if (rate.kind === 'speed' && !(rate.multiplier > 0 && Number.isFinite(rate.multiplier))) {
    throw new RangeError(`a speed multiplier must be positive, not ${rate.multiplier}`);
  }
  return rate;
}
