import type { Matrix } from '../ingest';
import { dot, norm2 } from './vector';

/**
 * liblinear's primal L2-loss SVM problem (the one scikit-learn's `LinearSVC` solves with
 * `dual=False`, which its default `dual='auto'` picks when rows outnumber features):
 *
 *   f(w̃) = ½‖w̃‖² + C Σᵢ max(0, 1 − yᵢ w̃·x̃ᵢ)²,   x̃ᵢ = [xᵢ, bias], yᵢ = ±1
 *
 * (bias = 0: no intercept feature), with the intercept weight penalised like the rest.
 *
 * It is solved by the modified finite Newton method (Keerthi & DeCoste 2005): each step
 * minimises the quadratic that f is on the current active set (rows with margin < 1)
 * exactly, by a Cholesky solve of I + 2C Σ_active x̃ᵢx̃ᵢᵀ, then searches exactly along
 * the way there, f being piecewise quadratic on that line. It ends in finitely many steps
 * once the active set settles. liblinear runs trust-region Newton with conjugate gradients
 * instead; on the ill-conditioned CICIoMT2024 features that crawls (hundreds of steps
 * for some classes) where this takes 10 to 25. The exact solve costs O(d²) per active row and O(d³) per
 * step, cheap for the tens of features of flow records. The stopping rule is liblinear's:
 * ‖∇f‖ ≤ eps · ‖∇f(0)‖, or maxIter steps.
 */
export interface SquaredHingeOptions {
  C: number;
  /** the constant intercept feature; 0 for none */
  bias: number;
  maxIter: number;
  eps: number;
}

export type SquaredHingeStatus = 'running' | 'gradient' | 'max_iter' | 'stalled';

export class SquaredHingeNewton {
  /** the weights, the intercept feature's weight last when bias > 0 */
  readonly w: Float64Array;
  f: number;
  /** Newton steps taken */
  iterations = 0;
  status: SquaredHingeStatus = 'running';
  private readonly size: number;
  /** w̃·x̃ᵢ per row (unsigned) at the current w */
  private readonly score: Float64Array;
  private readonly grad: Float64Array;
  private readonly gtol: number;
  /** 1 for rows in the sums below */
  private readonly active: Uint8Array;
  /** Σ x̃ᵢx̃ᵢᵀ over the active rows (upper triangle) */
  private readonly gram: Float64Array;
  /** Σ yᵢx̃ᵢ over the active rows */
  private readonly signedSum: Float64Array;

  constructor(
    private readonly x: Matrix,
    private readonly sign: Float64Array,
    private readonly options: SquaredHingeOptions,
  ) {
    this.size = x.d + (options.bias > 0 ? 1 : 0);
    this.w = new Float64Array(this.size);
    this.score = new Float64Array(x.n);
    this.grad = new Float64Array(this.size);
    this.active = new Uint8Array(x.n);
    this.gram = new Float64Array(this.size * this.size);
    this.signedSum = new Float64Array(this.size);
    this.f = this.evaluate();
    const g0 = norm2(this.grad);
    this.gtol = options.eps * g0;
    if (g0 <= this.gtol) this.status = 'gradient';
  }

  /** One Newton step; false once stopped (see `status`). */
  step(): boolean {
    if (this.status !== 'running') return false;
    if (this.iterations >= this.options.maxIter) {
      this.status = 'max_iter';
      return false;
    }
    const { w, size } = this;
    const target = this.activeSetMinimiser();
    const p = target.map((v, j) => v - w[j]);
    const along = new Float64Array(this.x.n);
    for (let i = 0; i < along.length; i++) along[i] = this.rowDot(i, p);
    const t = this.lineSearch(p, along);
    if (!(t > 0)) {
      this.status = 'stalled';
      return false;
    }
    for (let j = 0; j < size; j++) w[j] += t * p[j];
    this.iterations++;
    this.f = this.evaluate();
    if (norm2(this.grad) <= this.gtol) this.status = 'gradient';
    return this.status === 'running';
  }

  private evaluate(): number {
    const { C, bias } = this.options;
    return squaredHingeLoss(this.x, this.sign, C, bias, this.w, this.grad, this.score);
  }

