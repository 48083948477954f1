import type { FitOptions } from '../util';
import type { Matrix } from '../ingest';

/**
 * A supervised model with scikit-learn's face: `fit(X, y)`, `predict`, `predictProba`,
 * and plain JSON. Classes are indices 0…k−1 (the caller keeps their names); `y` holds
 * one per row. Probabilities are n × k, row-major.
 */
export interface Classifier {
  readonly kind: string;
  fit(x: Matrix, y: Int32Array, nClasses: number, options?: FitOptions): Promise<void>;
  predict(x: Matrix): Int32Array;
  predictProba(x: Matrix): Float32Array;
  toJSON(): ClassifierJSON;
}

export interface ClassifierJSON {
  kind: string;
  [key: string]: unknown;
}

/** The class with the highest probability per row (the first on ties, as numpy's argmax). */
export function argmaxRows(proba: Float32Array, n: number, k: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (proba[i * k + c] > proba[i * k + best]) best = c;
    out[i] = best;
  }
  return out;
}
