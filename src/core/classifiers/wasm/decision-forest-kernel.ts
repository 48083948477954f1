import type { Matrix } from '../../ingest';
import { floorToFloat32, reserveMemory, wasmInstance } from '../../util';
import type { Tree } from '../tree-storage';
import { WASM_BASE64 } from './decision-forest.wasm';

/**
 * The WebAssembly prediction kernel of decision-forest.wat, holding a forest's trees in
 * its own memory as 8-byte node records. Rows are copied in chunks into that memory, so
 * it stays the size of the trees plus a few MB however many rows are predicted.
 */

interface KernelExports {
  memory: WebAssembly.Memory;
  addLeafValues(roots: number, trees: number, values: number, classes: number, data: number, n: number, d: number, sums: number): void;
}

/**
 * rows per call (a multiple of 8: the kernel walks eight rows at a time): every tree
 * walks them all before the next, so few enough that their f32 values, their sums and
 * one tree's nodes share the L2 cache, and enough that a tree is read from memory
 * once for many rows
 */
const CHUNK = 4096;
const RECORD = 8;
/** a leaf's threshold: a NaN, whose low 22 bits hold its code (`leafCode`) */
const QUIET_NAN = 0x7fc00000;
/** leaf codes from here on are value rows */
const VALUE_ROW = 2 ** 21;
/** what the 8-byte record holds: a column below 256, a right child within 2^24 bytes of its root */
const MAX_COLUMNS = 256;
const MAX_TREE_BYTES = 2 ** 24;

const align = (bytes: number, to: number) => Math.ceil(bytes / to) * to;

export class DecisionForestKernel {
  private readonly exports: KernelExports;
  private readonly trees: number;
  private readonly classes: number;
  private readonly valuesAt: number;
  /** end of the forest's bytes: rows follow */
  private readonly rowsAt: number;

  private constructor(trees: readonly Tree[], classes: number) {
    this.exports = wasmInstance(WASM_BASE64).exports as unknown as KernelExports;
    this.trees = trees.length;
    this.classes = classes;
    let nodes = 0;
    let valueRows = 0;
    for (const t of trees) {
      nodes += t.feature.length;
      valueRows += t.values.length / classes;
    }
    // per tree its root and end, then the kernel's scratch word
    this.valuesAt = align(trees.length * 8 + 4, RECORD);
    const nodesAt = align(this.valuesAt + valueRows * classes * 4, RECORD);
    this.rowsAt = nodesAt + nodes * RECORD;
    this.reserve(this.rowsAt);
    const buffer = this.exports.memory.buffer;
    const roots = new Int32Array(buffer, 0, trees.length * 2);
    const values = new Float32Array(buffer, this.valuesAt, valueRows * classes);
    const view = new DataView(buffer);
    let node = nodesAt;
    let valueRow = 0;
    trees.forEach((t, i) => {
      roots[2 * i] = node;
      values.set(t.values, valueRow * classes);
      node = writeTree(view, t, node, valueRow, classes);
      roots[2 * i + 1] = node;
      valueRow += t.values.length / classes;
    });
  }

  /** the kernel for `trees`, or null where WebAssembly is missing or the forest does not fit its records */
  static create(trees: readonly Tree[], classes: number): DecisionForestKernel | null {
    if (typeof WebAssembly !== 'object') return null;
    let valueRows = 0;
    for (const t of trees) {
      if (t.feature.length * RECORD > MAX_TREE_BYTES || t.feature.some((f) => f >= MAX_COLUMNS)) return null;
      valueRows += t.values.length / classes;
    }
    return valueRows < VALUE_ROW && classes < VALUE_ROW ? new DecisionForestKernel(trees, classes) : null;
  }

  /** sums[i·classes + c] += every tree's leaf value c for row i of x, trees in order */
  addLeafValues(x: Matrix, sums: Float64Array): void {
    const { n, d, data } = x;
    const { classes } = this;
    const dataAt = this.rowsAt;
    const rows = align(Math.min(n, CHUNK), 8);
    const sumsAt = align(dataAt + rows * d * 4, 8);
    this.reserve(sumsAt + rows * classes * 8);
    for (let start = 0; start < n; start += CHUNK) {
      const m = Math.min(CHUNK, n - start);
      const padded = align(m, 8);
      const buffer = this.exports.memory.buffer;
      const chunk = new Float32Array(buffer, dataAt, padded * d);
      chunk.set(data.subarray(start * d, (start + m) * d));
      // rows past the end only fill the last group of eight; their sums are dropped
      chunk.fill(0, m * d);
      const out = new Float64Array(buffer, sumsAt, padded * classes);
      out.set(sums.subarray(start * classes, (start + m) * classes));
      this.exports.addLeafValues(0, this.trees, this.valuesAt, classes, dataAt, padded, d, sumsAt);
      sums.set(out.subarray(0, m * classes), start * classes);
    }
  }

  private reserve(bytes: number): void {
    reserveMemory(this.exports.memory, bytes);
  }
}

/**
 * Writes tree `t`'s nodes as records from byte `at`, in pre-order with each left child
 * right after its parent (whatever order the file had), and returns the end. Leaves
 * refer to value rows counted from `firstRow`.
 */
function writeTree(view: DataView, t: Tree, at: number, firstRow: number, classes: number): number {
  const size = t.feature.length;
  /** each node's offset from the root record */
  const offset = new Int32Array(size);
  const order: number[] = [];
  const stack = [0];
  while (stack.length) {
    const k = stack.pop()!;
    offset[k] = order.length * RECORD;
    order.push(k);
    if (t.feature[k] >= 0) stack.push(t.right[k], t.left[k]);
  }
  for (const k of order) {
    const a = at + offset[k];
    if (t.feature[k] >= 0) {
      view.setFloat32(a, floorToFloat32(t.threshold[k]), true);
      view.setUint32(a + 4, offset[t.right[k]] * 256 + t.feature[k], true);
    } else {
      view.setUint32(a, QUIET_NAN | leafCode(t, k, firstRow, classes), true);
      view.setUint32(a + 4, offset[k] * 256, true);
    }
  }
  return at + order.length * RECORD;
}

/** c < 2^21 when all of the leaf's weight is class c, else 2^21 + (its row among all the forest's value rows) */
function leafCode(t: Tree, k: number, firstRow: number, classes: number): number {
  const row = t.value[k];
  let one = -1;
  for (let c = 0; c < classes; c++) {
    const v = t.values[row * classes + c];
    if (v === 1 && one < 0) one = c;
    else if (v !== 0) return VALUE_ROW + firstRow + row;
  }
  return one >= 0 ? one : VALUE_ROW + firstRow + row;
}
