/**
 * The CTGAN critic's hand-written input gradient (the gradient penalty's) and the JS Adam,
 * each checked against an independent computation: tfjs's own autodiff, central finite
 * differences, and tf.train.adam.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam } from '../../src/core/balance/adam';
import { Critic, freshWeights } from '../../src/core/balance/ctgan-networks';
import { ensureBackend, seededGlorot } from '../../src/core/detectors';
import { Random } from '../../src/core/util';

const INPUTS = 12;
const PACKS = 6;
const SEED = 77;

function randomMatrix(rows: number, cols: number, random: Random): tf.Tensor2D {
  return tf.tensor2d(
    Float32Array.from({ length: rows * cols }, () => random.normal()),
    [rows, cols],
  );
}

/** The penalty's norms with the input gradient from tfjs's autodiff of the critic (first order only). */
function autodiffPenalty(critic: Critic, x: tf.Tensor2D): number {
  return tf.tidy(() => {
    const g = tf.grad((v) => critic.forward(v as tf.Tensor2D, SEED, { input: true, weights: false }))(x);
    return tf.sum(tf.square(tf.sub(tf.sqrt(tf.sum(tf.square(g), 1)), 1))).dataSync()[0];
  });
}

describe('CTGAN critic input gradient', () => {
  // three hidden layers, so the chain rule's loop runs more than once; biases made non-zero
  let critic: Critic;
  let x: tf.Tensor2D;
  beforeAll(async () => {
    await ensureBackend('wasm');
    critic = new Critic(INPUTS, [16, 10, 8], freshWeights(seededGlorot(5)));
    const random = new Random(3);
    for (const v of critic.trainable) if (v.shape.length === 1) tf.tidy(() => v.assign(tf.reshape(tf.mul(0.3, randomMatrix(1, v.shape[0], random)), v.shape)));
    x = randomMatrix(PACKS, INPUTS, random);
  });

  it('equals the transpose of tf.grad of the critic, dropout masks included', () => {
    const [t, g] = tf.tidy(() => [
      critic.transposedInputGradient(critic.slopes(x, SEED)),
      tf.transpose(tf.grad((v) => critic.forward(v as tf.Tensor2D, SEED, { input: true, weights: false }))(x)) as tf.Tensor2D,
    ]);
    const mine = t.arraySync();
    const reference = g.arraySync();
    tf.dispose([t, g]);
    expect(mine.length).toBe(INPUTS);
    expect(mine[0].length).toBe(PACKS);
    mine.forEach((r, i) => r.forEach((v, j) => expect(v).toBeCloseTo(reference[i][j], 4)));
    // dropout zeroes some of the critic's paths, so a different seed gives a different gradient
    const other = tf.tidy(() => critic.transposedInputGradient(critic.slopes(x, SEED + 100)).arraySync());
    expect(other.flat().some((v, i) => Math.abs(v - mine.flat()[i]) > 1e-3)).toBe(true);
  });

  it("differentiates the penalty with respect to the critic's weights as finite differences do", () => {
    const slopes = critic.slopes(x, SEED);
    const { grads, value } = tf.variableGrads(() => {
      const norms = tf.sqrt(tf.sum(tf.square(critic.transposedInputGradient(slopes)), 0));
      return tf.sum(tf.square(tf.sub(norms, 1))) as tf.Scalar;
    }, critic.trainable);
    expect(value.dataSync()[0]).toBeCloseTo(autodiffPenalty(critic, x), 3);
    const h = 1e-3;
    for (const v of critic.trainable) {
      // biases reach the input gradient only through the slopes, a step function: tfjs leaves their (zero) gradients out
      const tape = grads[v.name]?.dataSync() ?? new Float32Array(v.size);
      // the entries with the largest gradients, where a float32 difference quotient is informative
      const largest = Array.from(tape.keys())
        .sort((a, b) => Math.abs(tape[b]) - Math.abs(tape[a]))
        .slice(0, 3);
      const scale = Math.max(1, ...Array.from(tape, Math.abs));
      for (const i of largest) {
        const original = v.dataSync().slice();
        const at = (delta: number) => {
          const moved = original.slice();
          moved[i] += delta;
          tf.tidy(() => v.assign(tf.tensor(moved, v.shape)));
          return autodiffPenalty(critic, x);
        };
        const difference = (at(h) - at(-h)) / (2 * h);
        tf.tidy(() => v.assign(tf.tensor(original, v.shape)));
        expect(Math.abs(difference - tape[i])).toBeLessThan(0.02 * scale + 1e-3);
      }
    }
    tf.dispose([value, grads, ...slopes]);
  });
});

describe('Adam with coupled weight decay (torch.optim.Adam)', () => {
  beforeAll(async () => {
    await ensureBackend('wasm');
  });

  it('follows tf.train.adam given the gradient plus decay·w, step for step', () => {
    const params = { lr: 0.01, beta1: 0.5, beta2: 0.9, epsilon: 1e-8, decay: 0.1 };
    const random = new Random(9);
    const start = randomMatrix(4, 5, random);
    const mine = tf.variable(start);
    const theirs = tf.variable(start);
    const adam = new Adam([mine], params);
    const reference = tf.train.adam(params.lr, params.beta1, params.beta2, params.epsilon);
    for (let t = 0; t < 6; t++) {
      const g = randomMatrix(4, 5, random);
      adam.step({ [mine.name]: g });
      const coupled = tf.add(g, tf.mul(params.decay, theirs));
      reference.applyGradients([{ name: theirs.name, tensor: coupled }]);
      tf.dispose([g, coupled]);
    }
    const a = mine.dataSync();
    const b = theirs.dataSync();
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 5));
    expect(a.some((v, i) => v !== start.dataSync()[i])).toBe(true);
    tf.dispose([start, mine, theirs]);
    reference.dispose();
  });

  it('moves a weight with zero gradient by about lr on the first step (decay enters the moments, not the weight)', () => {
    const w = tf.variable(tf.tensor1d([1, -2]));
    new Adam([w], { lr: 2e-4, beta1: 0.5, beta2: 0.9, epsilon: 1e-8, decay: 1e-6 }).step({ [w.name]: tf.zeros([2]) });
    // g = decay·w, so m̂/(√v̂ + ε) = sign(w)·decay/(decay + ε): an Adam step of ~lr, where AdamW would move lr·decay·w
    const [a, b] = w.dataSync();
    expect(a).toBeCloseTo(1 - 2e-4 * (1e-6 / (1e-6 + 1e-8)), 7);
    expect(b).toBeCloseTo(-2 + 2e-4 * (2e-6 / (2e-6 + 1e-8)), 7);
    w.dispose();
  });
});
