import type { Batch, Matrix } from './batch';
import { Random } from '../util';

/**
 * Some rows of a reading (those a test picks), kept in file order, at most `capacity` of
 * them: past that, a uniform reservoir sample, so a file of any size fits in bounded memory.
 */
export class RowSample {
  private data: Float32Array;
  /** position of each kept row in the stream, to restore file order */
  private seq: Float64Array;
  private file: Uint16Array;
  private cls: Int32Array;
  private kept = 0;
  /** rows picked, kept or not */
  seen = 0;
  private readonly random: Random;

  constructor(
    private readonly d: number,
    private readonly capacity: number,
    seed = 0,
  ) {
    this.random = new Random(seed);
    const initial = Math.min(capacity, 65536);
    this.data = new Float32Array(initial * d);
    this.seq = new Float64Array(initial);
    this.file = new Uint16Array(initial);
    this.cls = new Int32Array(initial);
  }

  add(batch: Batch, pick: (classIndex: number) => boolean): void {
    for (let i = 0; i < batch.n; i++) {
      if (!pick(batch.classIndex[i])) continue;
      const position = this.seen++;
      let slot: number;
      if (this.kept < this.capacity) slot = this.kept++;
      else {
        slot = this.random.int(position + 1);
        if (slot >= this.capacity) continue;
      }
      this.ensureRoom(slot + 1);
      this.data.set(batch.data.subarray(i * this.d, (i + 1) * this.d), slot * this.d);
      this.seq[slot] = position;
      this.file[slot] = batch.fileIndex[i];
      this.cls[slot] = batch.classIndex[i];
    }
  }

  /** The kept rows in the order they were read, with the file and class of each. */
  rows(): { x: Matrix; fileIndex: Uint16Array; classIndex: Int32Array } {
    const n = this.kept;
    const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => this.seq[a] - this.seq[b]);
    const data = new Float32Array(n * this.d);
    const fileIndex = new Uint16Array(n);
    const classIndex = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const i = order[k];
      data.set(this.data.subarray(i * this.d, (i + 1) * this.d), k * this.d);
      fileIndex[k] = this.file[i];
      classIndex[k] = this.cls[i];
    }
    return { x: { n, d: this.d, data }, fileIndex, classIndex };
  }

  private ensureRoom(rows: number) {
    if (rows <= this.seq.length) return;
    const grown = Math.min(this.capacity, Math.max(rows, this.seq.length * 2));
    const data = new Float32Array(grown * this.d);
    data.set(this.data);
    const seq = new Float64Array(grown);
    seq.set(this.seq);
    const file = new Uint16Array(grown);
    file.set(this.file);
    const cls = new Int32Array(grown);
    cls.set(this.cls);
    this.cls = cls;
    this.data = data;
    this.seq = seq;
    this.file = file;
  }
}
