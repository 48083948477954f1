import { deflateRawSync } from 'node:zlib';
import { binaryMessageBytes, encodeBinaryFlows, wrapCompressed } from '../core/ingest';
import { attackTypeLabel, FLOW_COLUMNS, FLOW_CSV_HEADER, flowCsvRows, type PacketFlows } from '../core/packets';

export type WireForm = 'csv' | 'binary';

/** the binary form's text columns: the label and the device, as the CSV names them */
const TEXT_COLUMNS = ['attack_type', 'device'];

/**
 * The sensor's flows packed into live wire messages (README: "Live wire format") of at
 * most `maxFlows` flows and `maxBytes` bytes: CSV with its header and every column, or the
 * binary form with the flow's features (FLOW_COLUMNS), the label and the device (no addresses or time: the
 * consumers number live flows themselves). A flow is offered chunk by chunk (`prepare`),
 * then one at a time: `fits` says whether it joins the pending message, `take` empties it.
 * Compressed messages (the `\0FLZ` envelope) are sized by the last one's ratio.
 */
export class FlowMessages {
  private lines: string[] = [];
  private rows: PacketFlows | null = null;
  /** pending flows: CSV lines, or float32 values and labels */
  private pendingLines: string[] = [];
  private values: Float32Array;
  private names: readonly string[] = [];
  /** per text column: each pending flow's value, the distinct values' bytes in its table, and their sum */
  private texts = TEXT_COLUMNS.map(() => ({ of: [] as (string | null)[], bytes: new Map<string, number>(), tableBytes: 0 }));
  /** each class's label text, made once */
  private readonly labels: string[] = [];
  private pendingFlows = 0;
  private pendingBytes = 0;
  /** compressed bytes per raw byte of the last message (1 until one was compressed) */
  private ratio = 1;
  /** a binary message's bytes without records, and each record's */
  private readonly binaryBase = binaryMessageBytes(FLOW_COLUMNS, 0, TEXT_COLUMNS);
  private readonly binaryPerFlow = binaryMessageBytes(FLOW_COLUMNS, 1, TEXT_COLUMNS) - this.binaryBase;

  constructor(
    readonly form: WireForm,
    private readonly classes: readonly string[],
    private readonly maxFlows: number,
    private readonly maxBytes: number,
    /** deflate each message into the compressed envelope */
    private readonly compress = false,
  ) {
    this.values = new Float32Array(form === 'binary' ? Math.min(maxFlows, 1 << 16) * FLOW_COLUMNS.length : 0);
  }

  get size(): number {
    return this.form === 'csv' ? this.pendingLines.length : this.pendingFlows;
  }

  /** the next chunk of flows; `names` are the capture's address texts */
  prepare(rows: PacketFlows, names: readonly string[]): void {
    this.rows = rows;
    this.names = names;
    if (this.form === 'csv') {
      this.lines = flowCsvRows(rows, names, this.classes).split('\n');
      this.lines.pop();
    }
  }

  /** whether flow `r` of the chunk fits the pending message (always, when it is empty) */
  fits(r: number, seq: number): boolean {
    if (this.size === 0) return true;
    if (this.size >= this.maxFlows) return false;
    if (this.maxBytes === Infinity) return true;
    // compressed: the size the last message's ratio promises, with a margin (`take` trims a message that still overflows)
    return this.compress ? 4 + this.bytesWith(r, seq) * this.ratio * 1.05 <= this.maxBytes : this.bytesWith(r, seq) <= this.maxBytes;
  }

  add(r: number): void {
    if (this.form === 'csv') {
      const line = this.lines[r];
      this.pendingLines.push(line);
      this.pendingBytes += Buffer.byteLength(line) + 1;
      return;
    }
    const rows = this.rows!;
    const d = FLOW_COLUMNS.length;
    const k = this.pendingFlows++;
    if ((k + 1) * d > this.values.length) {
      const grown = new Float32Array(this.values.length * 2 || d * 64);
      grown.set(this.values);
      this.values = grown;
    }
    this.values.set(rows.data.subarray(r * d, (r + 1) * d), k * d);
    this.noteText(0, this.labelOf(r));
    this.noteText(1, this.deviceOf(r));
  }

