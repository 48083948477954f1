import type { Matrix } from '../ingest';
import { classCounts } from './labels';
import { TreeWriter, type Tree } from './tree-storage';

/**
 * CART trees as scikit-learn grows them (`sklearn.tree._tree`, `_splitter`, `_criterion`),
 * shared by the decision tree, the random forest and gradient boosting.
 *
 * This file is the depth-first driver (`growTree`) and the `Splitter` face it grows
 * through; the tree it writes is `tree-storage.ts`'s. Two ways to split a node:
 * - `ClassSplitter` (`exact-splitter.ts`): the exact best split for classification (gini or entropy), sklearn's
 *   BestSplitter: features drawn at random per node up to `max_features`, the node's rows
 *   sorted per feature, thresholds at midpoints between consecutive distinct values.
 * - `HistogramSplitter` (`histogram-splitter.ts`): a regression split on gradients (friedman_mse) over features
 *   binned once into ≤ 255 quantile bins, as HistGradientBoosting does, because boosting
 *   grows thousands of small trees and exact sorting would dominate its time.
 *
 * The random numbers come from our seeded `Random`, so a tree is reproducible from its
 * seed but not node-for-node identical to sklearn's.
 */

/** sklearn's EPSILON: a node this pure is a leaf */
const EPSILON = Number.EPSILON;

/** The shape and label checks every tree model runs before fitting; returns the rows per class. */
export function checkFitInput(x: Matrix, y: Int32Array, nClasses: number, what: string): Float64Array {
  if (x.n < 1 || x.d < 1) throw new Error(`cannot fit a ${what} on ${x.n}×${x.d} rows`);
  if (!Number.isInteger(nClasses) || nClasses < 1) throw new Error(`nClasses must be a positive integer, got ${nClasses}`);
  return classCounts(y, nClasses, x.n);
}

export interface GrowLimits {
  /** Infinity for none */
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
}

/**
 * How `growTree` splits nodes. A node is a range [start, end) of the splitter's sample
 * array; splitting reorders the range so the left child comes first.
 */
export interface Splitter {
  readonly nOutputs: number;
  /** the node's impurity; also sets `nodeWeight` (its weighted row count) */
  nodeImpurity(start: number, end: number): number;
  readonly nodeWeight: number;
  /**
   * The best split of the node (at `depth`, the root's being 0), whose first `nConstant`
   * features (in the splitter's own order) are known to be constant in it: returns the
   * position where the right child starts and sets `feature`, `threshold` and the
   * children's `nConstant`; −1 if none.
   */
  split(start: number, end: number, nConstant: number, depth: number): number;
  readonly feature: number;
  readonly threshold: number;
  readonly nConstant: number;
  /** the leaf's value row in `writer`; called right after `nodeImpurity` of the same node */
  leaf(start: number, end: number, writer: TreeWriter): number;
}

/**
 * Grows a tree over the splitter's first `nSamples` samples, depth first as sklearn's
 * DepthFirstTreeBuilder. `importances`, if given, gains each split's weighted impurity
 * decrease at its feature (sklearn's unnormalised `compute_feature_importances`).
 */
export function growTree(splitter: Splitter, nSamples: number, limits: GrowLimits, importances?: Float64Array): Tree {
  const writer = new TreeWriter(splitter.nOutputs);
  // (start, end, depth, parent, side: 0 left / 1 right, nConstant) per pending node
  const stack: number[] = [0, nSamples, 0, -1, 0, 0];
  while (stack.length > 0) {
    const nConstant = stack.pop()!;
    const side = stack.pop()!;
    const parent = stack.pop()!;
    const depth = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;
    const node = writer.addNode(parent, side);
    const impurity = splitter.nodeImpurity(start, end);
    const weighted = splitter.nodeWeight * impurity;
    if (importances && parent >= 0) importances[writer.featureOf(parent)] -= weighted;
    const count = end - start;
    let pos = -1;
    if (depth < limits.maxDepth && count >= limits.minSamplesSplit && count >= 2 * limits.minSamplesLeaf && impurity > EPSILON) {
      pos = splitter.split(start, end, nConstant, depth);
    }
    if (pos < 0) {
      writer.setLeaf(node, splitter.leaf(start, end, writer));
      continue;
    }
    writer.setSplit(node, splitter.feature, splitter.threshold);
    if (importances) importances[splitter.feature] += weighted;
    // the left child is popped first, so it is the next node (pre-order)
    stack.push(pos, end, depth + 1, node, 1, splitter.nConstant, start, pos, depth + 1, node, 0, splitter.nConstant);
  }
  return writer.finish();
}
