import { type FitOptions, throwIfAborted } from '../util';
import type { Matrix } from '../ingest';
import { argmaxRows, type Classifier, type ClassifierJSON } from './classifier';
import { finiteInput } from './finite-input';
import { classCounts } from './labels';
import { softmaxRows } from './scores';

/**
 * Gaussian naive Bayes as scikit-learn's `GaussianNB`: per class, each feature's mean
 * and (population) variance; every variance is widened by epsilon = var_smoothing × the
 * largest variance of any feature over all rows, so a feature that is constant within a
 * class does not make its likelihood infinite. Priors are the class frequencies unless
 * `priors` is given. A class without training rows gets prior 0 and is never predicted.
 * (Where every feature is constant, sklearn's epsilon is 0 and its variances too; we
 * take var_smoothing itself as epsilon instead of dividing by zero.)
 */
export interface GaussianNBParams {
  /** prior probability of each class (must sum to 1); null = the training frequencies */
  priors: number[] | null;
  var_smoothing: number;
}

export const DEFAULT_GNB_PARAMS: Readonly<GaussianNBParams> = {
  priors: null,
  var_smoothing: 1e-9,
};

const JSON_VERSION = 1;
const LOG_2PI = Math.log(2 * Math.PI);

interface Fitted {
  k: number;
  d: number;
  /** k × d means */
  theta: Float64Array;
  /** k × d variances, epsilon included */
  variance: Float64Array;
  prior: Float64Array;
  count: Float64Array;
  epsilon: number;
}

export interface GaussianNBJSON extends ClassifierJSON {
  kind: 'gnb';
  version: number;
  params: GaussianNBParams;
  /** sklearn's fitted attributes; theta_ and var_ as k rows of d */
  theta_: number[][];
  var_: number[][];
  class_prior_: number[];
  class_count_: number[];
  epsilon_: number;
}

export class GaussianNB implements Classifier {
  readonly kind = 'gnb';
  readonly params: Readonly<GaussianNBParams>;
  private fitted: Fitted | null = null;

  constructor(params: Partial<GaussianNBParams> = {}) {
    this.params = validateParams({ ...DEFAULT_GNB_PARAMS, ...params });
  }

  static fromJSON(json: ClassifierJSON): GaussianNB {
    const j = json as GaussianNBJSON;
    if (j.kind !== 'gnb') throw new Error(`expected a Gaussian naive Bayes model, got "${String(j.kind)}"`);
    if (j.version !== JSON_VERSION) throw new Error(`Gaussian naive Bayes file version ${String(j.version)} is not supported (expected ${JSON_VERSION})`);
    const k = j.class_prior_.length;
    const d = j.theta_[0]?.length ?? 0;
    const rectangular = (m: number[][]) => m.length === k && m.every((row) => row.length === d);
    if (k < 1 || !rectangular(j.theta_) || !rectangular(j.var_) || j.class_count_.length !== k) {
      throw new Error('theta_, var_, class_prior_ and class_count_ of the naive Bayes model disagree in shape');
    }
    const model = new GaussianNB(j.params);
    model.fitted = {
      k,
      d,
      theta: Float64Array.from(j.theta_.flat()),
      variance: Float64Array.from(j.var_.flat()),
      prior: Float64Array.from(j.class_prior_),
      count: Float64Array.from(j.class_count_),
      epsilon: j.epsilon_,
    };
    return model;
  }

  get theta_(): Float64Array {
    return this.need().theta;
  }

  get var_(): Float64Array {
    return this.need().variance;
  }

  get class_prior_(): Float64Array {
    return this.need().prior;
  }

  get epsilon_(): number {
    return this.need().epsilon;
  }

