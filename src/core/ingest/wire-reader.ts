import type { Batch } from './batch';
import { DatasetReader } from './dataset-reader';
import { InputError } from './text-stream';
import { cleanHeader, type Dialect, detectDialect } from '../schema';
import { decodeBinaryFlows } from './wire-binary';
import { inflateWire, isCompressedWire, MAX_INFLATED_BYTES } from './wire-compressed';
import { wireFraming } from './wire-message';
import { FloatRowCells } from './row-cells';

/**
 * Reads live messages (the wire format of `wire-message.ts`) into batches with the same
 * reader, dialects and cell policy as dropped files: the first message (or the model's
 * dialect) fixes the schema; a message of another dialect, without a header, or of
 * binary junk is skipped whole and counted, with one sentence kept as `lastProblem`.
 * Every record of a message is accepted or skipped: received = accepted + Σ skipped.
 */
export class WireReader {
  readonly reader: DatasetReader;
  /** the newest reason a message was skipped whole, as one sentence */
  lastProblem: string | null = null;
  private readonly decoder = new TextDecoder('utf-8');
  private skippedSeen: Record<string, number> = {};
  private skippedDelta: Record<string, number> = {};
  private received = 0;
  /** NDJSON lines of the message being read that were not objects (counted already) */
  private badLines = 0;
  /** whether the message's header is one of a known dialect (then a refusal means another dialect, not junk) */
  private looksLikeFlows = false;
  /** the last binary message's column names and whether they are a known dialect's (a feed repeats them) */
  private binaryHeader: { key: string; flows: boolean } | null = null;

  constructor(options: { dialect?: Dialect } = {}) {
    // no files: messages come in through `readText`/`readCells`
    this.reader = new DatasetReader([], { dialect: options.dialect, keepUnlabelled: true });
  }

  /** flow records received so far (accepted + skipped) */
  get records(): number {
    return this.received;
  }

  /** one message's flows, or null when none of them could be used (counted) */
  read(payload: Uint8Array, name: string): Batch | null {
    if (isCompressedWire(payload)) {
      try {
        payload = inflateWire(payload, name, MAX_INFLATED_BYTES);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        this.received++;
        this.count('not a flow record', 1);
        this.lastProblem = e.message;
        return null;
      }
    }
    const framing = wireFraming(payload);
    this.received += framing.records;
    const counters = this.reader.counters;
    const before = counters.read;
    this.badLines = 0;
    this.looksLikeFlows = false;
    try {
      if (framing.binary) return this.readBinary(payload, name, framing.records);
      if (payload.subarray(0, 4096).includes(0)) throw new NotFlows(`a message on ${name} holds binary data, not flow records`);
      const text = this.decoder.decode(payload.subarray(framing.bodyStart));
      this.looksLikeFlows = framing.ndjson || detectDialect(cleanHeader(text.slice(0, text.indexOf('\n') >>> 0).split(',')), name) !== null;
      const batch = framing.ndjson ? this.readNdjson(text, name) : this.reader.readText(name, text);
      this.collect();
      // lines the reader did not see as rows (blank NDJSON lines) still count once; rows it saw beyond the lines (quoted line breaks) too
      const unseen = framing.records - (counters.read - before) - this.badLines;
      if (unseen > 0) this.count('not a flow record', unseen);
      else if (unseen < 0) this.received -= unseen;
      return batch;
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      this.collect();
      const seen = counters.read - before + this.badLines;
      this.count(e instanceof NotFlows || !this.looksLikeFlows ? 'not a flow record' : 'another dialect or columns', Math.max(0, framing.records - seen));
      this.lastProblem = e.message;
      return null;
    }
  }

  /** a message in the binary form: its records straight into the reader, no text on the way */
  private readBinary(payload: Uint8Array, name: string, records: number): Batch | null {
    const counters = this.reader.counters;
    const before = counters.read;
    const flows = decodeBinaryFlows(payload, name);
    const key = flows.header.join(',');
    if (this.binaryHeader?.key !== key) this.binaryHeader = { key, flows: detectDialect(cleanHeader(flows.header), name) !== null };
    this.looksLikeFlows = this.binaryHeader.flows;
    const batch = this.reader.readRecords(name, flows.header, new FloatRowCells(flows.values, flows.columns, flows.n, flows.texts));
    this.collect();
    // framing counted what the header promised; the reader saw the records there are
    this.received += counters.read - before - records;
    return batch;
  }

  /** records skipped since the last call, by reason */
  takeSkipped(): Record<string, number> {
    this.collect();
    const out = this.skippedDelta;
    this.skippedDelta = {};
    return out;
  }

  private readNdjson(text: string, name: string): Batch | null {
    const header: string[] = [];
    const position = new Map<string, number>();
    const objects: Record<string, unknown>[] = [];
    let bad = 0;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        bad++;
        continue;
      }
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        bad++;
        continue;
      }
      objects.push(value as Record<string, unknown>);
      for (const key of Object.keys(value)) {
        if (!position.has(key)) {
          position.set(key, header.length);
          header.push(key);
        }
      }
    }
    this.count('not a flow record', bad);
    this.badLines = bad;
    if (objects.length === 0) throw new NotFlows(`a message on ${name} holds no JSON object per line`);
    const rows = objects.map((o) => header.map((k) => cellText(o[k])));
    return this.reader.readCells(name, header, rows);
  }

  private count(reason: string, n: number): void {
    if (n > 0) this.skippedDelta[reason] = (this.skippedDelta[reason] ?? 0) + n;
  }

  private collect(): void {
    for (const [reason, total] of Object.entries(this.reader.counters.skipped)) {
      const before = this.skippedSeen[reason] ?? 0;
      if (total! > before) this.count(reason, total! - before);
      this.skippedSeen[reason] = total!;
    }
  }
}

class NotFlows extends InputError {}

/** a JSON value as the cell text the reader's cell policy reads */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}
