import { InputError } from './text-stream';

/**
 * The live wire format's binary form, version 1 (README: "Live wire format"): flow records
 * as float32 values, about half the bytes of CSV and no number formatting or parsing at
 * either end. Little-endian:
 *
 *   offset  bytes
 *   0       4      magic 00 46 4C 57 ("\0FLW": a NUL byte never starts a text message)
 *   4       1      version: 1
 *   5       1      t: text columns (0–255), the last t of the column names
 *   6       2      h: bytes of the column names
 *   8       4      n: flow records
 *   12      8      seq: float64, flow records published on this topic before this message; -1 for none
 *   20      h      the column names, UTF-8, comma-separated like a CSV header line: c numeric columns, then the t text ones
 *   …       0–3    zero bytes, so the values start at a multiple of 4
 *   …       n·c·4  float32 values record after record (NaN = missing, ±Infinity kept)
 *   then, for each text column (a label, a device name …):
 *           2      b: bytes of the column's table
 *           b      its distinct values, UTF-8, joined by "\n"
 *           n·2    uint16 per record: its value's place in the table, 65535 for none (an empty cell)
 */

export const BINARY_MAGIC = [0x00, 0x46, 0x4c, 0x57] as const;
const VERSION = 1;
const FIXED = 20;
const NONE = 0xffff;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** one for every message, not one made per message */
const decoder = new TextDecoder('utf-8');

export interface BinaryFlows {
  /** the numeric columns' names, in the order of each record's values */
  columns: readonly string[];
  /** n × columns.length values, record after record */
  values: Float32Array;
  /** text columns (a label, a device): each record's value, null for none */
  texts?: readonly { column: string; of: readonly (string | null)[] }[];
  /** flow records published on this topic before this message */
  seq?: number;
}

