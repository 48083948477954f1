/**
 * The q-quantile (0 ≤ q ≤ 1) of ascending `sorted` values with linear interpolation,
 * computed as numpy's default (`np.quantile(a, q)`, `np.percentile(a, 100 q)`) so the
 * same inputs give the same bits. NaN when empty.
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`a quantile must be between 0 and 1, not ${q}`);
  const n = sorted.length;
  if (n === 0) return NaN;
  // numpy's virtual index for its "linear" method, written as numpy does for the same rounding
  const pos = (n - 1) * q;
  if (pos >= n - 1) return sorted[n - 1];
  if (pos <= 0) return sorted[0];
  const lo = Math.floor(pos);
  const t = pos - lo;
  const a = sorted[lo];
  const b = sorted[lo + 1];
  // equal bounds returned as they are: ∞ − ∞ would make NaN where numpy does
  if (t === 0 || a === b) return a;
  // numpy interpolates from the nearer end, which keeps the result within [a, b]
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

/** The q-quantile of unsorted values, NaN ignored (`np.nanquantile`); copies, never reorders the input. */
export function quantileOf(values: ArrayLike<number>, q: number): number {
  return quantile(sortedWithoutNaN(values), q);
}

/** the values without NaN, ascending, in a new array */
export function sortedWithoutNaN(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) out[n++] = values[i];
  return out.subarray(0, n).sort();
}