  /**
   * argmin of the quadratic f is on the current active set: (I + 2C G) w = 2C Σ yᵢx̃ᵢ with
   * G = Σ x̃ᵢx̃ᵢᵀ over the active rows. G and the sum are updated by the rows that entered
   * or left the active set, so only the first step pays for all rows. (A product of two
   * float32 values is exact in float64, so the updates add little rounding.)
   */
  private activeSetMinimiser(): Float64Array {
    const { size, score, sign, active, gram, signedSum } = this;
    const { C } = this.options;
    const row = new Float64Array(size);
    for (let i = 0; i < score.length; i++) {
      const now = sign[i] * score[i] < 1 ? 1 : 0;
      if (now === active[i]) continue;
      active[i] = now;
      this.readRow(i, row);
      const direction = now ? 1 : -1;
      for (let a = 0; a < size; a++) {
        const va = direction * row[a];
        if (va === 0) continue;
        signedSum[a] += sign[i] * va;
        for (let b = a; b < size; b++) gram[a * size + b] += va * row[b];
      }
    }
    const h = new Float64Array(size * size);
    for (let a = 0; a < size; a++) {
      for (let b = a; b < size; b++) h[a * size + b] = h[b * size + a] = 2 * C * gram[a * size + b];
      h[a * size + a] += 1;
    }
    return choleskySolve(
      h,
      signedSum.map((v) => 2 * C * v),
      size,
    );
  }

  /**
   * The t ≥ 0 minimising f(w + t·p), where the scores move by t·along. f′ along the line
   * is piecewise linear and increasing, so Newton's method on it, from the full step t = 1
   * and kept inside a bracket (bisecting when it would leave), lands on the exact root
   * within a few pieces.
   */
  private lineSearch(p: Float64Array, along: Float64Array): number {
    const { score, sign } = this;
    const { C } = this.options;
    const wp = dot(this.w, p);
    const pp = dot(p, p);
    // f′(t) and f″(t), the slope of the piece at t
    const derivatives = (t: number): [number, number] => {
      let d1 = wp + t * pp;
      let d2 = pp;
      for (let i = 0; i < score.length; i++) {
        const b = sign[i] * along[i];
        const slack = 1 - sign[i] * score[i] - t * b;
        if (slack <= 0) continue;
        d1 -= 2 * C * b * slack;
        d2 += 2 * C * b * b;
      }
      return [d1, d2];
    };
    const slope0 = derivatives(0)[0];
    if (!(slope0 < 0)) return 0;
    const tolerance = -1e-12 * slope0;
    let lo = 0;
    let hi = Infinity;
    let t = 1;
    for (let k = 0; k < 200; k++) {
      const [d1, d2] = derivatives(t);
      if (Math.abs(d1) <= tolerance) return t;
      if (d1 < 0) lo = t;
      else hi = t;
      const next = t - d1 / d2;
      t = next > lo && next < hi ? next : (lo + hi) / 2;
    }
    return lo;
  }

  /** x̃ᵢ into `out` */
  private readRow(i: number, out: Float64Array): void {
    const { d, data } = this.x;
    for (let j = 0; j < d; j++) out[j] = data[i * d + j];
    if (this.options.bias > 0) out[d] = this.options.bias;
  }

  /** x̃ᵢ · v */
  private rowDot(i: number, v: Float64Array): number {
    const { d, data } = this.x;
    const base = i * d;
    let s = this.options.bias > 0 ? v[d] * this.options.bias : 0;
    for (let j = 0; j < d; j++) s += v[j] * data[base + j];
    return s;
  }
}

/** f(w̃) of the problem above; ∇f(w̃) into `grad`, and the rows' scores w̃·x̃ᵢ into `scores` if given. */
export function squaredHingeLoss(x: Matrix, sign: Float64Array, C: number, bias: number, w: Float64Array, grad: Float64Array, scores?: Float64Array): number {
  const { n, d, data } = x;
  grad.set(w);
  let f = 0.5 * dot(w, w);
  for (let i = 0; i < n; i++) {
    const base = i * d;
    let s = bias > 0 ? w[d] * bias : 0;
    for (let j = 0; j < d; j++) s += w[j] * data[base + j];
    if (scores) scores[i] = s;
    const slack = 1 - sign[i] * s;
    if (slack <= 0) continue;
    f += C * slack * slack;
    const g = -2 * C * sign[i] * slack;
    for (let j = 0; j < d; j++) grad[j] += g * data[base + j];
    if (bias > 0) grad[d] += g * bias;
  }
  return f;
}

/** Solves A z = b for a symmetric positive-definite n × n A (overwritten by its Cholesky factor). */
function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let j = 0; j < n; j++) {
    let diag = a[j * n + j];
    for (let k = 0; k < j; k++) diag -= a[j * n + k] ** 2;
    if (!(diag > 0)) throw new Error('the Newton system is not positive definite (non-finite features?)');
    const l = Math.sqrt(diag);
    a[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / l;
    }
  }
  const z = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) z[i] -= a[i * n + k] * z[k];
    z[i] /= a[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) z[i] -= a[k * n + i] * z[k];
    z[i] /= a[i * n + i];
  }
  return z;
}
