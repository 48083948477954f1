/**
 * What the dense and the LSTM autoencoder share: a seeded training loop with early
 * stopping, chunked scoring by reconstruction error, and the TensorFlow.js model format.
 * A subclass only builds its network.
 *
 * A model's input is either rows ([batch, d]) or windows of consecutive rows
 * ([batch, T, d]); the shape is read from the model, so a loaded model needs no extra
 * settings. Row i's window is rows i−T+1..i, the first rows padded by repeating row 0,
 * and row i is scored on the last step of its window: that step is row i itself,
 * reconstructed with its T−1 predecessors as context, so an anomalous row raises its
 * own score and not those of the T−1 benign rows after it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel, type LayersModel, type Sequential } from '@tensorflow/tfjs-layers';
import type { Matrix } from '../ingest';
import { throwIfAborted, nextTurn, Random } from '../util';
import { RECONSTRUCTION_DEFAULTS as DEFAULTS } from './defaults';
import type { Contributions, Detector, DetectorJSON, FitOptions } from './detector';
import { seededGlorot, type WeightInitializer } from './tf-backend';

export type Activation = 'relu' | 'elu' | 'selu' | 'tanh' | 'sigmoid' | 'linear' | 'softplus' | 'swish' | 'gelu';
const ACTIVATIONS: readonly Activation[] = ['relu', 'elu', 'selu', 'tanh', 'sigmoid', 'linear', 'softplus', 'swish', 'gelu'];

/** Keras names and meanings, so settings carry over from a Python notebook. */
export interface ReconstructionParams {
  /** encoder widths; the last is the bottleneck and the decoder mirrors the rest */
  hidden_layers: number[];
  activation: Activation;
  /** upper bound: early stopping usually ends the fit sooner */
  epochs: number;
  /** rows per step; 'auto' takes about n/64 clamped to 32–512, so small sets get enough steps and large ones stay fast */
  batch_size: number | 'auto';
  /** Adam's step size */
  learning_rate: number;
  /** share of the rows held out for the validation loss that early stopping watches; 0 watches the training loss */
  validation_fraction: number;
  /** epochs without improvement before stopping; 0 trains all epochs. The best epoch's weights are kept either way */
  patience: number;
  /** seeds weights, shuffling, the validation split and dropout */
  random_state: number;
  /** dropout rate after every hidden layer while training */
  dropout: number;
  /** L2 penalty l2·Σw² on every weight matrix (not biases), as Keras' regularizers.l2 */
  l2: number;
}

export const RECONSTRUCTION_DEFAULTS: Readonly<ReconstructionParams> = { ...DEFAULTS, hidden_layers: [...DEFAULTS.hidden_layers] };

export interface TrainingHistory {
  /** per epoch: mean training objective (squared error with dropout, plus the L2 penalty) */
  loss: number[];
  /** per epoch: mean squared reconstruction error of the validation rows; empty without validation */
  valLoss: number[];
  /** 0-based epoch whose weights were kept */
  bestEpoch: number;
}

/** The content of a TensorFlow.js `model.json`, weights in `weights.bin` beside it. */
export interface ModelJSON {
  format: string;
  generatedBy: string;
  convertedBy: string | null;
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

export interface ReconstructionJSON extends DetectorJSON {
  version: number;
  params: ReconstructionParams;
  inputDim: number;
  history: TrainingHistory;
  model: ModelJSON;
}

export const WEIGHTS_FILE = 'weights.bin';
const JSON_VERSION = 1;
/**
 * input floats per scoring chunk (1 MB): large enough to keep the backend busy, small
 * enough that a dense model's activations stay near the cache (4k–27k-row chunks measured
 * within noise of each other; 1k-row chunks slower)
 */
const CHUNK_VALUES = 1 << 18;
/** how long training may run before it lets messages (such as an abort) through */
const YIELD_MS = 50;

interface Fitted {
  model: LayersModel;
  inputDim: number;
  history: TrainingHistory;
  saved: { model: ModelJSON; weights: Uint8Array };
}

export abstract class ReconstructionDetector<P extends ReconstructionParams> implements Detector {
  abstract readonly kind: string;
  readonly params: Readonly<P>;
  private fitted: Fitted | null = null;

  constructor(params: P) {
    checkParams(params);
    this.params = { ...params, hidden_layers: [...params.hidden_layers] };
  }

  /** The untrained network for rows of `inputDim` columns; `nextInit` seeds each weight matrix. */
  protected abstract build(inputDim: number, nextInit: () => WeightInitializer): Sequential;

  get history(): TrainingHistory | undefined {
    return this.fitted?.history;
  }

