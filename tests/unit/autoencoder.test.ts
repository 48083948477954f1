import { readFileSync } from 'node:fs';
import { SHARED } from './sources';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Autoencoder,
  loadAutoencoder,
  type DetectorJSON,
  type DetectorLoader,
  LstmAutoencoder,
  loadLstmAutoencoder,
  type ReconstructionDetector,
  type ReconstructionParams,
  ensureBackend,
} from '../../src/core/detectors';
import { concatRows, matrix, takeRows, type Matrix } from '../../src/core/ingest';
import { rocAuc } from '../../src/core/metrics';
import { Random } from '../../src/core/util';
import { fileURLToPath } from 'node:url';
import { loadModelFolder } from '../../src/cli/model-folder';
import { SCENARIOS, Simulator } from '../../src/core/sim';

const D = 12;
const RANK = 3;

/** Rows near a RANK-dimensional subspace of R^D; one fixed basis for every call. */
function lowRank(n: number, seed: number): Matrix {
  const basis = new Random(99);
  const w = Float64Array.from({ length: RANK * D }, () => basis.normal() / Math.sqrt(RANK));
  const rng = new Random(seed);
  const x = matrix(n, D);
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: RANK }, () => rng.normal());
    for (let j = 0; j < D; j++) {
      let v = 0.05 * rng.normal();
      for (let k = 0; k < RANK; k++) v += z[k] * w[k * D + j];
      x.data[i * D + j] = v;
    }
  }
  return x;
}

/** Isotropic rows of the same overall scale: mostly off the inliers' subspace. */
function offManifold(n: number, seed: number): Matrix {
  const rng = new Random(seed);
  return matrix(
    n,
    D,
    Float32Array.from({ length: n * D }, () => rng.normal()),
  );
}

const labels = (negatives: number, positives: number) => Uint8Array.from({ length: negatives + positives }, (_, i) => (i < negatives ? 0 : 1));
const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;

async function roundTrip(det: ReconstructionDetector<ReconstructionParams>, load: DetectorLoader, x: Matrix): Promise<Float32Array> {
  const json = JSON.parse(JSON.stringify(det.toJSON())) as DetectorJSON;
  const copy = await load(json, await det.artifacts());
  const scores = await copy.score(x);
  copy.dispose();
  return scores;
}

beforeAll(async () => {
  const info = await ensureBackend();
  expect(info.backend).toBe('wasm');
});

describe('ensureBackend', () => {
  it('is idempotent', async () => {
    const a = await ensureBackend();
    const b = await ensureBackend();
    expect(b).toEqual(a);
    expect(tf.getBackend()).toBe('wasm');
  });
});

