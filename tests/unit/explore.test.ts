import { describe, expect, it } from 'vitest';
import type { Batch } from '../../src/core/ingest';
import {
  binOf,
  featureHistograms,
  HistogramScan,
  inspectDataset,
  linearEdges,
  logEdges,
  RangeScan,
  scatterPoints,
  scoreBin,
  scoreDistributions,
  whatIf,
} from '../../src/core/explore';
import { detectorSettings, trainRun } from '../../src/core/training';
import { binaryConfusion, binaryRates } from '../../src/core/metrics';
import { evaluate, FittedPipeline, modelFileSet, readModelFileSet } from '../../src/core/pipeline';
import { verdicts } from '../../src/core/threshold';
import { Random } from '../../src/core/util';
import { memoryFile, shared } from './sources';

function batch(rows: number[][], classIndex: number[]): Batch {
  const d = rows[0].length;
  return {
    n: rows.length,
    d,
    data: Float32Array.from(rows.flat()),
    classIndex: Int32Array.from(classIndex),
    time: new Float64Array(rows.length),
    rowNumber: Float64Array.from(rows, (_, i) => i + 1),
    fileIndex: new Uint16Array(rows.length),
  };
}

/** the what-if figures counted straight from the scores, with the metrics module */
function ratesAt(scores: ArrayLike<number>, attack: Uint8Array, threshold: number) {
  const c = binaryConfusion(verdicts(scores, threshold), attack);
  const r = binaryRates(c);
  return { ...c, recall: r.tpr, fpr: r.fpr, precision: r.precision };
}

describe('histogram edges', () => {
  it('linear and log edges span the range, increase, and every value finds its bin', () => {
    for (const edges of [linearEdges(-3, 1e6, 40), logEdges(-3, 1e6, 40), logEdges(0, 5, 10)]) {
      expect(edges[0]).toBeLessThanOrEqual(-3 + 3 * Number(edges[0] === 0));
      for (let i = 1; i < edges.length; i++) expect(edges[i]).toBeGreaterThan(edges[i - 1]);
      expect(binOf(edges, edges[0])).toBe(0);
      expect(binOf(edges, edges.at(-1)!)).toBe(edges.length - 2);
      for (let i = 0; i < edges.length - 1; i++) expect(binOf(edges, (edges[i] + edges[i + 1]) / 2)).toBe(i);
    }
    expect(linearEdges(2, 2, 10)).toEqual([1.5, 2.5]);
  });
});

