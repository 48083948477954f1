import { fileStretches, type Matrix } from '../ingest';

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
  const found: Record<string, string> = {};
  for (const [start, end] of fileStretches(fileIndex)) {
    if (end - start < MIN_ROWS) continue;
    for (let j = 0; j < x.d; j++) {
      if (found[names[j]]) continue;
      let rising = 0;
      for (let i = start + 1; i < end; i++) if (x.data[i * x.d + j] > x.data[(i - 1) * x.d + j]) rising++;
      if (rising / (end - start - 1) >= RISING_SHARE) {
        found[names[j]] = `a running counter (rises in ${Math.round((100 * rising) / (end - start - 1))} % of consecutive rows)`;
      }
    }
  }
  return found;
}
