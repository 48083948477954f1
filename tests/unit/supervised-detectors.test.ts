import { describe, expect, it, vi } from 'vitest';
import { RandomForestClassifier } from '../../src/core/classifiers';
import { ClassifierDetector, HybridDetector, KMeansDetector, loadDetector, ensureBackend } from '../../src/core/detectors';
import { evaluate, FittedPipeline, fitSupervisedPipeline } from '../../src/core/pipeline';
import { benignRank, fitBenignRank } from '../../src/core/threshold';
import { shared } from './sources';

const V2 = 'ciciomt2024_v2_39feat_sample.csv';
const SMALL_FOREST = { classifier: { n_estimators: 15 } };

/** a pipeline saved as files and read back, as the CLI and the Train view do */
async function roundTrip(p: FittedPipeline): Promise<FittedPipeline> {
  return FittedPipeline.fromJSON(JSON.parse(JSON.stringify(p.toJSON())), await p.artifacts());
}

describe('benign rank: a score on the scale of benign rows', () => {
  it('is the share of benign scores below, and keeps rising past the highest', () => {
    const rank = fitBenignRank(Float32Array.from({ length: 101 }, (_, i) => i));
    const r = benignRank(rank, [-5, 0, 50, 99, 100, 150, 1000], new Float32Array(7));
    expect(r[0]).toBe(0);
    expect(r[2]).toBeCloseTo(0.5, 2);
    expect(r[3]).toBeCloseTo(0.99, 2);
    expect(r[5]).toBeGreaterThan(1);
    expect(r[6]).toBeGreaterThan(r[5]);
    expect(r[6]).toBeLessThan(2);
  });
});

