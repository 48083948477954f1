/**
 * The two shapes that carry data through the core.
 *
 * A `Matrix` is n rows × d columns of float32, row-major, in one flat array, so it can
 * cross a worker boundary as a transferable and feed TensorFlow.js without copying.
 * A `Batch` is a matrix of raw feature values plus the per-row columns that travel with
 * them (class, time, source row). Class indices point into the reader's class
 * vocabulary, which is sent once, not per row.
 */
export interface Matrix {
  /** rows */
  n: number;
  /** columns */
  d: number;
  /** n × d values, row-major: value (i, j) is data[i * d + j] */
  data: Float32Array;
}

export interface Batch extends Matrix {
  /** index into the reader's class vocabulary, -1 where the row has no label */
  classIndex: Int32Array;
  /** the row's time: the file's own timestamp where it has one, else its ordinal */
  time: Float64Array;
  /** 1-based data-row number in its source file */
  rowNumber: Float64Array;
  /** index of the source file in the reading (several files may be read as one) */
  fileIndex: Uint16Array;
  /**
   * index into the reading's `DeviceNames` (NO_DEVICE where the row names none); absent
   * when the file has no device column (a capture always has one: each window's source)
   */
  device?: Uint16Array;
  /**
   * a capture's rows only: 1 where the end of the capture closed the row's window before it
   * filled (the capture stopped, not the device: a fragment of a window, see FlowExtractor)
   */
  cut?: Uint8Array;
}

/** The rows of `batch` for which `keep(i)` holds, as a new batch (all columns); `batch` itself when it keeps them all. */
export function filterBatch(batch: Batch, keep: (i: number) => boolean): Batch {
  const idx: number[] = [];
  for (let i = 0; i < batch.n; i++) if (keep(i)) idx.push(i);
  if (idx.length === batch.n) return batch;
  const d = batch.d;
  const data = new Float32Array(idx.length * d);
  idx.forEach((i, k) => data.set(batch.data.subarray(i * d, (i + 1) * d), k * d));
  const { device, cut } = batch;
  return {
    d,
    n: idx.length,
    data,
    classIndex: Int32Array.from(idx, (i) => batch.classIndex[i]),
    time: Float64Array.from(idx, (i) => batch.time[i]),
    rowNumber: Float64Array.from(idx, (i) => batch.rowNumber[i]),
    fileIndex: Uint16Array.from(idx, (i) => batch.fileIndex[i]),
    ...(device && { device: Uint16Array.from(idx, (i) => device[i]) }),
    ...(cut && { cut: Uint8Array.from(idx, (i) => cut[i]) }),
  };
}

export function matrix(n: number, d: number, data = new Float32Array(n * d)): Matrix {
  if (data.length !== n * d) throw new Error(`matrix of ${n}×${d} needs ${n * d} values, got ${data.length}`);
  return { n, d, data };
}

/** Rows `idx` of `m`, copied into a new matrix. */
export function takeRows(m: Matrix, idx: ArrayLike<number>): Matrix {
  const out = new Float32Array(idx.length * m.d);
  for (let k = 0; k < idx.length; k++) {
    const src = idx[k] * m.d;
    out.set(m.data.subarray(src, src + m.d), k * m.d);
  }
  return { n: idx.length, d: m.d, data: out };
}

/** All matrices stacked vertically; they must share d. */
export function concatRows(parts: readonly Matrix[], d = parts[0]?.d ?? 0): Matrix {
  let n = 0;
  for (const p of parts) {
    if (p.d !== d) throw new Error(`cannot stack a ${p.d}-column matrix onto ${d} columns`);
    n += p.n;
  }
  const data = new Float32Array(n * d);
  let off = 0;
  for (const p of parts) {
    data.set(p.data.subarray(0, p.n * d), off);
    off += p.n * d;
  }
  return { n, d, data };
}
