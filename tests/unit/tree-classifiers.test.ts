import { beforeAll, describe, expect, it } from 'vitest';
import { DatasetReader, type SourceFile, concatRows, matrix, takeRows, type Matrix } from '../../src/core/ingest';
import { multiclassConfusion, multiclassScores } from '../../src/core/metrics';
import { fnv1a, Random } from '../../src/core/util';
import {
  type Classifier,
  DecisionTreeClassifier,
  type DecisionTreeClassifierJSON,
  GradientBoostingClassifier,
  type GradientBoostingClassifierJSON,
  RandomForestClassifier,
} from '../../src/core/classifiers';
import type { FitProgress } from '../../src/core/detectors';
import { addTreeValues, treeFromJSON, type Tree, type TreeJSON } from '../../src/core/classifiers/tree-storage';
import { shared } from './sources';

interface Split {
  train: Matrix;
  yTrain: Int32Array;
  test: Matrix;
  yTest: Int32Array;
  k: number;
}

/** All rows of a sample; as the preprocessor would, ±Infinity becomes the column's largest finite value and NaN 0. */
async function readLabelled(files: SourceFile[]): Promise<{ x: Matrix; y: Int32Array; k: number }> {
  const reader = new DatasetReader(files);
  const parts: Matrix[] = [];
  const labels: number[] = [];
  for await (const b of reader.batches()) {
    parts.push(b);
    labels.push(...b.classIndex);
  }
  const x = concatRows(parts);
  for (let f = 0; f < x.d; f++) {
    let max = 0;
    for (let i = 0; i < x.n; i++) if (Number.isFinite(x.data[i * x.d + f])) max = Math.max(max, x.data[i * x.d + f]);
    for (let i = 0; i < x.n; i++) {
      const v = x.data[i * x.d + f];
      if (!Number.isFinite(v)) x.data[i * x.d + f] = Number.isNaN(v) ? 0 : max;
    }
  }
  return { x, y: Int32Array.from(labels), k: reader.classes.names.length };
}

/** A seeded 70/30 split. */
async function split(file: string): Promise<Split> {
  const { x, y, k } = await readLabelled(shared(file));
  const perm = new Random(42).permutation(x.n);
  const cut = Math.floor(0.7 * x.n);
  const train = perm.subarray(0, cut);
  const test = perm.subarray(cut);
  return { train: takeRows(x, train), yTrain: Int32Array.from(train, (i) => y[i]), test: takeRows(x, test), yTest: Int32Array.from(test, (i) => y[i]), k };
}

async function macroF1(model: Classifier, s: Split): Promise<number> {
  await model.fit(s.train, s.yTrain, s.k);
  return multiclassScores(multiclassConfusion(s.yTest, model.predict(s.test), s.k)).macro_f1;
}

/** the JavaScript walk: each tree's leaf values added in tree order, then the mean (what the WebAssembly kernel must give) */
function walked(trees: Tree[], x: Matrix, classes: number): Float32Array {
  const sum = new Float64Array(x.n * classes);
  for (const t of trees) addTreeValues(t, x, sum, classes, 0, 1);
  return Float32Array.from(sum, (v) => v / trees.length);
}

const roundTrip = <T>(json: T): T => JSON.parse(JSON.stringify(json)) as T;

