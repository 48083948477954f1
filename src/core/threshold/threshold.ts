import { quantileOf } from '../util';
import { clopperPearson, type RateInterval } from './confidence';

/**
 * Where the score turns into a verdict. Calibrated on scores of benign rows held back
 * from training (percentile), on training scores (contamination), or given (fixed).
 */
export type ThresholdSpec = { kind: 'percentile'; p: number } | { kind: 'contamination'; rate: number } | { kind: 'fixed'; value: number };

export interface Threshold {
  spec: ThresholdSpec;
  value: number;
  /** how many scores it was calibrated on */
  calibratedOn: number;
  /**
   * the false-positive rate it should give on benign traffic like the calibration rows:
   * the share of them above it, with its exact 95 % interval (how sure that is). Absent for
   * a fixed threshold and in models saved before it was kept.
   */
  expectedFpr?: RateInterval;
  /** median score of the calibration rows: with `value`, the spread a drift-aware threshold measures against */
  benignMedian?: number;
}

/** `p99`, `p99.5` (benign percentile), `c0.1` or `contamination=0.1`, or a plain number (fixed). */
export function parseThreshold(text: string): ThresholdSpec {
  const t = text.trim().toLowerCase();
  let m = /^p(\d+(?:\.\d+)?)$/.exec(t);
  if (m) {
    const p = Number(m[1]);
    if (p > 0 && p < 100) return { kind: 'percentile', p };
  }
  m = /^(?:c|contamination=)(\d*\.?\d+)$/.exec(t);
  if (m) {
    const rate = Number(m[1]);
    if (rate > 0 && rate < 0.5) return { kind: 'contamination', rate };
  }
  if (t !== '' && Number.isFinite(Number(t))) return { kind: 'fixed', value: Number(t) };
  throw new Error(`"${text}" is not a threshold: use p99 (benign percentile), c0.1 (contamination) or a number`);
}

/** the text `parseThreshold` reads back: p99, c0.1, or the number */
export function thresholdText(spec: ThresholdSpec): string {
  if (spec.kind === 'percentile') return `p${spec.p}`;
  if (spec.kind === 'contamination') return `c${spec.rate}`;
  return String(spec.value);
}

export function describeThreshold(spec: ThresholdSpec): string {
  switch (spec.kind) {
    case 'percentile':
      return `${spec.p}th percentile of held-back benign scores`;
    case 'contamination':
      return `contamination ${spec.rate} of training scores`;
    case 'fixed':
      return 'fixed value';
  }
}

/**
 * Fixes the value: `benignHoldout` are scores of benign rows the detector did not train
 * on; `training` are scores of the rows it trained on (for contamination).
 */
export function calibrate(spec: ThresholdSpec, benignHoldout: ArrayLike<number>, training: ArrayLike<number>): Threshold {
  switch (spec.kind) {
    case 'fixed':
      return { spec, value: spec.value, calibratedOn: 0 };
    case 'percentile': {
      if (benignHoldout.length === 0) throw new Error('no held-back benign rows to calibrate the threshold on');
      const value = quantileOf(benignHoldout, spec.p / 100);
      return { spec, value, calibratedOn: benignHoldout.length, expectedFpr: flaggedShare(benignHoldout, value), benignMedian: quantileOf(benignHoldout, 0.5) };
    }
    case 'contamination': {
      const value = quantileOf(training, 1 - spec.rate);
      return {
        spec,
        value,
        calibratedOn: training.length,
        benignMedian: quantileOf(training, 0.5),
        ...(benignHoldout.length && { expectedFpr: flaggedShare(benignHoldout, value) }),
      };
    }
  }
}

/** the share of benign `scores` a threshold flags, with its confidence interval */
export function flaggedShare(scores: ArrayLike<number>, threshold: number): RateInterval {
  let k = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i] > threshold) k++;
  return clopperPearson(k, scores.length);
}

/** held-back benign rows a percentile needs to be measured (one row expected above it); with fewer it is about their highest score */
export function rowsForPercentile(p: number): number {
  return Math.ceil(1 / (1 - p / 100) - 1e-9);
}

/**
 * One sentence when a percentile threshold rests on too few held-back rows to measure it (a
 * short capture: p99.9 of 100 windows is their highest score, so the one unusual benign window
 * among them, a reconnect or a session's end, sets it, far above the rest), else null.
 */
export function thresholdCaveat(t: Threshold): string | null {
  if (t.spec.kind !== 'percentile' || !t.calibratedOn) return null;
  const n = t.calibratedOn;
  const p = t.spec.p;
  if (n >= rowsForPercentile(p)) return null;
  const fits = [99.5, 99, 98, 95, 90].find((q) => q < p && n >= rowsForPercentile(q));
  return (
    `the ${p}th percentile needs ${rowsForPercentile(p).toLocaleString('en')} held-back benign rows to be measured; from ${n} it is about their highest score, ` +
    `which the one most unusual benign row sets: ${fits ? `p${fits} fits ${n} rows, ` : ''}more benign traffic fits p${p}`
  );
}

/** "1.0 % expected false positives (95 % interval 0.1–3.6 %, from 280 benign rows)" */
export function describeExpectedFpr(e: RateInterval): string {
  const pct = (v: number) => (100 * v).toFixed(v < 0.001 && v > 0 ? 2 : 1);
  return `${pct(e.rate)} % expected false positives (${Math.round(100 * e.level)} % interval ${pct(e.low)}–${pct(e.high)} %, from ${e.n} benign rows)`;
}

/** 1 where score > threshold */
export function verdicts(scores: ArrayLike<number>, threshold: number): Uint8Array {
  const out = new Uint8Array(scores.length);
  for (let i = 0; i < out.length; i++) out[i] = scores[i] > threshold ? 1 : 0;
  return out;
}
