import { InputError } from './text-stream';

/**
 * The live wire format's binary form, version 1 (README: "Live wire format"): flow records
 * as float32 values, about half the bytes of CSV and no number formatting or parsing at
 * either end. Little-endian:
 *
 *   offset  bytes
 *   0       4      magic 00 46 4C 57 ("\0FLW": a NUL byte never starts a text message)
 *   4       1      version: 1
 *   5       1      flags: bit 0 = a label per record follows the values
 *   6       2      h: bytes of the column names
 *   8       4      n: flow records
 *   12      8      seq: float64, flow records published on this topic before this message; -1 for none
 *   20      h      the column names, UTF-8, comma-separated like a CSV header line; with labels the label column's name comes last
 *   …       0–3    zero bytes, so the values start at a multiple of 4
 *   …       n·c·4  float32 values record after record, c = the numeric columns (NaN = missing, ±Infinity kept)
 *   with labels:
 *           2      t: bytes of the label table
 *           t      the distinct labels, UTF-8, joined by "\n"
 *           n·2    uint16 per record: its label's place in the table, 65535 for none
 */

export const BINARY_MAGIC = [0x00, 0x46, 0x4c, 0x57] as const;
const VERSION = 1;
const FIXED = 20;
const NO_LABEL = 0xffff;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface BinaryFlows {
  /** the numeric columns' names, in the order of each record's values */
  columns: readonly string[];
  /** n × columns.length values, record after record */
  values: Float32Array;
  /** the label column's name and each record's label (null: unlabelled), or none */
  labels?: { column: string; of: readonly (string | null)[] };
  /** flow records published on this topic before this message */
  seq?: number;
}