  /**
   * The first pending flows as one message numbered `seq`: all of them, unless compressed
   * they would pass `maxBytes` (then as many as fit; the rest stay pending).
   */
  take(seq: number): { payload: string | Uint8Array; flows: number } {
    let flows = this.size;
    if (!this.compress) return { payload: this.encode(flows, seq), flows: this.drop(flows) };
    for (;;) {
      const raw = this.encode(flows, seq);
      const payload = wrapCompressed(deflateRawSync(raw, { level: 1 }));
      this.ratio = payload.length / Buffer.byteLength(raw);
      if (payload.length <= this.maxBytes || flows === 1) return { payload, flows: this.drop(flows) };
      flows = Math.max(1, Math.floor(((flows * this.maxBytes) / payload.length) * 0.95));
    }
  }

  /** the first `flows` pending flows as one message */
  private encode(flows: number, seq: number): string | Uint8Array {
    if (this.form === 'csv') return `#seq=${seq}\n${FLOW_CSV_HEADER}\n${this.pendingLines.slice(0, flows).join('\n')}\n`;
    return encodeBinaryFlows({
      columns: FLOW_COLUMNS,
      values: this.values.subarray(0, flows * FLOW_COLUMNS.length),
      texts: this.texts.map(({ of }, j) => ({ column: TEXT_COLUMNS[j], of: of.slice(0, flows) })),
      seq,
    });
  }

  /** forgets the first `flows` pending flows; returns `flows` */
  private drop(flows: number): number {
    if (this.form === 'csv') {
      this.pendingLines.splice(0, flows);
      this.pendingBytes = this.pendingLines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
      return flows;
    }
    const d = FLOW_COLUMNS.length;
    this.values.copyWithin(0, flows * d, this.pendingFlows * d);
    this.pendingFlows -= flows;
    const texts = this.texts.map(({ of }) => of.slice(flows));
    this.texts = TEXT_COLUMNS.map(() => ({ of: [], bytes: new Map(), tableBytes: 0 }));
    texts.forEach((of, j) => {
      for (const value of of) this.noteText(j, value);
    });
    return flows;
  }

  private noteText(j: number, value: string | null): void {
    const text = this.texts[j];
    text.of.push(value);
    if (value !== null && !text.bytes.has(value)) {
      const b = Buffer.byteLength(value) + 1;
      text.bytes.set(value, b);
      text.tableBytes += b;
    }
  }

  /** flow `r`'s label (the first text column) */
  private labelOf(r: number): string | null {
    const c = this.rows!.classIndex[r];
    return c >= 0 ? (this.labels[c] ??= attackTypeLabel(this.classes[c])) : null;
  }

  /** flow `r`'s device (the second text column) */
  private deviceOf(r: number): string | null {
    return this.names[this.rows!.device[r]] ?? null;
  }

  /** the pending message's bytes with flow `r` added (once per flow: no text made or measured twice) */
  private bytesWith(r: number, seq: number): number {
    if (this.form === 'csv') return `#seq=${seq}\n${FLOW_CSV_HEADER}\n`.length + this.pendingBytes + Buffer.byteLength(this.lines[r]) + 1;
    return this.binaryBase + (this.pendingFlows + 1) * this.binaryPerFlow + this.tableBytesWith(0, this.labelOf(r)) + this.tableBytesWith(1, this.deviceOf(r));
  }

  /** text column j's table bytes with `value` in it */
  private tableBytesWith(j: number, value: string | null): number {
    const { bytes, tableBytes } = this.texts[j];
    return value === null || bytes.has(value) ? tableBytes : tableBytes + Buffer.byteLength(value) + 1;
  }
}
