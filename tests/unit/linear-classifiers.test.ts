import { beforeAll, describe, expect, it } from 'vitest';
import { type Classifier, KMeans, LinearSVC, GaussianNB } from '../../src/core/classifiers';
import { minimizeLbfgs, type Objective } from '../../src/core/classifiers/lbfgs';
import { LogisticRegression, logisticObjective } from '../../src/core/classifiers/logistic-regression';
import { SquaredHingeNewton, squaredHingeLoss } from '../../src/core/classifiers/squared-hinge';
import { DatasetReader, type Matrix } from '../../src/core/ingest';
import { multiclassConfusion, multiclassScores } from '../../src/core/metrics';
import { Random } from '../../src/core/util';
import { shared } from './sources';

const m = (rows: number[][]): Matrix => ({ n: rows.length, d: rows[0].length, data: Float32Array.from(rows.flat()) });
const labels = (...y: number[]) => Int32Array.from(y);

/** n rows around each centre, spread sd, labelled by centre */
function blobs(centres: number[][], n: number, sd: number, seed: number): { x: Matrix; y: Int32Array } {
  const rng = new Random(seed);
  const rows: number[][] = [];
  const y: number[] = [];
  centres.forEach((c, k) => {
    for (let i = 0; i < n; i++) {
      rows.push(c.map((v) => v + sd * rng.normal()));
      y.push(k);
    }
  });
  return { x: m(rows), y: Int32Array.from(y) };
}

/** largest |analytic − central difference| relative to the gradient's size */
function gradientError(f: Objective, w: Float64Array): number {
  const g = new Float64Array(w.length);
  f(w, g);
  const scratch = new Float64Array(w.length);
  let worst = 0;
  let scale = 1e-12;
  for (let j = 0; j < w.length; j++) {
    const h = 1e-6;
    const up = Float64Array.from(w);
    const down = Float64Array.from(w);
    up[j] += h;
    down[j] -= h;
    const numeric = (f(up, scratch) - f(down, scratch)) / (2 * h);
    worst = Math.max(worst, Math.abs(numeric - g[j]));
    scale = Math.max(scale, Math.abs(g[j]));
  }
  return worst / scale;
}

function macroF1(model: Classifier, x: Matrix, y: Int32Array, k: number): number {
  return multiclassScores(multiclassConfusion(y, model.predict(x), k)).macro_f1;
}

/** expected macro-F1 of guessing uniformly at random: class c scores 2·p_c·(1/k) / (p_c + 1/k) */
function chanceMacroF1(y: Int32Array, k: number): number {
  const counts = new Float64Array(k);
  for (const c of y) counts[c]++;
  let sum = 0;
  for (const count of counts) sum += (2 * (count / y.length) * (1 / k)) / (count / y.length + 1 / k);
  return sum / k;
}

function roundTrip<T extends Classifier>(model: T, load: (json: ReturnType<T['toJSON']>) => Classifier, x: Matrix): void {
  const copy = load(JSON.parse(JSON.stringify(model.toJSON())));
  expect(copy.kind).toBe(model.kind);
  expect(copy.predict(x)).toEqual(model.predict(x));
  expect(copy.predictProba(x)).toEqual(model.predictProba(x));
}

function expectProbabilities(p: Float32Array, n: number, k: number): void {
  expect(p.length).toBe(n * k);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < k; c++) {
      expect(Number.isFinite(p[i * k + c])).toBe(true);
      sum += p[i * k + c];
    }
    expect(sum).toBeCloseTo(1, 5);
  }
}

