import type { Matrix } from '../ingest';
import { ksStatistic } from '../metrics';
import { condemnedColumns } from './column-scan';
import { findRunningCounters } from './running-counters';

/** |Spearman ρ| between a column and the row order above which the column trends with time */
export const TREND_RHO = 0.5;
/** Kolmogorov–Smirnov distance between the first and the last quarter of a file above which it has moved */
export const SHIFT_KS = 0.5;
/**
 * fewer benign rows than this in a file say nothing about drift (two quarters of 50 rows
 * from one distribution differ by KS ≥ 0.5 with a chance far below one in a million)
 */
const MIN_ROWS = 200;

/**
 * Columns whose benign values move with the position in the capture: statistics since the
 * capture began (the first CICIoMT2024 release's Bluetooth `Std` and `Radius` shrink as
 * they converge; its Wi-Fi `Header_Length` accumulates) rather than values of the flow's
 * own window. A model that learns them flags later benign traffic for being later.
 * Found from the benign training rows themselves (in file order; `fileIndex` separates
 * files), never from names: a column trends when its rank correlation with the row order
 * is strong, or has moved when the first and last quarter of the file's rows differ in
 * distribution. Rows in random order (a shuffled sample) show neither.
 */
export function findDriftingColumns(x: Matrix, fileIndex: ArrayLike<number>, names: readonly string[]): Record<string, string> {
  return condemnedColumns(x, fileIndex, names, MIN_ROWS, drift);
}

/** why a column of one file's rows (in order) drifts, or null */
function drift(values: Float64Array): string | null {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length < MIN_ROWS) return null;
  const rho = spearmanWithOrder(finite);
  const quarter = Math.floor(finite.length / 4);
  const ks = ksStatistic(finite.subarray(0, quarter), finite.subarray(finite.length - quarter));
  if (Math.abs(rho) < TREND_RHO && ks < SHIFT_KS) return null;
  return `drifts over the capture (rank correlation with row order ${rho.toFixed(2)}; first and last quarter of the benign training rows differ by KS ${ks.toFixed(2)})`;
}

/** Spearman's ρ between `values` and their position (ties get their mean rank) */
export function spearmanWithOrder(values: Float64Array): number {
  const n = values.length;
  const ranks = midRanks(values);
  const mean = (n - 1) / 2;
  let cov = 0;
  let varRank = 0;
  let varPos = 0;
  for (let i = 0; i < n; i++) {
    const a = ranks[i] - mean;
    const b = i - mean;
    cov += a * b;
    varRank += a * a;
    varPos += b * b;
  }
  return varRank > 0 ? cov / Math.sqrt(varRank * varPos) : 0;
}

function midRanks(values: Float64Array): Float64Array {
  const order = Uint32Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]] === values[order[i]]) j++;
    for (let k = i; k <= j; k++) ranks[order[k]] = (i + j) / 2;
    i = j + 1;
  }
  return ranks;
}

/**
 * Every column that describes when a row was captured rather than the flow: running
 * counters and drifting statistics, from benign rows in file order, with the reason each
 * is left out.
 */
export function captureTimeColumns(benign: Matrix, fileIndex: ArrayLike<number>, names: readonly string[]): Record<string, string> {
  return { ...findDriftingColumns(benign, fileIndex, names), ...findRunningCounters(benign, fileIndex, names) };
}
