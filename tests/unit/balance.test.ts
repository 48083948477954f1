import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Ctgan,
  ctganBalance,
  type CtganJSON,
  fitMixture,
  randomOversample,
  classCounts,
  targetCounts,
  MAX_NEIGHBOUR_POOL,
  smote,
  columnQuality,
  medianKs,
  trainSyntheticTestReal,
} from '../../src/core/balance';
import { ModeNormalizer } from '../../src/core/balance/mode-normalizer';
import { ksStatistic } from '../../src/core/metrics';
import type { Classifier } from '../../src/core/classifiers';
import { type FitProgress, ensureBackend } from '../../src/core/detectors';
import { concatRows, DatasetReader, type Matrix } from '../../src/core/ingest';
import { Random } from '../../src/core/util';
import { shared } from './sources';

/** Rows of `sizes[c]` per class c, each column two-peaked with class-dependent peaks. */
function bimodal(sizes: number[], d: number, seed: number): { x: Matrix; y: Int32Array } {
  const rng = new Random(seed);
  const n = sizes.reduce((a, b) => a + b, 0);
  const x: Matrix = { n, d, data: new Float32Array(n * d) };
  const y = new Int32Array(n);
  let i = 0;
  sizes.forEach((size, c) => {
    for (let r = 0; r < size; r++, i++) {
      y[i] = c;
      for (let j = 0; j < d; j++) {
        const peak = rng.next() < 0.5 ? -1.5 : 1.5;
        x.data[i * d + j] = (c === 0 ? peak : 0.5 * peak + 1) + 0.3 * rng.normal();
      }
    }
  });
  return { x, y };
}

const row = (m: Matrix, i: number) => Array.from(m.data.subarray(i * m.d, (i + 1) * m.d));
const sameRow = (a: number[], b: number[]) => a.every((v, j) => v === b[j]);

describe('targetCounts', () => {
  const y = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 2, 3, 3, 3, 3, 3]);

  it("raises every class but the majority to the majority's count ('not majority', imbalanced-learn's 'auto')", () => {
    // classes 0 and 3 tie at 5: the lower index is the majority
    expect(Array.from(targetCounts(y, 5))).toEqual([5, 5, 5, 5, 0]);
    expect(Array.from(targetCounts(y, 5, 'minority'))).toEqual([5, 2, 5, 5, 0]);
    expect(Array.from(targetCounts(y, 5, 'not minority'))).toEqual([5, 5, 1, 5, 0]);
    expect(Array.from(targetCounts(y, 5, 'all'))).toEqual([5, 5, 5, 5, 0]);
  });

  it('caps targets at max_rows_per_class without removing rows, and takes explicit counts', () => {
    expect(Array.from(targetCounts(y, 5, 'not majority', 3))).toEqual([5, 3, 3, 5, 0]);
    expect(Array.from(targetCounts(y, 5, { 1: 4, 2: 3 }))).toEqual([5, 4, 3, 5, 0]);
    expect(() => targetCounts(y, 5, { 0: 2 })).toThrow(/cannot remove rows/);
    expect(() => targetCounts(y, 5, { 4: 2 })).toThrow(/none to learn from/);
    expect(() => targetCounts(Int32Array.from([0, 5]), 2)).toThrow(/outside 0…1/);
  });
});

describe('randomOversample', () => {
  const { x, y } = bimodal([50, 12, 3], 3, 1);

  it('reaches the targets with exact copies of same-class rows, after the untouched originals', () => {
    const b = randomOversample(x, y, 3, { random_state: 4 });
    expect(Array.from(classCounts(b.y, 3))).toEqual([50, 50, 50]);
    expect(b.synthetic).toBe(85);
    expect(Array.from(b.x.data.subarray(0, x.n * x.d))).toEqual(Array.from(x.data));
    for (let i = x.n; i < b.x.n; i++) {
      const copy = row(b.x, i);
      expect(Array.from(y.keys()).some((r) => y[r] === b.y[i] && sameRow(row(x, r), copy))).toBe(true);
    }
  });

  it('is reproducible from random_state', () => {
    expect(randomOversample(x, y, 3, { random_state: 4 }).x.data).toEqual(randomOversample(x, y, 3, { random_state: 4 }).x.data);
    expect(randomOversample(x, y, 3, { random_state: 5 }).x.data).not.toEqual(randomOversample(x, y, 3, { random_state: 4 }).x.data);
  });
});

