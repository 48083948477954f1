/**
 * CTGAN's generator and critic (Xu et al. 2019, §4.4 and the reference code), as plain
 * tf.variables rather than tfjs-layers models: each step says which operands it
 * differentiates (a product's gradient costs as much as the product), and the critic's
 * gradient penalty needs the critic's input gradient written out (Critic.transposedInputGradient).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WeightInitializer } from '../detectors';
import { base64ToFloats, floatsToBase64 } from './float-base64';

/** One weight tensor in JSON: float32 values as base64 (see float-base64.ts). */
export interface NamedWeight {
  name: string;
  shape: number[];
  data: string;
}

/** PyTorch's BatchNorm1d defaults, which the reference code uses */
const BN_EPS = 1e-5;
const BN_MOMENTUM = 0.1;
const LEAKY_SLOPE = 0.2;
const DROPOUT = 0.5;

/** Where a network's initial values come from: fresh initialisers or saved weights. */
export type WeightSource = (name: string, shape: number[], init: 'glorot' | 'zeros' | 'ones') => tf.Tensor;

export function freshWeights(nextInit: () => WeightInitializer): WeightSource {
  return (_name, shape, init) => (init === 'glorot' ? nextInit().apply(shape) : init === 'ones' ? tf.ones(shape) : tf.zeros(shape));
}

export function savedWeights(weights: readonly NamedWeight[]): WeightSource {
  const byName = new Map(weights.map((w) => [w.name, w]));
  return (name, shape) => {
    const w = byName.get(name);
    if (!w) throw new Error(`the saved generator lacks weight ${name}`);
    if (w.shape.join() !== shape.join()) throw new Error(`the saved weight ${name} is ${w.shape.join('×')}, expected ${shape.join('×')}`);
    return tf.tensor(base64ToFloats(w.data), shape);
  };
}

/** A network's variables by name, in creation order. */
class Weights {
  readonly all = new Map<string, tf.Variable>();

  constructor(private readonly source: WeightSource) {}

  make(name: string, shape: number[], init: 'glorot' | 'zeros' | 'ones', trainable = true): tf.Variable {
    const initial = this.source(name, shape, init);
    const v = tf.variable(initial, trainable);
    initial.dispose();
    this.all.set(name, v);
    return v;
  }

  dense(name: string, inputs: number, outputs: number): Dense {
    return { w: this.make(`${name}.w`, [inputs, outputs], 'glorot'), b: this.make(`${name}.b`, [outputs], 'zeros') };
  }

  /** Runs `make`, disposing what it created if it fails (e.g. on a saved weight of the wrong shape). */
  build<T>(make: () => T): T {
    try {
      return make();
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  get trainable(): tf.Variable[] {
    return [...this.all.values()].filter((v) => v.trainable);
  }

  toJSON(): NamedWeight[] {
    return [...this.all].map(([name, v]) => ({ name, shape: v.shape, data: floatsToBase64(v.dataSync() as Float32Array) }));
  }

  dispose(): void {
    for (const v of this.all.values()) v.dispose();
    this.all.clear();
  }
}

interface Dense {
  w: tf.Variable;
  b: tf.Variable;
}

/** Which operands of a layer the current gradient needs: the rest are constants, and their gradients are never computed. */
export interface Needs {
  input: boolean;
  weights: boolean;
}

const NO_GRADIENTS: Needs = { input: false, weights: false };

function dense(layer: Dense, x: tf.Tensor2D, needs: Needs): tf.Tensor2D {
  return tf.add(product(x, layer.w, needs.input, needs.weights), layer.b);
}

/**
 * a·b with gradients only for the operands that need one (a critic's input, or the
 * weights of the network a step does not train, would cost as much again as the product
 * itself), each a plain product with explicitly transposed operands: the wasm backend's
 * matMul with transposeA or transposeB is 10–20 times slower than a transpose followed by
 * a plain product (tfjs 4.22). Of the two ways to write each gradient, the one that
 * transposes fewer values is taken: for a (m×k) · b (k×n) and dy (m×n),
 * ∂a = dy·bᵀ or (b·dyᵀ)ᵀ, ∂b = aᵀ·dy or (dyᵀ·a)ᵀ; a 4000×256 critic weight is not
 * transposed to multiply a 50×256 gradient.
 */
function product(a: tf.Tensor, b: tf.Tensor, gradA: boolean, gradB: boolean): tf.Tensor2D {
  if (!gradA && !gradB) return tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D);
  const [m, k] = a.shape as [number, number];
  const n = (b.shape as [number, number])[1];
  const withGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    // the tape disposes the forward pass's tensors before the backward one: keep what the gradients multiply by
    const save = args[args.length - 1] as tf.GradSaveFunc;
    save([...(gradA ? [b] : []), ...(gradB ? [a] : [])]);
    return {
      value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sb, sa] = gradA ? [saved[0], saved[1]] : [undefined, saved[0]];
        const grads: tf.Tensor[] = [];
        if (sb) grads.push(k * n <= m * n + k * m ? tf.matMul(dy, tf.transpose(sb)) : tf.transpose(tf.matMul(sb, tf.transpose(dy))));
        if (sa) grads.push(m * k <= m * n + n * k ? tf.matMul(tf.transpose(sa), dy) : tf.transpose(tf.matMul(tf.transpose(dy), sa)));
        return grads;
      },
    };
  });
  return withGradient(...(gradA ? [a] : []), ...(gradB ? [b] : [])) as tf.Tensor2D;
}