  async fit(x: Matrix, options: FitOptions = {}): Promise<void> {
    if (x.n < 1 || x.d < 1) throw new Error(`cannot fit an autoencoder on ${x.n}×${x.d} rows`);
    throwIfAborted(options.signal, 'autoencoder');
    await tf.ready();
    const random = new Random(this.params.random_state);
    const model = this.build(x.d, seededGlorot(random.int(2 ** 31)));
    try {
      const history = await train(model, x, this.params, random, options);
      const saved = await capture(model);
      this.dispose();
      this.fitted = { model, inputDim: x.d, history, saved };
    } catch (e) {
      model.dispose();
      throw e;
    }
  }

  async score(x: Matrix): Promise<Float32Array> {
    return (await this.errors(x, false)).scores;
  }

  get inputWidth(): number | undefined {
    return this.fitted?.inputDim;
  }

  /** Scores plus each feature's squared error, for showing what made a row stand out. */
  async scoreWithContributions(x: Matrix): Promise<Contributions> {
    const { scores, perFeature } = await this.errors(x, true);
    return { scores, perFeature: perFeature! };
  }

  toJSON(): ReconstructionJSON {
    const { inputDim, history, saved } = this.require();
    return { kind: this.kind, version: JSON_VERSION, params: { ...this.params }, inputDim, history, model: saved.model };
  }

  async artifacts(): Promise<Record<string, Uint8Array>> {
    return { [WEIGHTS_FILE]: this.require().saved.weights.slice() };
  }

  dispose(): void {
    this.fitted?.model.dispose();
    this.fitted = null;
  }

  /** Takes over a saved model; used by the loaders. */
  protected async restore(json: DetectorJSON, files: Record<string, Uint8Array>): Promise<this> {
    const j = json as Partial<ReconstructionJSON>;
    if (j.kind !== this.kind) throw new Error(`expected a "${this.kind}" model, got "${String(j.kind)}"`);
    if (j.version !== JSON_VERSION) throw new Error(`${this.kind} model file version ${String(j.version)} is not supported (expected ${JSON_VERSION})`);
    const weights = files[WEIGHTS_FILE];
    if (!weights) throw new Error(`the ${this.kind} model needs its ${WEIGHTS_FILE}`);
    if (!j.model?.modelTopology || !j.model.weightsManifest) throw new Error(`the ${this.kind} model file has no TensorFlow.js model`);
    if (!Number.isInteger(j.inputDim) || j.history === undefined) throw new Error(`the ${this.kind} model file lacks its input width or history`);
    await tf.ready();
    const model = await loadLayersModel(
      tf.io.fromMemory({
        modelTopology: j.model.modelTopology,
        weightSpecs: j.model.weightsManifest.flatMap((group) => group.weights),
        // a copy: the view may be a window on a larger buffer
        weightData: weights.slice().buffer,
      }),
    );
    const inputDim = j.inputDim as number;
    const width = sampleShape(model).at(-1);
    if (width !== inputDim) {
      model.dispose();
      throw new Error(`the ${this.kind} model takes ${String(width)} columns but its file says ${inputDim}`);
    }
    this.dispose();
    this.fitted = { model, inputDim, history: j.history, saved: { model: j.model, weights: weights.slice() } };
    return this;
  }

  private require(): Fitted {
    if (!this.fitted) throw new Error(`the ${this.kind} detector is not fitted`);
    return this.fitted;
  }