describe('tree models on the CICIoMT2024 v2 sample, 19 classes', () => {
  let v2: Split;
  beforeAll(async () => {
    v2 = await split('ciciomt2024_v2_39feat_sample.csv');
  });

  it('reads 19 classes with the Infinity of Rate replaced', () => {
    expect(v2.k).toBe(19);
    expect(v2.train.d).toBe(39);
    expect(v2.train.data.every(Number.isFinite)).toBe(true);
  });

  // on this very split sklearn reaches macro-F1 0.776 (forest), 0.740 (tree), 0.793 (boosting), and
  // these models 0.776, 0.740, 0.790; chance is ≈ 0.05
  it('random forest: macro-F1 ≥ 0.70', async () => {
    expect(await macroF1(new RandomForestClassifier(), v2)).toBeGreaterThanOrEqual(0.7);
  });

  it('the WebAssembly kernel gives exactly the probabilities of walking the trees, on the rows they learnt and on new ones', async () => {
    const forest = new RandomForestClassifier({ n_estimators: 20, random_state: 5 });
    await forest.fit(v2.train, v2.yTrain, v2.k);
    const trees = forest.toJSON().trees.map((t) => treeFromJSON(t, v2.train.d, v2.k, 'test'));
    for (const x of [v2.train, v2.test]) expect(forest.predictProba(x)).toEqual(walked(trees, x, v2.k));
  });

  it('decision tree: macro-F1 ≥ 0.60', async () => {
    expect(await macroF1(new DecisionTreeClassifier(), v2)).toBeGreaterThanOrEqual(0.6);
  });

  it('gradient boosting (100 stages × 19 trees): macro-F1 ≥ 0.70', async () => {
    expect(await macroF1(new GradientBoostingClassifier(), v2)).toBeGreaterThanOrEqual(0.7);
  });

  // fingerprints of trees grown by the splitter before its sorts were made faster: speed-ups must grow the same trees.
  // The entropy / balanced one moved once, on purpose: the scan now takes the right side's weights as the node's less
  // the left's, as sklearn's ClassificationCriterion.update does, instead of subtracting row by row; with fractional
  // class weights the last bits differ, which flips near-ties between features (integer bootstrap weights are unchanged).
  it('the exact splitter grows the same trees, threshold for threshold, as before it was sped up', async () => {
    const grown = async (model: Classifier & { toJSON(): object }) => {
      await model.fit(v2.train, v2.yTrain, v2.k);
      // the trees only: settings added to the file later must not move the fingerprints
      const json = model.toJSON() as { trees?: unknown; tree?: unknown };
      return fnv1a(JSON.stringify(json.trees ?? json.tree));
    };
    // every setting spelled out, so that tuning the defaults does not move the fingerprints
    const tree = { criterion: 'gini', max_depth: null, min_samples_split: 2, min_samples_leaf: 1, max_features: null, class_weight: null } as const;
    const settings = { ...tree, max_features: 'sqrt', bootstrap: true, max_samples: null } as const;
    expect(await grown(new RandomForestClassifier({ ...settings, n_estimators: 12, random_state: 7 }))).toBe('5b7d6076');
    expect(
      await grown(
        new RandomForestClassifier({ ...settings, n_estimators: 4, criterion: 'entropy', class_weight: 'balanced', min_samples_leaf: 2, random_state: 0 }),
      ),
    ).toBe('3c73107b');
    expect(await grown(new DecisionTreeClassifier({ ...tree, random_state: 3 }))).toBe('8c97d545');
  });
});

