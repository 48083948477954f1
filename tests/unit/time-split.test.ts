import { describe, expect, it } from 'vitest';
import { DatasetReader } from '../../src/core/ingest';
import { countTimeSplit, evaluate, latestHoldout, splitPart } from '../../src/core/pipeline';
import { genericDialect } from '../../src/core/schema';
import { clopperPearson, flaggedShare } from '../../src/core/threshold';
import { memoryFile, shared } from './sources';

/** a generic CSV: `v` is the row's position in its file, `label` its class */
function csv(name: string, labels: string[]) {
  return memoryFile(name, ['v,label', ...labels.map((l, i) => `${i},${l}`)].join('\n') + '\n', 64);
}

/** the `v` (position) of each test row of the files, per file */
async function testPositions(files: ReturnType<typeof csv>[], fraction: number) {
  const dialect = genericDialect({ labelColumn: 'label', benignValues: ['ok'] });
  const { split, vocabulary } = await countTimeSplit(files, fraction, { dialect });
  const out: Record<number, string[]>[] = [];
  // twice: one split serves any number of readings
  for (let pass = 0; pass < 2; pass++) {
    const reader = new DatasetReader(files, { dialect, vocabulary });
    const got: Record<number, string[]> = {};
    for await (const raw of reader.batches()) {
      const b = splitPart(raw, split.isTest, 'test');
      for (let i = 0; i < b.n; i++) (got[b.fileIndex[i]] ??= []).push(`${vocabulary.names[b.classIndex[i]]}${b.data[i * b.d]}`);
    }
    out.push(got);
  }
  expect(out[1]).toEqual(out[0]);
  return out[0];
}

describe('time split', () => {
  it('a file whose classes come one after another is cut within each class; an interleaved capture is cut once', async () => {
    const blocks = csv('blocks.csv', [...Array(10).fill('ok'), ...Array(10).fill('bad')]);
    const capture = csv(
      'capture.csv',
      Array.from({ length: 20 }, (_, i) => (i % 4 === 3 ? 'bad' : 'ok')),
    );
    const got = await testPositions([blocks, capture], 0.3);
    // blocks: the last 3 of each class; capture: rows 14..19 whatever their class
    expect(got[0]).toEqual(['ok7', 'ok8', 'ok9', 'bad17', 'bad18', 'bad19']);
    expect(got[1]).toEqual(['ok14', 'bad15', 'ok16', 'ok17', 'ok18', 'bad19']);
  });

  it('the latest benign rows of each file calibrate the threshold: every other row of the latest stretch, the rest is learned', () => {
    const { trainIdx, holdoutIdx } = latestHoldout([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 0.2);
    expect(holdoutIdx).toEqual([4, 12, 14]);
    expect(trainIdx).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 13]);
    // past one half, the rest comes from the latest rows left
    expect(latestHoldout([0, 0, 0, 0, 0], 0.6).holdoutIdx).toEqual([0, 2, 4]);
    expect(latestHoldout([0, 0, 0, 0, 0], 0.8).holdoutIdx).toEqual([0, 2, 3, 4]);
    expect(latestHoldout([0, 0], 0.2)).toEqual({ trainIdx: [0], holdoutIdx: [1] });
  });

  it('evaluate splits by time by default: the later rows of each Bluetooth file are scored, the threshold says how sure it is', async () => {
    const files = shared('ciciomt2024_v1_45feat/Bluetooth_Benign_test.pcap.csv', 'ciciomt2024_v1_45feat/Bluetooth_DoS_test.pcap.csv');
    const r = await evaluate({ train: files, detector: 'iforest' });
    expect(r.split).toEqual({ kind: 'time', test_fraction: 0.3 });
    expect(r.rows.scored).toBe(1200);
    expect(r.report.per_class['Bluetooth_Benign']).toBeDefined();
    // 1400 benign training rows: the latest 280 calibrate
    expect(r.pipeline.training.holdoutRows).toBe(280);
    const e = r.pipeline.threshold.expectedFpr!;
    expect(e.n).toBe(280);
    expect(e.low).toBeLessThan(0.01);
    expect(e.high).toBeGreaterThan(0.02);
  });
});

describe('Clopper–Pearson interval', () => {
  it('matches scipy (binomtest(k, n).proportion_ci(method="exact"))', () => {
    const a = clopperPearson(2, 200);
    expect(a.low).toBeCloseTo(0.0012133, 6);
    expect(a.high).toBeCloseTo(0.0356547, 6);
    const b = clopperPearson(0, 50);
    expect(b.low).toBe(0);
    expect(b.high).toBeCloseTo(0.0711217, 6);
    const c = clopperPearson(200, 20000);
    expect(c.low).toBeCloseTo(0.0086676, 6);
    expect(c.high).toBeCloseTo(0.0114775, 6);
    expect(clopperPearson(10, 10).high).toBe(1);
  });

  it('counts the scores strictly above the threshold', () => {
    expect(flaggedShare([1, 2, 3, 4], 2).rate).toBe(0.5);
    expect(() => clopperPearson(1, 0)).toThrow(RangeError);
  });
});

describe('the detector chosen on the training rows', () => {
  it('fits each candidate on the earlier training rows, judges it on the latest, and trains the best on all of them', async () => {
    const files = shared('ciciomt2024_v1_45feat/Bluetooth_Benign_test.pcap.csv', 'ciciomt2024_v1_45feat/Bluetooth_DoS_test.pcap.csv');
    const r = await evaluate({ train: files, detector: 'auto', candidates: ['kmeans', 'iforest'] });
    const choice = r.choice!;
    expect(choice.candidates.map((c) => c.detector)).toEqual(['kmeans', 'iforest']);
    // the latest 30 % of the 1400 benign and 1400 attack training rows
    expect(choice.rows).toEqual({ benign: 420, attack: 420 });
    expect(r.pipeline.detector.kind).toBe(choice.detector);
    const best = choice.candidates.find((c) => c.detector === choice.detector)!;
    expect(best.tpr).toBeGreaterThan(0.99);
    // k-means, tried first, finds every attack within the false-positive budget: nothing later can be chosen over it, so nothing later is fitted
    expect(choice.detector).toBe('kmeans');
    expect(choice.candidates[1].skipped).toMatch(/kmeans was already within 0.01 of perfect/);
    // the choice never saw the test rows: the evaluation still scores the last 30 % of each file
    expect(r.rows.scored).toBe(1200);
    expect(r.report.tpr).toBeGreaterThan(0.99);
    expect(r.report.fpr).toBeLessThan(0.02);
  });
});
