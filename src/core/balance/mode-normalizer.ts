/**
 * CTGAN's mode-specific normalisation (Xu et al. 2019, §4.2): each continuous column is
 * modelled as a Gaussian mixture, and a value v becomes a mode m drawn from its posterior
 * plus a scalar α = (v − μ_m) / (4σ_m) clipped to [−1, 1]. Multimodal, heavy-tailed flow
 * features then reach the generator as bounded scalars it can produce with tanh.
 *
 * An encoded row is d + d·M wide, M being the most modes any column kept:
 * [α_0 … α_{d−1} | column 0's mode one-hot (M slots) | … | column d−1's (M slots)].
 * A column with fewer modes leaves its last slots at zero; the generator masks them. One
 * padded block instead of d ragged ones lets every column's softmax run as one op.
 *
 * Unlike CTGAN, which encodes the training set once, rows are encoded as they are drawn
 * for a batch, with a fresh mode draw each time: the same distribution, and memory stays
 * flat however many rows there are.
 */
import { throwIfAborted, type FitOptions, type Random, yielder } from '../util';
import type { Matrix } from '../ingest';
import { fitMixture, logPosteriors, type Mixture, type MixtureOptions } from './gaussian-mixture';

/** α = (v − μ) / (SPAN · σ): the paper's 4, so ±4σ of a mode maps onto tanh's range */
const SPAN = 4;

export interface ModeNormalizerJSON {
  columns: Mixture[];
}

export class ModeNormalizer {
  /** mode slots per column (the most modes any column kept) */
  readonly slots: number;
  private readonly scratch: Float64Array;

  private constructor(readonly columns: readonly Mixture[]) {
    this.slots = Math.max(...columns.map((c) => c.means.length));
    this.scratch = new Float64Array(this.slots);
  }

  /**
   * A mixture per column, fitted on at most `max_rows` rows drawn at random (EM time grows
   * with the rows). Reports each column as stage 'modes'.
   */
  static async fit(x: Matrix, options: MixtureOptions & { max_rows: number }, random: Random, { progress, signal }: FitOptions = {}): Promise<ModeNormalizer> {
    if (x.n < 1 || x.d < 1) throw new RangeError(`cannot normalise ${x.n}×${x.d} rows`);
    const rows = x.n > options.max_rows ? random.sample(x.n, options.max_rows) : null;
    const n = rows?.length ?? x.n;
    const values = new Float64Array(n);
    const columns: Mixture[] = [];
    const breathe = yielder();
    for (let j = 0; j < x.d; j++) {
      throwIfAborted(signal, 'CTGAN');
      for (let i = 0; i < n; i++) values[i] = x.data[(rows ? rows[i] : i) * x.d + j];
      columns.push(fitMixture(values, options));
      progress?.({ stage: 'modes', done: j + 1, total: x.d });
      await breathe();
    }
    return new ModeNormalizer(columns);
  }

  static fromJSON(json: ModeNormalizerJSON): ModeNormalizer {
    if (!Array.isArray(json?.columns) || json.columns.length === 0) throw new Error('the mode normaliser has no columns');
    return new ModeNormalizer(json.columns.map((c) => ({ weights: [...c.weights], means: [...c.means], stds: [...c.stds] })));
  }

  toJSON(): ModeNormalizerJSON {
    return { columns: this.columns.map((c) => ({ weights: [...c.weights], means: [...c.means], stds: [...c.stds] })) };
  }

  get d(): number {
    return this.columns.length;
  }

  /** encoded width: d alphas and d·slots mode indicators */
  get width(): number {
    return this.d * (1 + this.slots);
  }

  /** d × slots, row-major: 1 where the column has that mode, 0 for padding */
  slotMask(): Float32Array {
    const mask = new Float32Array(this.d * this.slots);
    this.columns.forEach((c, j) => mask.fill(1, j * this.slots, j * this.slots + c.means.length));
    return mask;
  }

  /** Encodes x's `rows` into `out`, row r at offset r·stride (the slots it does not set must be zero). */
  encode(x: Matrix, rows: ArrayLike<number>, random: Random, out: Float32Array, stride: number): void {
    const { d, slots, scratch } = this;
    for (let r = 0; r < rows.length; r++) {
      const o = r * stride;
      for (let j = 0; j < d; j++) {
        const v = x.data[rows[r] * d + j];
        const mix = this.columns[j];
        const norm = logPosteriors(mix, v, scratch);
        let u = random.next();
        let m = 0;
        for (; m < mix.means.length - 1; m++) {
          u -= Math.exp(scratch[m] - norm);
          if (u < 0) break;
        }
        out[o + j] = Math.max(-1, Math.min(1, (v - mix.means[m]) / (SPAN * mix.stds[m])));
        out[o + d + j * slots + m] = 1;
      }
    }
  }

  /**
   * Values from n encoded rows (at offset r·stride) whose mode slots hold logits: each
   * column's mode is drawn from the softmax of its logits by the Gumbel-max trick (what
   * CTGAN's Gumbel-softmax then argmax amounts to), and its α is mapped back.
   */
  decode(encoded: Float32Array, n: number, stride: number, random: Random): Float32Array {
    const { d, slots } = this;
    const out = new Float32Array(n * d);
    for (let r = 0; r < n; r++) {
      const o = r * stride;
      for (let j = 0; j < d; j++) {
        const mix = this.columns[j];
        const best = gumbelArgmax(encoded, o + d + j * slots, mix.means.length, random);
        const alpha = Math.max(-1, Math.min(1, encoded[o + j]));
        out[r * d + j] = alpha * SPAN * mix.stds[best] + mix.means[best];
      }
    }
    return out;
  }
}

/** A draw from the softmax of the `count` logits at `offset`, by the Gumbel-max trick. */
export function gumbelArgmax(logits: Float32Array, offset: number, count: number, random: Random): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let i = 0; i < count; i++) {
    const score = logits[offset + i] + gumbel(random);
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}

/** a standard Gumbel draw, −log(−log U) */
export function gumbel(random: Random): number {
  let u = 0;
  while (u === 0) u = random.next();
  return -Math.log(-Math.log(u));
}