/** One binary message. Throws on names that cannot be a header (empty, commas, line breaks), text values with line breaks, or more than 65,534 distinct values in a text column. */
export function encodeBinaryFlows(flows: BinaryFlows): Uint8Array {
  const c = flows.columns.length;
  const n = c ? flows.values.length / c : 0;
  if (!Number.isInteger(n)) throw new Error(`${flows.values.length} values are not whole records of ${c} columns`);
  const texts = flows.texts ?? [];
  if (texts.length > 255) throw new Error('more than 255 text columns');
  const names = [...flows.columns, ...texts.map((t) => t.column)];
  if (c === 0 || names.some((s) => !s || /[,\r\n]/.test(s))) throw new Error('column names must be non-empty, without commas or line breaks');
  const encoder = new TextEncoder();
  const header = encoder.encode(names.join(','));
  if (header.length > 0xffff) throw new Error('the column names take more than 65,535 bytes');
  const valuesAt = align4(FIXED + header.length);
  const tables = texts.map((t) => textTable(t.of, n, encoder));
  const textsAt = valuesAt + n * c * 4;
  const size = textsAt + tables.reduce((sum, t) => sum + 2 + t.table.length + n * 2, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(BINARY_MAGIC, 0);
  out[4] = VERSION;
  out[5] = texts.length;
  view.setUint16(6, header.length, true);
  view.setUint32(8, n, true);
  view.setFloat64(12, flows.seq ?? -1, true);
  out.set(header, FIXED);
  if (LITTLE_ENDIAN) out.set(new Uint8Array(flows.values.buffer, flows.values.byteOffset, n * c * 4), valuesAt);
  else for (let i = 0; i < n * c; i++) view.setFloat32(valuesAt + i * 4, flows.values[i], true);
  let at = textsAt;
  for (const { table, index } of tables) {
    view.setUint16(at, table.length, true);
    out.set(table, at + 2);
    at += 2 + table.length;
    for (let r = 0; r < n; r++) view.setUint16(at + r * 2, index[r], true);
    at += n * 2;
  }
  return out;
}

/** a text column's distinct values as UTF-8 joined by line breaks, and each record's place in them */
function textTable(of: readonly (string | null)[], n: number, encoder: TextEncoder): { table: Uint8Array; index: Uint16Array } {
  if (of.length !== n) throw new Error(`${of.length} text values for ${n} records`);
  const place = new Map<string, number>();
  const index = new Uint16Array(n);
  for (let r = 0; r < n; r++) {
    const value = of[r];
    if (value === null || value === '') {
      index[r] = NONE;
      continue;
    }
    if (/[\r\n]/.test(value)) throw new Error('a text value cannot hold a line break');
    let k = place.get(value);
    if (k === undefined) place.set(value, (k = place.size));
    if (k >= NONE) throw new Error('more than 65,534 distinct values of a text column in one message');
    index[r] = k;
  }
  const table = encoder.encode([...place.keys()].join('\n'));
  if (table.length > 0xffff) throw new Error("a text column's values take more than 65,535 bytes");
  return { table, index };
}

/** the bytes a binary message of `records` records takes, the text columns' tables aside (count each value's bytes + 1) */
export function binaryMessageBytes(columns: readonly string[], records: number, textColumns: readonly string[] = []): number {
  const names = [...columns, ...textColumns];
  return align4(FIXED + new TextEncoder().encode(names.join(',')).length) + records * columns.length * 4 + textColumns.length * (2 + records * 2);
}

/** whether a message starts with the binary form's magic */
export function isBinaryFlows(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === BINARY_MAGIC[0] && bytes[1] === BINARY_MAGIC[1] && bytes[2] === BINARY_MAGIC[2] && bytes[3] === BINARY_MAGIC[3];
}

/** a binary message's sequence number and record count from its header (1 record and no sequence when its size does not match them) */
export function binaryFraming(bytes: Uint8Array): { seq: number | null; records: number } {
  const junk = { seq: null, records: 1 };
  if (bytes.length < FIXED) return junk;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = view.getUint16(6, true);
  const n = view.getUint32(8, true);
  if (FIXED + h > bytes.length) return junk;
  let names = 1;
  for (let i = FIXED; i < FIXED + h; i++) if (bytes[i] === 0x2c) names++;
  const t = bytes[5];
  const size = align4(FIXED + h) + n * (names - t) * 4 + t * (2 + n * 2);
  if (n === 0 || names <= t || size > bytes.length) return junk;
  const seq = view.getFloat64(12, true);
  return { seq: Number.isSafeInteger(seq) && seq >= 0 ? seq : null, records: n };
}

export interface DecodedFlows {
  /** every column's name: the numeric ones, then the text ones */
  header: string[];
  /** numeric columns: the first `columns` names of the header */
  columns: number;
  n: number;
  /** n × columns values, record after record; a view of the message's bytes where they sit at a multiple of 4 (read it before the message is let go) */
  values: Float32Array;
  /** each text column's distinct values and each record's place in them */
  texts: TextColumn[];
}

/** A text column of a binary message: its distinct values, and per record its value's place in `table` (NO_TEXT: none). */
export interface TextColumn {
  table: string[];
  index: Uint16Array;
}

/** a record's place in a text column's table when it has no value (an empty cell) */
export const NO_TEXT = NONE;

/** Reads a binary message; throws an `InputError` with one sentence when it is not a well-formed one. */
export function decodeBinaryFlows(bytes: Uint8Array, name: string): DecodedFlows {
  const bad = (why: string) => new InputError(`a binary flow message on ${name} ${why}`);
  if (bytes.length < FIXED) throw bad(`is cut short (${bytes.length} bytes)`);
  if (bytes[4] !== VERSION) throw bad(`has version ${bytes[4]}, which this reader does not know (it reads version ${VERSION})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const t = bytes[5];
  const h = view.getUint16(6, true);
  const n = view.getUint32(8, true);
  if (n === 0) throw bad('holds no records');
  if (FIXED + h > bytes.length) throw bad('is cut short inside its column names');
  const header = decoder.decode(bytes.subarray(FIXED, FIXED + h)).split(',');
  const c = header.length - t;
  if (c < 1 || header.some((s) => !s)) throw bad('names no numeric column');
  const valuesAt = align4(FIXED + h);
  let at = valuesAt + n * c * 4;
  if (at > bytes.length) throw bad(`is cut short: ${n} records of ${c} values need ${at} bytes, it has ${bytes.length}`);
  const values = floatValues(bytes, valuesAt, n * c, view);
  const texts: TextColumn[] = [];
  for (let k = 0; k < t; k++) {
    const column = header[c + k];
    if (at + 2 > bytes.length) throw bad(`is cut short before its ${column} values`);
    const b = view.getUint16(at, true);
    const indexAt = at + 2 + b;
    if (indexAt + n * 2 > bytes.length) throw bad(`is cut short inside its ${column} values`);
    const table = b ? decoder.decode(bytes.subarray(at + 2, indexAt)).split('\n') : [];
    const index = new Uint16Array(n);
    for (let r = 0; r < n; r++) {
      const i = (index[r] = view.getUint16(indexAt + r * 2, true));
      if (i !== NONE && i >= table.length) throw bad(`gives record ${r + 1} ${column} value ${i} of a table of ${table.length}`);
    }
    texts.push({ table, index });
    at = indexAt + n * 2;
  }
  return { header, columns: c, n, values, texts };
}

/** `count` float32 values at `at`: a view where they sit at a multiple of 4 (an inflated message always does), else a copy */
function floatValues(bytes: Uint8Array, at: number, count: number, view: DataView): Float32Array {
  if (LITTLE_ENDIAN && (bytes.byteOffset + at) % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset + at, count);
  const values = new Float32Array(count);
  if (LITTLE_ENDIAN) new Uint8Array(values.buffer).set(bytes.subarray(at, at + count * 4));
  else for (let i = 0; i < count; i++) values[i] = view.getFloat32(at + i * 4, true);
  return values;
}

function align4(x: number): number {
  return (x + 3) & ~3;
}