describe('classifiers replayed as detectors', () => {
  it('a random forest scores 1 − P(benign), its threshold is calibrated on out-of-fold scores of every benign row, and it loads back identically', async () => {
    const { pipeline, vocabulary } = await fitSupervisedPipeline(shared(V2), { detector: 'random_forest', settings: SMALL_FOREST, seed: 1, folds: 3 });
    const t = pipeline.training;
    expect(t.benignRows).toBe(900);
    expect(pipeline.threshold.calibratedOn).toBe(900);
    expect(t.trainRows).toBe(17684);
    expect(t.calibration).toBe('out-of-fold');
    // out-of-fold scores of benign rows are not the near-zero scores of rows the forest learned
    expect(pipeline.threshold.value).toBeGreaterThan(0.1);
    expect(pipeline.detector.classes!.map((c) => c.name)).toEqual(vocabulary.names);
    const again = await roundTrip(pipeline);
    const x = { n: 3, d: pipeline.schema.columns.length, data: new Float32Array(3 * pipeline.schema.columns.length).fill(1) };
    const a = await pipeline.score(x, pipeline.schema);
    const b = await again.score(x, again.schema);
    expect(Array.from(b.scores)).toEqual(Array.from(a.scores));
    expect(again.detector.nameClasses!(b.features)).toEqual(pipeline.detector.nameClasses!(a.features));
    for (const s of a.scores) expect(s).toBeGreaterThanOrEqual(0);
  });

  it("without folds, a forest is calibrated on its own out-of-bag rows: the kept forest's trees that did not draw each benign row", async () => {
    const { pipeline } = await fitSupervisedPipeline(shared(V2), { detector: 'random_forest', settings: { classifier: { n_estimators: 50 } }, seed: 1 });
    const t = pipeline.training;
    expect(t.calibration).toBe('out-of-bag');
    // with 50 trees a row is drawn by all of them with chance (1 − 1/e)^50 ≈ 1e-10: every benign row is scored
    expect(t.holdoutRows).toBe(900);
    expect(pipeline.threshold.calibratedOn).toBe(900);
    expect(pipeline.threshold.value).toBeGreaterThan(0.1);
    expect(pipeline.threshold.value).toBeLessThan(1);
    const forest = (pipeline.detector as ClassifierDetector).classifier as RandomForestClassifier;
    expect(forest.params.oob_score).toBe(true);
    // a few trees give each row too few out-of-bag votes: folds instead
    const small = await fitSupervisedPipeline(shared(V2), { detector: 'random_forest', settings: SMALL_FOREST, seed: 1, maxTrainRows: 3000 });
    expect(small.pipeline.training.calibration).toBe('out-of-fold');
  });

  it('out-of-bag probabilities are the mean over the trees that did not draw the row, and only a forest has them', async () => {
    const x = { n: 6, d: 1, data: Float32Array.from([0, 1, 2, 10, 11, 12]) };
    const y = Int32Array.from([0, 0, 0, 1, 1, 1]);
    const forest = new RandomForestClassifier({ n_estimators: 40, oob_score: true, random_state: 3 });
    await forest.fit(x, y, 2);
    const oob = forest.oobDecisionFunction();
    expect(oob.length).toBe(12);
    for (let i = 0; i < 6; i++) {
      if (Number.isNaN(oob[2 * i])) continue; // drawn by every tree
      expect(oob[2 * i] + oob[2 * i + 1]).toBeCloseTo(1, 5);
      // rows far apart: the trees that never saw a row still put it with its class
      expect(oob[2 * i + y[i]]).toBeGreaterThan(0.5);
    }
    expect(() => new RandomForestClassifier({ oob_score: true, bootstrap: false })).toThrow(/oob_score needs bootstrap/);
    expect(() => new RandomForestClassifier().oobDecisionFunction()).toThrow(/not fitted/);
    const tree = ClassifierDetector.create('decision_tree');
    await tree.fitLabelled(x, y, [
      { name: 'Benign', benign: true, family: 'Benign' },
      { name: 'Attack', benign: false, family: 'Attack' },
    ]);
    expect(tree.outOfBagScores()).toBeNull();
  });

  it('every classifier of the comparison trains, names attack classes only and survives JSON', async () => {
    const { set, classes } = await smallSet();
    for (const kind of ['decision_tree', 'logistic_regression', 'linear_svm', 'naive_bayes', 'kmeans_classifier', 'gradient_boosting'] as const) {
      const d = ClassifierDetector.create(kind, 0, undefined, kind === 'gradient_boosting' ? { n_estimators: 5 } : {});
      await d.fitLabelled(set.x, set.y, classes);
      const named = d.nameClasses(set.x);
      for (const c of named.classIndex) expect(classes[c].benign).toBe(false);
      const back = await loadDetector(JSON.parse(JSON.stringify(d.toJSON())), {});
      expect(Array.from(await back.score(set.x))).toEqual(Array.from(await d.score(set.x)));
    }
  });

  it('a classifier needs attack rows to learn from: one sentence', async () => {
    await expect(fitSupervisedPipeline(shared('ciciomt2024_v1_45feat/Benign_test.pcap.csv'), { detector: 'random_forest' })).rejects.toThrow(
      /^no labelled attack rows in .*Benign_test\.pcap\.csv/,
    );
  });

  it('k-means as the seed named it: distance to the nearest benign centre, higher for attacks', async () => {
    const { set, classes } = await smallSet();
    const benign = rowsWhere(set, (c) => classes[c].benign);
    const attacks = rowsWhere(set, (c) => !classes[c].benign);
    const d = new KMeansDetector({ n_clusters: 4 });
    await d.fit(benign);
    const mean = (s: Float32Array) => s.reduce((a, v) => a + v, 0) / s.length;
    expect(mean(await d.score(attacks))).toBeGreaterThan(mean(await d.score(benign)));
    const back = await loadDetector(JSON.parse(JSON.stringify(d.toJSON())), {});
    expect(Array.from(await back.score(attacks))).toEqual(Array.from(await d.score(attacks)));
  });
});

