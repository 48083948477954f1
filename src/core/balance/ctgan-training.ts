/**
 * CTGAN's training loop (see ctgan.ts for what follows the paper and what does not):
 * per step one WGAN-GP critic step (or `discriminator_steps`) and one generator step, on
 * batches drawn by training-by-sampling. Seeded throughout: noise, Gumbel draws, the
 * penalty's mixing weights and the rows come from one `Random`, dropout masks from seeds
 * it draws. Gives the event loop a turn every 50 ms so an abort gets through.
 */
import * as tf from '@tensorflow/tfjs-core';
import { throwIfAborted, type Random, yielder } from '../util';
import { seededGlorot } from '../detectors';
import type { Matrix } from '../ingest';
import type { CtganFitOptions, CtganHistory, CtganParams } from './ctgan-params';
import { Adam } from './adam';
import { Critic, freshWeights, type Generator } from './ctgan-networks';
import { gumbel, type ModeNormalizer } from './mode-normalizer';

const GP_LAMBDA = 10;
const GUMBEL_TAU = 0.2;
/** the reference's betas, PyTorch's epsilon */
const ADAM = { beta1: 0.5, beta2: 0.9, epsilon: 1e-8 };
/** keeps the gradient norm's own gradient finite where dropout zeroed every path */
const NORM_EPSILON = 1e-12;
/** the "noise" of padded mode slots, so their softmax weight is 0 */
const MASKED = -1e9;

/** Widths of the generator's output: d alphas, d × slots mode logits, k class logits. */
export interface Layout {
  d: number;
  slots: number;
  k: number;
}

export async function train(
  x: Matrix,
  byClass: Uint32Array[],
  normalizer: ModeNormalizer,
  generator: Generator,
  layout: Layout,
  p: CtganParams,
  random: Random,
  { progress, signal }: CtganFitOptions,
): Promise<CtganHistory> {
  const { k } = layout;
  const critic = new Critic(p.pac * (normalizer.width + 2 * k), p.discriminator_dim, freshWeights(seededGlorot(random.int(2 ** 31))));
  const optG = new Adam(generator.trainable, { ...ADAM, lr: p.generator_lr, decay: p.generator_decay });
  const optD = new Adam(critic.trainable, { ...ADAM, lr: p.discriminator_lr, decay: p.discriminator_decay });
  const drawClass = classSampler(byClass, p.log_frequency);
  const steps = Math.max(1, Math.floor(x.n / p.batch_size));
  const history: CtganHistory = { generatorLoss: [], criticLoss: [] };
  const batch = { size: p.batch_size, layout, normalizer, slotUsed: normalizer.slotMask(), random };
  const breathe = yielder();
  try {
    for (let epoch = 0; epoch < p.epochs; epoch++) {
      let gSum = 0;
      let dSum = 0;
      for (let s = 0; s < steps; s++) {
        throwIfAborted(signal, 'CTGAN');
        for (let i = 0; i < p.discriminator_steps; i++) dSum += await criticStep(x, byClass, drawClass, generator, critic, optD, p, batch);
        gSum += await generatorStep(drawClass, generator, critic, optG, p, batch);
        await breathe();
      }
      const generatorLoss = gSum / steps;
      const criticLoss = dSum / (steps * p.discriminator_steps);
      if (!Number.isFinite(generatorLoss) || !Number.isFinite(criticLoss))
        throw new Error(`the CTGAN fit diverged at epoch ${epoch + 1}: try lower learning rates`);
      history.generatorLoss.push(generatorLoss);
      history.criticLoss.push(criticLoss);
      progress?.({ stage: 'epoch', done: epoch + 1, total: p.epochs, loss: generatorLoss, criticLoss });
    }
    return history;
  } finally {
    critic.dispose();
  }
}

/** What each step needs besides the networks. */
interface BatchContext {
  size: number;
  layout: Layout;
  normalizer: ModeNormalizer;
  /** d × slots: 1 for a column's modes, 0 for padding */
  slotUsed: Float32Array;
  random: Random;
}

