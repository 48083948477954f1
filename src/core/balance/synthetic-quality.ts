/**
 * Honest checks of synthetic rows against the real rows they imitate: per class and
 * column the two samples' mean, standard deviation and two-sample Kolmogorov–Smirnov
 * statistic; and "train on synthetic, test on real" (TSTR) macro-F1 with whatever
 * classifier the caller brings. Matching marginals (small KS) do not show that the
 * columns' joint structure survived; TSTR speaks to that.
 */
import type { Classifier } from '../classifiers';
import type { FitOptions } from '../util';
import type { Matrix } from '../ingest';
import { ksStatistic, multiclassConfusion, multiclassScores } from '../metrics';
import { rowsByClass } from './resample';

export interface Labelled {
  x: Matrix;
  y: Int32Array;
}

export interface Moments {
  n: number;
  mean: number;
  /** population standard deviation (numpy's default, ddof = 0) */
  std: number;
}

export interface ColumnQuality {
  cls: number;
  column: number;
  real: Moments;
  synthetic: Moments;
  /** two-sample Kolmogorov–Smirnov statistic: 0 for identical empirical distributions, 1 for disjoint ones */
  ks: number;
}

/** One entry per class present in both sets and per column, classes first. */
export function columnQuality(real: Labelled, synthetic: Labelled, k: number): ColumnQuality[] {
  if (real.x.d !== synthetic.x.d) throw new RangeError(`real rows have ${real.x.d} columns, synthetic ${synthetic.x.d}`);
  const realRows = rowsByClass(real.y, k);
  const synthRows = rowsByClass(synthetic.y, k);
  const out: ColumnQuality[] = [];
  for (let c = 0; c < k; c++) {
    if (realRows[c].length === 0 || synthRows[c].length === 0) continue;
    for (let j = 0; j < real.x.d; j++) {
      const a = column(real.x, realRows[c], j);
      const b = column(synthetic.x, synthRows[c], j);
      out.push({ cls: c, column: j, real: moments(a), synthetic: moments(b), ks: ksStatistic(a, b) });
    }
  }
  return out;
}

/** The median KS statistic of some entries (e.g. one class's), NaN for none. */
export function medianKs(entries: readonly ColumnQuality[]): number {
  const ks = Float64Array.from(entries, (e) => e.ks).sort();
  if (ks.length === 0) return NaN;
  const mid = ks.length >> 1;
  return ks.length % 2 ? ks[mid] : (ks[mid - 1] + ks[mid]) / 2;
}

/**
 * Macro-F1 on the real rows of a classifier fitted on the synthetic rows only. Compare it
 * with the same classifier fitted on real training rows: the closer, the more of what
 * separates the classes the synthetic rows kept.
 */
export async function trainSyntheticTestReal(
  createClassifier: () => Classifier,
  synthetic: Labelled,
  real: Labelled,
  k: number,
  options: FitOptions = {},
): Promise<number> {
  const model = createClassifier();
  await model.fit(synthetic.x, synthetic.y, k, options);
  return multiclassScores(multiclassConfusion(real.y, model.predict(real.x), k)).macro_f1;
}

function column(x: Matrix, rows: Uint32Array, j: number): Float64Array {
  return Float64Array.from(rows, (r) => x.data[r * x.d + j]);
}

function moments(v: Float64Array): Moments {
  let sum = 0;
  for (const a of v) sum += a;
  const mean = sum / v.length;
  let sq = 0;
  for (const a of v) sq += (a - mean) ** 2;
  return { n: v.length, mean, std: Math.sqrt(sq / v.length) };
}
