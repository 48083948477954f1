/**
 * Writes a classic pcap file (little-endian, nanosecond timestamps) in chunks: the
 * simulator's packets, and test captures of every shape.
 */
export class PcapWriter {
  private buf: Uint8Array;
  private view: DataView;
  private size = 0;

  /** `flush` is called with each full chunk (and the rest on `close`); the chunk is the caller's to keep */
  constructor(
    private readonly flush: (chunk: Uint8Array) => void,
    link = 1,
    snap = 262144,
    private readonly chunkBytes = 1 << 20,
  ) {
    this.buf = new Uint8Array(chunkBytes);
    this.view = new DataView(this.buf.buffer);
    const v = this.view;
    v.setUint32(0, 0xa1b23c4d, true);
    v.setUint16(4, 2, true);
    v.setUint16(6, 4, true);
    v.setUint32(16, snap, true);
    v.setUint32(20, link, true);
    this.size = 24;
  }

  /**
   * Space for one packet record of `capLen` captured bytes (zeroed); returns the offset in
   * `bytes` where the packet's bytes go.
   */
  record(sec: number, ns: number, capLen: number, origLen = capLen): number {
    if (this.size + 16 + capLen > this.buf.length) this.emit(16 + capLen);
    const v = this.view;
    const at = this.size;
    v.setUint32(at, sec, true);
    v.setUint32(at + 4, ns, true);
    v.setUint32(at + 8, capLen, true);
    v.setUint32(at + 12, origLen, true);
    this.size += 16 + capLen;
    return at + 16;
  }

  /** the chunk being filled (the packet bytes of the last `record` go at its offset) */
  get bytes(): Uint8Array {
    return this.buf;
  }

  close(): void {
    this.emit(0);
  }

  private emit(need: number): void {
    if (this.size > 0) this.flush(this.buf.slice(0, this.size));
    this.buf = new Uint8Array(Math.max(this.chunkBytes, need));
    this.view = new DataView(this.buf.buffer);
    this.size = 0;
  }
}
