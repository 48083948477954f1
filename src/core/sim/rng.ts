/**
 * The simulator's own random source: sfc32 (Chris Doty-Humphrey's small fast chaotic
 * generator), seeded through splitmix32. Only 32-bit integer arithmetic, so the same seed
 * gives the same stream in every JavaScript engine. Normal draws come from a fixed quantile
 * table (no Math.random, no Box–Muller), which keeps the hot path cheap; exponential and
 * geometric draws take one logarithm.
 */
export class SimRandom {
  /**
   * sfc32's four words a, b, c, d. A typed array, not four fields: browsers compress
   * pointers, so a 32-bit integer field that leaves the 31-bit small-integer range is
   * boxed on every store, which made the simulator 2.3× slower in Chromium than in Node.
   */
  private readonly s = new Int32Array(4);

  constructor(seed: number) {
    let s = seed >>> 0;
    const split = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    for (let i = 0; i < 4; i++) this.s[i] = split();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** uniform 32-bit unsigned integer */
  u32(): number {
    const s = this.s;
    const a = s[0],
      b = s[1],
      c = s[2],
      d = s[3];
    const t = (((a + b) | 0) + d) | 0;
    s[3] = (d + 1) | 0;
    s[0] = b ^ (b >>> 9);
    s[1] = (c + (c << 3)) | 0;
    const r = (c << 21) | (c >>> 11);
    s[2] = (r + t) | 0;
    return t >>> 0;
  }

  /** uniform in [0, 1) */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** uniform in (0, 1] — safe to take the logarithm of */
  open(): number {
    return (this.u32() + 1) / 4294967296;
  }

  /** integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** standard normal, from a 4096-entry quantile table with linear interpolation */
  normal(): number {
    const x = this.u32();
    const i = x >>> 20;
    const f = (x & 0xfffff) / 0x100000;
    return NORMAL[i] + (NORMAL[i + 1] - NORMAL[i]) * f;
  }

  /** failures before the first success of trials with success chance p (`logMiss` = ln(1 − p)) */
  geometric(logMiss: number): number {
    return Math.floor(Math.log(this.open()) / logMiss);
  }

  /** log-uniform in [lo, hi] */
  logUniform(lo: number, hi: number): number {
    return lo === hi ? lo : lo * Math.exp(Math.log(hi / lo) * this.next());
  }

  /** exponential with mean 1 */
  exponential(): number {
    return -Math.log(this.open());
  }
}

/** `f(z)` at the 4096 normal quantiles: a table to draw from with `table[rng.u32() >>> 20]`. */
export function normalTable(f: (z: number) => number): Float64Array {
  const t = new Float64Array(4096);
  for (let i = 0; i < 4096; i++) t[i] = f(NORMAL[i]);
  return t;
}

/** Standard normal quantiles at (i + 0.5) / 4096, i = 0..4096 (the last repeats), by Acklam's rational approximation. */
const NORMAL = (() => {
  const t = new Float64Array(4097);
  for (let i = 0; i < 4096; i++) t[i] = normalQuantile((i + 0.5) / 4096);
  t[4096] = t[4095];
  return t;
})();

function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