describe('Autoencoder', () => {
  const train = lowRank(1500, 1);
  const inliers = lowRank(300, 2);
  const outliers = offManifold(300, 3);
  const test = concatRows([inliers, outliers]);
  let ae: Autoencoder;
  let scores: Float32Array;

  beforeAll(async () => {
    ae = new Autoencoder({ hidden_layers: [16, 4], epochs: 25, batch_size: 64, learning_rate: 3e-3 });
    await ae.fit(train);
    scores = await ae.score(test);
  });

  it('learns a low-rank structure: off-manifold rows reconstruct far worse', () => {
    expect(scores).toHaveLength(600);
    const inlierError = mean(scores.subarray(0, 300));
    const outlierError = mean(scores.subarray(300));
    expect(outlierError).toBeGreaterThan(10 * inlierError);
    expect(rocAuc(scores, labels(300, 300))).toBeGreaterThan(0.95);
  });

  it('reports one progress event per epoch and keeps the best epoch', async () => {
    const events: { done: number; total: number; loss?: number; valLoss?: number }[] = [];
    const small = new Autoencoder({ hidden_layers: [8, 3], epochs: 4, batch_size: 128, patience: 0 });
    await small.fit(train, { progress: (p) => events.push(p) });
    expect(events.map((e) => e.done)).toEqual([1, 2, 3, 4]);
    expect(events.every((e) => e.total === 4 && Number.isFinite(e.loss) && Number.isFinite(e.valLoss))).toBe(true);
    const { valLoss, bestEpoch } = small.history!;
    expect(valLoss[bestEpoch]).toBe(Math.min(...valLoss));
    small.dispose();
  });

  it('is reproducible from random_state', async () => {
    const params = { hidden_layers: [8, 3], epochs: 3, batch_size: 128, dropout: 0.1, l2: 1e-4, random_state: 7 };
    const a = new Autoencoder(params);
    const b = new Autoencoder(params);
    await a.fit(train);
    await b.fit(train);
    expect(await b.score(test)).toEqual(await a.score(test));
    a.dispose();
    b.dispose();
  });

  it('saves in the TensorFlow.js format and reloads with identical scores', async () => {
    const json = ae.toJSON();
    const files = await ae.artifacts();
    expect(Object.keys(files)).toEqual(['weights.bin']);
    expect(json.model.format).toBe('layers-model');
    expect(json.model.weightsManifest).toHaveLength(1);
    expect(json.model.weightsManifest[0].paths).toEqual(['weights.bin']);
    const floats = json.model.weightsManifest[0].weights.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
    expect(files['weights.bin'].byteLength).toBe(floats * 4);
    expect(await roundTrip(ae, loadAutoencoder, test)).toEqual(scores);
  });

  it('scores a large input in chunks without changing any row’s score', async () => {
    const big = lowRank(200_000, 4);
    const whole = await ae.score(big);
    const block = 50_000;
    for (let start = 0; start < big.n; start += block) {
      const part = matrix(block, D, big.data.slice(start * D, (start + block) * D));
      expect(await ae.score(part)).toEqual(whole.subarray(start, start + block));
    }
  });

  it('leaks no tensors when scoring, and none after dispose', async () => {
    await ae.score(test);
    const before = tf.memory().numTensors;
    await ae.score(test);
    await ae.scoreWithContributions(test);
    expect(tf.memory().numTensors).toBe(before);

    const baseline = tf.memory().numTensors;
    const temp = new Autoencoder({ hidden_layers: [8, 3], epochs: 2, batch_size: 256 });
    await temp.fit(train);
    await temp.score(test);
    temp.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('gives per-feature squared errors whose row means are the scores', async () => {
    const { scores: s, perFeature } = await ae.scoreWithContributions(test);
    expect(s).toEqual(scores);
    expect(perFeature).toHaveLength(test.n * D);
    for (let i = 0; i < test.n; i++) expect(mean(perFeature.subarray(i * D, (i + 1) * D))).toBeCloseTo(s[i], 5);
  });

  it('stops with an AbortError and keeps no half-trained model', async () => {
    const controller = new AbortController();
    const det = new Autoencoder({ hidden_layers: [8, 3], epochs: 50, batch_size: 128 });
    let epochs = 0;
    const fit = det.fit(train, {
      signal: controller.signal,
      progress: () => {
        epochs++;
        controller.abort();
      },
    });
    await expect(fit).rejects.toMatchObject({ name: 'AbortError' });
    expect(epochs).toBe(1);
    await expect(det.score(test)).rejects.toThrow(/not fitted/);
    await expect(det.fit(train, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects settings it cannot use', () => {
    expect(() => new Autoencoder({ hidden_layers: [] })).toThrow(/hidden_layers/);
    expect(() => new Autoencoder({ validation_fraction: 1 })).toThrow(/validation_fraction/);
    expect(() => new LstmAutoencoder({ timesteps: 0 })).toThrow(/timesteps/);
  });
});

describe('LstmAutoencoder', () => {
  const train = lowRank(400, 5);
  const test = concatRows([lowRank(40, 6), offManifold(40, 7)]);

  for (const timesteps of [1, 4]) {
    it(`fits and scores with timesteps ${timesteps}, and reloads with identical scores`, async () => {
      const det = new LstmAutoencoder({ timesteps, hidden_layers: [16, 4], epochs: 3, batch_size: 64, dropout: 0.1 });
      const events: number[] = [];
      await det.fit(train, { progress: (p) => events.push(p.done) });
      expect(events).toEqual([1, 2, 3]);
      const { scores, perFeature } = await det.scoreWithContributions(test);
      expect(scores).toHaveLength(test.n);
      expect(scores.every(Number.isFinite)).toBe(true);
      for (let i = 0; i < test.n; i++) expect(mean(perFeature.subarray(i * D, (i + 1) * D))).toBeCloseTo(scores[i], 5);
      expect(await det.score(test)).toEqual(scores);
      expect(await roundTrip(det, loadLstmAutoencoder, test)).toEqual(scores);
      det.dispose();
    });
  }

  it('scores a row on its own window: the rows before it and nothing after', async () => {
    const det = new LstmAutoencoder({ timesteps: 3, hidden_layers: [8], epochs: 1, batch_size: 64 });
    await det.fit(train);
    const whole = await det.score(test);
    // row 10's window is rows 8..10 wherever the matrix starts
    expect((await det.score(takeRows(test, [8, 9, 10])))[2]).toBe(whole[10]);
    // row 0 is padded with itself
    const row0 = await det.score(takeRows(test, [0, 0, 0]));
    expect(row0[2]).toBe(whole[0]);
    const before = tf.memory().numTensors;
    await det.score(test);
    expect(tf.memory().numTensors).toBe(before);
    det.dispose();
  });
});

describe('Autoencoder on CICIoMT2024 (v2, 39 features)', () => {
  it('separates held-out benign rows from attacks (ROC-AUC > 0.9)', async () => {
    const { x, benign } = readCicIomt(SHARED + 'ciciomt2024_v2_39feat_sample.csv');
    const benignRows = [...benign.keys()].filter((i) => benign[i]);
    const attackRows = [...benign.keys()].filter((i) => !benign[i]);
    const order = new Random(0).permutation(benignRows.length);
    const cut = Math.floor(0.7 * benignRows.length);
    const trainRows = Array.from(order.subarray(0, cut), (k) => benignRows[k]);
    const heldOut = Array.from(order.subarray(cut), (k) => benignRows[k]);
    standardise(x, trainRows);

    const ae = new Autoencoder({ batch_size: 32, epochs: 40 });
    await ae.fit(takeRows(x, trainRows));
    const scores = await ae.score(takeRows(x, [...heldOut, ...attackRows]));
    const auc = rocAuc(scores, labels(heldOut.length, attackRows.length));
    expect(auc).toBeGreaterThan(0.9);
    ae.dispose();
  });
});

/**
 * The sample as the Python reference prepared it: non-finite cells (`inf` in Rate) set
 * to the column's largest finite value, log1p on columns that are never negative.
 */
function readCicIomt(url: string): { x: Matrix; benign: boolean[] } {
  const lines = readFileSync(url, 'utf8').trim().split('\n');
  const d = lines[0].split(',').length - 1;
  const x = matrix(lines.length - 1, d);
  const benign: boolean[] = [];
  for (let i = 0; i < x.n; i++) {
    const cells = lines[i + 1].split(',');
    for (let j = 0; j < d; j++) x.data[i * d + j] = Number(cells[j]);
    benign.push(cells[d].includes('_Benign_'));
  }
  for (let j = 0; j < d; j++) {
    let max = -Infinity;
    let min = Infinity;
    for (let i = 0; i < x.n; i++) {
      const v = x.data[i * d + j];
      if (Number.isFinite(v)) {
        max = Math.max(max, v);
        min = Math.min(min, v);
      }
    }
    for (let i = 0; i < x.n; i++) {
      const v = Number.isFinite(x.data[i * d + j]) ? x.data[i * d + j] : max;
      x.data[i * d + j] = min >= 0 ? Math.log1p(v) : v;
    }
  }
  return { x, benign };
}

/** Standard-scales every column in place with the mean and deviation of `rows`. */
function standardise(x: Matrix, rows: number[]): void {
  for (let j = 0; j < x.d; j++) {
    let sum = 0;
    let sq = 0;
    for (const i of rows) sum += x.data[i * x.d + j];
    const mu = sum / rows.length;
    for (const i of rows) sq += (x.data[i * x.d + j] - mu) ** 2;
    const sd = Math.sqrt(sq / rows.length) || 1;
    for (let i = 0; i < x.n; i++) x.data[i * x.d + j] = (x.data[i * x.d + j] - mu) / sd;
  }
}

describe('the shipped dense autoencoder', () => {
  it('scores as the mean of its per-feature errors summed in float64, to float32 rounding, with the same verdicts', async () => {
    const pipeline = await loadModelFolder(fileURLToPath(new URL('../../public/models/ae/', import.meta.url)));
    const sim = new Simulator(SCENARIOS['mixed-day'], { seed: 3 });
    const { features, scores } = await pipeline.score(sim.next(20_000), sim.schema);
    const { perFeature } = await (pipeline.detector as Autoencoder).scoreWithContributions(features);
    const threshold = pipeline.threshold.value;
    let worst = 0;
    let flips = 0;
    for (let i = 0; i < features.n; i++) {
      let sum = 0;
      for (let j = 0; j < features.d; j++) sum += perFeature[i * features.d + j];
      const exact = Math.fround(sum / features.d);
      worst = Math.max(worst, Math.abs(scores[i] - exact) / exact);
      if (scores[i] > threshold !== exact > threshold) flips++;
    }
    expect(worst).toBeLessThan(2e-6);
    expect(flips).toBe(0);
  });
});