describe('smote', () => {
  /** the k nearest same-class rows of row i, by an independent brute force */
  function nearest(x: Matrix, y: Int32Array, i: number, k: number): number[] {
    const dist = (r: number) => row(x, r).reduce((s, v, j) => s + (v - x.data[i * x.d + j]) ** 2, 0);
    return Array.from(y.keys())
      .filter((r) => r !== i && y[r] === y[i])
      .sort((a, b) => dist(a) - dist(b))
      .slice(0, k);
  }

  /** whether s = a + g(b − a) for some row a of the class, one of its k neighbours b and g in [0, 1] */
  function onSegment(s: number[], x: Matrix, y: Int32Array, cls: number, k: number): boolean {
    return Array.from(y.keys()).some((a) => {
      if (y[a] !== cls) return false;
      const pa = row(x, a);
      return nearest(x, y, a, k).some((b) => {
        const pb = row(x, b);
        const dir = pb.map((v, j) => v - pa[j]);
        const len2 = dir.reduce((t, v) => t + v * v, 0);
        const g = dir.reduce((t, v, j) => t + v * (s[j] - pa[j]), 0) / len2;
        return g >= -1e-6 && g <= 1 + 1e-6 && s.every((v, j) => Math.abs(v - (pa[j] + g * dir[j])) < 1e-5);
      });
    });
  }

  const { x, y } = bimodal([40, 15, 1, 3], 3, 2);

  it('puts every added row on a segment between a class row and one of its k nearest same-class rows', () => {
    const b = smote(x, y, 4, { k_neighbors: 2, random_state: 0 });
    expect(Array.from(classCounts(b.y, 4))).toEqual([40, 40, 40, 40]);
    expect(Array.from(b.x.data.subarray(0, x.n * x.d))).toEqual(Array.from(x.data));
    for (let i = x.n; i < b.x.n; i++) if (b.y[i] === 1) expect(onSegment(row(b.x, i), x, y, 1, 2)).toBe(true);
  });

  it('duplicates a single-row class and lowers k_neighbors for a small one, saying so', () => {
    const b = smote(x, y, 4, { random_state: 0 });
    expect(b.notes).toContain('class 2 has a single row: duplicated it 39 times instead of interpolating');
    expect(b.notes).toContain('class 3 has 3 rows: k_neighbors lowered from 5 to 2');
    const single = row(x, y.indexOf(2));
    for (let i = x.n; i < b.x.n; i++) {
      if (b.y[i] === 2) expect(row(b.x, i)).toEqual(single);
      if (b.y[i] === 3) expect(onSegment(row(b.x, i), x, y, 3, 2)).toBe(true);
    }
  });

  it('is reproducible from random_state', () => {
    expect(smote(x, y, 4, { random_state: 3 }).x.data).toEqual(smote(x, y, 4, { random_state: 3 }).x.data);
    expect(smote(x, y, 4, { random_state: 3 }).x.data).not.toEqual(smote(x, y, 4, { random_state: 4 }).x.data);
  });

  it('searches a large class among a sample of its rows', () => {
    const big = bimodal([MAX_NEIGHBOUR_POOL + 200, MAX_NEIGHBOUR_POOL + 100], 2, 3);
    const b = smote(big.x, big.y, 2, { random_state: 0 });
    expect(b.synthetic).toBe(100);
    expect(b.notes).toEqual([`class 1 has ${MAX_NEIGHBOUR_POOL + 100} rows: neighbours searched among a random ${MAX_NEIGHBOUR_POOL} of them`]);
  });
});

