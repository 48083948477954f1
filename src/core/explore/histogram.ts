/**
 * Histograms on shared bin edges. Edges are increasing; bin i holds edges[i] ≤ v < edges[i+1],
 * the last bin also holds v = edges[last]. Values outside the edges are clamped into the
 * first or last bin (a histogram of a reading never loses a finite value).
 */

/** `bins` equal-width edges from min to max (one bin of width 1 around a constant). */
export function linearEdges(min: number, max: number, bins: number): number[] {
  if (!(max > min)) return [min - 0.5, min + 0.5];
  const edges: number[] = [];
  for (let i = 0; i <= bins; i++) edges.push(min + ((max - min) * i) / bins);
  edges[bins] = max;
  return edges;
}

/** sign(v)·log10(1 + |v|): spreads heavy tails, defined at 0 and for negative values */
export function symlog(v: number): number {
  return Math.sign(v) * Math.log10(1 + Math.abs(v));
}

export function symexp(t: number): number {
  return Math.sign(t) * (10 ** Math.abs(t) - 1);
}

/** edges equally spaced in symlog(v): narrow bins near zero, wide ones in the tail */
export function logEdges(min: number, max: number, bins: number): number[] {
  if (!(max > min)) return linearEdges(min, max, bins);
  const edges = linearEdges(symlog(min), symlog(max), bins).map(symexp);
  edges[0] = min;
  edges[bins] = max;
  return edges;
}

/** the bin of a finite value: binary search, clamped to the first and last bin */
export function binOf(edges: ArrayLike<number>, v: number): number {
  const last = edges.length - 2;
  if (v < edges[1]) return 0;
  if (v >= edges[last]) return last;
  let lo = 1;
  let hi = last; // edges[lo] ≤ v < edges[hi]
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (edges[mid] <= v) lo = mid;
    else hi = mid;
  }
  return lo;
}
