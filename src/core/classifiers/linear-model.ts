import type { FitOptions } from '../util';
import type { Matrix } from '../ingest';
import { argmaxRows, type Classifier, type ClassifierJSON } from './classifier';
import { finiteInput } from './finite-input';
import { softmaxRows } from './scores';

/**
 * What the linear classifiers (logistic regression, linear SVM) share: the fitted
 * weights, their per-class scores, predictions and JSON.
 */

/**
 * Rows of coefficients and an intercept each. With k ≥ 3 seen classes there is a row per
 * class; with two there is one row, the decision value z for `classes[1]` against
 * `classes[0]` (sklearn's `coef_` of shape (1, d)).
 */
export interface LinearWeights {
  /** width of the score and probability rows: every class of the task, seen or not */
  nClasses: number;
  /** the classes the fit saw (sklearn's `classes_`), ascending */
  classes: Int32Array;
  nFeatures: number;
  /** rows × nFeatures, row-major */
  coef: Float64Array;
  intercept: Float64Array;
}

/** Rows of weights a fit needs for `seen` classes: one per class, or one in all for two. */
export function weightRows(seen: number): number {
  return seen === 2 ? 1 : seen;
}

/** The fitted part of a linear model's JSON, by sklearn's attribute names; coef_ as nested rows */
export interface LinearWeightsJSON {
  version: number;
  n_classes: number;
  classes_: number[];
  coef_: number[][];
  intercept_: number[];
  n_iter_: number;
}

export interface LinearModelJSON extends ClassifierJSON, LinearWeightsJSON {}

const JSON_VERSION = 1;

/**
 * A fitted linear model's face: scores, predictions and probabilities from the weights a
 * subclass's `fit` sets. Scores are n × nClasses: each seen class's decision value
 * w·x + b, −Infinity for a class the fit never saw (so it gets probability 0 and is never
 * predicted). A binary model's single decision value z is split as −z/2 and z/2 on its
 * two classes: the columns still differ by z, the argmax is sklearn's `z > 0`, and the
 * softmax of the pair is exactly the logistic [1 − σ(z), σ(z)].
 */
export abstract class LinearClassifier implements Classifier {
  abstract readonly kind: string;
  protected weights: LinearWeights | null = null;
  /** solver iterations of the last fit */
  protected iterations = 0;

  abstract fit(x: Matrix, y: Int32Array, nClasses: number, options?: FitOptions): Promise<void>;
  abstract toJSON(): LinearModelJSON;

  /** sklearn's `n_iter_` */
  get n_iter_(): number {
    return this.iterations;
  }

  /** rows × d coefficients, row-major */
  get coef_(): Float64Array {
    return this.need().coef;
  }

  get intercept_(): Float64Array {
    return this.need().intercept;
  }

  /** n × k decision values (sklearn's `decision_function`, widened to every class as above) */
  decisionFunction(x: Matrix): Float32Array {
    const { nClasses: k, classes, nFeatures: d, coef, intercept } = this.need();
    const { n, data } = finiteInput(x, d);
    const rows = intercept.length;
    const out = new Float32Array(n * k).fill(-Infinity);
    for (let i = 0; i < n; i++) {
      const base = i * d;
      for (let r = 0; r < rows; r++) {
        let z = intercept[r];
        const off = r * d;
        for (let j = 0; j < d; j++) z += coef[off + j] * data[base + j];
        if (rows === 1) {
          out[i * k + classes[0]] = -z / 2;
          out[i * k + classes[1]] = z / 2;
        } else {
          out[i * k + classes[r]] = z;
        }
      }
    }
    return out;
  }

  predict(x: Matrix): Int32Array {
    return argmaxRows(this.decisionFunction(x), x.n, this.need().nClasses);
  }

  /** the row-wise softmax of the decision values */
  predictProba(x: Matrix): Float32Array {
    const scores = this.decisionFunction(x);
    softmaxRows(scores, x.n, this.need().nClasses);
    return scores;
  }

  protected weightsJSON(): LinearWeightsJSON {
    const w = this.need();
    const d = w.nFeatures;
    return {
      version: JSON_VERSION,
      n_classes: w.nClasses,
      classes_: Array.from(w.classes),
      coef_: Array.from(w.intercept, (_, r) => Array.from(w.coef.subarray(r * d, (r + 1) * d))),
      intercept_: Array.from(w.intercept),
      n_iter_: this.iterations,
    };
  }

  /** Takes the fitted part back from JSON of `kind`, checking its shape. */
  protected restore(j: LinearModelJSON, kind: string, name: string): void {
    if (j.kind !== kind) throw new Error(`expected a ${name}, got "${String(j.kind)}"`);
    if (j.version !== JSON_VERSION) throw new Error(`${name} file version ${String(j.version)} is not supported (expected ${JSON_VERSION})`);
    const classes = Int32Array.from(j.classes_);
    const rows = j.coef_.length;
    const d = rows > 0 ? j.coef_[0].length : 0;
    if (classes.length < 2 || rows !== weightRows(classes.length) || j.intercept_.length !== rows) {
      throw new Error(`a ${name} with ${classes.length} classes needs ${weightRows(classes.length)} rows of weights, got ${rows}`);
    }
    if (j.coef_.some((row) => row.length !== d)) throw new Error('the rows of coef_ differ in length');
    if (classes.some((c) => !(c >= 0 && c < j.n_classes))) throw new Error(`classes_ must lie in 0…${j.n_classes - 1}`);
    this.weights = { nClasses: j.n_classes, classes, nFeatures: d, coef: Float64Array.from(j.coef_.flat()), intercept: Float64Array.from(j.intercept_) };
    this.iterations = j.n_iter_;
  }

  private need(): LinearWeights {
    if (!this.weights) throw new Error(`the ${this.kind} model is not fitted`);
    return this.weights;
  }
}