describe('Gaussian mixture and mode-specific normalisation', () => {
  it('recovers two well-separated modes', () => {
    const rng = new Random(5);
    const values = Array.from({ length: 4000 }, () => (rng.next() < 0.3 ? -5 + 0.5 * rng.normal() : 4 + rng.normal()));
    const m = fitMixture(values, { max_modes: 10, weight_threshold: 0.005 });
    expect(m.means).toHaveLength(2);
    expect(m.means[0]).toBeCloseTo(-5, 1);
    expect(m.means[1]).toBeCloseTo(4, 1);
    expect(m.stds[0]).toBeCloseTo(0.5, 1);
    expect(m.stds[1]).toBeCloseTo(1, 1);
    expect(m.weights[0]).toBeCloseTo(0.3, 1);
  });

  it('gives a constant column one narrow mode', () => {
    const m = fitMixture(new Array(100).fill(2), { max_modes: 10, weight_threshold: 0.005 });
    expect(m.means).toEqual([2]);
    expect(m.stds[0]).toBeLessThan(0.01);
  });

  it('decodes what it encoded', async () => {
    const { x } = bimodal([300], 3, 6);
    const normalizer = await ModeNormalizer.fit(x, { max_modes: 10, weight_threshold: 0.005, max_rows: 10_000 }, new Random(0));
    const rows = Array.from({ length: x.n }, (_, i) => i);
    const encoded = new Float32Array(x.n * normalizer.width);
    normalizer.encode(x, rows, new Random(1), encoded, normalizer.width);
    // each row's α in [−1, 1] and exactly one mode per column
    for (let r = 0; r < x.n; r++) {
      for (let j = 0; j < x.d; j++) {
        expect(Math.abs(encoded[r * normalizer.width + j])).toBeLessThanOrEqual(1);
        const slots = encoded.subarray(r * normalizer.width + x.d + j * normalizer.slots, r * normalizer.width + x.d + (j + 1) * normalizer.slots);
        expect(slots.reduce((a, b) => a + b, 0)).toBe(1);
      }
    }
    // the chosen modes as overwhelming logits decode to the original values (none lies beyond 4σ of its mode here)
    const logits = encoded.map((v, i) => (i % normalizer.width < x.d ? v : v === 1 ? 0 : -1e4));
    const decoded = normalizer.decode(logits, x.n, normalizer.width, new Random(2));
    decoded.forEach((v, i) => expect(v).toBeCloseTo(x.data[i], 4));
  });
});