describe('hybrid: an unsupervised detector and a classifier fused on the benign scale', () => {
  it('evaluates against both parts per class, names its alerts, and loads back with the same scores', async () => {
    await ensureBackend('wasm');
    const r = await evaluate({
      train: shared(V2),
      detector: 'hybrid',
      settings: { ...SMALL_FOREST, hybrid: { unsupervised: 'kmeans' } },
      labelAlerts: true,
      seed: 2,
      folds: 3,
    });
    expect(r.pipeline.detector).toBeInstanceOf(HybridDetector);
    const h = r.hybridParts!;
    expect(h.unsupervised.kind).toBe('kmeans');
    expect(h.classifier.kind).toBe('random_forest');
    expect(h.per_class.map((c) => c.class).sort()).toEqual(Object.keys(r.report.per_class).sort());
    // the fused verdicts catch nearly what the better part catches, within the one false-positive budget
    expect(r.report.tpr).toBeGreaterThan(Math.max(h.unsupervised.tpr, h.classifier.tpr) - 0.1);
    expect(r.report.tpr).toBeGreaterThan(0.8);
    expect(r.report.fpr).toBeLessThan(0.05);
    expect(r.alertLabels!.namer).toBe('hybrid');
    expect(r.alertLabels!.true_alerts).toBe(r.report.confusion.tp);
    expect(r.alertLabels!.family_accuracy).toBeGreaterThan(0.8);
    const again = await roundTrip(r.pipeline);
    const x = { n: 2, d: r.pipeline.schema.columns.length, data: new Float32Array(2 * r.pipeline.schema.columns.length).fill(3) };
    expect(Array.from((await again.score(x, again.schema)).scores)).toEqual(Array.from((await r.pipeline.score(x, r.pipeline.schema)).scores));
  });

  it('with its default parts (k nearest neighbours and a forest) it meets the BoT-IoT target on the time split: a DoS of another protocol than the training rows held', async () => {
    await ensureBackend('wasm');
    // the training rows' DoS is TCP, the later rows' mostly UDP: the forest knows only the former
    const forestFits = vi.spyOn(RandomForestClassifier.prototype, 'fit');
    const r = await evaluate({ train: shared('botiot_12col_subset_sample.csv'), detector: 'hybrid', seed: 0 });
    // calibrated out of bag, the forest is fitted once: the folds fit only the detector part
    expect(forestFits).toHaveBeenCalledTimes(1);
    forestFits.mockRestore();
    expect(r.hybridParts!.unsupervised.kind).toBe('knn');
    expect(r.report.tpr).toBeGreaterThanOrEqual(0.9);
    expect(r.report.fpr).toBeLessThanOrEqual(0.02);
    expect(r.report.roc_auc).toBeGreaterThanOrEqual(0.985);
    const again = await roundTrip(r.pipeline);
    // rows as the data's reader lays them out (categorical cells are codes into its categories)
    const x = { n: 2, d: r.pipeline.schema.columns.length, data: Float32Array.from({ length: 2 * r.pipeline.schema.columns.length }, (_, i) => i % 3) };
    expect(Array.from((await again.score(x, r.pipeline.schema)).scores)).toEqual(Array.from((await r.pipeline.score(x, r.pipeline.schema)).scores));
  }, 120_000);
  it('asked for a 2 % false-positive budget (p98), it meets the newer CICIoMT2024 target on the time split: recall ≥ 95 % at ≤ 2 % benign false positives', async () => {
    await ensureBackend('wasm');
    // one benign test row is 0.37 %: 2 % allows 5 of the 270; the target is the issue's, seed 0 as BENCHMARKS records it
    const r = await evaluate({ train: shared(V2), detector: 'hybrid', threshold: { kind: 'percentile', p: 98 }, seed: 0 });
    expect(r.hybridParts!.unsupervised.kind).toBe('knn');
    expect(r.report.tpr).toBeGreaterThanOrEqual(0.95);
    expect(r.report.fpr).toBeLessThanOrEqual(0.02);
  }, 240_000);
});

async function smallSet() {
  const { pipeline, vocabulary } = await fitSupervisedPipeline(shared('botiot_12col_subset_sample.csv'), { detector: 'decision_tree', folds: 2 });
  const { readLabelled } = await import('../../src/core/pipeline/labelled-set');
  const { set: raw } = await readLabelled(shared('botiot_12col_subset_sample.csv'), vocabulary, { maxRows: 3000, seed: 0 });
  const classes = vocabulary.names.map((name, c) => ({ name, benign: vocabulary.info[c].benign, family: vocabulary.info[c].family }));
  return { set: { x: pipeline.preprocessor.transform(raw.x, raw.schema), y: raw.classIndex }, classes };
}

function rowsWhere(set: { x: { n: number; d: number; data: Float32Array }; y: Int32Array }, keep: (c: number) => boolean) {
  const idx = [...set.y.keys()].filter((i) => keep(set.y[i]));
  const data = new Float32Array(idx.length * set.x.d);
  idx.forEach((r, k) => data.set(set.x.data.subarray(r * set.x.d, (r + 1) * set.x.d), k * set.x.d));
  return { n: idx.length, d: set.x.d, data };
}
