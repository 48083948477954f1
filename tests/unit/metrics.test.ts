import { describe, expect, it } from 'vitest';
import {
  averagePrecision,
  binaryConfusion,
  binaryRates,
  countByClass,
  evaluateBinary,
  formatReport,
  formatTable,
  LatencyHistogram,
  multiclassConfusion,
  perClassRates,
  perFamilyRates,
  prAuc,
  prCurve,
  quantile,
  quantileOf,
  RankedScores,
  rocAuc,
  rocCurve,
  scoreStats,
  scoreStatsByClass,
} from '../../src/core/metrics';

// Expected values from sklearn's algorithms re-done in numpy (_binary_clf_curve + trapezoid,
// checked against scipy's rank-sum; precision_recall_curve + step sum); see the report notes.
const A = { y: [0, 0, 1, 1], s: [0.1, 0.4, 0.35, 0.8] };
const B = {
  y: [1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1],
  s: [0.9, 0.1, 0.3, 0.3, 0.3, 0.7, 0.8, 0.2, 0.2, 0.8, 0.5, 0.5, 0.05, 0.3, 0.1],
};
const C = { y: [0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 0], s: [3, 1, 2, 2, 2, 5, 1, 0, -1, 2, 2, 4] };

/** 1000 rows with integer scores (heavy ties), every 97th score NaN; the same formula in numpy */
function generated() {
  const n = 1000;
  const y = new Uint8Array(n);
  const s = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = (i * 31) % 17 < 8 ? 1 : 0;
    s[i] = i % 97 === 0 ? NaN : (((i * 7919) % 101) % 10) + 3 * y[i];
  }
  return { y, s };
}

