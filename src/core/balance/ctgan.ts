/**
 * CTGAN (Xu et al. 2019, "Modeling Tabular Data using Conditional GAN") conditioned on
 * the class, for balancing: fit on the training rows, then generate rows of the classes
 * that need them.
 *
 * As in the paper and its reference code: continuous columns go through mode-specific
 * normalisation (mode-normalizer.ts); the class is the one discrete column and the
 * conditional vector is its one-hot; training-by-sampling draws a class with probability
 * ∝ log(1 + its count), then a real row of that class; the generator is residual blocks
 * (Linear → BatchNorm → ReLU, concatenated with their input) with tanh for each α and
 * Gumbel-softmax (τ = 0.2) for each one-hot; the critic (Linear → LeakyReLU 0.2 →
 * Dropout 0.5 per layer) judges packs of `pac` rows with their conditions under the
 * WGAN-GP loss (λ = 10); the generator's loss adds the cross-entropy between its class
 * output and the condition; Adam (lr 2e-4, betas 0.5/0.9, weight decay 1e-6) on both;
 * one critic step per generator step; max(1, ⌊n / batch_size⌋) steps per epoch.
 *
 * Where it departs, and why:
 * - modes come from EM with the number of modes chosen by BIC, not from a variational
 *   Bayesian mixture (gaussian-mixture.ts), to keep the core free of a VB solver;
 * - a row's mode is drawn afresh each time the row enters a batch, not once up front,
 *   so memory stays flat (mode-normalizer.ts);
 * - sampling normalises with BatchNorm's running statistics (PyTorch's eval mode): a
 *   batch of one class would otherwise subtract the condition's effect out of every
 *   block. The running statistics move once per step, in the critic step's generator pass;
 * - sampled rows carry the class they were conditioned on; the generator's own class
 *   output is only compared with it (`conditionMatched`), as a sign the condition took;
 * - weights start from seeded Glorot-uniform (the project's convention), not PyTorch's
 *   default initialisation.
 */
import * as tf from '@tensorflow/tfjs-core';
import { throwIfAborted, Random } from '../util';
import { seededGlorot } from '../detectors';
import type { Matrix } from '../ingest';
import { CTGAN_DEFAULTS, type CtganFitOptions, type CtganHistory, type CtganParams } from './ctgan-params';
import { freshWeights, Generator, savedWeights, type NamedWeight, type WeightSource } from './ctgan-networks';
import { generatorInput, train, type Layout } from './ctgan-training';
import { gumbelArgmax, ModeNormalizer, type ModeNormalizerJSON } from './mode-normalizer';
import { appendRows, classCounts, planResampling, RESAMPLE_DEFAULTS, rowsByClass, type Balanced, type ResampleParams } from './resample';

export { CTGAN_DEFAULTS, type CtganFitOptions, type CtganHistory, type CtganParams, type CtganProgress } from './ctgan-params';

export interface CtganSample {
  x: Matrix;
  /** the class each row was conditioned on */
  y: Int32Array;
  /** share of rows whose generated class column (sampled from its softmax) equals their condition */
  conditionMatched: number;
}

/** Plain JSON; the generator's weights are base64 float32 (see float-base64.ts). The critic is not kept: it is only needed to train. */
export interface CtganJSON {
  kind: 'ctgan';
  version: number;
  params: CtganParams;
  nClasses: number;
  /** training rows per class; a class without rows cannot be sampled */
  classCounts: number[];
  normalizer: ModeNormalizerJSON;
  generator: NamedWeight[];
  history: CtganHistory;
}

const JSON_VERSION = 1;
/** rows per generator pass when sampling */
const SAMPLE_CHUNK = 4096;

interface Fitted {
  normalizer: ModeNormalizer;
  generator: Generator;
  counts: Int32Array;
  history: CtganHistory;
}

export class Ctgan {
  readonly kind = 'ctgan';
  readonly params: Readonly<CtganParams>;
  private fitted: Fitted | null = null;

  constructor(params: Partial<CtganParams> = {}) {
    const p = { ...CTGAN_DEFAULTS, ...params };
    checkParams(p);
    this.params = { ...p, generator_dim: [...p.generator_dim], discriminator_dim: [...p.discriminator_dim] };
  }

  get history(): CtganHistory | undefined {
    return this.fitted?.history;
  }

