/**
 * The live wire format's framing, read from a message's bytes without decoding them (the
 * live queue needs both figures for every message, also those it cannot keep):
 *
 *   [#seq=<n>\n]        optional: flow records the producer published on this topic before this message
 *   <header line>\n     CSV only: the column names (NDJSON lines carry their own)
 *   <record>\n …        one flow per line: CSV cells, or a JSON object keyed by column name
 *
 * or the binary form of `wire-binary.ts` (its own header holds the sequence and the count);
 * a compressed message (wire-compressed.ts) is framed once inflated (as one record before).
 * See the README's "Live wire format" section.
 */
import { binaryFraming, isBinaryFlows } from './wire-binary';
import { isCompressedWire } from './wire-compressed';

const NEWLINE = 10;
const CR = 13;
const BRACE = 0x7b;
const SEQ_PREFIX = [0x23, 0x73, 0x65, 0x71, 0x3d]; // "#seq="

export interface WireFraming {
  /** the producer's count of flows before this message, null when the message has none */
  seq: number | null;
  /** byte where the body (header or first NDJSON line) starts */
  bodyStart: number;
  /** whether the body is NDJSON (its first character is `{`) */
  ndjson: boolean;
  /** whether the message is in the binary form (wire-binary.ts) */
  binary: boolean;
  /** flow records in the message: its non-empty lines after the sequence and header lines (at least 1) */
  records: number;
}

/** The framing of a message (never throws: a message of junk is one record). */
export function wireFraming(bytes: Uint8Array): WireFraming {
  if (isCompressedWire(bytes)) return { seq: null, bodyStart: 0, ndjson: false, binary: false, records: 1 };
  if (isBinaryFlows(bytes)) return { ...binaryFraming(bytes), bodyStart: 0, ndjson: false, binary: true };
  let seq: number | null = null;
  let bodyStart = 0;
  if (startsWith(bytes, SEQ_PREFIX)) {
    let end = bytes.indexOf(NEWLINE);
    if (end === -1) end = bytes.length;
    const text = String.fromCharCode(...bytes.subarray(SEQ_PREFIX.length, Math.min(end, SEQ_PREFIX.length + 20))).trim();
    const n = /^\d{1,15}$/.test(text) ? Number(text) : NaN;
    seq = Number.isSafeInteger(n) ? n : null;
    bodyStart = Math.min(bytes.length, end + 1);
  }
  let first = bodyStart;
  while (first < bytes.length && (bytes[first] === 32 || bytes[first] === NEWLINE || bytes[first] === CR || bytes[first] === 9)) first++;
  const ndjson = bytes[first] === BRACE;
  const lines = nonEmptyLines(bytes, bodyStart);
  return { seq, bodyStart, ndjson, binary: false, records: Math.max(1, ndjson ? lines : lines - 1) };
}

/** lines from `from` holding anything but a carriage return */
function nonEmptyLines(bytes: Uint8Array, from: number): number {
  let n = 0;
  let start = from;
  while (start < bytes.length) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end === -1) end = bytes.length;
    const stop = end > start && bytes[end - 1] === CR ? end - 1 : end;
    if (stop > start) n++;
    start = end + 1;
  }
  return n;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}
