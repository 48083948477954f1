import type { FitOptions } from '../util';
import type { Matrix } from '../ingest';
import type { ClassifierJSON } from './classifier';
import { finiteInput } from './finite-input';
import { FitPacer } from './fit-pacer';
import { seenClasses } from './labels';
import { Lbfgs, type LbfgsStatus, type Objective } from './lbfgs';
import { LinearClassifier, weightRows, type LinearModelJSON } from './linear-model';

/**
 * L2-regularised logistic regression as scikit-learn fits it with its default
 * `solver='lbfgs'`: with three or more classes a multinomial (softmax) model with a row
 * of weights per class; with two, sklearn's binary model, one row for the second class
 * (the two-class softmax with both rows penalised would be a different, more strongly
 * regularised model). The objective is sklearn's, divided as sklearn divides it by the
 * sum of sample weights S:
 *
 *   (1/S) Σᵢ sᵢ · logloss(yᵢ, W xᵢ + b) + 1/(2·C·S) · ‖W‖²
 *
 * (the intercepts b are not penalised), minimised by L-BFGS from zero with sklearn's
 * settings: max_iter iterations, stop when the largest gradient component is at most
 * tol, or f's relative decrease at most 64·ε, memory 10, 50 evaluations per line search.
 * Dividing by S leaves the minimum where it was but makes tol act as it does in sklearn.
 */
export interface LogisticRegressionParams {
  /** inverse regularisation strength */
  C: number;
  max_iter: number;
  tol: number;
  fit_intercept: boolean;
  /** 'balanced' weighs each row by n / (k · rows of its class) */
  class_weight: null | 'balanced';
}

export const DEFAULT_LOGISTIC_PARAMS: Readonly<LogisticRegressionParams> = {
  C: 1.0,
  max_iter: 100,
  tol: 1e-4,
  fit_intercept: true,
  class_weight: null,
};

const FTOL = 64 * 2.220446049250313e-16;

export interface LogisticRegressionJSON extends LinearModelJSON {
  kind: 'logistic';
  params: LogisticRegressionParams;
}

export class LogisticRegression extends LinearClassifier {
  readonly kind = 'logistic';
  readonly params: Readonly<LogisticRegressionParams>;
  /** why the last fit stopped; 'max_iter' is where sklearn warns of no convergence */
  stopReason: LbfgsStatus | null = null;

  constructor(params: Partial<LogisticRegressionParams> = {}) {
    super();
    this.params = validateParams({ ...DEFAULT_LOGISTIC_PARAMS, ...params });
  }

  static fromJSON(json: ClassifierJSON): LogisticRegression {
    const j = json as LogisticRegressionJSON;
    const model = new LogisticRegression(j.params);
    model.restore(j, 'logistic', 'logistic regression');
    return model;
  }

  async fit(x: Matrix, y: Int32Array, nClasses: number, options: FitOptions = {}): Promise<void> {
    const input = finiteInput(x);
    const seen = seenClasses(y, nClasses, input.n);
    const k = seen.classes.length;
    if (k < 2) throw new Error(`logistic regression needs rows of at least two classes, got ${k}`);
    const p = this.params;
    const sampleWeight = p.class_weight === 'balanced' ? Float64Array.from(seen.local, (c) => input.n / (k * seen.counts[c])) : null;
    const { d } = input;
    const stride = d + (p.fit_intercept ? 1 : 0);
    const rows = weightRows(k);
    const objective = logisticObjective(input, seen.local, k, sampleWeight, p.C, p.fit_intercept);
    const solver = new Lbfgs(objective, new Float64Array(rows * stride), { maxIter: p.max_iter, gtol: p.tol, ftol: FTOL, memory: 10, maxLineSearch: 50 });
    const pacer = new FitPacer(options, 'logistic regression');
    while (solver.step()) await pacer.step('iteration', solver.iterations, p.max_iter, solver.f);
    await pacer.step('iteration', p.max_iter, p.max_iter, solver.f);

    const coef = new Float64Array(rows * d);
    const intercept = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      coef.set(solver.x.subarray(r * stride, r * stride + d), r * d);
      if (p.fit_intercept) intercept[r] = solver.x[r * stride + d];
    }
    this.weights = { nClasses, classes: seen.classes, nFeatures: d, coef, intercept };
    this.iterations = solver.iterations;
    this.stopReason = solver.status;
  }

  toJSON(): LogisticRegressionJSON {
    return { kind: 'logistic', params: { ...this.params }, ...this.weightsJSON() };
  }
}

/**
 * sklearn's objective and its gradient over the weights laid out as rows of
 * [coefficients…, intercept], one row per class, or a single row for the second class
 * when there are two (the first class's score is then fixed at 0). `y` holds class
 * positions 0…k−1.
 */
export function logisticObjective(x: Matrix, y: Int32Array, k: number, sampleWeight: Float64Array | null, C: number, fitIntercept: boolean): Objective {
  const { n, d, data } = x;
  const rows = weightRows(k);
  const first = k - rows; // class of weight row 0: 1 in the binary model, else 0
  const stride = d + (fitIntercept ? 1 : 0);
  const weightSum = sampleWeight ? sampleWeight.reduce((a, b) => a + b, 0) : n;
  const l2 = 1 / (C * weightSum);
  const z = new Float64Array(k); // the binary model's first class keeps z = 0
  const e = new Float64Array(k);
  return (w, grad) => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const base = i * d;
      for (let r = 0; r < rows; r++) {
        const off = r * stride;
        let s = fitIntercept ? w[off + d] : 0;
        for (let j = 0; j < d; j++) s += w[off + j] * data[base + j];
        z[first + r] = s;
      }
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, z[c]);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += e[c] = Math.exp(z[c] - max);
      const weight = sampleWeight ? sampleWeight[i] : 1;
      loss += weight * (max + Math.log(sum) - z[y[i]]);
      for (let r = 0; r < rows; r++) {
        const c = first + r;
        const residual = weight * (e[c] / sum - (y[i] === c ? 1 : 0));
        const off = r * stride;
        for (let j = 0; j < d; j++) grad[off + j] += residual * data[base + j];
        if (fitIntercept) grad[off + d] += residual;
      }
    }
    loss /= weightSum;
    for (let r = 0; r < rows; r++) {
      const off = r * stride;
      for (let j = 0; j < stride; j++) grad[off + j] /= weightSum;
      for (let j = 0; j < d; j++) {
        loss += 0.5 * l2 * w[off + j] * w[off + j];
        grad[off + j] += l2 * w[off + j];
      }
    }
    return loss;
  };
}

function validateParams(p: LogisticRegressionParams): LogisticRegressionParams {
  if (!(p.C > 0)) throw new Error(`C must be positive, got ${p.C}`);
  if (!Number.isInteger(p.max_iter) || p.max_iter < 1) throw new Error(`max_iter must be a positive integer, got ${p.max_iter}`);
  if (!(p.tol >= 0)) throw new Error(`tol must be non-negative, got ${p.tol}`);
  if (p.class_weight !== null && p.class_weight !== 'balanced') throw new Error(`class_weight must be null or 'balanced', got ${String(p.class_weight)}`);
  return p;
}