describe('L-BFGS', () => {
  it('minimises the Rosenbrock function from the classic start (−1.2, 1) and in 10 dimensions', () => {
    const rosenbrock: Objective = (x, g) => {
      let f = 0;
      g.fill(0);
      for (let i = 0; i + 1 < x.length; i++) {
        const a = x[i + 1] - x[i] * x[i];
        const b = 1 - x[i];
        f += 100 * a * a + b * b;
        g[i] += -400 * x[i] * a - 2 * b;
        g[i + 1] += 200 * a;
      }
      return f;
    };
    const two = minimizeLbfgs(rosenbrock, [-1.2, 1], { maxIter: 200, gtol: 1e-8 });
    expect(two.status).toBe('gradient');
    expect(two.x[0]).toBeCloseTo(1, 5);
    expect(two.x[1]).toBeCloseTo(1, 5);
    expect(two.iterations).toBeLessThan(60);
    const ten = minimizeLbfgs(rosenbrock, new Float64Array(10).fill(-1), { maxIter: 500, gtol: 1e-8 });
    for (const v of ten.x) expect(v).toBeCloseTo(1, 4);
  });

  it('stops at max_iter and reports it', () => {
    const quadratic: Objective = (x, g) => {
      g[0] = 2 * x[0];
      g[1] = 2000 * x[1];
      return x[0] ** 2 + 1000 * x[1] ** 2;
    };
    const run = minimizeLbfgs(quadratic, [1, 1], { maxIter: 1, gtol: 1e-12 });
    expect(run.status).toBe('max_iter');
    expect(run.iterations).toBe(1);
  });
});

describe('GaussianNB', () => {
  // class 0: (0, 0), (2, 0); class 1: (4, 4), (6, 4), (5, 7)
  const x = m([
    [0, 0],
    [2, 0],
    [4, 4],
    [6, 4],
    [5, 7],
  ]);
  const y = labels(0, 0, 1, 1, 1);

  it('matches hand-computed means, variances, priors and probabilities', async () => {
    const nb = new GaussianNB();
    await nb.fit(x, y, 2);
    // overall variances: column 0 (mean 3.4) 4.64, column 1 (mean 3) 7.2; epsilon = 1e-9 × 7.2
    const eps = 7.2e-9;
    expect(nb.epsilon_).toBeCloseTo(eps, 20);
    expect(Array.from(nb.theta_)).toEqual([1, 0, 5, 5]);
    const expectedVar = [1 + eps, eps, 2 / 3 + eps, 2 + eps];
    nb.var_.forEach((v, i) => expect(v).toBeCloseTo(expectedVar[i], 12));
    expect(Array.from(nb.class_prior_)).toEqual([0.4, 0.6]);
    // at (3, 2) the products of normal densities, weighted by the priors, normalised
    const q = [3, 2];
    const pdf = (v: number, mu: number, s2: number) => Math.exp(-((v - mu) ** 2) / (2 * s2)) / Math.sqrt(2 * Math.PI * s2);
    const joint0 = 0.4 * pdf(q[0], 1, expectedVar[0]) * pdf(q[1], 0, expectedVar[1]);
    const joint1 = 0.6 * pdf(q[0], 5, expectedVar[2]) * pdf(q[1], 5, expectedVar[3]);
    expect(joint0).toBe(0); // the zero-variance column rules class 0 out, in plain arithmetic too
    const p = nb.predictProba(m([q, [1, 0]]));
    expect(p[1]).toBeCloseTo(joint1 / (joint0 + joint1), 6);
    expect(nb.predict(m([q, [1, 0]]))).toEqual(labels(1, 0));
    roundTrip(nb, GaussianNB.fromJSON, m([q, [1, 0], [5, 0]]));
    // away from the constant column, both classes have weight: check the ratio exactly
    const r = [5, 0];
    const a = 0.4 * pdf(r[0], 1, 1 + eps) * pdf(r[1], 0, eps);
    const b = 0.6 * pdf(r[0], 5, 2 / 3 + eps) * pdf(r[1], 5, 2 + eps);
    expect(nb.predictProba(m([r]))[0]).toBeCloseTo(a / (a + b), 6);
  });

  it('uses given priors and gives a class without rows probability 0', async () => {
    const nb = new GaussianNB({ priors: [0.5, 0.5, 0] });
    await nb.fit(x, y, 3);
    const p = nb.predictProba(m([[3, 2]]));
    expect(p[2]).toBe(0);
    expectProbabilities(p, 1, 3);
    expect(() => new GaussianNB({ priors: [0.5, 0.6] })).toThrow(/sum to 1/);
  });
});

