/**
 * The value of a decimal whose digits a scanner has already gathered, rounded exactly as
 * `Number(text)` rounds it, or NaN where this cannot be decided cheaply (the caller then
 * asks `Number`). The scanner (row-cells.ts) keeps the first 15 significant digits in
 * `hi` and up to 4 more in `lo`, so the digits stand for hi × 10^loDigits + lo < 10^19,
 * and the value is that integer × 10^scale.
 *
 * - Below 2^53 the integer is exact and one multiplication or division by an exact power
 *   of ten (10^0 … 10^22) is correctly rounded (Clinger's fast path).
 * - Above 2^53 (the 16- and 17-digit decimals that shortest round-trip printing writes)
 *   the integer is split into two doubles exactly, divided in double-double arithmetic
 *   (error far below 2^-90 of the value) and rounded once. If the rounding could differ
 *   for any value within a generous bound of that result (the value sits on or next to a
 *   half-way point between two doubles), the answer is left to `Number`.
 */

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const TWO53 = 2 ** 53;
const TWO24 = 2 ** 24;
/** Dekker's splitting constant, 2^27 + 1 */
const SPLIT = 134217729;
/** far above the double-double division's error (about 2^-100 of the value) and far below half an ulp (2^-53) */
const TOLERANCE = 2 ** -80;

export function decimalValue(negative: boolean, hi: number, lo: number, loDigits: number, scale: number): number {
  let m = hi;
  if (loDigits > 0) {
    const whole = hi * POW10[loDigits] + lo;
    if (whole >= TWO53) {
      const v = largeDecimal(hi, lo, loDigits, scale);
      return negative ? -v : v;
    }
    m = whole; // below 2^53 both steps were exact
  }
  let v: number;
  if (scale === 0) v = m;
  else if (scale < 0 && scale >= -22) v = m / POW10[-scale];
  else if (scale > 0 && scale <= 22) v = m * POW10[scale];
  else return NaN;
  return negative ? -v : v;
}

/** hi × 10^loDigits + lo (≥ 2^53, < 10^19) × 10^scale, for scale in [-22, 0]; NaN where undecided */
function largeDecimal(hi: number, lo: number, loDigits: number, scale: number): number {
  if (scale > 0 || scale < -22) return NaN;
  // the integer as mh + ml exactly: hi = hh·2^24 + hl, each part times 10^loDigits is exact
  const p = POW10[loDigits];
  const hh = Math.floor(hi / TWO24);
  const a = hh * p * TWO24;
  const b = (hi - hh * TWO24) * p + lo;
  const mh = a + b;
  const bv = mh - a;
  const ml = a - (mh - bv) + (b - bv);
  if (scale === 0) return mh; // the correctly rounded sum
  const d = POW10[-scale];
  const qh = mh / d;
  // qh·d = t1 + t2 exactly (Dekker's product)
  const t1 = qh * d;
  const qs = SPLIT * qh;
  const qHigh = qs - (qs - qh);
  const qLow = qh - qHigh;
  const ds = SPLIT * d;
  const dHigh = ds - (ds - d);
  const dLow = d - dHigh;
  const t2 = qHigh * dHigh - t1 + qHigh * dLow + qLow * dHigh + qLow * dLow;
  // the remainder m − qh·d; mh − t1 is exact (the two are within a factor of two)
  const ql = (mh - t1 - t2 + ml) / d;
  const y = qh + ql;
  const yb = y - qh;
  const e = qh - (y - yb) + (ql - yb); // qh + ql = y + e exactly
  const tol = y * TOLERANCE;
  // rounding is monotonic: if both ends of the interval round to y, the true value does too
  return y + (e + tol) === y && y + (e - tol) === y ? y : NaN;
}
