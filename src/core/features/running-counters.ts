import type { Matrix } from '../ingest';
import { condemnedColumns } from './column-scan';

/** share of consecutive rows that must rise for a column to count as a running counter */
const RISING_SHARE = 0.95;
/** fewer rows than this in a file say nothing about counters */
const MIN_ROWS = 50;

/**
 * Columns that count up row after row within a file (the first CICIoMT2024 release's
 * Bluetooth `Number` rises by 10 per row). Such a column describes the position in the
 * capture, not the flow, so a model trained on it flags every later flow.
 * Rows must be in file order; `fileIndex` separates the files.
 */
export function findRunningCounters(x: Matrix, fileIndex: ArrayLike<number>, names: readonly string[]): Record<string, string> {
  return condemnedColumns(x, fileIndex, names, MIN_ROWS, (values) => {
    let rising = 0;
    for (let i = 1; i < values.length; i++) if (values[i] > values[i - 1]) rising++;
    const share = rising / (values.length - 1);
    return share >= RISING_SHARE ? `a running counter (rises in ${Math.round(100 * share)} % of consecutive rows)` : null;
  });
}