describe('LogisticRegression', () => {
  it('has a gradient that matches finite differences (multinomial, binary, weighted, no intercept)', () => {
    const { x, y } = blobs(
      [
        [0, 0, 0],
        [1, 1, 0],
        [0, 1, 1],
      ],
      10,
      0.8,
      1,
    );
    const rng = new Random(2);
    const weights = Float64Array.from({ length: x.n }, () => 0.5 + rng.next());
    for (const [k, sw, intercept] of [
      [3, null, true],
      [3, weights, true],
      [3, null, false],
      [2, null, true],
      [2, weights, false],
    ] as const) {
      const yk = y.map((c) => Math.min(c, k - 1));
      const rows = k === 2 ? 1 : k;
      const f = logisticObjective(x, yk, k, sw, 0.7, intercept);
      const w = Float64Array.from({ length: rows * (x.d + (intercept ? 1 : 0)) }, () => rng.normal());
      expect(gradientError(f, w)).toBeLessThan(1e-6);
    }
  });

  it('hits the known optimum of a symmetric two-point problem (sklearn scaling: summed loss + ‖w‖²/2C)', async () => {
    // x = −1 → class 0, x = 1 → class 1: b = 0 and w solves w = 2σ(−w) (derivative of 2·log(1 + e^−w) + w²/2)
    let lo = 0;
    let hi = 2;
    for (let i = 0; i < 100; i++) {
      const mid = (lo + hi) / 2;
      if (mid - 2 / (1 + Math.exp(mid)) < 0) lo = mid;
      else hi = mid;
    }
    const model = new LogisticRegression({ tol: 1e-10 });
    await model.fit(m([[-1], [1]]), labels(0, 1), 2);
    expect(model.coef_.length).toBe(1); // the binary model: one row, as sklearn's coef_ of shape (1, d)
    expect(model.coef_[0]).toBeCloseTo(lo, 6);
    expect(model.intercept_[0]).toBeCloseTo(0, 6);
    const p = model.predictProba(m([[1]]));
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(-lo)), 6);
    roundTrip(model, LogisticRegression.fromJSON, m([[-2], [0.3], [1]]));
  });

  it('separates a separable set and, on overlapping classes, matches predicted to observed class frequencies', async () => {
    const separable = blobs(
      [
        [-4, 0],
        [4, 0],
        [0, 6],
      ],
      30,
      0.5,
      3,
    );
    const model = new LogisticRegression();
    await model.fit(separable.x, separable.y, 3);
    expect(model.predict(separable.x)).toEqual(separable.y);

    // with an unpenalised intercept the optimum has Σᵢ p(c | xᵢ) = rows of class c
    const overlap = blobs(
      [
        [0, 0],
        [1, 0],
        [0, 1],
      ],
      60,
      1.5,
      4,
    );
    const soft = new LogisticRegression({ tol: 1e-8, max_iter: 1000 });
    await soft.fit(overlap.x, overlap.y, 3);
    expect(soft.stopReason).toBe('gradient');
    const p = soft.predictProba(overlap.x);
    for (let c = 0; c < 3; c++) {
      let sum = 0;
      for (let i = 0; i < overlap.x.n; i++) sum += p[i * 3 + c];
      expect(sum).toBeCloseTo(60, 3);
    }
    roundTrip(soft, LogisticRegression.fromJSON, overlap.x);
  });

  it("class_weight 'balanced' raises a minority class's recall", async () => {
    const rng = new Random(5);
    const rows: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 400; i++) {
      const minority = i < 20;
      rows.push([rng.normal() + (minority ? 1.2 : 0), rng.normal()]);
      y.push(minority ? 1 : 0);
    }
    const x = m(rows);
    const recall = (model: LogisticRegression) =>
      model
        .predict(x)
        .subarray(0, 20)
        .reduce((a, b) => a + b, 0);
    const plain = new LogisticRegression();
    const balanced = new LogisticRegression({ class_weight: 'balanced' });
    await plain.fit(x, Int32Array.from(y), 2);
    await balanced.fit(x, Int32Array.from(y), 2);
    expect(recall(balanced)).toBeGreaterThan(recall(plain));
  });
});