describe('tree models on the BoT-IoT 12-column sample (proto and flgs as category codes)', () => {
  let bot: Split;
  beforeAll(async () => {
    bot = await split('botiot_12col_subset_sample.csv');
  });

  it('random forest, decision tree and gradient boosting: macro-F1 ≥ 0.95', async () => {
    expect(bot.k).toBe(3);
    for (const model of [new RandomForestClassifier(), new DecisionTreeClassifier(), new GradientBoostingClassifier()]) {
      expect(await macroF1(model, bot), model.kind).toBeGreaterThanOrEqual(0.95);
    }
  });

  it('JSON round trips give identical probabilities', async () => {
    const models: [Classifier, (j: ReturnType<Classifier['toJSON']>) => Classifier][] = [
      [new RandomForestClassifier({ n_estimators: 10 }), RandomForestClassifier.fromJSON],
      [new DecisionTreeClassifier(), DecisionTreeClassifier.fromJSON],
      [new GradientBoostingClassifier({ n_estimators: 10 }), GradientBoostingClassifier.fromJSON],
    ];
    for (const [model, load] of models) {
      await model.fit(bot.train, bot.yTrain, bot.k);
      const json = roundTrip(model.toJSON());
      expect(json).toEqual(model.toJSON());
      const copy = load(json);
      expect(copy.kind).toBe(model.kind);
      expect(copy.predictProba(bot.test)).toEqual(model.predictProba(bot.test));
      expect(copy.predict(bot.test)).toEqual(model.predict(bot.test));
    }
  });

  it('binary gradient boosting: one tree per stage, started from the prior log-odds', async () => {
    const y = Int32Array.from(bot.yTrain, (c) => (c === bot.yTrain[0] ? 1 : 0));
    const gbt = new GradientBoostingClassifier({ n_estimators: 5 });
    await gbt.fit(bot.train, y, 2);
    const json: GradientBoostingClassifierJSON = gbt.toJSON();
    const p = y.reduce((a, v) => a + v, 0) / y.length;
    expect(json.init_).toHaveLength(1);
    expect(json.init_[0]).toBeCloseTo(Math.log(p / (1 - p)), 12);
    expect(json.trees).toHaveLength(5);
    const proba = gbt.predictProba(bot.test);
    for (let i = 0; i < bot.test.n; i++) expect(proba[2 * i] + proba[2 * i + 1]).toBeCloseTo(1, 6);
  });
});

