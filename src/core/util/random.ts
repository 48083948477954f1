/**
 * A small seeded generator (mulberry32) so that every fit, split and sample is
 * reproducible from a `random_state`, in Node and in the browser alike.
 */
export class Random {
  /**
   * mulberry32's one word, in a typed array rather than a field: a 32-bit integer field
   * past the 31-bit small-integer range is boxed on every store in browsers (sim/rng.ts
   * measured that at 2.3× in Chromium). Stored signed; every use below is bitwise.
   */
  private readonly state = new Int32Array(1);

  constructor(seed = 0) {
    this.state[0] = (seed >>> 0) ^ 0x9e3779b9;
  }

  /** uniform in [0, 1) */
  next(): number {
    const state = this.state;
    state[0] += 0x6d2b79f5;
    let t = state[0];
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** uniform in [lo, hi) */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** standard normal (Box–Muller) */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** k distinct indices from [0, n), in random order (partial Fisher–Yates) */
  sample(n: number, k: number): Uint32Array {
    if (k > n) throw new Error(`cannot draw ${k} distinct items from ${n}`);
    const pool = new Uint32Array(n);
    for (let i = 0; i < n; i++) pool[i] = i;
    for (let i = 0; i < k; i++) {
      const j = i + this.int(n - i);
      const t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
    }
    return pool.slice(0, k);
  }

  /** the indices [0, n) shuffled */
  permutation(n: number): Uint32Array {
    return this.sample(n, n);
  }
}
