import { readFileSync } from 'node:fs';
import { SHARED } from './sources';
import { describe, expect, it } from 'vitest';
import { matrix, takeRows, type Matrix } from '../../src/core/ingest';
import {
  averagePathLength,
  IsolationForest,
  loadIsolationForest,
  ORIGINAL_SYSTEM_PRESET,
  walkForest,
  type Forest,
  type IsolationForestJSON,
} from '../../src/core/detectors/isolation-forest';
import { completeForest, MAX_LAYOUT_DEPTH } from '../../src/core/detectors/isolation-forest-layout';
import { ForestKernel } from '../../src/core/detectors/wasm/isolation-forest-kernel';
import { gridSearchIsolationForest } from '../../src/core/detectors';
import { Random } from '../../src/core/util';

function gaussian(n: number, d: number, seed: number, mean = 0, sd = 1): Matrix {
  const rng = new Random(seed);
  const data = new Float32Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = mean + sd * rng.normal();
  return matrix(n, d, data);
}

function stack(a: Matrix, b: Matrix): Matrix {
  const data = new Float32Array((a.n + b.n) * a.d);
  data.set(a.data);
  data.set(b.data, a.data.length);
  return matrix(a.n + b.n, a.d, data);
}

/** Mann–Whitney AUC with ties counted as half, by brute force: small inputs only. */
function auc(scores: ArrayLike<number>, positive: ArrayLike<number>): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!positive[i]) continue;
    for (let j = 0; j < scores.length; j++) {
      if (positive[j]) continue;
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

/** Depth of every leaf, walking the pre-order layout (left child = next node). */
function leafDepths(json: IsolationForestJSON): number[] {
  const { roots, feature, right } = json.forest;
  const depths: number[] = [];
  for (const root of roots) {
    const stackNodes: [number, number][] = [[root, 0]];
    while (stackNodes.length) {
      const [k, depth] = stackNodes.pop()!;
      if (feature[k] < 0) depths.push(depth);
      else stackNodes.push([k + 1, depth + 1], [right[k], depth + 1]);
    }
  }
  return depths;
}

/** Split features of each tree. */
function featuresPerTree(json: IsolationForestJSON): Set<number>[] {
  const { roots, feature } = json.forest;
  return roots.map((start, t) => {
    const end = t + 1 < roots.length ? roots[t + 1] : feature.length;
    return new Set(feature.slice(start, end).filter((f) => f >= 0));
  });
}

describe('averagePathLength (c(n))', () => {
  it('matches sklearn’s _average_path_length', () => {
    expect(averagePathLength(0)).toBe(0);
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    expect(averagePathLength(3)).toBeCloseTo(2 * (Math.log(2) + 0.5772156649) - 4 / 3, 12);
    expect(averagePathLength(256)).toBeCloseTo(10.2448, 4);
    expect(averagePathLength(512)).toBeCloseTo(11.6311, 4);
  });
});

describe('IsolationForest', () => {
  const x = gaussian(600, 5, 1);

  it('is deterministic for a given random_state and differs across states', async () => {
    const a = new IsolationForest({ random_state: 7, n_estimators: 30 });
    const b = new IsolationForest({ random_state: 7, n_estimators: 30 });
    const c = new IsolationForest({ random_state: 8, n_estimators: 30 });
    await Promise.all([a.fit(x), b.fit(x), c.fit(x)]);
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(await b.score(x)).toEqual(await a.score(x));
    expect(await c.score(x)).not.toEqual(await a.score(x));
  });

  it('scores in (0, 1] and resolves max_samples like sklearn', async () => {
    const auto = new IsolationForest({ n_estimators: 10 });
    await auto.fit(x);
    expect(auto.max_samples_).toBe(256);
    for (const s of await auto.score(x)) expect(s > 0 && s <= 1).toBe(true);

    const fraction = new IsolationForest({ n_estimators: 5, max_samples: 0.5 });
    await fraction.fit(x);
    expect(fraction.max_samples_).toBe(300);
    const clamped = new IsolationForest({ n_estimators: 5, max_samples: 5000 });
    await clamped.fit(x);
    expect(clamped.max_samples_).toBe(600);
    const small = new IsolationForest({ n_estimators: 5, max_samples: 'auto' });
    await small.fit(takeRows(x, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(small.max_samples_).toBe(10);
  });

  it('limits tree depth to ceil(log2(max_samples))', async () => {
    for (const max_samples of [256, 100, 2]) {
      const forest = new IsolationForest({ n_estimators: 20, max_samples });
      await forest.fit(x);
      expect(Math.max(...leafDepths(forest.toJSON()))).toBeLessThanOrEqual(Math.ceil(Math.log2(max_samples)));
    }
  });

  it('gives each tree its own subset of max_features columns', async () => {
    const wide = gaussian(300, 10, 2);
    const forest = new IsolationForest({ n_estimators: 40, max_features: 0.3 });
    await forest.fit(wide);
    const perTree = featuresPerTree(forest.toJSON());
    for (const s of perTree) expect(s.size).toBeLessThanOrEqual(3);
    // across trees the subsets differ, so together they cover every column
    expect(new Set(perTree.flatMap((s) => [...s])).size).toBe(10);
  });

  it('never splits on a constant column', async () => {
    const rng = new Random(3);
    const data = new Float32Array(400 * 3);
    for (let i = 0; i < 400; i++) {
      data[i * 3] = 5;
      data[i * 3 + 1] = rng.normal();
      data[i * 3 + 2] = -1;
    }
    const forest = new IsolationForest({ n_estimators: 20 });
    await forest.fit(matrix(400, 3, data));
    for (const s of featuresPerTree(forest.toJSON())) expect([...s]).toEqual([1]);
  });

  it('scores a planted outlier above every inlier', async () => {
    const inliers = gaussian(500, 4, 4);
    const outlier = matrix(1, 4, Float32Array.of(8, -8, 8, -8));
    const forest = new IsolationForest({ random_state: 1 });
    await forest.fit(stack(inliers, outlier));
    const s = await forest.score(stack(inliers, outlier));
    const top = s[500];
    expect(Math.max(...s.subarray(0, 500))).toBeLessThan(top);
    expect(top).toBeGreaterThan(0.6);
  });

  it('handles all-constant data: single-leaf trees, every score 0.5', async () => {
    const flat = matrix(50, 3, new Float32Array(150).fill(2.5));
    const forest = new IsolationForest({ n_estimators: 10, contamination: 0.1 });
    await forest.fit(flat);
    const json = forest.toJSON();
    expect(json.forest.feature.every((f) => f === -1)).toBe(true);
    const s = await forest.score(matrix(2, 3, Float32Array.of(2.5, 2.5, 2.5, 100, -100, 0)));
    expect(Array.from(s)).toEqual([0.5, 0.5]);
    expect(Array.from(forest.predict(flat))).toEqual(new Array(50).fill(0));
  });

  it('separates two clusters (high ROC-AUC)', async () => {
    const benign = gaussian(400, 6, 5);
    const attack = gaussian(200, 6, 6, 3, 0.5);
    const forest = new IsolationForest({ random_state: 2 });
    await forest.fit(gaussian(1000, 6, 7));
    const s = await forest.score(stack(benign, attack));
    const y = new Uint8Array(600).fill(1, 400);
    expect(auc(s, y)).toBeGreaterThan(0.97);
  });

  it('round-trips through JSON with identical scores', async () => {
    const forest = new IsolationForest({ ...ORIGINAL_SYSTEM_PRESET, n_estimators: 25, random_state: 3 });
    await forest.fit(x);
    const json = JSON.parse(JSON.stringify(forest.toJSON()));
    const loaded = (await loadIsolationForest(json, {})) as IsolationForest;
    expect(loaded.kind).toBe('iforest');
    expect(loaded.params).toEqual(forest.params);
    expect(loaded.offset_).toBe(forest.offset_);
    const probe = stack(x, gaussian(100, 5, 9, 0, 4));
    expect(await loaded.score(probe)).toEqual(await forest.score(probe));
    expect(loaded.predict(probe)).toEqual(forest.predict(probe));
    expect(await forest.artifacts()).toEqual({});
  });

  it('rejects a malformed model file', () => {
    const bad = {
      kind: 'iforest',
      version: 1,
      params: {},
      n_features_in_: 2,
      max_samples_: 4,
      offset_: -0.5,
      forest: { roots: [0], feature: [0, -1], right: [0, -1], value: [0, 1] },
    };
    expect(() => IsolationForest.fromJSON(bad)).toThrow(/malformed/);
  });

  it('flags about `contamination` of the training rows; auto thresholds at 0.5', async () => {
    const train = gaussian(1000, 5, 10);
    const forest = new IsolationForest({ contamination: 0.1, random_state: 4 });
    await forest.fit(train);
    expect(forest.decisionThreshold).toBe(-forest.offset_);
    const flagged = forest.predict(train).reduce((a, b) => a + b, 0);
    expect(flagged).toBeGreaterThanOrEqual(95);
    expect(flagged).toBeLessThanOrEqual(105);

    const auto = new IsolationForest({ random_state: 4 });
    await auto.fit(train);
    expect(auto.offset_).toBe(-0.5);
    expect(auto.decisionThreshold).toBe(0.5);
  });

  it('reports progress and ends with done = total', async () => {
    const seen: number[] = [];
    await new IsolationForest({ n_estimators: 45 }).fit(x, { progress: (p) => seen.push(p.done) });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.at(-1)).toBe(45);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('stops with an AbortError when aborted', async () => {
    const before = new AbortController();
    before.abort();
    await expect(new IsolationForest().fit(x, { signal: before.signal })).rejects.toMatchObject({ name: 'AbortError' });

    const during = new AbortController();
    const forest = new IsolationForest({ n_estimators: 100 });
    let last = 0;
    const fit = forest.fit(x, {
      signal: during.signal,
      progress: (p) => {
        last = p.done;
        if (p.done >= 20) during.abort();
      },
    });
    await expect(fit).rejects.toMatchObject({ name: 'AbortError' });
    expect(last).toBeLessThan(100);
    expect(forest.isFitted).toBe(false);
  });

  it('does not crash on NaN and treats it deterministically', async () => {
    const forest = new IsolationForest({ n_estimators: 20 });
    await forest.fit(x);
    const probe = matrix(2, 5, Float32Array.of(NaN, 0, 0, 0, 0, NaN, NaN, NaN, NaN, NaN));
    const a = await forest.score(probe);
    expect(a.every(Number.isFinite)).toBe(true);
    expect(await forest.score(probe)).toEqual(a);

    const holes = Float32Array.from(x.data);
    for (let i = 0; i < holes.length; i += 7) holes[i] = NaN;
    const withNaN = new IsolationForest({ n_estimators: 20 });
    await withNaN.fit(matrix(x.n, x.d, holes));
    expect((await withNaN.score(x)).every(Number.isFinite)).toBe(true);
  });

  it('rejects bad parameters and mismatched input', async () => {
    expect(() => new IsolationForest({ n_estimators: 0 })).toThrow();
    expect(() => new IsolationForest({ max_samples: 2.5 })).toThrow();
    expect(() => new IsolationForest({ max_features: 0 })).toThrow();
    expect(() => new IsolationForest({ contamination: 0.6 })).toThrow();
    await expect(new IsolationForest().score(x)).rejects.toThrow(/not fitted/);
    const forest = new IsolationForest({ n_estimators: 5 });
    await forest.fit(x);
    await expect(forest.score(gaussian(3, 4, 0))).rejects.toThrow(/5 columns/);
    await expect(new IsolationForest({ max_features: 9 }).fit(x)).rejects.toThrow(/max_features/);
  });
});

describe('gridSearchIsolationForest', () => {
  it('fits every combination and ranks them by validation ROC-AUC', async () => {
    const train = gaussian(400, 4, 11);
    const vx = stack(gaussian(200, 4, 12), gaussian(100, 4, 13, 2.5, 0.5));
    const vy = new Uint8Array(300).fill(1, 200);
    const grid = { n_estimators: [10, 40], max_samples: ['auto' as const, 64], max_features: [0.5, 1.0], contamination: [0.05, 0.1] };
    const progress: number[] = [];
    const { results, best } = await gridSearchIsolationForest(train, { x: vx, y: vy }, grid, { progress: (p) => progress.push(p.done) });
    expect(results).toHaveLength(16);
    expect(progress.at(-1)).toBe(8);
    for (let i = 1; i < results.length; i++) expect(results[i - 1].roc_auc).toBeGreaterThanOrEqual(results[i].roc_auc);
    expect(best.params).toEqual(results[0].params);
    expect(results[0].roc_auc).toBeCloseTo(auc(best.scoreSync(vx), vy), 10);
    expect(results[0].roc_auc).toBeGreaterThan(0.9);

    // sharing trees across contamination values equals refitting with that contamination
    const refit = new IsolationForest(results[0].params);
    await refit.fit(train);
    expect(refit.offset_).toBe(best.offset_);
    expect(refit.scoreSync(vx)).toEqual(best.scoreSync(vx));

    await expect(gridSearchIsolationForest(train, { x: vx, y: new Uint8Array(300) }, grid)).rejects.toThrow(/both attack and benign/);
  });
});

describe('on CICIoMT2024 v2 (real data)', () => {
  it('separates held-out benign rows from attacks (ROC-AUC > 0.8)', async () => {
    const text = readFileSync(SHARED + 'ciciomt2024_v2_39feat_sample.csv', 'utf8');
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const header = lines[0].split(',');
    const labelCol = header.indexOf('attack_type');
    const featureCols = header.map((_, j) => j).filter((j) => j !== labelCol);
    const d = featureCols.length;
    const n = lines.length - 1;
    const raw = new Float64Array(n * d);
    const benign = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const cells = lines[i + 1].split(',');
      benign[i] = cells[labelCol].includes('_Benign_') ? 1 : 0;
      // Number('inf') is NaN; either way it is non-finite and replaced below
      featureCols.forEach((c, j) => (raw[i * d + j] = Number(cells[c])));
    }
    expect(d).toBe(39);
    for (let j = 0; j < d; j++) {
      let max = -Infinity;
      for (let i = 0; i < n; i++) if (Number.isFinite(raw[i * d + j])) max = Math.max(max, raw[i * d + j]);
      for (let i = 0; i < n; i++) if (!Number.isFinite(raw[i * d + j])) raw[i * d + j] = max;
    }
    // min-max scaling learned on benign rows only
    const data = new Float32Array(n * d);
    for (let j = 0; j < d; j++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < n; i++) {
        if (!benign[i]) continue;
        lo = Math.min(lo, raw[i * d + j]);
        hi = Math.max(hi, raw[i * d + j]);
      }
      const range = hi > lo ? hi - lo : 1;
      for (let i = 0; i < n; i++) data[i * d + j] = (raw[i * d + j] - lo) / range;
    }
    const all = matrix(n, d, data);
    const benignRows = [...benign.keys()].filter((i) => benign[i]);
    const attackRows = [...benign.keys()].filter((i) => !benign[i]);
    expect(benignRows).toHaveLength(900);
    const order = new Random(0).permutation(benignRows.length);
    const trainRows = Array.from(order.subarray(0, 450), (k) => benignRows[k]);
    const heldOut = Array.from(order.subarray(450), (k) => benignRows[k]);

    const forest = new IsolationForest({ ...ORIGINAL_SYSTEM_PRESET, random_state: 0 });
    await forest.fit(takeRows(all, trainRows));
    const s = await forest.score(takeRows(all, [...heldOut, ...attackRows]));
    const y = new Uint8Array(s.length).fill(1, heldOut.length);
    expect(auc(s, y)).toBeGreaterThan(0.8);
  });
});

describe('isolation-forest scoring kernel (complete layout in WebAssembly)', () => {
  const forestOf = (json: IsolationForestJSON): Forest => ({
    roots: Int32Array.from(json.forest.roots),
    feature: Int32Array.from(json.forest.feature),
    right: Int32Array.from(json.forest.right),
    value: Float32Array.from(json.forest.value),
  });

  /** rows with NaN, ±Infinity, −0 and values on the thresholds themselves, to reach every comparison edge */
  function awkward(json: IsolationForestJSON, n: number, d: number, seed: number): Matrix {
    const x = gaussian(n, d, seed);
    const thresholds = json.forest.value.filter((_, k) => json.forest.feature[k] >= 0);
    const rng = new Random(seed + 1);
    for (let i = 0; i < x.data.length; i += 3) {
      const r = rng.next();
      x.data[i] = r < 0.05 ? NaN : r < 0.08 ? Infinity : r < 0.11 ? -Infinity : r < 0.13 ? -0 : r < 0.5 ? thresholds[rng.int(thresholds.length)] : x.data[i];
    }
    return x;
  }

  it('adds exactly the leaf values the pointer walk adds, row for row', async () => {
    for (const [params, n] of [
      [{}, 16_384 + 13], // depth 8, more rows than one chunk, not a multiple of eight
      [{ max_samples: 10, n_estimators: 7 }, 301], // depth 4: many shallow leaves padded
      [{ ...ORIGINAL_SYSTEM_PRESET, max_samples: 512 }, 999], // depth 9, feature subsets
    ] as const) {
      const forest = new IsolationForest(params);
      await forest.fit(gaussian(2000, 5, 3));
      const json = forest.toJSON();
      const x = awkward(json, n, 5, 4);
      const complete = completeForest(forestOf(json))!;
      expect(complete.depth).toBe(Math.max(...leafDepths(json)));
      expect(ForestKernel.create(complete)!.sumLeafDepths(x.data, x.n, x.d)).toEqual(walkForest(forestOf(json), x));
    }
  });

  it('keeps the pointer walk for forests deeper than the layout allows', async () => {
    const forest = new IsolationForest({ max_samples: 8192, n_estimators: 2 });
    const x = gaussian(8192, 2, 5);
    await forest.fit(x);
    expect(Math.max(...leafDepths(forest.toJSON()))).toBeGreaterThan(MAX_LAYOUT_DEPTH);
    expect(completeForest(forestOf(forest.toJSON()))).toBeNull();
    const scores = forest.scoreSync(x);
    const depths = walkForest(forestOf(forest.toJSON()), x);
    const c = 2 * averagePathLength(8192);
    expect(scores).toEqual(Float32Array.from(depths, (h) => Math.pow(2, -h / c)));
  });

  it('scores the shipped default forest as the pointer walk does', async () => {
    const json = JSON.parse(readFileSync(new URL('../../public/models/iforest/pipeline.json', import.meta.url), 'utf8')).detector as IsolationForestJSON;
    const model = IsolationForest.fromJSON(json);
    const x = awkward(json, 4099, json.n_features_in_, 6);
    const c = json.forest.roots.length * averagePathLength(json.max_samples_);
    expect(await model.score(x)).toEqual(Float32Array.from(walkForest(forestOf(json), x), (h) => Math.pow(2, -h / c)));
  });
});