describe('tree models on awkward inputs', () => {
  // 3 classes of 60 rows plus a class of one row; column 0 constant, column 3 pure noise
  const n = 181;
  const d = 4;
  const rng = new Random(7);
  const data = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i === n - 1 ? 3 : i % 3;
    data[i * d] = 5;
    data[i * d + 1] = y[i] + 0.3 * rng.normal();
    data[i * d + 2] = y[i] === 3 ? 10 : -y[i] + 0.3 * rng.normal();
    data[i * d + 3] = rng.normal();
  }
  const x = matrix(n, d, data);
  const withNaN = matrix(2, d, Float32Array.of(NaN, NaN, NaN, NaN, 5, NaN, 0, NaN));

  it('fit and predict with a one-row class, a constant column and NaN rows', async () => {
    const nanTrain = matrix(n, d, data.slice());
    nanTrain.data[5 * d + 1] = NaN;
    for (const model of [
      new DecisionTreeClassifier(),
      new RandomForestClassifier({ n_estimators: 20 }),
      new GradientBoostingClassifier({ n_estimators: 20 }),
    ]) {
      await model.fit(nanTrain, y, 4);
      const proba = model.predictProba(withNaN);
      expect(proba).toHaveLength(2 * 4);
      for (let i = 0; i < 2; i++) expect(proba[4 * i] + proba[4 * i + 1] + proba[4 * i + 2] + proba[4 * i + 3]).toBeCloseTo(1, 5);
      expect([...model.predict(withNaN)].every((c) => c >= 0 && c < 4)).toBe(true);
    }
  });

  it('a fully grown tree (gini or entropy) learns its training rows, the single-row class included, and never splits on the constant column', async () => {
    for (const criterion of ['gini', 'entropy'] as const) {
      const tree = new DecisionTreeClassifier({ criterion });
      await tree.fit(x, y, 4);
      expect(tree.predict(x)).toEqual(y);
      const json: DecisionTreeClassifierJSON = tree.toJSON();
      expect(json.tree.feature).not.toContain(0);
    }
  });

  it('thresholds sit midway between neighbouring values, as sklearn puts them', async () => {
    const tree = new DecisionTreeClassifier();
    await tree.fit(matrix(4, 1, Float32Array.of(1, 2, 4, 8)), Int32Array.of(0, 0, 1, 1), 2);
    expect(tree.toJSON().tree.threshold[0]).toBe(3);
    expect([...tree.predict(matrix(3, 1, Float32Array.of(2.9, 3.1, NaN)))]).toEqual([0, 1, 1]);
  });

  it("leaves hold normalised (class-weighted) counts: an unsplittable 9:1 node is 0.9/0.1, or 0.5/0.5 with class_weight='balanced'", async () => {
    const same = matrix(10, 2, new Float32Array(20).fill(1));
    const labels = Int32Array.from({ length: 10 }, (_, i) => (i === 0 ? 1 : 0));
    const plain = new DecisionTreeClassifier();
    await plain.fit(same, labels, 2);
    expect([...plain.predictProba(matrix(1, 2, Float32Array.of(1, 1)))]).toEqual([Math.fround(0.9), Math.fround(0.1)]);
    const balanced = new DecisionTreeClassifier({ class_weight: 'balanced' });
    await balanced.fit(same, labels, 2);
    expect([...balanced.predictProba(matrix(1, 2, Float32Array.of(1, 1)))]).toEqual([0.5, 0.5]);
  });

  it('limits: max_depth and min_samples_leaf hold', async () => {
    const stump = new DecisionTreeClassifier({ max_depth: 1 });
    await stump.fit(x, y, 4);
    expect(stump.nodeCount).toBe(3);
    const leafy = new DecisionTreeClassifier({ min_samples_leaf: 30 });
    await leafy.fit(x, y, 4);
    // no leaf can hold the one-row class alone
    expect([...leafy.predict(x)]).not.toContain(3);
  });

  it('feature importances: non-negative, summing to 1, none for the constant column', async () => {
    const forest = new RandomForestClassifier({ n_estimators: 20 });
    await forest.fit(x, y, 4);
    const imp = forest.featureImportances();
    expect(imp).toHaveLength(d);
    expect(imp.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 12);
    expect(imp[0]).toBe(0);
    expect(imp[1] + imp[2]).toBeGreaterThan(imp[3]);
  });

  it('the same random_state grows the same models; another grows different ones', async () => {
    const fitted = async (make: () => Classifier) => {
      const m = make();
      await m.fit(x, y, 4);
      return JSON.stringify(m.toJSON());
    };
    const forest = (seed: number) => () => new RandomForestClassifier({ n_estimators: 10, random_state: seed });
    const tree = (seed: number) => () => new DecisionTreeClassifier({ max_features: 'sqrt', random_state: seed });
    const gbt = (seed: number) => () => new GradientBoostingClassifier({ n_estimators: 10, subsample: 0.5, random_state: seed });
    for (const make of [forest, tree, gbt]) {
      expect(await fitted(make(3))).toBe(await fitted(make(3)));
      expect(await fitted(make(3))).not.toBe(await fitted(make(4)));
    }
  });

  it('an abort stops a fit with an AbortError, after progress reports (with the training loss for boosting)', async () => {
    // long enough to report before the end
    for (const model of [new RandomForestClassifier({ n_estimators: 5000 }), new GradientBoostingClassifier({ n_estimators: 5000 })]) {
      const controller = new AbortController();
      const seen: FitProgress[] = [];
      const fit = model.fit(x, y, 4, {
        signal: controller.signal,
        progress: (p) => {
          seen.push(p);
          controller.abort();
        },
      });
      await expect(fit).rejects.toMatchObject({ name: 'AbortError' });
      expect(seen).toHaveLength(1);
      expect(seen[0].done).toBeLessThan(5000);
      expect(model.isFitted).toBe(false);
      if (model.kind === 'gbt') expect(seen[0].loss).toBeGreaterThan(0);
    }
    const aborted = AbortSignal.abort();
    await expect(new DecisionTreeClassifier().fit(x, y, 4, { signal: aborted })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses bad settings, labels and files', async () => {
    expect(() => new RandomForestClassifier({ n_estimators: 0 })).toThrow(/n_estimators/);
    expect(() => new DecisionTreeClassifier({ max_features: 1.5 })).toThrow(/max_features/);
    expect(() => new DecisionTreeClassifier({ min_samples_split: 1 })).toThrow(/min_samples_split/);
    expect(() => new RandomForestClassifier({ bootstrap: false, max_samples: 0.5 })).toThrow(/bootstrap/);
    expect(() => new GradientBoostingClassifier({ subsample: 0 })).toThrow(/subsample/);
    await expect(new DecisionTreeClassifier().fit(x, y, 3)).rejects.toThrow(/label 3 .* outside/);
    await expect(new GradientBoostingClassifier().fit(x, new Int32Array(n), 1)).rejects.toThrow(/two classes/);
    const tree = new DecisionTreeClassifier({ max_depth: 2 });
    await tree.fit(x, y, 4);
    const bad = roundTrip(tree.toJSON());
    bad.tree.left[0] = 0;
    expect(() => DecisionTreeClassifier.fromJSON(bad)).toThrow(/malformed/);
    expect(() => RandomForestClassifier.fromJSON(tree.toJSON())).toThrow(/expected a random forest/);
    expect(() => tree.predict(matrix(1, 3, new Float32Array(3)))).toThrow(/4 columns/);
  });
});