describe('synthetic quality', () => {
  it('computes the two-sample KS statistic, ties included', () => {
    expect(ksStatistic([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(ksStatistic([1, 2], [3, 4])).toBe(1);
    expect(ksStatistic([1, 2, 3], [1.5, 2.5, 3.5])).toBeCloseTo(1 / 3);
    expect(ksStatistic([0, 0, 1], [0, 1, 1])).toBeCloseTo(1 / 3);
  });

  it('compares class by class and column by column', () => {
    const real = { x: { n: 4, d: 2, data: Float32Array.from([0, 5, 2, 5, 10, 0, 12, 0]) }, y: Int32Array.from([0, 0, 1, 1]) };
    const synth = { x: { n: 2, d: 2, data: Float32Array.from([1, 5, 1, 5]) }, y: Int32Array.from([0, 0]) };
    const q = columnQuality(real, synth, 2);
    expect(q.map((e) => [e.cls, e.column])).toEqual([
      [0, 0],
      [0, 1],
    ]);
    expect(q[0].real).toEqual({ n: 2, mean: 1, std: 1 });
    expect(q[0].synthetic).toEqual({ n: 2, mean: 1, std: 0 });
    expect(q[0].ks).toBeCloseTo(0.5);
    expect(q[1].ks).toBe(0);
    expect(medianKs(q)).toBeCloseTo(0.25);
  });

  it('scores train-on-synthetic, test-on-real with any classifier', async () => {
    const real = bimodal([200, 200], 2, 7);
    const swapped = { x: real.x, y: real.y.map((c) => 1 - c) };
    expect(await trainSyntheticTestReal(() => new NearestCentroid(), real, real, 2)).toBeGreaterThan(0.7);
    expect(await trainSyntheticTestReal(() => new NearestCentroid(), swapped, real, 2)).toBeLessThan(0.3);
  });
});

/** The smallest classifier that needs labels: each row goes to the nearest class mean. */
class NearestCentroid implements Classifier {
  readonly kind = 'nearest-centroid';
  private centroids: number[][] = [];

  async fit(x: Matrix, y: Int32Array, k: number): Promise<void> {
    const counts = classCounts(y, k);
    this.centroids = Array.from({ length: k }, () => new Array(x.d).fill(0));
    for (let i = 0; i < x.n; i++) for (let j = 0; j < x.d; j++) this.centroids[y[i]][j] += x.data[i * x.d + j] / counts[y[i]];
  }

  predict(x: Matrix): Int32Array {
    return Int32Array.from({ length: x.n }, (_, i) => {
      const dist = this.centroids.map((c) => c.reduce((s, v, j) => s + (v - x.data[i * x.d + j]) ** 2, 0));
      return dist.indexOf(Math.min(...dist));
    });
  }

  predictProba(): Float32Array {
    throw new Error('not needed here');
  }

  toJSON() {
    return { kind: this.kind };
  }
}

describe('CTGAN', () => {
  // small networks (a third of the default's work per step; four columns need no more) and a raised learning
  // rate so a few hundred steps suffice; pac and batch as in the paper
  const SMALL = { embedding_dim: 16, generator_dim: [32, 32], discriminator_dim: [64, 64], generator_lr: 1e-3, discriminator_lr: 1e-3 };
  const data = bimodal([700, 300], 4, 1);
  let model: Ctgan;
  const seen: FitProgress[] = [];

  beforeAll(async () => {
    await ensureBackend('wasm');
    model = new Ctgan({ ...SMALL, epochs: 150 });
    await model.fit(data.x, data.y, 2, { progress: (p) => seen.push(p) });
  }, 180_000); // a loaded 2-core machine has needed more than a minute

  it('trains without NaN and reports the mixtures, then each epoch', () => {
    expect(seen.slice(0, 4).map((p) => p.stage)).toEqual(['modes', 'modes', 'modes', 'modes']);
    const epochs = seen.filter((p) => p.stage === 'epoch');
    expect(epochs).toHaveLength(150);
    expect([...model.history!.generatorLoss, ...model.history!.criticLoss].every(Number.isFinite)).toBe(true);
  });

  it("matches each class's columns (KS below 0.35 for most)", () => {
    const s = model.sample([700, 300], 11);
    expect(s.x.data.every(Number.isFinite)).toBe(true);
    expect(Array.from(classCounts(s.y, 2))).toEqual([700, 300]);
    expect(s.conditionMatched).toBeGreaterThan(0.9);
    const ks = columnQuality(data, s, 2).map((e) => e.ks);
    expect(ks.filter((v) => v < 0.35).length).toBeGreaterThanOrEqual(6);
    expect(Math.max(...ks)).toBeLessThan(0.5);
  });

  it('samples the same rows for the same seed, also after a JSON round trip', () => {
    const json = JSON.parse(JSON.stringify(model.toJSON())) as CtganJSON;
    const again = Ctgan.fromJSON(json);
    try {
      const a = model.sample({ 1: 50 }, 3);
      expect(again.sample({ 1: 50 }, 3).x.data).toEqual(a.x.data);
      expect(model.sample({ 1: 50 }, 3).x.data).toEqual(a.x.data);
      expect(model.sample({ 1: 50 }, 4).x.data).not.toEqual(a.x.data);
    } finally {
      again.dispose();
    }
  });

  it('fits reproducibly from random_state', async () => {
    const fits = [new Ctgan({ ...SMALL, epochs: 2 }), new Ctgan({ ...SMALL, epochs: 2 })];
    for (const m of fits) await m.fit(data.x, data.y, 2);
    expect(fits[0].sample([20, 20]).x.data).toEqual(fits[1].sample([20, 20]).x.data);
    fits.forEach((m) => m.dispose());
  });

  it('balances to the target counts and leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const b = await ctganBalance(data.x, data.y, 2, { ...SMALL, epochs: 1 });
    expect(Array.from(classCounts(b.y, 2))).toEqual([700, 700]);
    expect(b.synthetic).toBe(400);
    expect(b.notes[0]).toMatch(/^CTGAN trained 1 epochs on 1000 rows/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops with an AbortError when aborted, leaving no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const abort = new AbortController();
    const m = new Ctgan({ ...SMALL, epochs: 50 });
    const fit = m.fit(data.x, data.y, 2, { signal: abort.signal, progress: (p) => p.stage === 'epoch' && abort.abort() });
    await expect(fit).rejects.toThrow(/aborted/);
    expect(() => m.sample([1, 1])).toThrow(/not fitted/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a batch that is not a multiple of pac, and classes it never saw', async () => {
    expect(() => new Ctgan({ batch_size: 505 })).toThrow(/multiple of pac/);
    expect(() => model.sample([0, 0, 5])).toThrow(/classes 0…1/);
  });
});

describe('BoT-IoT sample', () => {
  /** numeric columns, log1p where non-negative, standard-scaled; classes by name */
  async function readScaled() {
    const reader = new DatasetReader(shared('botiot_12col_subset_sample.csv'));
    const batches = [];
    for await (const b of reader.batches()) batches.push(b);
    const all = concatRows(batches);
    const numeric = reader.schema!.columns.flatMap((c, j) => (c.kind === 'numeric' ? [j] : []));
    const x: Matrix = { n: all.n, d: numeric.length, data: new Float32Array(all.n * numeric.length) };
    numeric.forEach((src, j) => {
      const v = Float64Array.from({ length: all.n }, (_, i) => all.data[i * all.d + src]);
      if (v.every((a) => a >= 0)) v.forEach((a, i) => (v[i] = Math.log1p(a)));
      const mean = v.reduce((s, a) => s + a, 0) / v.length;
      const std = Math.sqrt(v.reduce((s, a) => s + (a - mean) ** 2, 0) / v.length) || 1;
      v.forEach((a, i) => (x.data[i * x.d + j] = (a - mean) / std));
    });
    const y = Int32Array.from(batches.flatMap((b) => Array.from(b.classIndex)));
    return { x, y, names: reader.classes.names };
  }

  it('SMOTEs Reconnaissance up to the DoS count with rows that look like Reconnaissance', async () => {
    const { x, y, names } = await readScaled();
    const k = names.length;
    const recon = names.indexOf('Reconnaissance');
    const dos = names.indexOf('DoS');
    const counts = classCounts(y, k);
    const b = smote(x, y, k, { sampling_strategy: { [recon]: counts[dos] }, random_state: 0 });
    const after = classCounts(b.y, k);
    expect(after[recon]).toBe(counts[dos]);
    expect(b.synthetic).toBe(counts[dos] - counts[recon]);
    const added = { x: { n: b.synthetic, d: x.d, data: b.x.data.subarray(x.n * x.d) }, y: b.y.subarray(x.n) };
    const q = columnQuality({ x, y }, added, k);
    expect(q.every((e) => e.cls === recon)).toBe(true);
    expect(medianKs(q)).toBeLessThan(0.3);
  });
});