/** One WGAN-GP critic step on real rows against generated ones of the same classes; returns E[critic(fake)] − E[critic(real)]. */
async function criticStep(
  x: Matrix,
  byClass: Uint32Array[],
  drawClass: (random: Random) => number,
  generator: Generator,
  critic: Critic,
  optimizer: Adam,
  p: CtganParams,
  ctx: BatchContext,
): Promise<number> {
  const { size, layout, normalizer, random } = ctx;
  const classes = Int32Array.from({ length: size }, () => drawClass(random));
  // the real rows have the same classes in another order, so no pack pairs a real row with its own condition's fake
  const realClasses = random.permutation(size).map((i) => classes[i]);
  const width = normalizer.width + 2 * layout.k;
  const real = new Float32Array(size * width);
  const rows = Array.from(realClasses, (c) => byClass[c][random.int(byClass[c].length)]);
  normalizer.encode(x, rows, random, real, width);
  realClasses.forEach((c, r) => {
    real[r * width + normalizer.width + c] = 1;
    real[r * width + normalizer.width + layout.k + c] = 1;
  });
  const input = generatorInput(size, classes, p.embedding_dim, layout.k, random);
  const noise = gumbelNoise(size, ctx);
  const packs = size / p.pac;
  const mix = tf.tensor2d(
    Float32Array.from({ length: packs }, () => random.next()),
    [packs, 1],
  );
  const seeds = [random.int(2 ** 30), random.int(2 ** 30), random.int(2 ** 30)];
  const [realPacked, fakePacked, between] = tf.tidy(() => {
    const fake = activate(generator.forward(input, 'track'), noise, ctx);
    const realRows = tf.reshape(tf.tensor2d(real, [size, width]), [packs, -1]) as tf.Tensor2D;
    const fakeRows = tf.reshape(tf.concat([fake, tf.slice(input, [0, p.embedding_dim], [size, layout.k])], 1), [packs, -1]) as tf.Tensor2D;
    return [realRows, fakeRows, tf.add(tf.mul(mix, realRows), tf.mul(tf.sub(1, mix), fakeRows)) as tf.Tensor2D];
  });
  const slopes = critic.slopes(between, seeds[2]);
  try {
    return await optimiserStep(optimizer, critic.trainable, () => {
      const weightsOnly = { input: false, weights: true };
      const wasserstein = tf.sub(tf.mean(critic.forward(fakePacked, seeds[0], weightsOnly)), tf.mean(critic.forward(realPacked, seeds[1], weightsOnly)));
      const norms = tf.sqrt(tf.add(tf.sum(tf.square(critic.transposedInputGradient(slopes)), 0), NORM_EPSILON));
      const penalty = tf.mul(tf.mean(tf.square(tf.sub(norms, 1))), GP_LAMBDA);
      return [wasserstein as tf.Scalar, penalty as tf.Scalar];
    });
  } finally {
    tf.dispose([input, noise.modes, noise.classes, mix, realPacked, fakePacked, between, ...slopes]);
  }
}

/** One generator step; returns −E[critic(fake)] + the class cross-entropy. */
async function generatorStep(
  drawClass: (random: Random) => number,
  generator: Generator,
  critic: Critic,
  optimizer: Adam,
  p: CtganParams,
  ctx: BatchContext,
): Promise<number> {
  const { size, layout, random } = ctx;
  const classes = Int32Array.from({ length: size }, () => drawClass(random));
  const input = generatorInput(size, classes, p.embedding_dim, layout.k, random);
  const noise = gumbelNoise(size, ctx);
  const seed = random.int(2 ** 30);
  try {
    return await optimiserStep(optimizer, generator.trainable, () => {
      const logits = generator.forward(input, 'train');
      const condition = tf.slice(input, [0, p.embedding_dim], [size, layout.k]);
      const fake = tf.reshape(tf.concat([activate(logits, noise, ctx), condition], 1), [size / p.pac, -1]) as tf.Tensor2D;
      const adversarial = tf.neg(tf.mean(critic.forward(fake, seed, { input: true, weights: false })));
      const classLogits = tf.slice(logits, [0, logits.shape[1] - layout.k], [size, layout.k]);
      const crossEntropy = tf.neg(tf.mean(tf.sum(tf.mul(condition, tf.logSoftmax(classLogits)), 1)));
      return [tf.add(adversarial, crossEntropy) as tf.Scalar];
    });
  } finally {
    tf.dispose([input, noise.modes, noise.classes]);
  }
}

