/**
 * What the store remembers of a run's stored chunks without reading them: each chunk's
 * seq and row count, oldest first. Retention drops from the front; appends go to the
 * back. Kept in memory (loaded once per run from the tiny `chunkSizes` records), so a
 * write never counts the stored rows again.
 */
export class ChunkLedger {
  private seqs: number[] = [];
  private ns: number[] = [];
  /** flagged flows per chunk, so the alerts retention drops are counted too */
  private flags: number[] = [];
  /** index of the oldest live entry: dropping advances it, compaction happens now and then */
  private head = 0;
  /** rows in the live entries */
  rows = 0;
  /** rows dropped by retention over the run's life (as stored on the run record) */
  dropped = 0;
  /** flagged flows among them (as stored on the run record) */
  droppedFlagged = 0;

  get chunks(): number {
    return this.seqs.length - this.head;
  }

  /** records chunk `seq` with `n` rows, `flagged` of them flagged; a seq already present is replaced */
  add(seq: number, n: number, flagged = 0): void {
    const last = this.seqs.length - 1;
    if (last < this.head || seq > this.seqs[last]) {
      this.seqs.push(seq);
      this.ns.push(n);
      this.flags.push(flagged);
      this.rows += n;
      return;
    }
    let lo = this.head;
    let hi = this.seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs[mid] < seq) lo = mid + 1;
      else hi = mid;
    }
    if (lo < this.seqs.length && this.seqs[lo] === seq) {
      this.rows += n - this.ns[lo];
      this.ns[lo] = n;
      this.flags[lo] = flagged;
    } else {
      this.seqs.splice(lo, 0, seq);
      this.ns.splice(lo, 0, n);
      this.flags.splice(lo, 0, flagged);
      this.rows += n;
    }
  }

  /**
   * Drops the oldest chunks until at most `limit` rows remain. Returns the rows dropped,
   * the flagged flows among them, and the newest seq dropped (every stored seq up to it
   * goes), or null when none.
   */
  dropOldest(limit: number): { rows: number; flagged: number; throughSeq: number | null } {
    let rows = 0;
    let flagged = 0;
    let throughSeq: number | null = null;
    while (this.rows > limit && this.head < this.seqs.length) {
      const n = this.ns[this.head];
      throughSeq = this.seqs[this.head];
      this.rows -= n;
      rows += n;
      flagged += this.flags[this.head];
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.seqs.length) {
      this.seqs = this.seqs.slice(this.head);
      this.ns = this.ns.slice(this.head);
      this.flags = this.flags.slice(this.head);
      this.head = 0;
    }
    this.dropped += rows;
    this.droppedFlagged += flagged;
    return { rows, flagged, throughSeq };
  }
}
