import type { CompleteForest } from '../isolation-forest-layout';
import { reserveMemory, wasmInstance } from '../../util';
import { WASM_BASE64 } from './isolation-forest.wasm';

/**
 * The WebAssembly scoring kernel of isolation-forest.wat, holding one forest in its own
 * memory. Rows are copied in chunks into that memory (a memcpy, small next to the walk),
 * so the memory stays a few MB however many rows are scored.
 */

interface KernelExports {
  memory: WebAssembly.Memory;
  sumLeafDepths(forest: number, trees: number, depth: number, data: number, n: number, d: number, sums: number): void;
}

/** rows per call: their features and sums stay a few MB of the kernel's memory */
const CHUNK = 16_384;

export class ForestKernel {
  private readonly exports: KernelExports;
  /** bytes of the forest at the start of memory; rows follow */
  private readonly forestBytes: number;

  private constructor(private readonly forest: CompleteForest) {
    this.exports = wasmInstance(WASM_BASE64).exports as unknown as KernelExports;
    const width = 1 << forest.depth;
    this.forestBytes = forest.trees * width * 12;
    this.reserve(this.forestBytes);
    const buffer = this.exports.memory.buffer;
    for (let t = 0; t < forest.trees; t++) {
      const at = t * width * 12;
      const nodes = new DataView(buffer, at, width * 8);
      for (let k = 1; k < width; k++) {
        nodes.setInt32(k * 8, forest.feature[t * width + k] * 4, true);
        nodes.setFloat32(k * 8 + 4, forest.threshold[t * width + k], true);
      }
      new Float32Array(buffer, at + width * 8, width).set(forest.leaf.subarray(t * width, (t + 1) * width));
    }
  }

  /** the kernel for `forest`, or null where WebAssembly is missing */
  static create(forest: CompleteForest): ForestKernel | null {
    return typeof WebAssembly === 'object' ? new ForestKernel(forest) : null;
  }

  /** depths[i] = Σ over trees (in order) of the leaf value row i of the n × d `data` reaches */
  sumLeafDepths(data: Float32Array, n: number, d: number): Float64Array {
    const { trees, depth } = this.forest;
    const depths = new Float64Array(n);
    const rows = Math.min(n, CHUNK);
    const dataAt = this.forestBytes;
    const sumsAt = dataAt + ((rows * d * 4 + 7) & ~7);
    this.reserve(sumsAt + rows * 8);
    for (let start = 0; start < n; start += CHUNK) {
      const m = Math.min(CHUNK, n - start);
      const buffer = this.exports.memory.buffer;
      new Float32Array(buffer, dataAt, m * d).set(data.subarray(start * d, (start + m) * d));
      const sums = new Float64Array(buffer, sumsAt, m);
      sums.fill(0);
      this.exports.sumLeafDepths(0, trees, depth, dataAt, m, d, sumsAt);
      depths.set(sums, start);
    }
    return depths;
  }

  private reserve(bytes: number): void {
    reserveMemory(this.exports.memory, bytes);
  }
}