describe('LinearSVC', () => {
  it('has the known optimum of a symmetric two-point problem (penalised intercept, squared hinge)', async () => {
    // ½(w² + b²) + (1 − (w + b))² + (1 − (w − b))²: b = 0, w − 4(1 − w) = 0 → w = 0.8
    const svm = new LinearSVC({ tol: 1e-10 });
    await svm.fit(m([[-1], [1]]), labels(0, 1), 2);
    expect(svm.coef_[0]).toBeCloseTo(0.8, 10);
    expect(svm.intercept_[0]).toBeCloseTo(0, 10);
    const scores = svm.decisionFunction(m([[1]]));
    expect(scores[1] - scores[0]).toBeCloseTo(0.8, 6); // the columns differ by sklearn's decision value
  });

  it('its Newton solver lands on the minimum L-BFGS finds, and the loss gradient matches finite differences', () => {
    const { x, y } = blobs(
      [
        [0, 0, 0, 0],
        [1, 0.5, 0, 0],
      ],
      150,
      1,
      6,
    );
    const sign = Float64Array.from(y, (c) => (c === 1 ? 1 : -1));
    const loss: Objective = (w, g) => squaredHingeLoss(x, sign, 2, 1, w, g);
    const rng = new Random(7);
    expect(
      gradientError(
        loss,
        Float64Array.from({ length: 5 }, () => 0.3 * rng.normal()),
      ),
    ).toBeLessThan(1e-6);
    const newton = new SquaredHingeNewton(x, sign, { C: 2, bias: 1, maxIter: 100, eps: 1e-10 });
    while (newton.step());
    expect(newton.status).toBe('gradient');
    expect(newton.iterations).toBeLessThan(20);
    const reference = minimizeLbfgs(loss, new Float64Array(5), { maxIter: 5000, gtol: 1e-9 });
    expect(newton.f).toBeCloseTo(reference.f, 6);
    newton.w.forEach((v, j) => expect(v).toBeCloseTo(reference.x[j], 4));
  });

  it('separates a linearly separable set one-vs-rest and round-trips through JSON', async () => {
    const { x, y } = blobs(
      [
        [-5, 0],
        [5, 0],
        [0, 8],
      ],
      40,
      0.7,
      8,
    );
    const svm = new LinearSVC();
    await svm.fit(x, y, 3);
    expect(svm.predict(x)).toEqual(y);
    expect(svm.coef_.length).toBe(3 * 2);
    expectProbabilities(svm.predictProba(x), x.n, 3);
    roundTrip(svm, LinearSVC.fromJSON, x);
  });
});