  async fit(x: Matrix, y: Int32Array, nClasses: number, options: FitOptions = {}): Promise<void> {
    const input = finiteInput(x);
    const { n, d, data } = input;
    if (n < 1) throw new Error('cannot fit naive Bayes on no rows');
    const k = nClasses;
    const { priors } = this.params;
    if (priors && priors.length !== k) throw new Error(`${priors.length} priors for ${k} classes`);
    const count = classCounts(y, k, n);
    throwIfAborted(options.signal, 'naive Bayes');
    // two passes in float64, as numpy's mean and var
    const theta = new Float64Array(k * d);
    const variance = new Float64Array(k * d);
    const mean = new Float64Array(d);
    const spread = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const row = y[i] * d;
      for (let j = 0; j < d; j++) {
        theta[row + j] += data[i * d + j];
        mean[j] += data[i * d + j];
      }
    }
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) if (count[c] > 0) theta[c * d + j] /= count[c];
    for (let j = 0; j < d; j++) mean[j] /= n;
    for (let i = 0; i < n; i++) {
      const row = y[i] * d;
      for (let j = 0; j < d; j++) {
        const v = data[i * d + j];
        variance[row + j] += (v - theta[row + j]) ** 2;
        spread[j] += (v - mean[j]) ** 2;
      }
    }
    const largest = spread.reduce((a, b) => Math.max(a, b), 0) / n;
    const epsilon = this.params.var_smoothing * (largest > 0 ? largest : 1);
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) variance[c * d + j] = (count[c] > 0 ? variance[c * d + j] / count[c] : 0) + epsilon;
    }
    const prior = priors ? Float64Array.from(priors) : count.map((m) => m / n);
    this.fitted = { k, d, theta, variance, prior, count, epsilon };
  }

  predict(x: Matrix): Int32Array {
    return argmaxRows(this.jointLogLikelihood(x), x.n, this.need().k);
  }

  /** exp of the joint log-likelihoods, normalised per row (sklearn's log-sum-exp) */
  predictProba(x: Matrix): Float32Array {
    const jll = this.jointLogLikelihood(x);
    softmaxRows(jll, x.n, this.need().k);
    return jll;
  }

  toJSON(): GaussianNBJSON {
    const { k, d, theta, variance, prior, count, epsilon } = this.need();
    const rows = (m: Float64Array) => Array.from({ length: k }, (_, c) => Array.from(m.subarray(c * d, (c + 1) * d)));
    return {
      kind: 'gnb',
      version: JSON_VERSION,
      params: { ...this.params, priors: this.params.priors && [...this.params.priors] },
      theta_: rows(theta),
      var_: rows(variance),
      class_prior_: Array.from(prior),
      class_count_: Array.from(count),
      epsilon_: epsilon,
    };
  }

  /**
   * n × k log P(c) + log P(x | c), each row shifted so its largest entry is 0: the float32
   * result then keeps full precision where predict and the probabilities need it.
   */
  private jointLogLikelihood(x: Matrix): Float32Array {
    const { k, d, theta, variance, prior } = this.need();
    const { n, data } = finiteInput(x, d);
    const constant = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      let s = Math.log(prior[c]);
      for (let j = 0; j < d; j++) s -= 0.5 * (LOG_2PI + Math.log(variance[c * d + j]));
      constant[c] = s;
    }
    const out = new Float32Array(n * k);
    const row = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const base = i * d;
      let max = -Infinity;
      for (let c = 0; c < k; c++) {
        let s = constant[c];
        if (s > -Infinity) {
          const off = c * d;
          for (let j = 0; j < d; j++) s -= (0.5 * (data[base + j] - theta[off + j]) ** 2) / variance[off + j];
        }
        row[c] = s;
        if (s > max) max = s;
      }
      for (let c = 0; c < k; c++) out[i * k + c] = row[c] - max;
    }
    return out;
  }

  private need(): Fitted {
    if (!this.fitted) throw new Error('the naive Bayes model is not fitted');
    return this.fitted;
  }
}

function validateParams(p: GaussianNBParams): GaussianNBParams {
  if (!(p.var_smoothing >= 0)) throw new Error(`var_smoothing must be non-negative, got ${p.var_smoothing}`);
  if (p.priors) {
    if (p.priors.some((q) => !(q >= 0))) throw new Error('priors must be non-negative');
    const sum = p.priors.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > 1e-8) throw new Error(`priors must sum to 1, got ${sum}`);
  }
  return p;
}
