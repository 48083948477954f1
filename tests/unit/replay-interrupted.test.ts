import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { closeInterruptedRuns, NOT_STORED } from '../../src/core/replay';
import { emptySummary, type FlowCounters, type RunState, IndexedDbStore, type FlowChunk, type RunRecord } from '../../src/core/store';
import { blankChunk } from '../support/flow-chunks';

const NOW = 1_000_000;

function run(id: string, state: RunState, counters: FlowCounters, updatedAt = NOW - 60_000): RunRecord {
  return {
    id,
    name: id,
    createdAt: 0,
    updatedAt,
    source: { kind: 'simulation', scenario: 'mixed-day', seed: 1 },
    modelId: 'default-ae',
    detector: 'ae',
    threshold: 0.5,
    columns: ['Rate'],
    classes: ['Benign'],
    devices: [],
    summary: emptySummary({ runId: id, state, counters }),
    droppedRows: 0,
  };
}

/** n flows, one second apart from `seq * 100`; every `flagEvery`-th one flagged */
function chunk(runId: string, seq: number, n: number, flagEvery = 0): FlowChunk {
  const c = blankChunk(runId, seq, n, 1);
  c.time = Float64Array.from({ length: n }, (_, i) => seq * 100 + i);
  c.score.fill(0.1);
  c.verdict = Uint8Array.from({ length: n }, (_, i) => (flagEvery && i % flagEvery === 0 ? 1 : 0));
  return c;
}

const counters = (read: number, scored: number, stored: number, skipped: number): FlowCounters => ({ read, scored, stored, skipped, alerts: 0, dropped: 0 });

describe('runs whose page closed while they played', () => {
  it('are closed with counters that add up against what the store holds', async () => {
    const store = await IndexedDbStore.open('interrupted', new IDBFactory());
    // saved summary: 100 scored, but only 80 rows reached the store before the page closed
    await store.putRun(run('lost', 'playing', counters(102, 100, 60, 2)));
    await store.putChunks([chunk('lost', 0, 50), chunk('lost', 1, 30)]);
    // saved summary older than the rows: 120 stored after it said 100 scored
    await store.putRun(run('ahead', 'paused', counters(100, 100, 90, 0)));
    await store.putChunks([chunk('ahead', 0, 120)]);
    // still playing (saved a moment ago, perhaps in another tab), and one that ended properly
    await store.putRun(run('live', 'playing', counters(10, 10, 0, 0), NOW - 1000));
    await store.putRun(run('done', 'ended', counters(5, 5, 5, 0)));
    await store.putChunks([chunk('done', 0, 5)]);

    const closed = await closeInterruptedRuns(store, { now: NOW });
    expect(closed.map((r) => r.id).sort()).toEqual(['ahead', 'lost']);

    const lost = (await store.getRun('lost'))!.summary!;
    expect(lost.state).toBe('interrupted');
    expect(lost.captions[0]).toMatch(/^Interrupted/);
    expect(lost.counters).toMatchObject({ read: 102, scored: 80, stored: 80, skipped: 22 });
    expect(lost.skippedReasons[NOT_STORED]).toBe(20);
    expect(lost.captions[0]).toMatch(/20 scored flows had not been stored/);

    const ahead = (await store.getRun('ahead'))!.summary!;
    expect(ahead.counters).toMatchObject({ read: 120, scored: 120, stored: 120, skipped: 0 });

    expect((await store.getRun('live'))!.summary!.state).toBe('playing');
    expect((await store.getRun('done'))!.summary!.counters.stored).toBe(5);
    for (const id of ['lost', 'ahead']) {
      const c = (await store.getRun(id))!.summary!.counters;
      expect(c.read).toBe(c.scored + c.skipped);
      expect(c.scored).toBe(c.stored + c.dropped);
    }
  });

  it('keep the flows a live feed lost (they were never read, so the store cannot recount them)', async () => {
    const store = await IndexedDbStore.open('interrupted-lost', new IDBFactory());
    await store.putRun(run('feed', 'playing', { ...counters(40, 40, 40, 0), lost: 7 }));
    await store.putChunks([chunk('feed', 0, 40)]);
    await closeInterruptedRuns(store, { now: NOW });
    expect((await store.getRun('feed'))!.summary!.counters).toEqual({ read: 40, scored: 40, stored: 40, skipped: 0, alerts: 0, dropped: 0, lost: 7 });
  });

  it('are marked interrupted at once when the browser says no page holds them, with alerts and charts from the stored flows', async () => {
    const store = await IndexedDbStore.open('interrupted-now', new IDBFactory());
    // reloaded a moment after the last save, which said 33 read / 33 scored / 1 stored / 2 alerts
    await store.putRun({ ...run('reloaded', 'playing', { ...counters(33, 33, 1, 0), alerts: 2 }, NOW - 500) });
    await store.putChunks([chunk('reloaded', 0, 100, 4), chunk('reloaded', 1, 100, 4)]);
    await store.putRun(run('other-tab', 'playing', counters(5, 5, 5, 0), NOW - 500));

    const closed = await closeInterruptedRuns(store, { now: NOW, liveRuns: new Set(['other-tab']) });
    expect(closed.map((r) => r.id)).toEqual(['reloaded']);
    const s = (await store.getRun('reloaded'))!.summary!;
    expect(s.state).toBe('interrupted');
    expect(s.counters).toEqual({ read: 200, scored: 200, stored: 200, skipped: 0, alerts: 50, dropped: 0 });
    expect(s.anomalyRate).toBeCloseTo(0.25);
    // the charts are drawn from the 200 stored flows, not from the 33 of the saved summary
    expect(s.series.flows.reduce((a, b) => a + b, 0)).toBe(200);
    expect(s.series.flagged.reduce((a, b) => a + b, 0)).toBe(50);
    expect(s.perClass[0]).toMatchObject({ name: 'Benign', flows: 200, flagged: 50 });
    expect((await store.getRun('other-tab'))!.summary!.state).toBe('playing');
  });

  it('count the alerts among rows the retention limit dropped, as the store counted them', async () => {
    const store = await IndexedDbStore.open('interrupted-retention', new IDBFactory());
    await store.setRetentionRows(150);
    await store.putRun(run('kept', 'playing', counters(10, 10, 10, 0), NOW - 500));
    // 3 chunks of 100 flows, 25 flagged each: the oldest two go, 50 alerts with them
    await store.putChunks([chunk('kept', 0, 100, 4), chunk('kept', 1, 100, 4)]);
    await store.putChunks([chunk('kept', 2, 100, 4)]);
    expect((await store.getRun('kept'))!.droppedAlerts).toBe(50);
    await closeInterruptedRuns(store, { now: NOW, liveRuns: new Set() });
    const s = (await store.getRun('kept'))!.summary!;
    expect(s.counters).toEqual({ read: 300, scored: 300, stored: 100, skipped: 0, alerts: 75, dropped: 200 });
    expect(s.series.flows.reduce((a, b) => a + b, 0)).toBe(100);
  });
});