  /** Fits on rows x (numeric, finite, preferably standard-scaled) with classes y in 0…k−1. */
  async fit(x: Matrix, y: Int32Array, k: number, options: CtganFitOptions = {}): Promise<void> {
    if (x.n < 1 || x.d < 1) throw new RangeError(`cannot fit CTGAN on ${x.n}×${x.d} rows`);
    if (x.n !== y.length) throw new RangeError(`${x.n} rows but ${y.length} labels`);
    throwIfAborted(options.signal, 'CTGAN');
    await tf.ready();
    const random = new Random(this.params.random_state);
    const counts = classCounts(y, k);
    const normalizer = await ModeNormalizer.fit(x, { ...this.params, max_rows: this.params.max_mixture_rows }, random, options);
    const layout = { d: x.d, slots: normalizer.slots, k };
    const generator = newGenerator(this.params, layout, freshWeights(seededGlorot(random.int(2 ** 31))));
    try {
      const history = await train(x, rowsByClass(y, k), normalizer, generator, layout, this.params, random, options);
      this.dispose();
      this.fitted = { normalizer, generator, counts, history };
    } catch (e) {
      generator.dispose();
      throw e;
    }
  }

  /**
   * Rows per class, in class order, e.g. [0, 500, 200] or {1: 500, 2: 200}. The same
   * random_state (by default the fit's) gives the same rows.
   */
  sample(nPerClass: readonly number[] | Readonly<Record<number, number>>, random_state = this.params.random_state): CtganSample {
    const { normalizer, generator, counts } = this.require();
    const k = counts.length;
    const want = wanted(nPerClass, k);
    want.forEach((n, c) => {
      if (n > 0 && counts[c] === 0) throw new RangeError(`class ${c} had no training rows, so CTGAN cannot generate it`);
    });
    const layout = { d: normalizer.d, slots: normalizer.slots, k };
    const stride = normalizer.width + k;
    const random = new Random(random_state);
    const total = want.reduce((a, b) => a + b, 0);
    const x = new Float32Array(total * layout.d);
    const y = new Int32Array(total);
    let at = 0;
    let matched = 0;
    for (let c = 0; c < k; c++) {
      for (let left = want[c]; left > 0;) {
        const n = Math.min(left, SAMPLE_CHUNK);
        const classes = new Int32Array(n).fill(c);
        const out = tf.tidy(() => {
          const logits = generator.forward(generatorInput(n, classes, this.params.embedding_dim, k, random), 'eval');
          const [alpha, rest] = tf.split(logits, [layout.d, stride - layout.d], 1);
          return tf.concat([tf.tanh(alpha), rest], 1);
        });
        const values = out.dataSync() as Float32Array;
        out.dispose();
        x.set(normalizer.decode(values, n, stride, random), at * layout.d);
        for (let r = 0; r < n; r++) if (gumbelArgmax(values, r * stride + normalizer.width, k, random) === c) matched++;
        y.fill(c, at, at + n);
        at += n;
        left -= n;
      }
    }
    return { x: { n: total, d: layout.d, data: x }, y, conditionMatched: total > 0 ? matched / total : NaN };
  }

  toJSON(): CtganJSON {
    const { normalizer, generator, counts, history } = this.require();
    return {
      kind: 'ctgan',
      version: JSON_VERSION,
      params: { ...this.params, generator_dim: [...this.params.generator_dim], discriminator_dim: [...this.params.discriminator_dim] },
      nClasses: counts.length,
      classCounts: Array.from(counts),
      normalizer: normalizer.toJSON(),
      generator: generator.toJSON(),
      history: { generatorLoss: [...history.generatorLoss], criticLoss: [...history.criticLoss] },
    };
  }

  /** Needs an initialised TensorFlow.js backend (see ensureBackend). */
  static fromJSON(json: CtganJSON): Ctgan {
    if (json?.kind !== 'ctgan') throw new Error(`expected a "ctgan" model, got "${String(json?.kind)}"`);
    if (json.version !== JSON_VERSION) throw new Error(`ctgan model file version ${String(json.version)} is not supported (expected ${JSON_VERSION})`);
    if (!Array.isArray(json.classCounts) || json.classCounts.length !== json.nClasses) throw new Error('the ctgan model file has no class counts');
    const model = new Ctgan(json.params);
    const normalizer = ModeNormalizer.fromJSON(json.normalizer);
    const layout = { d: normalizer.d, slots: normalizer.slots, k: json.nClasses };
    const generator = newGenerator(model.params, layout, savedWeights(json.generator));
    model.fitted = { normalizer, generator, counts: Int32Array.from(json.classCounts), history: json.history };
    return model;
  }

  dispose(): void {
    this.fitted?.generator.dispose();
    this.fitted = null;
  }

  private require(): Fitted {
    if (!this.fitted) throw new Error('CTGAN is not fitted');
    return this.fitted;
  }
}