/** One optimiser step on the sum of `terms` with respect to `variables`; returns the first term's value. */
async function optimiserStep(optimizer: Adam, variables: tf.Variable[], terms: () => tf.Scalar[]): Promise<number> {
  let reported: tf.Scalar | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const parts = terms();
    reported = tf.keep(parts[0]);
    return tf.addN(parts) as tf.Scalar;
  }, variables);
  optimizer.step(grads);
  tf.dispose([value, grads]);
  const result = (await reported!.data())[0];
  reported!.dispose();
  return result;
}

/** The generator's raw outputs made into a row as the critic sees it: tanh for each α, Gumbel-softmax for each one-hot. */
function activate(logits: tf.Tensor2D, noise: GumbelNoise, { layout }: BatchContext): tf.Tensor2D {
  const { d, slots, k } = layout;
  const [alpha, modes, classes] = tf.split(logits, [d, d * slots, k], 1);
  const modeLogits = tf.reshape(tf.add(modes, noise.modes), [-1, d, slots]);
  const modeProbs = tf.reshape(tf.softmax(tf.div(modeLogits, GUMBEL_TAU)), [-1, d * slots]);
  const classProbs = tf.softmax(tf.div(tf.add(classes, noise.classes), GUMBEL_TAU));
  return tf.concat([tf.tanh(alpha), modeProbs, classProbs], 1) as tf.Tensor2D;
}

/** [z ~ N(0, 1) | one-hot condition], the generator's input. */
export function generatorInput(n: number, classes: Int32Array, embedding: number, k: number, random: Random): tf.Tensor2D {
  const width = embedding + k;
  const values = new Float32Array(n * width);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < embedding; j++) values[r * width + j] = random.normal();
    values[r * width + embedding + classes[r]] = 1;
  }
  return tf.tensor2d(values, [n, width]);
}

/** Gumbel draws for n rows' mode and class logits; a padded mode slot gets MASKED instead, so its softmax weight is 0. */
interface GumbelNoise {
  modes: tf.Tensor2D;
  classes: tf.Tensor2D;
}

function gumbelNoise(n: number, { layout: { d, slots, k }, slotUsed, random }: BatchContext): GumbelNoise {
  const modes = new Float32Array(n * d * slots);
  for (let i = 0; i < modes.length; i++) modes[i] = slotUsed[i % slotUsed.length] ? gumbel(random) : MASKED;
  return {
    modes: tf.tensor2d(modes, [n, d * slots]),
    classes: tf.tensor2d(
      Float32Array.from({ length: n * k }, () => gumbel(random)),
      [n, k],
    ),
  };
}

/** Training-by-sampling's class draw: ∝ log(1 + count), or ∝ count; classes without rows are never drawn. */
function classSampler(byClass: Uint32Array[], logFrequency: boolean): (random: Random) => number {
  const weights = byClass.map((rows) => (logFrequency ? Math.log1p(rows.length) : rows.length));
  const total = weights.reduce((a, b) => a + b, 0);
  let last = weights.length - 1;
  while (last > 0 && weights[last] === 0) last--;
  return (random) => {
    let u = random.next() * total;
    for (let c = 0; c < last; c++) {
      u -= weights[c];
      if (u < 0) return c;
    }
    // rounding can leave u a hair above 0 after the last class with rows
    return last;
  };
}
