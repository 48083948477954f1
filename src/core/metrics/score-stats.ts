import { quantile, sortedWithoutNaN } from '../util';
import { assertClass, assertSameLength } from './check';

/** Summary of a group's scores; NaN scores are left out of all of it, `count` included. */
export interface ScoreStats {
  count: number;
  mean: number;
  /** sample standard deviation (n − 1); NaN below two scores */
  std: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Statistics of one group of scores. */
export function scoreStats(values: ArrayLike<number>): ScoreStats {
  return statsOfSorted(sortedWithoutNaN(values));
}

/**
 * Statistics per class ("score statistics by traffic type"), keyed by class name in
 * class order; rows of class −1 and classes without rows are left out. The scores are
 * grouped with a counting sort into one Float64Array, each class's stretch sorted in place.
 */
export function scoreStatsByClass(scores: ArrayLike<number>, classIndex: Int32Array, classNames: readonly string[]): Record<string, ScoreStats> {
  assertSameLength('scores and class indices', scores, classIndex);
  const k = classNames.length;
  const start = new Float64Array(k + 1);
  for (let r = 0; r < classIndex.length; r++) {
    const c = classIndex[r];
    if (c < 0) continue;
    assertClass(c, k);
    if (scores[r] === scores[r]) start[c + 1]++;
  }
  for (let c = 0; c < k; c++) start[c + 1] += start[c];
  const grouped = new Float64Array(start[k]);
  const fill = start.slice(0, k);
  for (let r = 0; r < classIndex.length; r++) {
    const c = classIndex[r];
    if (c >= 0 && scores[r] === scores[r]) grouped[fill[c]++] = scores[r];
  }
  const entries: [string, ScoreStats][] = [];
  for (let c = 0; c < k; c++) {
    if (start[c + 1] > start[c]) entries.push([classNames[c], statsOfSorted(grouped.subarray(start[c], start[c + 1]).sort())]);
  }
  return Object.fromEntries(entries);
}

/** a sorted copy without the NaNs */
function statsOfSorted(s: Float64Array): ScoreStats {
  const n = s.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += s[i];
  const mean = n ? sum / n : NaN;
  // two passes rather than a running sum of squares, which cancels badly on large scores
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (s[i] - mean) ** 2;
  return {
    count: n,
    mean,
    std: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN,
    min: n ? s[0] : NaN,
    p50: quantile(s, 0.5),
    p90: quantile(s, 0.9),
    p99: quantile(s, 0.99),
    max: n ? s[n - 1] : NaN,
  };
}
