import { describe, expect, it } from 'vitest';
import { evaluate, fitPipeline, readLabelled } from '../../../src/core/pipeline';
import { calibrate, parseThreshold, rowsForPercentile, thresholdCaveat } from '../../../src/core/threshold';
import { DatasetReader } from '../../../src/core/ingest';
import { bytesFile, shared } from '../sources';
import { frame, pcapFile, type TestPacket } from './capture-bytes';

/**
 * Training on a capture: the window each device has open when the capture stops is a
 * fragment (the capture's end cut it, not the device) and is neither learned, nor used to set
 * the threshold, nor scored in an evaluation; and a percentile the held-back rows cannot
 * measure is said to be so.
 */
const T0 = 1_700_000_000;

/** three devices taking turns, 1,003 packets: 33 full windows of 10 each, and 5, 4, 4 packets left when the capture ends */
function ward(size = (i: number) => 80 + ((i * 7) % 5) * 20, length = 1003): Uint8Array {
  const packets: TestPacket[] = Array.from({ length }, (_, i) => ({
    link: 1,
    sec: T0 + Math.floor(i / 50),
    ns: (i % 50) * 20_000_000,
    bytes: frame({ srcMac: 0x020000000001 + (i % 3), sport: 40000 + (i % 3), size: size(i) }),
  }));
  return pcapFile(packets);
}

describe('training on a capture', () => {
  it('leaves the windows the end of the capture cut short out of training and calibration, and counts them', async () => {
    const { pipeline } = await fitPipeline([bytesFile('ward.pcap', ward())], { detector: 'knn', threshold: parseThreshold('p95') });
    const t = pipeline.training;
    expect(t.rowsRead).toBe(102);
    expect(t.cutRows).toBe(3);
    expect(t.benignRows).toBe(99);
    expect(t.trainRows + t.holdoutRows).toBe(99);
  });

  it('calibrates a percentile its held-back rows cannot measure on every row scored out of fold, then learns them all', async () => {
    // every window a size pattern of its own: a detector that learnt a window scores it 0 at one neighbour
    const distinct = ward((i) => 60 + ((i * 37) % 101) * 9);
    const { pipeline } = await fitPipeline([bytesFile('ward.pcap', distinct)], {
      detector: 'knn',
      settings: { knn: { n_neighbors: 1 } },
      threshold: parseThreshold('p99'),
    });
    const t = pipeline.training;
    expect(t.calibration).toBe('out-of-fold');
    expect([t.benignRows, t.trainRows, t.holdoutRows, pipeline.threshold.calibratedOn]).toEqual([99, 99, 99, 99]);
    // scored by detectors that had not learnt them (in-sample, every row's nearest neighbour is itself, at 0) ...
    expect(pipeline.threshold.value).toBeGreaterThan(0);
    expect(pipeline.threshold.benignMedian).toBeGreaterThan(0);
    // ... while the detector kept learnt all 99 (the threshold of p95, which 20 held-back rows measure, is set the old way)
    const heldBack = (await fitPipeline([bytesFile('ward.pcap', distinct)], { detector: 'knn', threshold: parseThreshold('p95') })).pipeline.training;
    expect([heldBack.calibration, heldBack.trainRows, heldBack.holdoutRows]).toEqual([undefined, 79, 20]);
  });

  it('keeps held-back calibration for a large training set, where ten more fits would cost minutes', async () => {
    // 20,100 full windows: p99.99 needs 10,000 held-back rows, and 4,020 are held back
    const { pipeline } = await fitPipeline([bytesFile('ward.pcap', ward(undefined, 201_003))], { detector: 'iforest', threshold: parseThreshold('p99.99') });
    const t = pipeline.training;
    expect([t.calibration, t.benignRows, t.holdoutRows]).toEqual([undefined, 20_100, 4_020]);
  });

  it('leaves them out of a labelled reading too (classifiers, hybrids, the comparison), counted', async () => {
    // the CICIoMT2024 file-name rule labels the capture's rows Benign
    const { rows } = (await readLabelled([bytesFile('Benign_train.pcap', ward())], undefined, { maxRows: 1000, seed: 0 })).set;
    expect([rows.read, rows.used, rows.cut]).toEqual([102, 99, 3]);
  });

  it("a model trained on a capture learns its hosts' SYN counts, and refuses flows without them in one sentence; a CSV-trained one scores captures", async () => {
    const { pipeline } = await fitPipeline([bytesFile('ward.pcap', ward())], { detector: 'knn', threshold: parseThreshold('p95') });
    const csv = new DatasetReader(shared('ciciomt2024_v2_39feat_sample.csv'));
    await csv.batches()[Symbol.asyncIterator]().next();
    expect(() => pipeline.assertCompatible(csv.schema!)).toThrow(
      "This model cannot score the data: the data lacks the model's column(s) host_syn_1s, host_syn_10s.",
    );
    const r = await evaluate({ train: shared('ciciomt2024_v2_39feat_sample.csv'), test: [bytesFile('ward.pcap', ward())], detector: 'iforest' });
    expect(r.rows.scored).toBe(99);
  });

  it('does not score them in an evaluation: skipped, with the reason, and read = scored + skipped', async () => {
    const r = await evaluate({ train: [bytesFile('ward.pcap', ward())], test: [bytesFile('ward-2.pcap', ward())], detector: 'iforest' });
    expect(r.rows).toMatchObject({ read: 102, scored: 99, skipped: 3, skipped_reasons: { 'window cut by the end of its capture': 3 } });
  });

  it('says when the held-back rows are too few to measure the percentile asked for, and which one they fit', () => {
    expect([rowsForPercentile(99.9), rowsForPercentile(99), rowsForPercentile(95)]).toEqual([1000, 100, 20]);
    const scores = Float32Array.from({ length: 120 }, (_, i) => i);
    const caveat = thresholdCaveat(calibrate(parseThreshold('p99.9'), scores, []));
    expect(caveat).toBe(
      'the 99.9th percentile needs 1,000 held-back benign rows to be measured; from 120 it is about their highest score, which the one most unusual benign row sets: p99 fits 120 rows, more benign traffic fits p99.9',
    );
    expect(thresholdCaveat(calibrate(parseThreshold('p99'), scores, []))).toBeNull();
    expect(thresholdCaveat(calibrate(parseThreshold('c0.01'), scores, scores))).toBeNull();
  });
});
