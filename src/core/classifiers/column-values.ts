/* A column's values as both ways of splitting see them: distinct and sorted, searched, and sklearn's threshold between two. */

/** the distinct values of `col` ascending, with one NaN last if it holds any */
export function distinctSorted(col: Float64Array): Float64Array {
  const sorted = col.slice().sort();
  let u = 0;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i];
    if (Number.isNaN(v)) {
      sorted[u++] = v;
      break;
    }
    if (u === 0 || v !== sorted[u - 1]) sorted[u++] = v;
  }
  return sorted.slice(0, u);
}

/** the values of `distinctSorted` before its NaN */
export function finiteCount(distinct: Float64Array): number {
  return distinct.length > 0 && Number.isNaN(distinct[distinct.length - 1]) ? distinct.length - 1 : distinct.length;
}

/** the first index in a[0, len) whose value is ≥ v */
export function lowerBound(a: Float64Array, len: number, v: number): number {
  let lo = 0;
  let hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** sklearn's threshold between lo < hi: their midpoint, or lo where that rounds onto hi or is not finite (±Infinity, NaN) */
export function midpoint(lo: number, hi: number): number {
  const mid = lo / 2 + hi / 2;
  return mid === hi || !Number.isFinite(mid) ? lo : mid;
}