describe('KMeans', () => {
  const { x, y } = blobs(
    [
      [0, 0],
      [10, 0],
      [0, 10],
    ],
    50,
    0.5,
    9,
  );

  it('finds three well-separated blobs, labels each with its class, and repeats itself for a seed', async () => {
    const km = new KMeans({ random_state: 3 });
    await km.fit(x, y, 3);
    expect(km.predict(x)).toEqual(y);
    // each centre within a few standard errors of its blob's true centre
    const c = km.cluster_centers_;
    const found = Array.from(km.clusterClass)
      .map((cls, k) => [cls, c[2 * k], c[2 * k + 1]])
      .sort((a, b) => a[0] - b[0]);
    const truth = [
      [0, 0],
      [10, 0],
      [0, 10],
    ];
    found.forEach(([, a, b], k) => {
      expect(Math.hypot(a - truth[k][0], b - truth[k][1])).toBeLessThan(0.3);
    });
    // inertia per row ≈ d·σ² = 0.5
    expect(km.inertia_ / x.n).toBeGreaterThan(0.35);
    expect(km.inertia_ / x.n).toBeLessThan(0.65);
    expectProbabilities(km.predictProba(x), x.n, 3);

    const again = new KMeans({ random_state: 3 });
    await again.fit(x, y, 3);
    expect(Array.from(again.cluster_centers_)).toEqual(Array.from(km.cluster_centers_));
    expect(again.inertia_).toBe(km.inertia_);
    expect(again.clusterOf(x)).toEqual(km.clusterOf(x));
    roundTrip(km, KMeans.fromJSON, x);
  });

  it('keeps the best of several seedings and stops on an abort', async () => {
    const km = new KMeans({ n_init: 4, n_clusters: 5 });
    await km.fit(x, y, 3);
    expect(km.cluster_centers_.length).toBe(5 * 2);
    const controller = new AbortController();
    controller.abort();
    await expect(new KMeans().fit(x, y, 3, { signal: controller.signal })).rejects.toThrow(/aborted/);
  });
});

describe('awkward input', () => {
  // a class with one row, a constant column, and NaN / Infinity in what is predicted
  const rng = new Random(10);
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 60; i++) {
    const c = i === 0 ? 2 : i % 2;
    rows.push([rng.normal() + c, 3, rng.normal() - c]);
    y.push(c);
  }
  const x = m(rows);
  const queries = m([
    [NaN, 3, 0],
    [Infinity, NaN, -1],
    [0.5, 3, -0.5],
  ]);

  for (const make of [() => new GaussianNB(), () => new LogisticRegression(), () => new LinearSVC(), () => new KMeans()]) {
    it(`${make().kind} fits and predicts without NaN`, async () => {
      const model = make();
      await model.fit(x, Int32Array.from(y), 3);
      const p = model.predict(queries);
      for (const c of p) expect([0, 1, 2]).toContain(c);
      expectProbabilities(model.predictProba(queries), queries.n, 3);
      // a missing value counts as 0, the training mean of scaled features
      expect(model.predict(m([[NaN, 3, 0]]))).toEqual(model.predict(m([[0, 3, 0]])));
    });
  }

  it('rejects labels out of range and models fitted on one class', async () => {
    await expect(
      new LogisticRegression().fit(
        x,
        Int32Array.from(y, (c) => (c === 2 ? -1 : c)),
        3,
      ),
    ).rejects.toThrow(/outside/);
    await expect(new LinearSVC().fit(x, new Int32Array(x.n), 3)).rejects.toThrow(/two classes/);
  });
});

/**
 * The shared real samples, prepared as the study does: non-finite values replaced (the v2
 * `Rate` holds Infinity) by the column's largest finite value, NaN by its median; log1p on
 * columns without negatives; standard-scaled with the training part's statistics; a
 * seeded 70/30 split.
 */
