import { fileStretches, type Matrix } from '../ingest';

/**
 * Columns that some file's rows condemn: `judge` sees one column of one file's rows (in
 * file order) and says why it is unfit, or null. Files with fewer than `minRows` rows say
 * nothing; the first file to condemn a column gives the reason. Rows in file order;
 * `fileIndex` separates the files.
 */
export function condemnedColumns(
  x: Matrix,
  fileIndex: ArrayLike<number>,
  names: readonly string[],
  minRows: number,
  judge: (values: Float64Array) => string | null,
): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [start, end] of fileStretches(fileIndex)) {
    if (end - start < minRows) continue;
    const values = new Float64Array(end - start);
    for (let j = 0; j < x.d; j++) {
      if (found[names[j]]) continue;
      for (let i = start; i < end; i++) values[i - start] = x.data[i * x.d + j];
      const why = judge(values);
      if (why) found[names[j]] = why;
    }
  }
  return found;
}