describe('feature histograms, benign against attack', () => {
  it('each side adds up to its rows, non-finite cells counted apart; the scatter samples every class', () => {
    const random = new Random(3);
    const rows: number[][] = [];
    const cls: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const c = i % 5;
      const a = c === 0 ? random.normal() : 4 + random.normal() * 3;
      const b = i % 97 === 0 ? Infinity : i % 89 === 0 ? NaN : i % 83 === 0 ? -Infinity : Math.exp(random.normal() * 3);
      rows.push([a, b]);
      cls.push(c);
    }
    const isBenign = (c: number) => c === 0;
    const scan = new RangeScan(2, 300, 1);
    for (let k = 0; k < 5000; k += 1000) scan.add(batch(rows.slice(k, k + 1000), cls.slice(k, k + 1000)));
    expect(scan.classRows).toEqual([1000, 1000, 1000, 1000, 1000]);
    const hist = new HistogramScan([scan.range(0), scan.range(1)], isBenign, 30);
    hist.add(batch(rows, cls));
    for (const h of [...hist.linear, ...hist.log]) {
      const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
      const extra = (s: 'benign' | 'attack') => h.nonFinite[s].missing + h.nonFinite[s].posInf + h.nonFinite[s].negInf;
      expect(sum(h.benign) + extra('benign')).toBe(1000);
      expect(sum(h.attack) + extra('attack')).toBe(4000);
      expect(h.edges.length).toBe(h.benign.length + 1);
    }
    const b = hist.linear[1];
    const direct = (pred: (v: number) => boolean) => rows.filter((r) => pred(r[1])).length;
    expect(b.nonFinite.benign.posInf + b.nonFinite.attack.posInf).toBe(direct((v) => v === Infinity));
    expect(b.nonFinite.benign.missing + b.nonFinite.attack.missing).toBe(direct((v) => Number.isNaN(v)));
    expect(b.nonFinite.benign.negInf + b.nonFinite.attack.negInf).toBe(direct((v) => v === -Infinity));
    // the benign side of feature 0 sits left of the attack side
    const mean = (counts: number[], edges: number[]) =>
      counts.reduce((s, n, i) => s + (n * (edges[i] + edges[i + 1])) / 2, 0) / counts.reduce((s, n) => s + n, 0);
    expect(mean(hist.linear[0].benign, hist.linear[0].edges)).toBeLessThan(mean(hist.linear[0].attack, hist.linear[0].edges) - 2);

    const points = scatterPoints(scan, 0, 1, 1000);
    expect(points.length).toBeGreaterThan(800);
    expect(points.length).toBeLessThanOrEqual(1000);
    expect(new Set(points.map((p) => p[2]))).toEqual(new Set([0, 1, 2, 3, 4]));
    for (const [x, y] of points) expect(Number.isFinite(x) && Number.isFinite(y)).toBe(true);
  });

  it('the real CICIoMT2024 sample: detected, 610 infinite cells, classes add up, histograms add up to the rows', async () => {
    const files = shared('ciciomt2024_v2_39feat_sample.csv');
    const profile = await inspectDataset(files);
    expect(profile.dialect.id).toBe('ciciomt2024-v2');
    expect(profile.confidence).toBeGreaterThan(0.9);
    expect(profile.read).toBe(17684);
    expect(profile.accepted + profile.skippedTotal).toBe(profile.read);
    expect(profile.classes.reduce((s, c) => s + c.rows, 0)).toBe(profile.accepted);
    const inf = Object.values(profile.cells).reduce((s, c) => s + c.infinite, 0);
    expect(inf).toBe(610);
    const benignRows = profile.classes.filter((c) => c.benign).reduce((s, c) => s + c.rows, 0);
    const hist = await featureHistograms(files, profile);
    const rate = profile.schema.columns.findIndex((c) => c.name === 'Rate');
    for (const h of [hist.linear[rate], hist.log[rate]]) {
      const benign = h.benign.reduce((a, b) => a + b, 0) + h.nonFinite.benign.missing + h.nonFinite.benign.posInf + h.nonFinite.benign.negInf;
      const attack = h.attack.reduce((a, b) => a + b, 0) + h.nonFinite.attack.missing + h.nonFinite.attack.posInf + h.nonFinite.attack.negInf;
      expect(benign).toBe(benignRows);
      expect(attack).toBe(profile.accepted - benignRows);
      expect(h.nonFinite.benign.posInf + h.nonFinite.attack.posInf).toBe(profile.cells.Rate.infinite);
    }
  });
});

describe('threshold what-if from score histograms', () => {
  const random = new Random(7);
  const n = 20000;
  const scores = new Float32Array(n);
  const classIndex = new Int32Array(n);
  const attack = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 4; // 0 benign, 1–3 attacks
    classIndex[i] = c;
    attack[i] = c === 0 ? 0 : 1;
    scores[i] = Math.exp(random.normal() + (c === 0 ? -2 : c)); // positive and heavy-tailed, like reconstruction errors
  }
  const classes = [
    { name: 'Benign', benign: true },
    { name: 'DoS', benign: false },
    { name: 'DDoS', benign: false },
    { name: 'Recon', benign: false },
  ];
  const threshold = 0.9;
  const dist = scoreDistributions(scores, classIndex, classes, threshold);

  it('each class histogram adds up to its rows and the threshold is an edge', () => {
    for (let c = 0; c < 4; c++) expect(dist.classes[c].counts.reduce((a, b) => a + b, 0)).toBe(n / 4);
    expect(dist.edges).toContain(threshold);
    for (let i = 0; i < n; i++) {
      const b = scoreBin(dist.edges, scores[i]);
      expect(scores[i] > dist.edges[b] && scores[i] <= dist.edges[b + 1]).toBe(true);
    }
  });

  it('recall, FPR and precision at every edge equal a direct count on the scores', () => {
    for (let e = 0; e < dist.edges.length; e += 7) {
      const t = dist.edges[e];
      const w = whatIf(dist, t);
      const d = ratesAt(scores, attack, t);
      expect(w.exact).toBe(true);
      expect([w.tp, w.fp, w.fn, w.tn]).toEqual([d.tp, d.fp, d.fn, d.tn]);
      expect(w.recall).toBeCloseTo(d.recall, 12);
      expect(w.fpr).toBeCloseTo(d.fpr, 12);
      if (!Number.isNaN(d.precision)) expect(w.precision).toBeCloseTo(d.precision, 12);
    }
    const at = whatIf(dist, threshold);
    expect(at.recall).toBe(ratesAt(scores, attack, threshold).recall);
  });

  it('between edges the interpolation errs by less than the share of rows in the bin holding the threshold', () => {
    for (const t of [0.05, 0.3, 2.5, 11]) {
      const w = whatIf(dist, t);
      const d = ratesAt(scores, attack, t);
      expect(w.exact).toBe(false);
      const b = scoreBin(dist.edges, t);
      const inBin = (benign: boolean) => dist.classes.filter((c) => c.benign === benign).reduce((s, c) => s + c.counts[b], 0);
      expect(Math.abs(w.recall - d.recall)).toBeLessThanOrEqual(inBin(false) / (0.75 * n) + 1e-12);
      expect(Math.abs(w.fpr - d.fpr)).toBeLessThanOrEqual(inBin(true) / (0.25 * n) + 1e-12);
    }
  });

  it('isolation-forest-like scores in (0, 1] get linear bins and the same exactness', () => {
    const s = Float32Array.from(scores, (v) => 0.3 + 0.5 * (v / (1 + v))); // forest scores sit around 0.3–0.8
    const d2 = scoreDistributions(s, classIndex, classes, 0.6);
    expect(d2.edges[2] - d2.edges[1]).toBeCloseTo(d2.edges.at(-1)! - d2.edges.at(-2)!, 6);
    const w = whatIf(d2, 0.6);
    expect(w.recall).toBe(ratesAt(s, attack, 0.6).recall);
    expect(w.fpr).toBe(ratesAt(s, attack, 0.6).fpr);
  });
});