interface Residual {
  dense: Dense;
  gamma: tf.Variable;
  beta: tf.Variable;
  mean: tf.Variable;
  variance: tf.Variable;
}

/**
 * 'train' normalises by batch statistics; 'track' does too and moves the running
 * statistics (call it outside a gradient, once per step); 'eval' uses the running ones,
 * so a sample does not depend on what else is in its batch.
 */
export type GeneratorMode = 'train' | 'track' | 'eval';

/** Residual blocks (Linear → BatchNorm → ReLU, output concatenated with the input), then a Linear to the raw outputs. */
export class Generator {
  private readonly weights: Weights;
  private readonly blocks: Residual[] = [];
  private readonly out: Dense;

  constructor(inputs: number, hidden: readonly number[], outputs: number, source: WeightSource) {
    const w = (this.weights = new Weights(source));
    this.out = w.build(() => {
      let width = inputs;
      hidden.forEach((h, i) => {
        this.blocks.push({
          dense: w.dense(`residual${i}`, width, h),
          gamma: w.make(`residual${i}.gamma`, [h], 'ones'),
          beta: w.make(`residual${i}.beta`, [h], 'zeros'),
          mean: w.make(`residual${i}.running_mean`, [h], 'zeros', false),
          variance: w.make(`residual${i}.running_var`, [h], 'ones', false),
        });
        width += h;
      });
      return w.dense('output', width, outputs);
    });
  }

  get trainable(): tf.Variable[] {
    return this.weights.trainable;
  }

  forward(input: tf.Tensor2D, mode: GeneratorMode): tf.Tensor2D {
    // in training every weight needs a gradient, and so does every layer's input but the first (noise and condition)
    const train = mode === 'train';
    let needs: Needs = { input: false, weights: train };
    let h = input;
    for (const block of this.blocks) {
      const a = dense(block.dense, h, needs);
      needs = { input: train, weights: train };
      let mean: tf.Tensor = block.mean;
      let variance: tf.Tensor = block.variance;
      if (mode !== 'eval') {
        ({ mean, variance } = tf.moments(a, 0));
        if (mode === 'track') {
          const n = a.shape[0];
          // PyTorch keeps the unbiased batch variance in its running average
          block.mean.assign(tf.add(tf.mul(block.mean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
          block.variance.assign(tf.add(tf.mul(block.variance, 1 - BN_MOMENTUM), tf.mul(variance, (BN_MOMENTUM * n) / Math.max(1, n - 1))));
        }
      }
      const normed = tf.add(tf.mul(tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, BN_EPS))), block.gamma), block.beta);
      h = tf.concat([tf.relu(normed), h], 1) as tf.Tensor2D;
    }
    return dense(this.out, h, needs);
  }