/**
 * Balances by CTGAN: fits on all of x, then generates each class's shortfall towards
 * `sampling_strategy`'s targets. The added rows follow the original ones.
 */
export async function ctganBalance(
  x: Matrix,
  y: Int32Array,
  k: number,
  params: Partial<CtganParams & ResampleParams> = {},
  options: CtganFitOptions = {},
): Promise<Balanced> {
  const { sampling_strategy = RESAMPLE_DEFAULTS.sampling_strategy, max_rows_per_class = RESAMPLE_DEFAULTS.max_rows_per_class, ...ctganParams } = params;
  const { add } = planResampling(x, y, k, { sampling_strategy, max_rows_per_class, random_state: ctganParams.random_state ?? CTGAN_DEFAULTS.random_state });
  if (!add.some((a) => a > 0)) return appendRows(x, y, [], []);
  const model = new Ctgan(ctganParams);
  try {
    await model.fit(x, y, k, options);
    const s = model.sample(Array.from(add, (a) => Math.max(0, a)));
    const added = [];
    for (let c = 0, at = 0; c < k; c++) {
      if (add[c] <= 0) continue;
      added.push({ cls: c, x: { n: add[c], d: x.d, data: s.x.data.subarray(at * x.d, (at + add[c]) * x.d) } });
      at += add[c];
    }
    const note = `CTGAN trained ${model.params.epochs} epochs on ${x.n} rows; the generator's own class output agreed with the requested class for ${(100 * s.conditionMatched).toFixed(1)}% of the added rows`;
    return appendRows(x, y, added, [note]);
  } finally {
    model.dispose();
  }
}

function newGenerator(p: CtganParams, { d, slots, k }: Layout, source: WeightSource): Generator {
  return new Generator(p.embedding_dim + k, p.generator_dim, d * (1 + slots) + k, source);
}

function wanted(nPerClass: readonly number[] | Readonly<Record<number, number>>, k: number): number[] {
  const want = new Array<number>(k).fill(0);
  for (const [key, n] of Object.entries(nPerClass)) {
    const c = Number(key);
    if (!(Number.isInteger(c) && c >= 0 && c < k)) throw new RangeError(`cannot sample class ${key}: the model knows classes 0…${k - 1}`);
    if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`rows to sample must be non-negative integers, got ${n} for class ${c}`);
    want[c] = n;
  }
  return want;
}

function checkParams(p: CtganParams): void {
  const positiveInt = (v: number) => Number.isInteger(v) && v >= 1;
  const widths = (v: number[]) => Array.isArray(v) && v.length > 0 && v.every(positiveInt);
  if (!positiveInt(p.embedding_dim)) throw new RangeError(`embedding_dim must be a positive integer, got ${p.embedding_dim}`);
  if (!widths(p.generator_dim)) throw new RangeError(`generator_dim must be a non-empty list of positive integers, got ${JSON.stringify(p.generator_dim)}`);
  if (!widths(p.discriminator_dim))
    throw new RangeError(`discriminator_dim must be a non-empty list of positive integers, got ${JSON.stringify(p.discriminator_dim)}`);
  for (const key of ['generator_lr', 'discriminator_lr'] as const) if (!(p[key] > 0)) throw new RangeError(`${key} must be positive, got ${p[key]}`);
  for (const key of ['generator_decay', 'discriminator_decay'] as const) if (!(p[key] >= 0)) throw new RangeError(`${key} must be non-negative, got ${p[key]}`);
  if (!positiveInt(p.pac)) throw new RangeError(`pac must be a positive integer, got ${p.pac}`);
  if (!positiveInt(p.batch_size) || p.batch_size % p.pac !== 0)
    throw new RangeError(`batch_size must be a positive multiple of pac (${p.pac}), got ${p.batch_size}`);
  if (!positiveInt(p.discriminator_steps)) throw new RangeError(`discriminator_steps must be a positive integer, got ${p.discriminator_steps}`);
  if (!positiveInt(p.epochs)) throw new RangeError(`epochs must be a positive integer, got ${p.epochs}`);
  if (!(positiveInt(p.max_modes) && p.max_modes <= 100)) throw new RangeError(`max_modes must be an integer in 1…100, got ${p.max_modes}`);
  if (!(p.weight_threshold >= 0 && p.weight_threshold < 1)) throw new RangeError(`weight_threshold must be in [0, 1), got ${p.weight_threshold}`);
  if (!positiveInt(p.max_mixture_rows)) throw new RangeError(`max_mixture_rows must be a positive integer, got ${p.max_mixture_rows}`);
  if (!Number.isInteger(p.random_state)) throw new RangeError(`random_state must be an integer, got ${p.random_state}`);
}
