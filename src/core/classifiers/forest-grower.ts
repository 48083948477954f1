import { Random } from '../util';
import type { Matrix } from '../ingest';
import { classSplitter, growLimits, rowWeights, type TreeParams } from './decision-tree';
import { SortedColumns, type ClassSplitter } from './exact-splitter';
import { classCounts } from './labels';
import { growTree, type GrowLimits } from './tree-builder';
import type { Tree } from './tree-storage';

/**
 * Grows a random forest's trees one at a time, each from its own seed: its bootstrap draw
 * and its feature draws come from that seed alone, so a tree is the same whichever thread
 * grows it and in whatever order (the forest's helper threads run this same code).
 */

/** What a forest's trees depend on besides their seeds. */
export interface ForestGrowParams extends TreeParams {
  /** draw each tree's rows with replacement; otherwise every tree sees every row */
  bootstrap: boolean;
  /** with bootstrap, rows drawn per tree: null = n, a fraction in (0, 1] of n, or an integer count */
  max_samples: number | null;
}

/** One grown tree and its unnormalised impurity decrease per feature. */
export interface GrownTree {
  /** the tree's place in the forest */
  index: number;
  tree: Tree;
  importances: Float64Array;
}

export class ForestGrower {
  private readonly splitter: ClassSplitter;
  private readonly limits: GrowLimits;
  private readonly classWeight: Float64Array;
  private readonly draws: number;
  private readonly drawn: Uint32Array;
  private readonly weight: Float64Array;
  private readonly nFeatures: number;

  /** ranks the columns of x once for every tree this grower grows */
  constructor(
    x: Matrix,
    y: Int32Array,
    nClasses: number,
    private readonly params: ForestGrowParams,
  ) {
    const { n } = x;
    this.nFeatures = x.d;
    this.draws = resolveMaxSamples(params, n);
    this.splitter = classSplitter(SortedColumns.of(x), y, nClasses, params);
    this.limits = growLimits(params, n);
    this.classWeight = rowWeights(y, classCounts(y, nClasses, n), params.class_weight);
    this.drawn = new Uint32Array(n);
    this.weight = new Float64Array(n);
  }

  grow(index: number, seed: number): GrownTree {
    const { params, drawn, classWeight } = this;
    const n = drawn.length;
    const rng = new Random(seed);
    const samples = params.bootstrap ? bootstrapSample(rng, this.draws, drawn, classWeight, this.weight) : Uint32Array.from({ length: n }, (_, i) => i);
    this.splitter.reset(samples, params.bootstrap ? this.weight : classWeight, rng);
    const importances = new Float64Array(this.nFeatures);
    const tree = growTree(this.splitter, samples.length, this.limits, importances);
    return { index, tree, importances };
  }
}

/**
 * Times each row was drawn into the bootstrap sample of the tree grown from `seed` (the
 * draw `ForestGrower.grow` starts with): 0 marks a row out of that tree's bag.
 */
export function bootstrapCounts(seed: number, params: ForestGrowParams, n: number): Uint32Array {
  const drawn = new Uint32Array(n);
  drawRows(new Random(seed), resolveMaxSamples(params, n), drawn);
  return drawn;
}

/** rows drawn per tree, as sklearn's `_get_n_samples_bootstrap` */
export function resolveMaxSamples(p: ForestGrowParams, n: number): number {
  const m = p.max_samples;
  if (m === null) return n;
  if (m <= 1) return Math.max(1, Math.round(m * n));
  if (m > n) throw new Error(`max_samples ${m} is more than the ${n} rows`);
  return m;
}

/** drawn[i] = times row i comes up in `draws` draws with replacement */
function drawRows(rng: Random, draws: number, drawn: Uint32Array): void {
  const n = drawn.length;
  drawn.fill(0);
  for (let k = 0; k < draws; k++) drawn[rng.int(n)]++;
}

/**
 * Draws `draws` rows with replacement and returns the distinct ones drawn, setting their
 * weight to (times drawn) × class weight; `drawn` is scratch of length n.
 */
function bootstrapSample(rng: Random, draws: number, drawn: Uint32Array, classWeight: Float64Array, weight: Float64Array): Uint32Array {
  const n = drawn.length;
  drawRows(rng, draws, drawn);
  let m = 0;
  for (let i = 0; i < n; i++) if (drawn[i] > 0) m++;
  const samples = new Uint32Array(m);
  m = 0;
  for (let i = 0; i < n; i++) {
    if (drawn[i] > 0) {
      samples[m++] = i;
      weight[i] = drawn[i] * classWeight[i];
    }
  }
  return samples;
}
