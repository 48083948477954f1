import { describe, expect, it } from 'vitest';
import { AlertGrouper, GROUP_SAMPLES, NO_DEVICE, type FlowBatch, LiveAggregator, RECENT_ALERTS, TimeBuckets } from '../../src/core/replay';
import { MAX_BUCKETS, type AlertSample, PROTOCOLS } from '../../src/core/store';

const CLASSES = [
  { name: 'Benign', benign: true, family: 'Benign' },
  { name: 'ARP_Spoofing', benign: false, family: 'Spoofing' },
];

function batch(n: number, seq: number, opts: { time?: (i: number) => number; cls?: (i: number) => number; emittedAt?: number } = {}): FlowBatch {
  return {
    n,
    d: 1,
    data: new Float32Array(n),
    classIndex: Int32Array.from({ length: n }, (_, i) => opts.cls?.(i) ?? 0),
    time: Float64Array.from({ length: n }, (_, i) => opts.time?.(i) ?? i),
    rowNumber: Float64Array.from({ length: n }, (_, i) => i + 1),
    fileIndex: new Uint16Array(n),
    device: new Uint16Array(n).fill(NO_DEVICE),
    seq,
    emittedAt: opts.emittedAt ?? 0,
  };
}

function aggregator(hasOwnTime = true) {
  const a = new LiveAggregator({ runId: 'r', source: 'test', detector: 'ae', threshold: 1, hasOwnTime, startedAt: 0 });
  a.setClasses(CLASSES);
  return a;
}

const tcp = () => 0;

describe('live aggregator', () => {
  it('counters add up: read = scored + skipped, scored = stored + dropped + pending', () => {
    const a = aggregator();
    const b = batch(100, 0, { cls: (i) => (i < 60 ? 0 : 1) });
    const scores = Float32Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? 2 : 0.5));
    const verdict = Uint8Array.from(scores, (s) => (s > 1 ? 1 : 0));
    a.addScored(b, scores, verdict, tcp, 10, 0.5);
    a.addSkipped({ 'malformed row': 3 });
    a.addStored(60, 0, 5);
    let c = a.summary('playing', 10).counters;
    expect(c.read).toBe(c.scored + c.skipped);
    expect(c).toMatchObject({ read: 103, scored: 100, skipped: 3, stored: 60, alerts: 10, dropped: 0 });
    a.addStored(40, 0, 8);
    a.addDropped(25);
    c = a.summary('ended', 12).counters;
    expect(c.scored).toBe(c.stored + c.dropped);
    expect(c).toMatchObject({ stored: 75, dropped: 25 });
  });

  it('confusion, recall, FPR and per-class detection from labels', () => {
    const a = aggregator();
    const b = batch(10, 0, { cls: (i) => (i < 6 ? 0 : 1) });
    // benign 0..5: one flagged; attacks 6..9: three flagged
    const verdict = Uint8Array.from([1, 0, 0, 0, 0, 0, 1, 1, 1, 0]);
    a.addScored(b, new Float32Array(10).fill(1), verdict, tcp, 0, null);
    const s = a.summary('playing', 0);
    expect(s.confusion).toEqual({ tp: 3, fp: 1, tn: 5, fn: 1 });
    expect(s.recall).toBeCloseTo(0.75);
    expect(s.falsePositiveRate).toBeCloseTo(1 / 6);
    expect(s.labelled).toBe(true);
    expect(s.perClass.map((k) => [k.name, k.flows, k.flagged])).toEqual([
      ['Benign', 6, 1],
      ['ARP_Spoofing', 4, 3],
    ]);
    expect(s.anomalyRate).toBeCloseTo(0.4);
  });

  it('latency percentiles come from the metrics histogram, weighted by rows', () => {
    const a = aggregator();
    for (let k = 0; k < 99; k++) a.addStored(1, 0, 2);
    a.addStored(1, 0, 50);
    const s = a.summary('playing', 0);
    expect(s.latencyMs.p50).toBeCloseTo(2, 1);
    expect(s.latencyMs.p99).toBeCloseTo(2, 1);
    expect(s.latencyMs.max).toBe(50);
    a.addStored(100, 0, 30);
    expect(a.summary('playing', 0).latencyMs.p50).toBeCloseTo(30, 0);
  });

  it('flows per second over the last second', () => {
    const a = aggregator();
    a.addScored(batch(1000, 0), new Float32Array(1000), new Uint8Array(1000), tcp, 0, null);
    a.addScored(batch(1000, 1), new Float32Array(1000), new Uint8Array(1000), tcp, 500, null);
    a.addScored(batch(1000, 2), new Float32Array(1000), new Uint8Array(1000), tcp, 1000, null);
    expect(a.flowsPerSecond(1000)).toBeCloseTo(2000, 0);
    expect(a.flowsPerSecond(5000)).toBe(0);
  });

  it('time buckets by the flows’ own time, with protocol and class series', () => {
    const a = aggregator();
    const b = batch(20, 0, { time: (i) => 100 + i * 0.5, cls: (i) => (i >= 10 ? 1 : 0) });
    const verdict = Uint8Array.from({ length: 20 }, (_, i) => (i >= 10 ? 1 : 0));
    a.addScored(
      b,
      Float32Array.from({ length: 20 }, (_, i) => i + 1),
      verdict,
      (i) => (i % 2 ? 1 : 0),
      0,
      null,
    );
    const s = a.summary('playing', 0).series;
    expect(s.bucketSeconds).toBe(1);
    expect(s.t[0]).toBe(100);
    expect(s.flows).toEqual(new Array(10).fill(2));
    expect(s.flagged.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(s.flagged.slice(5)).toEqual([2, 2, 2, 2, 2]);
    expect(s.byProtocol.map((p) => p.name)).toEqual([...PROTOCOLS]);
    expect(s.byProtocol[0].flows.reduce((x, y) => x + y)).toBe(10);
    expect(s.byProtocol[1].flagged.reduce((x, y) => x + y)).toBe(5);
    expect(s.heatmap.classes).toEqual(['Benign', 'ARP_Spoofing']);
    expect(s.heatmap.counts[1]).toEqual([0, 0, 0, 0, 0, 2, 2, 2, 2, 2]);
    expect(s.scoreMax[9]).toBe(20);
  });

  it('untimed sources bucket by wall-clock seconds since the start', () => {
    const a = aggregator(false);
    a.addScored(batch(5, 0, { emittedAt: 2500 }), new Float32Array(5), new Uint8Array(5), tcp, 0, null);
    a.addScored(batch(5, 1, { emittedAt: 4100 }), new Float32Array(5), new Uint8Array(5), tcp, 0, null);
    const s = a.summary('playing', 0).series;
    expect(s.t).toEqual([2, 3, 4]);
    expect(s.flows).toEqual([5, 0, 5]);
  });

  it('keeps the newest alerts, newest first, at most RECENT_ALERTS', () => {
    const a = aggregator();
    const sample = (k: number) => ({ rowNumber: k }) as AlertSample;
    a.addAlerts(Array.from({ length: 20 }, (_, k) => sample(k)));
    a.addAlerts(Array.from({ length: 20 }, (_, k) => sample(100 + k)));
    const recent = a.summary('playing', 0).recentAlerts.map((s) => s.rowNumber);
    expect(recent.length).toBe(RECENT_ALERTS);
    expect(recent[0]).toBe(119);
    expect(recent[19]).toBe(100);
    expect(recent[20]).toBe(19);
  });
});

