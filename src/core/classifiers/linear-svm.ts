import type { FitOptions } from '../util';
import type { Matrix } from '../ingest';
import type { ClassifierJSON } from './classifier';
import { finiteInput } from './finite-input';
import { FitPacer } from './fit-pacer';
import { seenClasses } from './labels';
import { LinearClassifier, weightRows, type LinearModelJSON } from './linear-model';
import { SquaredHingeNewton } from './squared-hinge';

/**
 * Linear support-vector classifier with scikit-learn's `LinearSVC` defaults: squared
 * hinge loss, L2 penalty, one-vs-rest over three or more classes (a single model for
 * two). Each binary problem is liblinear's primal one,
 *
 *   ½‖w̃‖² + C Σᵢ max(0, 1 − yᵢ w̃·x̃ᵢ)²,   x̃ = [x, intercept_scaling], w̃ = [w, b]
 *
 * so the intercept is penalised like any weight, as in liblinear (intercept_ =
 * intercept_scaling · b). sklearn's default `dual='auto'` solves this primal whenever
 * there are at least as many rows as features, and so do we, always: by a finite Newton
 * method (see `SquaredHingeNewton`) from w = 0, under liblinear's stopping rule
 * ‖∇f‖ ≤ tol · max(min(pos, neg), 1) / n · ‖∇f(0)‖ (pos, neg: rows on either side) or
 * max_iter Newton steps. The problem is strictly convex, so this lands on the minimum
 * liblinear's trust-region Newton approaches. The primal solver draws no random
 * numbers: `random_state` is kept for sklearn's signature and, as in sklearn with
 * dual=False, has no effect.
 *
 * sklearn's LinearSVC has no predict_proba. Ours (`predictProba`) is the softmax of the
 * decision values: scores for ranking, not calibrated probabilities. The iteration count
 * `n_iter_` is the most Newton steps any one-vs-rest problem took, as sklearn reports.
 */
export interface LinearSVCParams {
  C: number;
  max_iter: number;
  tol: number;
  fit_intercept: boolean;
  /** the constant feature appended for the intercept (which is penalised with the rest) */
  intercept_scaling: number;
  random_state: number;
}

export const DEFAULT_SVC_PARAMS: Readonly<LinearSVCParams> = {
  C: 1.0,
  max_iter: 1000,
  tol: 1e-4,
  fit_intercept: true,
  intercept_scaling: 1,
  random_state: 0,
};

export interface LinearSVCJSON extends LinearModelJSON {
  kind: 'svm';
  params: LinearSVCParams;
}

export class LinearSVC extends LinearClassifier {
  readonly kind = 'svm';
  readonly params: Readonly<LinearSVCParams>;
  /** binary problems of the last fit that hit max_iter (where sklearn warns of no convergence) */
  unconverged = 0;

  constructor(params: Partial<LinearSVCParams> = {}) {
    super();
    this.params = validateParams({ ...DEFAULT_SVC_PARAMS, ...params });
  }

  static fromJSON(json: ClassifierJSON): LinearSVC {
    const j = json as LinearSVCJSON;
    const model = new LinearSVC(j.params);
    model.restore(j, 'svm', 'linear SVM');
    return model;
  }

  async fit(x: Matrix, y: Int32Array, nClasses: number, options: FitOptions = {}): Promise<void> {
    const input = finiteInput(x);
    const seen = seenClasses(y, nClasses, input.n);
    const k = seen.classes.length;
    if (k < 2) throw new Error(`a linear SVM needs rows of at least two classes, got ${k}`);
    const p = this.params;
    const { n, d } = input;
    const bias = p.fit_intercept ? p.intercept_scaling : 0;
    const rows = weightRows(k);
    const coef = new Float64Array(rows * d);
    const intercept = new Float64Array(rows);
    const sign = new Float64Array(n);
    const pacer = new FitPacer(options, 'linear SVM');
    this.iterations = 0;
    this.unconverged = 0;
    for (let r = 0; r < rows; r++) {
      // with two classes the one problem is the second class against the first
      const positive = rows === 1 ? 1 : r;
      for (let i = 0; i < n; i++) sign[i] = seen.local[i] === positive ? 1 : -1;
      const pos = seen.counts[positive];
      const solver = new SquaredHingeNewton(input, sign, {
        C: p.C,
        bias,
        maxIter: p.max_iter,
        eps: (p.tol * Math.max(Math.min(pos, n - pos), 1)) / n,
      });
      while (solver.step()) await pacer.step('class', r, rows, solver.f);
      coef.set(solver.w.subarray(0, d), r * d);
      if (bias > 0) intercept[r] = bias * solver.w[d];
      this.iterations = Math.max(this.iterations, solver.iterations);
      if (solver.status === 'max_iter') this.unconverged++;
      await pacer.step('class', r + 1, rows, solver.f);
    }
    this.weights = { nClasses, classes: seen.classes, nFeatures: d, coef, intercept };
  }

  toJSON(): LinearSVCJSON {
    return { kind: 'svm', params: { ...this.params }, ...this.weightsJSON() };
  }
}

function validateParams(p: LinearSVCParams): LinearSVCParams {
  if (!(p.C > 0)) throw new Error(`C must be positive, got ${p.C}`);
  if (!Number.isInteger(p.max_iter) || p.max_iter < 1) throw new Error(`max_iter must be a positive integer, got ${p.max_iter}`);
  if (!(p.tol >= 0)) throw new Error(`tol must be non-negative, got ${p.tol}`);
  if (!(p.intercept_scaling > 0)) throw new Error(`intercept_scaling must be positive, got ${p.intercept_scaling}`);
  if (!Number.isInteger(p.random_state)) throw new Error(`random_state must be an integer, got ${p.random_state}`);
  return p;
}