  toJSON(): NamedWeight[] {
    return this.weights.toJSON();
  }

  dispose(): void {
    this.weights.dispose();
  }
}

/** (Linear → LeakyReLU 0.2 → Dropout 0.5) per hidden width, then a Linear to one score per pack. */
export class Critic {
  private readonly weights: Weights;
  private readonly hidden: Dense[];
  private readonly out: Dense;

  constructor(inputs: number, hidden: readonly number[], source: WeightSource) {
    const w = (this.weights = new Weights(source));
    this.hidden = w.build(() => hidden.map((h, i) => w.dense(`hidden${i}`, i === 0 ? inputs : hidden[i - 1], h)));
    this.out = w.build(() => w.dense('output', hidden.at(-1) ?? inputs, 1));
  }

  get trainable(): tf.Variable[] {
    return this.weights.trainable;
  }

  /**
   * Scores of packed rows; each dropout mask is drawn from `dropoutSeed` + its layer, so
   * steps are reproducible. `needs` says what the step differentiates: the critic's
   * weights (its own step) or the packed rows (the generator's step).
   */
  forward(x: tf.Tensor2D, dropoutSeed: number, needs: Needs): tf.Tensor2D {
    let h = x;
    let layerNeeds = needs;
    this.hidden.forEach((layer, i) => {
      h = tf.dropout(tf.leakyRelu(dense(layer, h, layerNeeds), LEAKY_SLOPE), DROPOUT, undefined, dropoutSeed + i) as tf.Tensor2D;
      // a deeper layer's input carries the earlier layers' weights
      layerNeeds = { input: needs.input || needs.weights, weights: needs.weights };
    });
    return dense(this.out, h, layerNeeds);
  }

  /**
   * Per hidden layer at x, the derivative of its output with respect to its
   * pre-activation: LeakyReLU's slope (1, or 0.2 where the pre-activation is ≤ 0) times
   * the dropout multiplier of forward(x, dropoutSeed). For transposedInputGradient; no gradient
   * flows through them (a slope is a step function of the weights: derivative 0).
   */
  slopes(x: tf.Tensor2D, dropoutSeed: number): tf.Tensor2D[] {
    return tf.tidy(() => {
      let h = x;
      return this.hidden.map((layer, i) => {
        const a = dense(layer, h, NO_GRADIENTS);
        h = tf.dropout(tf.leakyRelu(a, LEAKY_SLOPE), DROPOUT, undefined, dropoutSeed + i) as tf.Tensor2D;
        const slope = tf.add(LEAKY_SLOPE, tf.mul(1 - LEAKY_SLOPE, tf.step(a)));
        return tf.dropout(slope, DROPOUT, undefined, dropoutSeed + i) as tf.Tensor2D;
      });
    });
  }

  /**
   * (∂(Σ scores)/∂x)ᵀ, input width × packs, the gradient penalty's input, written out
   * from `slopes` (D_i) by the chain rule: u = D_last ⊙ w_outᵀ, then u ← D_i−1 ⊙ (u·W_iᵀ)
   * down the layers, and (∂/∂x)ᵀ = W_0·uᵀ (transposed, the widest weight need not be).
   * The optimiser's gradient then differentiates this once, where differentiating tf.grad
   * of the critic made the tape go through the critic twice.
   */
  transposedInputGradient(slopes: readonly tf.Tensor2D[]): tf.Tensor2D {
    let u = tf.mul(slopes[slopes.length - 1], tf.reshape(this.out.w, [1, -1])) as tf.Tensor2D;
    for (let i = this.hidden.length - 1; i > 0; i--) u = tf.mul(slopes[i - 1], product(u, tf.transpose(this.hidden[i].w), true, true));
    return product(this.hidden[0].w, tf.transpose(u), true, true);
  }

  dispose(): void {
    this.weights.dispose();
  }
}
