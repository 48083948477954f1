/**
 * What every balancing method shares: how many rows each class should end with
 * (imbalanced-learn's `sampling_strategy`), and the shape of the result: the original
 * rows first, then the added rows class by class, as imbalanced-learn returns them.
 * Balancing only ever adds rows; it never removes any.
 */
import { concatRows, type Matrix } from '../ingest';
import { Random } from '../util';

export interface Balanced {
  x: Matrix;
  y: Int32Array;
  /** rows added; they follow the x.n − synthetic original rows */
  synthetic: number;
  /** where the method departed from its textbook form (tiny classes, sampled neighbour pools, …) */
  notes: string[];
}

/**
 * imbalanced-learn's names for over-samplers: which classes to raise to the majority's
 * count ('not majority' is its default 'auto'), or the rows wanted per class index.
 */
export type SamplingStrategy = 'not majority' | 'not minority' | 'minority' | 'all' | Readonly<Record<number, number>>;

export interface ResampleParams {
  sampling_strategy: SamplingStrategy;
  /** no class is raised above this many rows, so a huge majority cannot blow memory; a class already above it keeps its rows */
  max_rows_per_class: number;
  random_state: number;
}

export const RESAMPLE_DEFAULTS: Readonly<ResampleParams> = {
  sampling_strategy: 'not majority',
  max_rows_per_class: Infinity,
  random_state: 0,
};

/** Rows per class; throws on a label outside 0…k−1. */
export function classCounts(y: Int32Array, k: number): Int32Array {
  const counts = new Int32Array(k);
  for (let i = 0; i < y.length; i++) {
    const c = y[i];
    if (!(c >= 0 && c < k)) throw new RangeError(`row ${i} has class ${c}, outside 0…${k - 1}`);
    counts[c]++;
  }
  return counts;
}

/** The row indices of each class, in row order. */
export function rowsByClass(y: Int32Array, k: number): Uint32Array[] {
  const out = Array.from(classCounts(y, k), (n) => new Uint32Array(n));
  const filled = new Int32Array(k);
  for (let i = 0; i < y.length; i++) out[y[i]][filled[y[i]]++] = i;
  return out;
}

/**
 * Rows each class should have after over-sampling. A class without rows stays at 0
 * (there is nothing to draw from); ties for majority or minority go to the lowest index,
 * as in imbalanced-learn.
 */
export function targetCounts(y: Int32Array, k: number, strategy: SamplingStrategy = 'not majority', maxRowsPerClass = Infinity): Int32Array {
  if (!(maxRowsPerClass >= 1)) throw new RangeError(`max_rows_per_class must be at least 1, got ${maxRowsPerClass}`);
  const counts = classCounts(y, k);
  const target = counts.slice();
  const raise = (c: number, want: number) => (target[c] = Math.max(counts[c], Math.min(want, maxRowsPerClass)));
  if (typeof strategy === 'object') {
    for (const [key, want] of Object.entries(strategy)) {
      const c = Number(key);
      if (!(Number.isInteger(c) && c >= 0 && c < k)) throw new RangeError(`sampling_strategy names class ${key}, outside 0…${k - 1}`);
      if (!(Number.isInteger(want) && want >= counts[c]))
        throw new RangeError(`sampling_strategy asks for ${want} rows of class ${c}, which has ${counts[c]}: over-sampling cannot remove rows`);
      if (counts[c] === 0 && want > 0) throw new RangeError(`sampling_strategy asks for rows of class ${c}, which has none to learn from`);
      raise(c, want);
    }
    return target;
  }
  let majority = -1;
  let minority = -1;
  for (let c = 0; c < k; c++) {
    if (counts[c] === 0) continue;
    if (majority < 0 || counts[c] > counts[majority]) majority = c;
    if (minority < 0 || counts[c] < counts[minority]) minority = c;
  }
  if (majority < 0) return target;
  const chosen: Record<Exclude<SamplingStrategy, object>, (c: number) => boolean> = {
    'not majority': (c) => c !== majority,
    'not minority': (c) => c !== minority,
    minority: (c) => c === minority,
    all: () => true,
  };
  if (!(strategy in chosen))
    throw new RangeError(`sampling_strategy must be one of ${Object.keys(chosen).join(', ')} or a map of class → rows, got ${String(strategy)}`);
  for (let c = 0; c < k; c++) if (counts[c] > 0 && chosen[strategy](c)) raise(c, counts[majority]);
  return target;
}

/** What an over-sampler needs to start: each class's rows, how many to add, and its seeded generator. */
export interface ResamplePlan {
  byClass: Uint32Array[];
  /** rows to add per class (0 where none) */
  add: Int32Array;
  random: Random;
}

export function planResampling(x: Matrix, y: Int32Array, k: number, params: ResampleParams): ResamplePlan {
  if (x.n !== y.length) throw new RangeError(`${x.n} rows but ${y.length} labels`);
  if (!Number.isInteger(params.random_state)) throw new RangeError(`random_state must be an integer, got ${params.random_state}`);
  const target = targetCounts(y, k, params.sampling_strategy, params.max_rows_per_class);
  const byClass = rowsByClass(y, k);
  return { byClass, add: target.map((t, c) => t - byClass[c].length), random: new Random(params.random_state) };
}

/** The original rows followed by each class's added rows. */
export function appendRows(x: Matrix, y: Int32Array, added: readonly { cls: number; x: Matrix }[], notes: string[]): Balanced {
  const all = concatRows([x, ...added.map((a) => a.x)], x.d);
  const labels = new Int32Array(all.n);
  labels.set(y);
  let at = y.length;
  for (const a of added) {
    labels.fill(a.cls, at, at + a.x.n);
    at += a.x.n;
  }
  return { x: all, y: labels, synthetic: all.n - x.n, notes };
}