describe('ROC-AUC and average precision', () => {
  it('match sklearn on small cases, ties averaged', () => {
    expect(rocAuc(A.s, A.y)).toBe(0.75);
    expect(averagePrecision(A.s, A.y)).toBeCloseTo(0.8333333333333333, 14);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(averagePrecision([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(rocAuc(B.s, B.y)).toBe(0.75);
    expect(averagePrecision(B.s, B.y)).toBeCloseTo(0.7666666666666666, 14);
    expect(rocAuc(C.s, C.y)).toBe(0.609375);
    expect(prAuc(C.s, C.y)).toBeCloseTo(0.5375, 14);
  });

  it('accept booleans as labels and rank NaN scores lowest', () => {
    const { y, s } = generated();
    expect(rocAuc(s, y)).toBeCloseTo(0.7295262946607788, 14);
    expect(averagePrecision(s, y)).toBeCloseTo(0.7236875446850511, 14);
    expect(rocAuc(A.s, A.y.map(Boolean))).toBe(0.75);
  });

  it('are NaN when a class is missing, and 1 for a perfect ranking', () => {
    expect(rocAuc([0.1, 0.2], [0, 0])).toBeNaN();
    expect(rocAuc([0.1, 0.2], [1, 1])).toBeNaN();
    expect(averagePrecision([0.1, 0.2], [0, 0])).toBeNaN();
    expect(averagePrecision([0.1, 0.2], [1, 1])).toBe(1);
    expect(rocAuc([0.1, 0.2, 0.9], [0, 0, 1])).toBe(1);
    expect(rocAuc([], [])).toBeNaN();
  });

  it('refuse scores and labels of different lengths', () => {
    expect(() => rocAuc([1, 2], [1])).toThrow(RangeError);
  });

  it('keep the steps of sklearn’s _binary_clf_curve', () => {
    const r = new RankedScores(C.s, C.y);
    expect([...r.thresholds]).toEqual([5, 4, 3, 2, 1, 0, -1]);
    expect([...r.tps]).toEqual([1, 1, 1, 3, 4, 4, 4]);
    expect([...r.fps]).toEqual([0, 1, 2, 5, 6, 7, 8]);
    expect([r.positives, r.negatives]).toEqual([4, 8]);
  });

  it('run on two million scores', () => {
    const n = 2_000_000;
    const y = new Uint8Array(n);
    const s = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 10 === 0 ? 1 : 0;
      // attacks score higher on average, with plenty of ties from the rounding
      s[i] = Math.round((((i * 2654435761) >>> 0) / 2 ** 32 + y[i] * 0.5) * 1000) / 1000;
    }
    const r = new RankedScores(s, y);
    const auc = r.rocAuc();
    expect(auc).toBeGreaterThan(0.8);
    expect(auc).toBeLessThan(1);
    expect(r.averagePrecision()).toBeGreaterThan(0.1);
    expect(r.thresholds.length).toBeLessThanOrEqual(1501);
  });
});

describe('ROC and PR curves', () => {
  it('give the full curve from (0, 0) to (1, 1) when it is short', () => {
    const c = rocCurve(A.s, A.y);
    expect([...c.fpr]).toEqual([0, 0, 0.5, 0.5, 1]);
    expect([...c.tpr]).toEqual([0, 0.5, 0.5, 1, 1]);
    expect([...c.thresholds]).toEqual([Infinity, 0.8, 0.4, 0.35, 0.1]);
    // sklearn's precision_recall_curve, read backwards
    const p = prCurve(A.s, A.y);
    expect([...p.recall]).toEqual([0, 0.5, 0.5, 1, 1]);
    expect([...p.precision].map((v) => +v.toFixed(6))).toEqual([1, 1, 0.5, 0.666667, 0.5]);
    expect([...p.thresholds]).toEqual([Infinity, 0.8, 0.4, 0.35, 0.1]);
  });

  it('are thinned to maxPoints, keeping both ends and the order', () => {
    const n = 50_000;
    const y = new Uint8Array(n);
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 3 === 0 ? 1 : 0;
      s[i] = ((i * 7919) % n) / n + y[i] * 0.3;
    }
    const c = rocCurve(s, y, 100);
    expect(c.fpr.length).toBeLessThanOrEqual(100);
    expect(c.fpr.length).toBeGreaterThan(50);
    expect([c.fpr[0], c.tpr[0], c.fpr.at(-1), c.tpr.at(-1)]).toEqual([0, 0, 1, 1]);
    for (let i = 1; i < c.fpr.length; i++) {
      expect(c.fpr[i]).toBeGreaterThanOrEqual(c.fpr[i - 1]);
      expect(c.tpr[i]).toBeGreaterThanOrEqual(c.tpr[i - 1]);
      expect(c.thresholds[i]).toBeLessThan(c.thresholds[i - 1]);
    }
    // the thinned curve keeps the area
    let area = 0;
    for (let i = 1; i < c.fpr.length; i++) area += ((c.fpr[i] - c.fpr[i - 1]) * (c.tpr[i] + c.tpr[i - 1])) / 2;
    expect(area).toBeCloseTo(rocAuc(s, y), 2);
    const p = prCurve(s, y, 100);
    expect(p.recall.length).toBeLessThanOrEqual(100);
    // at the lowest threshold every row is flagged: precision = share of positives
    expect([p.recall[0], p.precision[0], p.recall.at(-1), p.precision.at(-1)]).toEqual([0, 1, 1, 16_667 / n]);
    expect(() => rocCurve(s, y, 1)).toThrow(RangeError);
  });
});

describe('binary confusion and rates', () => {
  it('counts and rates', () => {
    const truth = Uint8Array.from([1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    const verdicts = Uint8Array.from([1, 1, 1, 0, 1, 0, 0, 0, 0, 0]);
    const c = binaryConfusion(verdicts, truth);
    expect(c).toEqual({ tp: 3, fp: 1, tn: 5, fn: 1 });
    const r = binaryRates(c);
    expect(r.tpr).toBe(0.75);
    expect(r.recall).toBe(0.75);
    expect(r.fnr).toBe(0.25);
    expect(r.tnr).toBeCloseTo(5 / 6, 15);
    expect(r.fpr).toBeCloseTo(1 / 6, 15);
    expect(r.precision).toBe(0.75);
    expect(r.f1).toBe(0.75);
    expect(r.accuracy).toBe(0.8);
    expect(r.balanced_accuracy).toBeCloseTo((0.75 + 5 / 6) / 2, 15);
  });

  it('are NaN where the denominator is 0', () => {
    // no attacks: recall, fnr, precision (nothing flagged) and f1 are undefined
    const r = binaryRates({ tp: 0, fp: 0, tn: 5, fn: 0 });
    expect(r.tpr).toBeNaN();
    expect(r.fnr).toBeNaN();
    expect(r.precision).toBeNaN();
    expect(r.f1).toBeNaN();
    expect(r.balanced_accuracy).toBeNaN();
    expect([r.tnr, r.fpr, r.accuracy]).toEqual([1, 0, 1]);
    // attacks, none flagged: precision undefined, f1 = 0
    const s = binaryRates({ tp: 0, fp: 0, tn: 3, fn: 2 });
    expect(s.precision).toBeNaN();
    expect(s.f1).toBe(0);
    expect(s.tpr).toBe(0);
    const empty = binaryRates({ tp: 0, fp: 0, tn: 0, fn: 0 });
    expect(Object.values(empty).every(Number.isNaN)).toBe(true);
  });

  it('multiclass matrix in sklearn’s layout, out-of-range rows counted', () => {
    const m = multiclassConfusion(Int32Array.from([0, 0, 1, 2, 2, -1]), Int32Array.from([0, 1, 1, 2, 0, 0]), 3, ['a', 'b', 'c']);
    expect([...m.matrix]).toEqual([1, 1, 0, 0, 1, 0, 1, 0, 1]);
    expect(m.skipped).toBe(1);
    expect(m.names).toEqual(['a', 'b', 'c']);
    expect(multiclassConfusion(new Int32Array(0), new Int32Array(0), 2).names).toEqual(['0', '1']);
  });
});

describe('per-class and per-family rates', () => {
  const names = ['Benign', 'SYN', 'UDP', 'ARP_Spoofing', 'Unseen'];
  const benign = [true, false, false, false, false];
  const families = ['Benign', 'DDoS', 'DDoS', 'Spoofing', 'Other'];
  const classIndex = Int32Array.from([0, 0, 0, 0, 1, 1, 2, 2, 2, 3, -1, -1]);
  const verdicts = Uint8Array.from([1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1]);

  it('count flagged rows per class, skip unlabelled rows and leave out empty classes', () => {
    const counts = countByClass(classIndex, verdicts, names.length);
    expect(perClassRates(counts, names, benign)).toEqual({
      Benign: { rows: 4, flagged: 1, rate: 0.25, benign: true },
      SYN: { rows: 2, flagged: 2, rate: 1, benign: false },
      UDP: { rows: 3, flagged: 1, rate: 1 / 3, benign: false },
      ARP_Spoofing: { rows: 1, flagged: 0, rate: 0, benign: false },
    });
    expect(perFamilyRates(counts, families)).toEqual({
      Benign: { rows: 4, flagged: 1, rate: 0.25 },
      DDoS: { rows: 5, flagged: 3, rate: 0.6 },
      Spoofing: { rows: 1, flagged: 0, rate: 0 },
    });
    expect(
      Object.keys(
        perFamilyRates(
          counts,
          families.map((f, c) => (benign[c] ? null : f)),
        ),
      ),
    ).toEqual(['DDoS', 'Spoofing']);
  });

  it('refuse a class index without a name', () => {
    expect(() => countByClass(Int32Array.from([5]), Uint8Array.from([0]), 2)).toThrow(/out of range/);
  });
});

describe('quantiles and score statistics', () => {
  const x = [3.5, -1, 2, 8, 8, 0.25, 7, 1e-3, 4, 4, 100];
  const sorted = Float64Array.from(x).sort();

  it('quantile matches numpy.quantile (linear)', () => {
    const numpy: [number, number][] = [
      [0, -1],
      [0.01, -0.8999],
      [0.1, 0.001],
      [0.25, 1.125],
      [0.5, 4],
      [0.9, 8],
      [0.99, 90.80000000000004],
      [0.999, 99.08000000000001],
      [1, 100],
    ];
    for (const [q, v] of numpy) expect(quantile(sorted, q)).toBe(v);
    expect(quantile([], 0.5)).toBeNaN();
    expect(quantile([7], 0.3)).toBe(7);
    expect(quantile([1, Infinity, Infinity], 0.75)).toBe(Infinity);
    expect(() => quantile(sorted, 1.5)).toThrow(RangeError);
  });

  it('quantileOf sorts a copy and ignores NaN (numpy.nanquantile)', () => {
    const values = [NaN, 10, 2, NaN, 1];
    expect(quantileOf(values, 0.75)).toBe(6);
    expect(values).toEqual([NaN, 10, 2, NaN, 1]);
    expect(quantileOf([NaN], 0.5)).toBeNaN();
  });

  it('scoreStats: sample std and numpy percentiles', () => {
    const s = scoreStats([0.5, 1.5, 2.0, NaN, 9.0, 3.25]);
    expect(s.count).toBe(5);
    expect(s.mean).toBe(3.25);
    expect(s.std).toBeCloseTo(3.3634060117684275, 14);
    expect([s.min, s.p50, s.p90, s.p99, s.max]).toEqual([0.5, 2, 6.700000000000001, 8.77, 9]);
    expect(scoreStats([4]).std).toBeNaN();
  });

  it('scoreStatsByClass groups by class and leaves out unlabelled rows', () => {
    const stats = scoreStatsByClass(Float32Array.from([1, 2, 3, 10, 20, 99]), Int32Array.from([0, 0, 0, 2, 2, -1]), ['Benign', 'Empty', 'DDoS']);
    expect(Object.keys(stats)).toEqual(['Benign', 'DDoS']);
    expect(stats.Benign).toMatchObject({ count: 3, mean: 2, std: 1, min: 1, p50: 2, max: 3 });
    expect(stats.DDoS).toMatchObject({ count: 2, mean: 15, p50: 15, p90: 19 });
  });
});

describe('latency histogram', () => {
  // exponential latencies with a 10 ms mean, at evenly spaced probabilities: known percentiles
  const n = 100_000;
  const latencies = Float64Array.from({ length: n }, (_, i) => -10 * Math.log(1 - (i + 0.5) / n));
  const exact = (p: number) => latencies[Math.max(Math.ceil((p / 100) * n) - 1, 0)];

  it('percentiles within 3 % of the exact ones; count, mean and max exact', () => {
    const h = new LatencyHistogram();
    for (const ms of latencies) h.record(ms);
    for (const p of [1, 10, 50, 90, 99, 99.9]) expect(Math.abs(h.percentile(p) / exact(p) - 1)).toBeLessThan(0.03);
    expect(h.percentile(0)).toBe(latencies[0]);
    expect(h.percentile(100)).toBe(latencies[n - 1]);
    expect(h.count).toBe(n);
    expect(h.mean).toBeCloseTo(latencies.reduce((a, b) => a + b) / n, 9);
    expect(h.max).toBe(latencies[n - 1]);
  });

  it('merges and survives JSON exactly', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    const all = new LatencyHistogram();
    latencies.forEach((ms, i) => {
      (i % 2 ? a : b).record(ms);
      all.record(ms);
    });
    a.merge(b);
    const back = LatencyHistogram.fromJSON(JSON.parse(JSON.stringify(a)));
    for (const p of [0, 50, 99, 100]) expect(back.percentile(p)).toBe(all.percentile(p));
    expect([back.count, back.max, back.min]).toEqual([all.count, all.max, all.min]);
  });

  it('keeps latencies outside 1 µs – 100 s, weighs batches, refuses nonsense', () => {
    const h = new LatencyHistogram();
    h.record(0);
    h.record(5e5, 3);
    expect(h.count).toBe(4);
    expect(h.percentile(10)).toBe(0);
    expect(h.percentile(50)).toBe(5e5);
    expect(() => h.record(-1)).toThrow(RangeError);
    expect(() => h.record(NaN)).toThrow(RangeError);
    const empty = new LatencyHistogram();
    expect([empty.percentile(50), empty.mean, empty.max]).toEqual([NaN, NaN, NaN]);
    expect(LatencyHistogram.fromJSON(empty.toJSON()).count).toBe(0);
  });
});

describe('evaluateBinary and formatReport', () => {
  const classNames = ['Benign', 'SYN', 'ARP_Spoofing', 'Recon'];
  const input = {
    scores: Float32Array.from([0.1, 0.2, 0.9, 0.3, 0.8, 0.95, 0.7, 0.2, 0.6, NaN]),
    threshold: 0.5,
    truth: Uint8Array.from([0, 0, 0, 0, 1, 1, 1, 1, 1, 0]),
    classIndex: Int32Array.from([0, 0, 0, 0, 1, 1, 2, 2, 1, 0]),
    classNames,
    isBenign: [true, false, false, false],
    families: ['Benign', 'DDoS', 'Spoofing', 'Recon'],
  };

  it('measures everything with the keys the CLI and the page read', () => {
    const r = evaluateBinary(input);
    expect(Object.keys(r).sort()).toEqual(
      [
        'accuracy',
        'balanced_accuracy',
        'confusion',
        'f1',
        'fpr',
        'per_class',
        'per_class_detail',
        'per_family',
        'pr_auc',
        'precision',
        'roc_auc',
        'score_stats',
        'threshold',
        'tnr',
        'tpr',
        'unlabelled',
      ].sort(),
    );
    expect(r.confusion).toEqual({ tp: 4, fp: 1, tn: 4, fn: 1 });
    expect(r.roc_auc).toBe(rocAuc(input.scores, input.truth));
    expect(r.pr_auc).toBe(averagePrecision(input.scores, input.truth));
    expect([r.tpr, r.fpr, r.tnr, r.precision, r.f1, r.accuracy, r.balanced_accuracy]).toEqual([0.8, 0.2, 0.8, 0.8, 0.8, 0.8, 0.8]);
    expect(r.per_class).toEqual({ Benign: 0.2, SYN: 1, ARP_Spoofing: 0.5 });
    expect(r.unlabelled).toEqual({ rows: 0, flagged: 0 });
    expect(r.per_class_detail.Benign).toEqual({ rows: 5, flagged: 1, rate: 0.2, benign: true });
    expect(r.per_family).toEqual({ DDoS: 1, Spoofing: 0.5 });
    expect(r.score_stats.SYN.count).toBe(3);
    expect(r.threshold).toBe(0.5);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('formats the tables of the original report', () => {
    const text = formatReport(evaluateBinary(input));
    for (const heading of ['Confusion matrix', 'Score statistics by traffic type', 'Detection rate by class', 'Detection rate by attack family', 'Summary']) {
      expect(text).toContain(heading);
    }
    expect(text).toMatch(/Actual Benign\s+4\s+1\n/);
    expect(text).toMatch(/Actual Attack\s+1\s+4\n/);
    expect(text).toMatch(/Benign\s+5\s+1\s+20\.00 %\s+false-positive rate/);
    // attack classes best detected first
    expect(text.indexOf('SYN ')).toBeLessThan(text.indexOf('ARP_Spoofing '));
    expect(text).toMatch(/ROC-AUC\s+0\.\d{4}\n/);
    expect(text).toMatch(/FPR\s+20\.00 %/);
  });

  it('leaves unlabelled rows (class −1) out of every figure that needs a label, and counts their alerts apart', () => {
    const extra = { scores: [0.9, 0.99, 0.1], classIndex: [-1, -1, -1] };
    const mixed = {
      ...input,
      scores: Float32Array.from([...input.scores, ...extra.scores]),
      truth: Uint8Array.from([...input.truth, 0, 0, 0]),
      classIndex: Int32Array.from([...input.classIndex, ...extra.classIndex]),
    };
    const r = evaluateBinary(mixed);
    const labelledOnly = evaluateBinary(input);
    expect(r.unlabelled).toEqual({ rows: 3, flagged: 2 });
    expect(r.confusion).toEqual(labelledOnly.confusion);
    expect([r.roc_auc, r.pr_auc, r.fpr, r.tpr]).toEqual([labelledOnly.roc_auc, labelledOnly.pr_auc, labelledOnly.fpr, labelledOnly.tpr]);
    expect(formatReport(r)).toMatch(/Unlabelled rows[^\n]*\nRows\s+Flagged\s+Share flagged\s+Threshold\n[- ]+\n\s*3\s+2\s+66\.67 %/);

    // nothing labelled: no recall, no false-positive rate, no confusion; only the alerts
    const none = evaluateBinary({ ...input, truth: new Uint8Array(10), classIndex: new Int32Array(10).fill(-1) });
    expect(none.unlabelled).toEqual({ rows: 10, flagged: 5 });
    expect(none.confusion).toEqual({ tp: 0, fp: 0, tn: 0, fn: 0 });
    expect([none.tpr, none.fpr, none.roc_auc]).toEqual([NaN, NaN, NaN]);
    const text = formatReport(none);
    expect(text).toContain('Unlabelled rows');
    expect(text).not.toContain('Confusion matrix');
    expect(text).not.toContain('FPR');
  });

  it('formatTable pads columns', () => {
    expect(
      formatTable(
        ['a', 'bb'],
        [
          ['xyz', '1'],
          ['q', '22'],
        ],
      ),
    ).toBe('a    bb\n---  --\nxyz   1\nq    22');
  });
});

describe('multiclassScores (sklearn classification_report)', () => {
  it('matches sklearn on a 3-class example', async () => {
    const { multiclassConfusion, multiclassScores } = await import('../../src/core/metrics');
    // y_true = [0,0,0,1,1,2], y_pred = [0,0,1,1,2,2]
    const c = multiclassConfusion(Int32Array.from([0, 0, 0, 1, 1, 2]), Int32Array.from([0, 0, 1, 1, 2, 2]), 3, ['a', 'b', 'c']);
    const s = multiclassScores(c);
    expect(s.accuracy).toBeCloseTo(4 / 6, 12);
    // per class: a p=1 r=2/3 f1=0.8; b p=1/2 r=1/2 f1=0.5; c p=1/2 r=1 f1=2/3
    expect(s.per_class.a.f1).toBeCloseTo(0.8, 12);
    expect(s.per_class.b.f1).toBeCloseTo(0.5, 12);
    expect(s.per_class.c.f1).toBeCloseTo(2 / 3, 12);
    expect(s.macro_f1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
    expect(s.weighted_f1).toBeCloseTo((0.8 * 3 + 0.5 * 2 + (2 / 3) * 1) / 6, 12);
    expect(s.balanced_accuracy).toBeCloseTo((2 / 3 + 1 / 2 + 1) / 3, 12);
  });
});
