/**
 * A replay rate as people type it (the page's `?rate=`, the sensor's `--rate`): "100" or "10k"
 * flows/s, "x4" (or "4x") times the file's own speed, "max" as fast as possible.
 */
import type { RateSpec } from './rate-spec';

/** null when the text is not a rate */
export function parseRate(text: string | null | undefined): RateSpec | null {
  if (!text) return null;
  const t = text.trim().toLowerCase();
  if (t === 'max') return { kind: 'max' };
  const speed = /^[x×](\d+(?:\.\d+)?)$/.exec(t) ?? /^(\d+(?:\.\d+)?)x$/.exec(t);
  if (speed) {
    const multiplier = Number(speed[1]);
    return multiplier > 0 && Number.isFinite(multiplier) ? { kind: 'speed', multiplier } : null;
  }
  const k = /^(\d+(?:\.\d+)?)k$/.exec(t);
  const perSecond = k ? Number(k[1]) * 1000 : /^\d+(?:\.\d+)?$/.test(t) ? Number(t) : NaN;
  return perSecond > 0 && Number.isFinite(perSecond) ? { kind: 'flows', perSecond } : null;
}

/** the text `parseRate` reads back */
export function rateText(rate: RateSpec): string {
  if (rate.kind === 'max') return 'max';
  if (rate.kind === 'speed') return `x${trimNumber(rate.multiplier)}`;
  return trimNumber(rate.perSecond);
}

/** For people: "1,000 flows/s", "×4 file speed", "as fast as possible". */
export function describeRate(rate: RateSpec): string {
  if (rate.kind === 'max') return 'as fast as possible';
  if (rate.kind === 'speed') return `×${trimNumber(rate.multiplier)} file speed`;
  return `${rate.perSecond.toLocaleString('en-US', { maximumFractionDigits: 1 })} flow${rate.perSecond === 1 ? '' : 's'}/s`;
}

export function sameRate(a: RateSpec, b: RateSpec): boolean {
  return rateText(a) === rateText(b);
}

/** six significant digits, no trailing zeros */
export function trimNumber(v: number): string {
  return String(Number(v.toPrecision(6)));
}
