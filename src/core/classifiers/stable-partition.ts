/**
 * Splits a node's range of parallel arrays in two, keeping the order within each side.
 * Rows start ascending, so they stay ascending in every node, and gathering a column by
 * row walks memory forwards (several times faster than at random).
 */
export class StablePartition {
  /** set by the caller: 1 where position start + i goes left */
  readonly goesLeft: Uint8Array;
  private readonly scratch: Float64Array;

  constructor(n: number) {
    this.goesLeft = new Uint8Array(n);
    this.scratch = new Float64Array(n);
  }

  /** reorders [start, end) of every array; returns where the right side starts */
  apply(start: number, end: number, arrays: readonly (Uint32Array | Int32Array | Float64Array)[]): number {
    const { goesLeft, scratch } = this;
    let at = start;
    for (const a of arrays) {
      at = start;
      let right = 0;
      for (let p = start; p < end; p++) {
        if (goesLeft[p - start] === 1) a[at++] = a[p];
        else scratch[right++] = a[p];
      }
      for (let k = 0; k < right; k++) a[at + k] = scratch[k];
    }
    return at;
  }
}
