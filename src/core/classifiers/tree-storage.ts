import type { Matrix } from '../ingest';

/**
 * A fitted CART tree as data: its flat arrays, their JSON form (checked when read back),
 * prediction by walking them (`addTreeValues`), and the `TreeWriter` that `growTree` fills.
 */

/**
 * A fitted tree in flat arrays, nodes in pre-order (the root is node 0, children come
 * after their parent). Leaves hold a row of `nOutputs` values; leaves with the same
 * values may share a row (every pure leaf of class c points at one one-hot row).
 */
export interface Tree {
  /** values per leaf: the classes of a classifier, 1 for a regressor */
  nOutputs: number;
  /** split column, −1 at a leaf */
  feature: Int32Array;
  /** x ≤ threshold goes left (NaN fails, so goes right); 0 at a leaf */
  threshold: Float64Array;
  /** children, −1 at a leaf (sklearn's TREE_LEAF) */
  left: Int32Array;
  right: Int32Array;
  /** at a leaf, its row in `values`; −1 at a split */
  value: Int32Array;
  /** rows of `nOutputs` values */
  values: Float32Array;
}

/** `Tree` as plain JSON: typed arrays as number arrays. */
export interface TreeJSON {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
  values: number[];
}

export function treeToJSON(t: Tree): TreeJSON {
  return {
    feature: Array.from(t.feature),
    threshold: Array.from(t.threshold),
    left: Array.from(t.left),
    right: Array.from(t.right),
    value: Array.from(t.value),
    values: Array.from(t.values),
  };
}

/** A tree read from a file must not send prediction out of bounds or round in circles. */
export function treeFromJSON(j: TreeJSON, nFeatures: number, nOutputs: number, what: string): Tree {
  const t: Tree = {
    nOutputs,
    feature: Int32Array.from(j.feature),
    threshold: Float64Array.from(j.threshold),
    left: Int32Array.from(j.left),
    right: Int32Array.from(j.right),
    value: Int32Array.from(j.value),
    values: Float32Array.from(j.values),
  };
  const size = t.feature.length;
  const rows = t.values.length / nOutputs;
  if (size === 0 || [t.threshold, t.left, t.right, t.value].some((a) => a.length !== size) || !Number.isInteger(rows)) {
    throw new Error(`${what} file: a tree's arrays have inconsistent lengths`);
  }
  for (let k = 0; k < size; k++) {
    const ok =
      t.feature[k] < 0
        ? t.left[k] === -1 && t.right[k] === -1 && t.value[k] >= 0 && t.value[k] < rows
        : // children after their parent: following them always ends at a leaf
          t.feature[k] < nFeatures && t.left[k] > k && t.right[k] > k && t.left[k] < size && t.right[k] < size;
    if (!ok) throw new Error(`${what} file: node ${k} of a tree is malformed`);
  }
  return t;
}

/**
 * out[i·stride + column + o] += scale · (the tree's leaf value o for row i), for every row
 * i of x or only `rows`. A forest adds its trees' class probabilities (stride = column
 * count); boosting adds one class's tree into that class's column of the raw predictions.
 */
export function addTreeValues(t: Tree, x: Matrix, out: Float64Array, stride: number, column: number, scale: number, rows?: Uint32Array): void {
  const { feature, threshold, left, right, value, values, nOutputs } = t;
  const { d, data } = x;
  const count = rows ? rows.length : x.n;
  for (let j = 0; j < count; j++) {
    const i = rows ? rows[j] : j;
    const base = i * d;
    let k = 0;
    let f = feature[0];
    while (f >= 0) {
      k = data[base + f] <= threshold[k] ? left[k] : right[k];
      f = feature[k];
    }
    const src = value[k] * nOutputs;
    const dst = i * stride + column;
    for (let o = 0; o < nOutputs; o++) out[dst + o] += scale * values[src + o];
  }
}

/** Collects a tree's nodes and leaf values in growable typed arrays. */
export class TreeWriter {
  private size = 0;
  private rows = 0;
  private feature = new Int32Array(64);
  private threshold = new Float64Array(64);
  private left = new Int32Array(64);
  private right = new Int32Array(64);
  private value = new Int32Array(64);
  private values: Float32Array;

  constructor(private readonly nOutputs: number) {
    this.values = new Float32Array(16 * nOutputs);
  }

  addNode(parent: number, side: number): number {
    if (this.size === this.feature.length) {
      const cap = 2 * this.size;
      this.feature = grown(this.feature, cap);
      this.threshold = grown(this.threshold, cap);
      this.left = grown(this.left, cap);
      this.right = grown(this.right, cap);
      this.value = grown(this.value, cap);
    }
    const node = this.size++;
    if (parent >= 0) (side === 0 ? this.left : this.right)[parent] = node;
    return node;
  }

  featureOf(node: number): number {
    return this.feature[node];
  }

  setSplit(node: number, feature: number, threshold: number): void {
    this.feature[node] = feature;
    this.threshold[node] = threshold;
    this.value[node] = -1;
  }

  setLeaf(node: number, row: number): void {
    this.feature[node] = -1;
    this.threshold[node] = 0;
    this.left[node] = -1;
    this.right[node] = -1;
    this.value[node] = row;
  }

  /** appends a value row (the first `nOutputs` values of `src`, times `scale`) and returns its index */
  addValues(src: ArrayLike<number>, scale: number): number {
    const k = this.nOutputs;
    if ((this.rows + 1) * k > this.values.length) this.values = grown(this.values, 2 * this.values.length);
    for (let o = 0; o < k; o++) this.values[this.rows * k + o] = src[o] * scale;
    return this.rows++;
  }

  finish(): Tree {
    const n = this.size;
    return {
      nOutputs: this.nOutputs,
      feature: this.feature.slice(0, n),
      threshold: this.threshold.slice(0, n),
      left: this.left.slice(0, n),
      right: this.right.slice(0, n),
      value: this.value.slice(0, n),
      values: this.values.slice(0, this.rows * this.nOutputs),
    };
  }
}

function grown<T extends Int32Array | Float64Array | Float32Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}