/** One binary message. Throws on names that cannot be a header (empty, commas, line breaks) or on more than 65,534 distinct labels. */
export function encodeBinaryFlows(flows: BinaryFlows): Uint8Array {
  const c = flows.columns.length;
  const n = c ? flows.values.length / c : 0;
  if (!Number.isInteger(n)) throw new Error(`${flows.values.length} values are not whole records of ${c} columns`);
  const names = flows.labels ? [...flows.columns, flows.labels.column] : [...flows.columns];
  if (names.length === 0 || names.some((s) => !s || /[,\r\n]/.test(s))) throw new Error('column names must be non-empty, without commas or line breaks');
  const encoder = new TextEncoder();
  const header = encoder.encode(names.join(','));
  if (header.length > 0xffff) throw new Error('the column names take more than 65,535 bytes');
  const valuesAt = align4(FIXED + header.length);
  let table: Uint8Array | null = null;
  let index: Uint16Array | null = null;
  if (flows.labels) {
    if (flows.labels.of.length !== n) throw new Error(`${flows.labels.of.length} labels for ${n} records`);
    const place = new Map<string, number>();
    index = new Uint16Array(n);
    for (let r = 0; r < n; r++) {
      const label = flows.labels.of[r];
      if (label === null) {
        index[r] = NO_LABEL;
        continue;
      }
      if (/[\r\n]/.test(label)) throw new Error('a label cannot hold a line break');
      let k = place.get(label);
      if (k === undefined) place.set(label, (k = place.size));
      if (k >= NO_LABEL) throw new Error('more than 65,534 distinct labels in one message');
      index[r] = k;
    }
    table = encoder.encode([...place.keys()].join('\n'));
    if (table.length > 0xffff) throw new Error('the label table takes more than 65,535 bytes');
  }
  const labelsAt = valuesAt + n * c * 4;
  const size = labelsAt + (table ? 2 + table.length + n * 2 : 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(BINARY_MAGIC, 0);
  out[4] = VERSION;
  out[5] = table ? 1 : 0;
  view.setUint16(6, header.length, true);
  view.setUint32(8, n, true);
  view.setFloat64(12, flows.seq ?? -1, true);
  out.set(header, FIXED);
  if (LITTLE_ENDIAN) out.set(new Uint8Array(flows.values.buffer, flows.values.byteOffset, n * c * 4), valuesAt);
  else for (let i = 0; i < n * c; i++) view.setFloat32(valuesAt + i * 4, flows.values[i], true);
  if (table && index) {
    view.setUint16(labelsAt, table.length, true);
    out.set(table, labelsAt + 2);
    const at = labelsAt + 2 + table.length;
    for (let r = 0; r < n; r++) view.setUint16(at + r * 2, index[r], true);
  }
  return out;
}

/** the bytes a binary message of `records` records of these columns takes, labels aside (2 bytes a record and the table) */
export function binaryMessageBytes(columns: readonly string[], records: number, labelColumn?: string): number {
  const names = labelColumn ? [...columns, labelColumn] : columns;
  return align4(FIXED + new TextEncoder().encode(names.join(',')).length) + records * columns.length * 4 + (labelColumn ? 2 + records * 2 : 0);
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
  const hasLabels = (bytes[5] & 1) === 1;
  const size = align4(FIXED + h) + n * (names - (hasLabels ? 1 : 0)) * 4 + (hasLabels ? 2 + n * 2 : 0);
  if (n === 0 || size > bytes.length) return junk;
  const seq = view.getFloat64(12, true);
  return { seq: Number.isSafeInteger(seq) && seq >= 0 ? seq : null, records: n };
}

export interface DecodedFlows {
  /** every column's name, the label column's last when there is one */
  header: string[];
  /** numeric columns: the first `columns` names of the header */
  columns: number;
  n: number;
  values: Float32Array;
  /** the label column's values by record, or null */
  labels: (string | null)[] | null;
}

/** Reads a binary message; throws an `InputError` with one sentence when it is not a well-formed one. */
export function decodeBinaryFlows(bytes: Uint8Array, name: string): DecodedFlows {
  const bad = (why: string) => new InputError(`a binary flow message on ${name} ${why}`);
  if (bytes.length < FIXED) throw bad(`is cut short (${bytes.length} bytes)`);
  if (bytes[4] !== VERSION) throw bad(`has version ${bytes[4]}, which this reader does not know (it reads version ${VERSION})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hasLabels = (bytes[5] & 1) === 1;
  const h = view.getUint16(6, true);
  const n = view.getUint32(8, true);
  if (n === 0) throw bad('holds no records');
  if (FIXED + h > bytes.length) throw bad('is cut short inside its column names');
  const decoder = new TextDecoder('utf-8');
  const header = decoder.decode(bytes.subarray(FIXED, FIXED + h)).split(',');
  const c = header.length - (hasLabels ? 1 : 0);
  if (c < 1 || header.some((s) => !s)) throw bad('names no numeric column');
  const valuesAt = align4(FIXED + h);
  const labelsAt = valuesAt + n * c * 4;
  if (labelsAt > bytes.length) throw bad(`is cut short: ${n} records of ${c} values need ${labelsAt} bytes, it has ${bytes.length}`);
  // a copy: the payload's bytes need not sit at a multiple of 4, and the batch outlives the message
  const values = new Float32Array(n * c);
  if (LITTLE_ENDIAN) new Uint8Array(values.buffer).set(bytes.subarray(valuesAt, labelsAt));
  else for (let i = 0; i < n * c; i++) values[i] = view.getFloat32(valuesAt + i * 4, true);
  let labels: (string | null)[] | null = null;
  if (hasLabels) {
    if (labelsAt + 2 > bytes.length) throw bad('is cut short before its labels');
    const t = view.getUint16(labelsAt, true);
    const indexAt = labelsAt + 2 + t;
    if (indexAt + n * 2 > bytes.length) throw bad('is cut short inside its labels');
    const table = t ? decoder.decode(bytes.subarray(labelsAt + 2, indexAt)).split('\n') : [];
    labels = new Array<string | null>(n);
    for (let r = 0; r < n; r++) {
      const k = view.getUint16(indexAt + r * 2, true);
      if (k !== NO_LABEL && k >= table.length) throw bad(`gives record ${r + 1} label ${k} of a table of ${table.length}`);
      labels[r] = k === NO_LABEL ? null : table[k];
    }
  }
  return { header, columns: c, n, values, labels };
}

function align4(x: number): number {
  return (x + 3) & ~3;
}