async function realSplit(file: string) {
  const reader = new DatasetReader(shared(file));
  const parts: Float32Array[] = [];
  const classes: number[] = [];
  let d = 0;
  for await (const batch of reader.batches()) {
    d = batch.d;
    parts.push(batch.data.slice(0, batch.n * batch.d));
    classes.push(...batch.classIndex);
  }
  const n = classes.length;
  const data = new Float64Array(n * d);
  let offset = 0;
  for (const p of parts) {
    data.set(p, offset);
    offset += p.length;
  }
  const order = new Random(42).permutation(n);
  const cut = Math.round(0.7 * n);
  const train = order.subarray(0, cut);
  const test = order.subarray(cut);
  for (let j = 0; j < d; j++) {
    const finite = Array.from(train, (i) => data[i * d + j])
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const max = finite[finite.length - 1] ?? 0;
    const median = finite[finite.length >> 1] ?? 0;
    const logged = (finite[0] ?? 0) >= 0;
    let mean = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      let v = data[i * d + j];
      if (Number.isNaN(v)) v = median;
      else if (!Number.isFinite(v)) v = max;
      if (logged) v = Math.log1p(Math.max(v, 0));
      data[i * d + j] = v;
    }
    for (const i of train) mean += data[i * d + j] / cut;
    for (const i of train) sq += (data[i * d + j] - mean) ** 2 / cut;
    const sd = sq > 0 ? Math.sqrt(sq) : 1;
    for (let i = 0; i < n; i++) data[i * d + j] = (data[i * d + j] - mean) / sd;
  }
  const take = (idx: Uint32Array) => ({
    x: { n: idx.length, d, data: Float32Array.from({ length: idx.length * d }, (_, k) => data[idx[Math.floor(k / d)] * d + (k % d)]) },
    y: Int32Array.from(idx, (i) => classes[i]),
  });
  return { train: take(train), test: take(test), k: reader.classes.names.length };
}

/** at most `cap` rows of each class, in their order (a stratified cut that keeps every rare class whole) */
function perClassAtMost(part: { x: Matrix; y: Int32Array }, k: number, cap: number): { x: Matrix; y: Int32Array } {
  const seen = new Int32Array(k);
  const keep: number[] = [];
  part.y.forEach((c, i) => {
    if (seen[c]++ < cap) keep.push(i);
  });
  const d = part.x.d;
  const data = new Float32Array(keep.length * d);
  keep.forEach((i, r) => data.set(part.x.data.subarray(i * d, (i + 1) * d), r * d));
  return { x: { n: keep.length, d, data }, y: Int32Array.from(keep, (i) => part.y[i]) };
}

describe('real samples', () => {
  let v2: Awaited<ReturnType<typeof realSplit>>;
  let botiot: Awaited<ReturnType<typeof realSplit>>;
  beforeAll(async () => {
    v2 = await realSplit('ciciomt2024_v2_39feat_sample.csv');
    botiot = await realSplit('botiot_12col_subset_sample.csv');
  });

  // one test per model (each within the test timeout on a loaded machine); the 19-class
  // training part is capped at 300 rows per class (every rare class kept whole), the test part is whole
  it('CICIoMT2024 v2 has 19 classes, where guessing scores below 0.06', () => {
    expect(v2.k).toBe(19);
    expect(chanceMacroF1(v2.test.y, v2.k)).toBeLessThan(0.06);
  });
  const floors: [() => Classifier, number][] = [
    [() => new LogisticRegression(), 0.45],
    [() => new LinearSVC(), 0.4],
    [() => new GaussianNB(), 0.3],
    [() => new KMeans(), 0.15],
  ];
  for (const [make, floor] of floors) {
    it(`CICIoMT2024 v2, 19 classes: ${make().kind} far above chance (macro-F1 > ${floor})`, async () => {
      const train = perClassAtMost(v2.train, v2.k, 300);
      const model = make();
      await model.fit(train.x, train.y, v2.k);
      expect(macroF1(model, v2.test.x, v2.test.y, v2.k)).toBeGreaterThan(floor);
    });
  }

  it('BoT-IoT 12 columns, 3 classes: logistic regression at least 0.8', async () => {
    expect(botiot.k).toBe(3);
    const floors: [Classifier, number][] = [
      [new LogisticRegression(), 0.8],
      [new LinearSVC(), 0.8],
      [new GaussianNB(), 0.4],
      [new KMeans(), chanceMacroF1(botiot.test.y, botiot.k)],
    ];
    for (const [model, floor] of floors) {
      await model.fit(botiot.train.x, botiot.train.y, botiot.k);
      expect(macroF1(model, botiot.test.x, botiot.test.y, botiot.k), model.kind).toBeGreaterThan(floor);
    }
  });
});