describe('detector settings by their CLI names', () => {
  it('parses numbers, lists and "auto", and refuses unknown names with one sentence', () => {
    const s = detectorSettings('ensemble', {
      n_estimators: '50',
      max_samples: 'auto',
      epochs: 3,
      hidden_layers: '16, 8',
      members: 'ae,iforest',
      batch_size: 'auto',
    });
    expect(s.iforest).toEqual({ n_estimators: 50, max_samples: 'auto' });
    expect(s.ae).toEqual({ epochs: 3, hidden_layers: [16, 8], batch_size: 'auto' });
    expect(s.ensemble).toEqual({ members: ['ae', 'iforest'] });
    expect(() => detectorSettings('iforest', { epochs: 3 })).toThrow(/not a setting of the iforest detector/);
    expect(() => detectorSettings('iforest', { n_estimators: '1.5' })).toThrow(/whole number/);
    expect(() => detectorSettings('ae', { dropout: 1 })).toThrow(/dropout/);
  });

  it("gives a hybrid's default detector (k-NN) and an ensemble's k-NN or k-means members their own settings", () => {
    expect(detectorSettings('hybrid', { n_neighbors: 9, n_estimators: 30 })).toMatchObject({ knn: { n_neighbors: 9 }, classifier: { n_estimators: 30 } });
    expect(detectorSettings('hybrid', { unsupervised: 'kmeans', n_clusters: 4 })).toMatchObject({
      kmeans: { n_clusters: 4 },
      hybrid: { unsupervised: 'kmeans' },
    });
    expect(() => detectorSettings('hybrid', { epochs: 3 })).toThrow(/not a setting of the knn detector/);
    const s = detectorSettings('ensemble', { members: 'knn,kmeans', n_neighbors: '7', n_clusters: '3' });
    expect(s.knn).toEqual({ n_neighbors: 7 });
    expect(s.kmeans).toEqual({ n_clusters: 3 });
  });
});