  private async errors(x: Matrix, perFeature: boolean): Promise<{ scores: Float32Array; perFeature?: Float32Array }> {
    const { model, inputDim } = this.require();
    if (x.d !== inputDim) throw new Error(`the ${this.kind} detector was fitted on ${inputDim} columns, got ${x.d}`);
    const shape = sampleShape(model);
    const scores = new Float32Array(x.n);
    const all = perFeature ? new Float32Array(x.n * x.d) : undefined;
    const chunk = chunkRows(shape);
    for (let start = 0; start < x.n; start += chunk) {
      const end = Math.min(x.n, start + chunk);
      const input = consecutiveWindows(x, start, end, shape);
      // the mean over features inside the graph: fetching only n scores instead of the
      // n × d errors made scoring about twice as fast (float32 sums: scores agree with a
      // float64 sum of the errors to about 5e-7 relative)
      const [mean, err] = tf.tidy(() => {
        const e = lastStepErrors(input, model.apply(input) as tf.Tensor, x.d);
        return [tf.mean(e, 1), perFeature ? e : null] as const;
      });
      input.dispose();
      scores.set((await mean.data()) as Float32Array, start);
      mean.dispose();
      if (err) {
        all!.set((await err.data()) as Float32Array, start * x.d);
        err.dispose();
      }
    }
    return { scores, perFeature: all };
  }
}

/** Adam on mini-batches built per step from the rows, so memory stays flat for any n. */
async function train(model: Sequential, x: Matrix, params: ReconstructionParams, random: Random, { progress, signal }: FitOptions): Promise<TrainingHistory> {
  const shape = sampleShape(model);
  const order = random.permutation(x.n);
  const nVal = Math.min(x.n - 1, Math.floor(x.n * params.validation_fraction));
  const valRows = order.slice(0, nVal);
  const trainRows = order.slice(nVal);
  const batchSize = params.batch_size === 'auto' ? Math.min(512, Math.max(32, Math.round(trainRows.length / 64))) : params.batch_size;
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const kernels = variables.filter((v) => v.rank >= 2);
  const optimizer = tf.train.adam(params.learning_rate);
  const history: TrainingHistory = { loss: [], valLoss: [], bestEpoch: 0 };
  let best: { value: number; weights: tf.Tensor[] } | null = null;
  let sinceBest = 0;
  let lastYield = performance.now();
  try {
    for (let epoch = 0; epoch < params.epochs; epoch++) {
      shuffle(trainRows, random);
      let lossSum = 0;
      for (let start = 0; start < trainRows.length; start += batchSize) {
        throwIfAborted(signal, 'autoencoder');
        const rows = trainRows.subarray(start, start + batchSize);
        const input = windows(x, rows, shape);
        const dropoutSeed = random.int(2 ** 31);
        const cost = optimizer.minimize(
          () => {
            const reconstruction = tf.mean<tf.Scalar>(tf.squaredDifference(forwardTraining(model, input, dropoutSeed), input));
            if (params.l2 === 0) return reconstruction;
            return tf.add(reconstruction, tf.mul(params.l2, tf.addN(kernels.map((k) => tf.sum(tf.square(k)))))) as tf.Scalar;
          },
          true,
          variables,
        )!;
        input.dispose();
        lossSum += (await cost.data())[0] * rows.length;
        cost.dispose();
        if (performance.now() - lastYield > YIELD_MS) {
          await nextTurn();
          lastYield = performance.now();
        }
      }
      const loss = lossSum / trainRows.length;
      const valLoss = nVal > 0 ? await meanSquaredError(model, x, valRows, shape) : undefined;
      history.loss.push(loss);
      if (valLoss !== undefined) history.valLoss.push(valLoss);
      progress?.({ stage: 'epoch', done: epoch + 1, total: params.epochs, loss, valLoss });

      const watched = valLoss ?? loss;
      if (!Number.isFinite(watched)) throw new Error(`the autoencoder fit diverged at epoch ${epoch + 1}: try a lower learning_rate`);
      if (!best || watched < best.value) {
        for (const w of best?.weights ?? []) w.dispose();
        best = { value: watched, weights: model.getWeights().map((w) => w.clone()) };
        history.bestEpoch = epoch;
        sinceBest = 0;
      } else if (params.patience > 0 && ++sinceBest >= params.patience) break;
    }
    if (best) model.setWeights(best.weights);
    return history;
  } finally {
    for (const w of best?.weights ?? []) w.dispose();
    optimizer.dispose();
  }
}

/** The training forward pass, with dropout masks drawn from a seed so fits are reproducible. */
function forwardTraining(model: Sequential, input: tf.Tensor, dropoutSeed: number): tf.Tensor {
  let h = input;
  model.layers.forEach((layer, i) => {
    h = layer.getClassName() === 'Dropout' ? tf.dropout(h, layer.getConfig().rate as number, undefined, dropoutSeed + i) : (layer.apply(h) as tf.Tensor);
  });
  return h;
}

async function meanSquaredError(model: LayersModel, x: Matrix, rows: Uint32Array, shape: number[]): Promise<number> {
  const chunk = chunkRows(shape);
  let sum = 0;
  for (let start = 0; start < rows.length; start += chunk) {
    const input = windows(x, rows.subarray(start, start + chunk), shape);
    const total = tf.tidy(() => tf.sum(tf.squaredDifference(model.apply(input) as tf.Tensor, input)));
    input.dispose();
    sum += (await total.data())[0];
    total.dispose();
  }
  return sum / (rows.length * shape.reduce((a, b) => a * b, 1));
}

/** [b, d] squared errors of each sample's last step (the row itself for a flat input). */
function lastStepErrors(input: tf.Tensor, output: tf.Tensor, d: number): tf.Tensor2D {
  const b = input.shape[0];
  const steps = input.size / (b * d);
  // a dense model's rows are their own last step: slicing would only copy them
  if (steps === 1) return tf.reshape(tf.squaredDifference(output, input), [b, d]);
  const last = (t: tf.Tensor) => tf.slice(tf.reshape(t, [b, steps, d]), [0, steps - 1, 0], [b, 1, d]);
  return tf.reshape(tf.squaredDifference(last(output), last(input)), [b, d]);
}

/** The model's input shape without the batch axis: [d] or [T, d]. */
function sampleShape(model: LayersModel): number[] {
  const shape = model.inputs[0].shape.slice(1);
  if (shape.some((s) => s === null)) throw new Error('an autoencoder needs a fixed input shape');
  return shape as number[];
}

/** A tensor of the samples for `rows`: the rows themselves, or each row's window. */
function windows(x: Matrix, rows: ArrayLike<number>, shape: number[]): tf.Tensor {
  const { d, data } = x;
  const steps = shape.length === 2 ? shape[0] : 1;
  const out = new Float32Array(rows.length * steps * d);
  let o = 0;
  for (let k = 0; k < rows.length; k++) {
    for (let r = rows[k] - steps + 1; r <= rows[k]; r++) {
      const src = Math.max(0, r) * d;
      out.set(data.subarray(src, src + d), o);
      o += d;
    }
  }
  return tf.tensor(out, [rows.length, ...shape]);
}

/** rows [start, end) as model input; rows without a window are the matrix's own memory, not copied row by row */
function consecutiveWindows(x: Matrix, start: number, end: number, shape: number[]): tf.Tensor {
  if (shape.length === 1) return tf.tensor(x.data.subarray(start * x.d, end * x.d), [end - start, ...shape]);
  return windows(x, range(start, end), shape);
}

function chunkRows(shape: number[]): number {
  return Math.max(1, Math.floor(CHUNK_VALUES / shape.reduce((a, b) => a * b, 1)));
}

function range(start: number, end: number): Uint32Array {
  const out = new Uint32Array(end - start);
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}

function shuffle(a: Uint32Array, random: Random): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

/** The TensorFlow.js save format, caught in memory: `model.json` content and the weights. */
async function capture(model: LayersModel): Promise<Fitted['saved']> {
  let saved: Fitted['saved'] | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightSpecs = artifacts.weightSpecs ?? [];
      const data = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      saved = {
        model: {
          format: artifacts.format ?? 'layers-model',
          generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_core}`,
          convertedBy: artifacts.convertedBy ?? null,
          modelTopology: artifacts.modelTopology as object,
          weightsManifest: [{ paths: [WEIGHTS_FILE], weights: weightSpecs }],
        },
        weights: new Uint8Array(data),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: data.byteLength } };
    }),
  );
  if (!saved) throw new Error('TensorFlow.js did not hand over the model');
  return saved;
}

function checkParams(p: ReconstructionParams): void {
  const positiveInt = (v: number) => Number.isInteger(v) && v >= 1;
  if (!Array.isArray(p.hidden_layers) || p.hidden_layers.length === 0 || !p.hidden_layers.every(positiveInt))
    throw new Error(`hidden_layers must be a non-empty list of positive integers, got ${JSON.stringify(p.hidden_layers)}`);
  if (!ACTIVATIONS.includes(p.activation)) throw new Error(`activation must be one of ${ACTIVATIONS.join(', ')}, got ${String(p.activation)}`);
  if (!positiveInt(p.epochs)) throw new Error(`epochs must be a positive integer, got ${p.epochs}`);
  if (p.batch_size !== 'auto' && !positiveInt(p.batch_size)) throw new Error(`batch_size must be a positive integer, got ${p.batch_size}`);
  if (!(p.learning_rate > 0)) throw new Error(`learning_rate must be positive, got ${p.learning_rate}`);
  if (!(p.validation_fraction >= 0 && p.validation_fraction < 1)) throw new Error(`validation_fraction must be in [0, 1), got ${p.validation_fraction}`);
  if (!(Number.isInteger(p.patience) && p.patience >= 0)) throw new Error(`patience must be a non-negative integer, got ${p.patience}`);
  if (!Number.isInteger(p.random_state)) throw new Error(`random_state must be an integer, got ${p.random_state}`);
  if (!(p.dropout >= 0 && p.dropout < 1)) throw new Error(`dropout must be in [0, 1), got ${p.dropout}`);
  if (!(p.l2 >= 0)) throw new Error(`l2 must be non-negative, got ${p.l2}`);
}
