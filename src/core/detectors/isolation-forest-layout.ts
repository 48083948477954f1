/** An isolation forest's trees in flat arrays, as it is fitted and stored (the pointer walk's layout). */
export interface Forest {
  /** first node of each tree */
  roots: Int32Array;
  /** split feature (column of the input), −1 at leaves */
  feature: Int32Array;
  /** right child (index into the forest's arrays) of a split, −1 at leaves */
  right: Int32Array;
  /** threshold at a split (x ≤ value goes left); at a leaf, its depth + c(rows in the leaf) */
  value: Float32Array;
}

/**
 * An isolation forest laid out for scoring at memory speed: every tree padded to a
 * complete binary tree of its forest's depth D, in heap order (node k's children are 2k
 * and 2k + 1, the root is 1), so a row takes exactly D steps per tree with no pointer to
 * follow and no data-dependent branch: the step is `k = 2k + !(x <= t)`, a compare and an
 * add instead of a jump the CPU mispredicts half the time. wasm/isolation-forest.wat walks it.
 *
 * A leaf above depth D becomes a split on column 0 whose whole subtree ends in copies of
 * that leaf, so wherever a row goes from there it collects the same value: the sums, and
 * so the scores, are bit-for-bit those of the pointer walk.
 */

/** deeper forests (max_samples above 4096) keep the pointer walk: padding would grow as 2^D */
export const MAX_LAYOUT_DEPTH = 12;

export interface CompleteForest {
  depth: number;
  trees: number;
  /** per tree 2^D slots (slot 0 unused): split column of heap node k */
  feature: Int32Array;
  /** per tree 2^D slots: threshold of heap node k (x ≤ t goes left; NaN goes right) */
  threshold: Float32Array;
  /** per tree 2^D leaf values: depth + c(rows in the leaf), as the pointer forest holds them */
  leaf: Float32Array;
}

/** the complete layout of `f`, or null when its deepest leaf is below MAX_LAYOUT_DEPTH */
export function completeForest(f: Forest): CompleteForest | null {
  const trees = f.roots.length;
  let depth = 0;
  for (let t = 0; t < trees; t++) depth = Math.max(depth, treeDepth(f, f.roots[t]));
  if (depth > MAX_LAYOUT_DEPTH) return null;
  const width = 1 << depth;
  const out: CompleteForest = {
    depth,
    trees,
    feature: new Int32Array(trees * width),
    threshold: new Float32Array(trees * width),
    leaf: new Float32Array(trees * width),
  };
  for (let t = 0; t < trees; t++) place(f, out, t * width, f.roots[t], 1, 0);
  return out;
}

function treeDepth(f: Forest, node: number): number {
  if (f.feature[node] < 0) return 0;
  return 1 + Math.max(treeDepth(f, node + 1), treeDepth(f, f.right[node]));
}

/** writes pointer node `node` at heap position `k` (level `level`) of the tree at `base` */
function place(f: Forest, out: CompleteForest, base: number, node: number, k: number, level: number): void {
  if (level === out.depth) {
    out.leaf[base + k - (1 << level)] = f.value[node];
    return;
  }
  if (f.feature[node] >= 0) {
    out.feature[base + k] = f.feature[node];
    out.threshold[base + k] = f.value[node];
    place(f, out, base, node + 1, 2 * k, level + 1);
    place(f, out, base, f.right[node], 2 * k + 1, level + 1);
    return;
  }
  // a shallow leaf: a split that leads to copies of it on both sides
  out.feature[base + k] = 0;
  out.threshold[base + k] = 0;
  place(f, out, base, node, 2 * k, level + 1);
  place(f, out, base, node, 2 * k + 1, level + 1);
}