describe('training for the Train view', () => {
  it('matches evaluate on the same split: same threshold, same recall and FPR; histograms add up to the held-out rows', async () => {
    const files = shared('ciciomt2024_v2_39feat_sample.csv');
    const phases = new Set<string>();
    let sawTimeLeft = false;
    const run = await trainRun(files, {
      detector: 'iforest',
      settings: { iforest: { n_estimators: 40 } },
      threshold: { kind: 'percentile', p: 99 },
      seed: 0,
      onProgress: (p) => {
        phases.add(p.phase);
        if (p.timeLeft !== undefined) sawTimeLeft = true;
      },
    });
    const ev = await evaluate({
      train: files,
      detector: 'iforest',
      settings: { iforest: { n_estimators: 40 } },
      threshold: { kind: 'percentile', p: 99 },
      seed: 0,
    });
    expect(run.pipeline.threshold.value).toBe(ev.pipeline.threshold.value);
    expect(run.report.tpr).toBe(ev.report.tpr);
    expect(run.report.fpr).toBe(ev.report.fpr);
    expect(run.heldOut.rows).toBe(ev.rows.scored);
    const total = run.distributions.classes.reduce((s, c) => s + c.counts.reduce((a, b) => a + b, 0), 0);
    expect(total).toBe(run.heldOut.rows);
    const w = whatIf(run.distributions, run.distributions.threshold);
    expect(w.recall).toBeCloseTo(ev.report.tpr, 12);
    expect(w.fpr).toBeCloseTo(ev.report.fpr, 12);
    expect([...phases]).toEqual(expect.arrayContaining(['read', 'fit', 'calibrate', 'score']));
    expect(sawTimeLeft || phases.size > 0).toBe(true);

    // the saved files load back into the same model
    const set = modelFileSet(run.pipeline.toJSON(), await run.pipeline.artifacts());
    expect(Object.keys(set)).toEqual(['pipeline.json']);
    const enc = new TextEncoder();
    const back = readModelFileSet(Object.entries(set).map(([path, v]) => ({ path: `downloads/${path}`, data: typeof v === 'string' ? enc.encode(v) : v })));
    const loaded = await FittedPipeline.fromJSON(back.json, back.artifacts);
    expect(loaded.threshold.value).toBe(run.pipeline.threshold.value);
  });

  it("an ensemble's files keep each autoencoder's model.json beside its weights, and flattened names load back", async () => {
    const { ensureBackend } = await import('../../src/core/detectors/tf-backend');
    await ensureBackend('wasm');
    const files = shared('ciciomt2024_v2_39feat_sample.csv');
    const run = await trainRun(files, { detector: 'ensemble', settings: { ae: { epochs: 2 }, iforest: { n_estimators: 10 } }, seed: 1 });
    expect(run.history?.loss.length).toBeGreaterThan(0);
    const set = modelFileSet(run.pipeline.toJSON(), await run.pipeline.artifacts());
    expect(Object.keys(set).sort()).toEqual(['member-0/model.json', 'member-0/weights.bin', 'pipeline.json']);
    const enc = new TextEncoder();
    const flat = Object.entries(set).map(([path, v]) => ({ path: path.replaceAll('/', '_'), data: typeof v === 'string' ? enc.encode(v) : v }));
    const back = readModelFileSet(flat);
    expect(Object.keys(back.artifacts)).toEqual(['member-0/weights.bin']);
    const loaded = await FittedPipeline.fromJSON(back.json, back.artifacts);
    expect(loaded.detector.kind).toBe('ensemble');
    loaded.dispose();
    run.pipeline.dispose();
    expect(() => readModelFileSet([{ path: 'weights.bin', data: new Uint8Array(4) }])).toThrow(/no pipeline.json/);
    expect(() => readModelFileSet([{ path: 'pipeline.json', data: new Uint8Array([0xff, 0, 1]) }])).toThrow(/not valid JSON/);
  });

  it('an empty file and a binary file give one-sentence errors', async () => {
    await expect(inspectDataset([memoryFile('empty.csv', '')])).rejects.toThrow(/empty|no header/i);
    await expect(inspectDataset([memoryFile('blob.csv', new Uint8Array([0, 1, 2, 255, 254, 0, 7, 8, 9, 0]))])).rejects.toThrow(/binary|not a text|CSV/i);
  });
});

describe('training on the simulator', () => {
  it('a scenario streams as a CICIoMT2024 file and trains like one; the same seed gives the same model', async () => {
    const { simulationSource } = await import('../../src/core/sim');
    const run = await trainRun([simulationSource('mixed-day', 3, 20_000)], { detector: 'iforest', settings: { iforest: { n_estimators: 30 } }, seed: 0 });
    expect(run.pipeline.training.dataset).toMatch(/CICIoMT2024, newer/);
    expect(run.read.read).toBe(20_000);
    expect(run.read.accepted + run.read.skipped).toBe(run.read.read);
    expect(run.heldOut.benign).toBeGreaterThan(1000);
    expect(run.heldOut.attack).toBeGreaterThan(0);
    expect(run.report.roc_auc).toBeGreaterThan(0.7);
    const again = await trainRun([simulationSource('mixed-day', 3, 20_000)], { detector: 'iforest', settings: { iforest: { n_estimators: 30 } }, seed: 0 });
    expect(again.pipeline.threshold.value).toBe(run.pipeline.threshold.value);
    expect(() => simulationSource('no-such-ward', 1)).toThrow(/no scenario "no-such-ward"/);
  });
});
