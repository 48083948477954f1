import type { Matrix } from '../../ingest';
import { floorToFloat32, reserveMemory, wasmInstance } from '../../util';
import type { Tree } from '../tree-storage';
import { WASM_BASE64 } from './decision-forest.wasm';

/**
 * The WebAssembly prediction kernel of decision-forest.wat, holding a forest's trees in
 * its own memory as 16-byte node records. Rows are copied in chunks into that memory, so
 * it stays the size of the trees plus a few MB however many rows are predicted.
 */

interface KernelExports {
  memory: WebAssembly.Memory;
  addLeafValues(roots: number, trees: number, values: number, classes: number, data: number, n: number, d: number, sums: number): void;
}

/** rows per call (a multiple of 8: the kernel walks eight rows at a time) */
const CHUNK = 4096;
const RECORD = 16;

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
    this.valuesAt = align(trees.length * 4, RECORD);
    const nodesAt = align(this.valuesAt + valueRows * classes * 4, RECORD);
    this.rowsAt = nodesAt + nodes * RECORD;
    this.reserve(this.rowsAt);
    const buffer = this.exports.memory.buffer;
    const roots = new Int32Array(buffer, 0, trees.length);
    const values = new Float32Array(buffer, this.valuesAt, valueRows * classes);
    const view = new DataView(buffer);
    let node = nodesAt;
    let valueRow = 0;
    trees.forEach((t, i) => {
      roots[i] = node;
      values.set(t.values, valueRow * classes);
      node = writeTree(view, t, node, valueRow, classes);
      valueRow += t.values.length / classes;
    });
  }

  /** the kernel for `trees`, or null where WebAssembly is missing */
  static create(trees: readonly Tree[], classes: number): DecisionForestKernel | null {
    return typeof WebAssembly === 'object' ? new DecisionForestKernel(trees, classes) : null;
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
  const address = new Int32Array(size);
  const order: number[] = [];
  const stack = [0];
  while (stack.length) {
    const k = stack.pop()!;
    address[k] = at + order.length * RECORD;
    order.push(k);
    if (t.feature[k] >= 0) stack.push(t.right[k], t.left[k]);
  }
  for (const k of order) {
    const a = address[k];
    if (t.feature[k] >= 0) {
      view.setInt32(a, t.feature[k] * 4, true);
      view.setFloat32(a + 4, floorToFloat32(t.threshold[k]), true);
      view.setInt32(a + 8, address[t.right[k]], true);
      view.setInt32(a + 12, 0, true);
    } else {
      view.setInt32(a, 0, true);
      view.setFloat32(a + 4, NaN, true);
      view.setInt32(a + 8, a, true);
      view.setInt32(a + 12, leafCode(t, k, firstRow, classes), true);
    }
  }
  return at + order.length * RECORD;
}

/** the class c ≥ 0 whose value is 1 and every other 0, or −1 − (its row among all the forest's value rows) */
function leafCode(t: Tree, k: number, firstRow: number, classes: number): number {
  const row = t.value[k];
  let one = -1;
  for (let c = 0; c < classes; c++) {
    const v = t.values[row * classes + c];
    if (v === 1 && one < 0) one = c;
    else if (v !== 0) return -1 - (firstRow + row);
  }
  return one >= 0 ? one : -1 - (firstRow + row);
}
