/**
 * Splits a node's range of row numbers in two, keeping the order within each side. Rows
 * start ascending, so they stay ascending in every node, and gathering a column by row
 * walks memory forwards (several times faster than at random).
 */
export class StablePartition {
  /** set by the caller: 1 where position start + i goes left */
  readonly goesLeft: Uint8Array;
  private readonly scratch: Uint32Array;

  constructor(n: number) {
    this.goesLeft = new Uint8Array(n);
    this.scratch = new Uint32Array(n);
  }

  /** reorders [start, end) of `rows`; returns where the right side starts */
  apply(start: number, end: number, rows: Uint32Array): number {
    const { goesLeft, scratch } = this;
    let at = start;
    let right = 0;
    for (let p = start; p < end; p++) {
      if (goesLeft[p - start] === 1) rows[at++] = rows[p];
      else scratch[right++] = rows[p];
    }
    rows.set(scratch.subarray(0, right), at);
    return at;
  }
}
