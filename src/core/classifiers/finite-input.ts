import type { Matrix } from '../ingest';

/**
 * The input with every missing or non-finite value replaced by 0. Classifiers take
 * standard-scaled features, where 0 is the training mean, so a hole in a row counts as
 * an ordinary value instead of turning the whole row's scores into NaN. Returns `x`
 * itself (no copy) when every value is finite, which is the usual case.
 */
export function finiteInput(x: Matrix, expectedColumns?: number): Matrix {
  if (expectedColumns !== undefined && x.d !== expectedColumns) {
    throw new Error(`the model was fitted on ${expectedColumns} columns, got ${x.d}`);
  }
  const values = x.data.subarray(0, x.n * x.d);
  if (values.every(Number.isFinite)) return x;
  return { n: x.n, d: x.d, data: values.map((v) => (Number.isFinite(v) ? v : 0)) };
}