describe('decision-forest prediction kernel (WebAssembly)', () => {
  /** three noisy classes over 4 columns, with NaN, ±Infinity, −0 and copies of training values (ties with thresholds) */
  function awkward(n: number, seed: number): { x: Matrix; y: Int32Array } {
    const rng = new Random(seed);
    const x = matrix(n, 4);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = rng.int(3);
      for (let j = 0; j < 4; j++) x.data[i * 4 + j] = Math.round((y[i] + rng.normal()) * 8) / 8;
    }
    return { x, y };
  }

  it('predicts exactly what walking the trees predicts, for forests, min_samples_leaf leaves and a file in another node order', async () => {
    const { x, y } = awkward(3000, 1);
    const test = awkward(1003, 2).x;
    const rng = new Random(3);
    for (let i = 0; i < test.data.length; i += 5) test.data[i] = [NaN, Infinity, -Infinity, -0, test.data[i]][rng.int(5)];
    const forest = new RandomForestClassifier({ n_estimators: 7, random_state: 1 });
    await forest.fit(x, y, 3);
    const impure = new RandomForestClassifier({ n_estimators: 3, min_samples_leaf: 20 });
    await impure.fit(x, y, 3);
    for (const model of [forest, impure]) {
      const trees = model.toJSON().trees.map((t) => treeFromJSON(t, 4, 3, 'test'));
      expect(model.predictProba(test)).toEqual(walked(trees, test, 3));
    }
    // the same tree with its nodes stored right child first: the kernel reorders them
    const tree = new DecisionTreeClassifier();
    await tree.fit(x, y, 3);
    const json = tree.toJSON();
    const flipped = reversePreorder(json.tree);
    const loaded = DecisionTreeClassifier.fromJSON({ ...json, tree: flipped });
    expect(loaded.predictProba(test)).toEqual(walked([treeFromJSON(json.tree, 4, 3, 'test')], test, 3));
  });
});

/** the tree's nodes renumbered in pre-order visiting right children first, so no left child follows its parent */
function reversePreorder(t: TreeJSON): TreeJSON {
  const order: number[] = [];
  const stack = [0];
  while (stack.length) {
    const k = stack.pop()!;
    order.push(k);
    if (t.feature[k] >= 0) stack.push(t.left[k], t.right[k]);
  }
  const at = new Map(order.map((k, i) => [k, i]));
  const pick = <T>(a: T[]) => order.map((k) => a[k]);
  return {
    feature: pick(t.feature),
    threshold: pick(t.threshold),
    left: order.map((k) => (t.left[k] < 0 ? -1 : at.get(t.left[k])!)),
    right: order.map((k) => (t.right[k] < 0 ? -1 : at.get(t.right[k])!)),
    value: pick(t.value),
    values: t.values,
  };
}
