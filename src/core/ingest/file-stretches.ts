/**
 * The stretches of consecutive rows from one file, as [start, end) pairs, for rows kept
 * in file order with `fileIndex` giving each row's file.
 */
export function fileStretches(fileIndex: ArrayLike<number>): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  while (start < fileIndex.length) {
    let end = start + 1;
    while (end < fileIndex.length && fileIndex[end] === fileIndex[start]) end++;
    out.push([start, end]);
    start = end;
  }
  return out;
}