describe('time buckets', () => {
  it('never exceed MAX_BUCKETS: the width doubles and counts are kept', () => {
    const b = new TimeBuckets(PROTOCOLS.length, 1);
    let total = 0;
    for (let t = 0; t < 10_000; t += 0.25) {
      b.add(b.bucketOf(t), 1, false, 0, 0);
      total++;
    }
    const s = b.series(1);
    expect(s.t.length).toBeLessThanOrEqual(MAX_BUCKETS);
    expect(s.bucketSeconds).toBe(64);
    expect(s.flows.reduce((x, y) => x + y)).toBe(total);
    expect(s.heatmap[0].reduce((x, y) => x + y)).toBe(total);
    expect(s.byProtocol[0].flows.reduce((x, y) => x + y)).toBe(total);
  });

  it('per-bucket score percentiles within the histogram resolution', () => {
    const b = new TimeBuckets(PROTOCOLS.length, 0.01);
    const bucket = b.bucketOf(0);
    // scores 0.001 … 1.000
    for (let k = 1; k <= 1000; k++) b.add(bucket, k / 1000, false, 0, -1);
    const s = b.series(0);
    expect(s.scoreP50[0]).toBeGreaterThan(0.5 * 0.9);
    expect(s.scoreP50[0]).toBeLessThan(0.5 * 1.1);
    expect(s.scoreP99[0]).toBeGreaterThan(0.99 * 0.9);
    expect(s.scoreP99[0]).toBeLessThanOrEqual(1);
    expect(s.scoreMax[0]).toBe(1);
  });
});

describe('alert grouping', () => {
  it('groups flagged flows by device and class with count, first/last seen and max score', () => {
    const g = new AlertGrouper('r', ['pump-1', 'monitor-2'], ['Benign', 'ARP_Spoofing']);
    const verdict = Uint8Array.from([1, 1, 0, 1, 1]);
    const device = Uint16Array.from([0, 0, 1, 1, NO_DEVICE]);
    const cls = Int32Array.from([1, 1, 1, 1, -1]);
    const time = Float64Array.from([10, 12, 13, 14, 15]);
    const scores = Float32Array.from([3, 5, 0, 4, 9]);
    const { first, newest } = g.add(verdict, device, cls, time, scores);
    const groups = g.all();
    expect(groups.map((x) => [x.key, x.count, x.firstSeen, x.lastSeen, x.maxScore])).toEqual([
      ['pump-1|ARP_Spoofing', 2, 10, 12, 5],
      ['monitor-2|ARP_Spoofing', 1, 14, 14, 4],
      ['|', 1, 15, 15, 9],
    ]);
    expect([...first.values()]).toEqual([0, 3, 4]);
    expect([...newest.values()]).toEqual([1, 3, 4]);
    expect(g.takeDirty().length).toBe(3);
    expect(g.takeDirty().length).toBe(0);
  });

  it('keeps the first sample and the newest few', () => {
    const g = new AlertGrouper('r', ['pump-1'], ['ARP_Spoofing']);
    const one = (t: number) => g.add(Uint8Array.of(1), Uint16Array.of(0), Int32Array.of(0), Float64Array.of(t), Float32Array.of(1));
    const { first } = one(0);
    const group = [...first.keys()][0];
    g.addSample(group, { rowNumber: 0 } as AlertSample, true);
    for (let k = 1; k <= 10; k++) {
      one(k);
      g.addSample(group, { rowNumber: k } as AlertSample, false);
    }
    expect(group.samples.map((s) => s.rowNumber)).toEqual([0, ...Array.from({ length: GROUP_SAMPLES }, (_, k) => 11 - GROUP_SAMPLES + k)]);
    expect(g.setStatus('pump-1|ARP_Spoofing', 'acknowledged')).toBe(true);
    expect(g.takeDirty()[0].status).toBe('acknowledged');
  });
});
