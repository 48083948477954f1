import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBackend } from '../../src/core/detectors';
import { fitPipeline, type FittedPipeline } from '../../src/core/pipeline';
import {
  DetectSession,
  type ScoringModel,
  FileFlowSource,
  type SourceMessage,
  type FlowSource,
  type RateSpec,
  ReplayLoop,
  wallClock,
  SimFlowSource,
  chooseModels,
  trainOnTheSpot,
} from '../../src/core/replay';
import { Simulator, SCENARIOS, DEFAULT_SCENARIO } from '../../src/core/sim';
import { IndexedDbStore, type LabStore, type ModelRecord, type RunRecord, StorageFullError } from '../../src/core/store';
import { SHARED, bytesFile, memoryFile } from './sources';

const V2 = 'ciciomt2024_v2_39feat_sample.csv';
const v2Bytes = readFileSync(SHARED + V2);

let ae: FittedPipeline;
let iforest: FittedPipeline;

beforeAll(async () => {
  await ensureBackend('wasm');
  const file = memoryFile(V2, v2Bytes, 1 << 16);
  ae = (await fitPipeline([file], { detector: 'ae', settings: { ae: { epochs: 3 } } })).pipeline;
  iforest = (await fitPipeline([file], { detector: 'iforest', settings: { iforest: { n_estimators: 20 } } })).pipeline;
}, 120_000);

async function openStore(): Promise<LabStore> {
  return IndexedDbStore.open('replay-test', new IDBFactory());
}

/** a whole run in one process: source loop → (message queue) → detect session → fake IndexedDB */
async function replay(
  source: FlowSource,
  rate: RateSpec,
  options: { stopAfterRows?: number; stopWhen?: (s: DetectSession) => boolean; loop?: boolean; window?: number; store?: LabStore } = {},
) {
  const store = options.store ?? (await openStore());
  await source.open();
  const meta = source.meta();
  const now = wallClock.now();
  const run: RunRecord = {
    id: 'run-1',
    name: 'test',
    createdAt: now,
    updatedAt: now,
    source: { kind: 'files', files: [meta.label], dataset: meta.dataset },
    modelId: 'ae',
    detector: 'ae',
    threshold: ae.threshold.value,
    columns: meta.schema.columns.map((c) => c.name),
    classes: meta.classes.map((c) => c.name),
    devices: meta.devices,
    summary: null,
    droppedRows: 0,
  };
  await store.putRun(run);
  let loop: ReplayLoop | null = null;
  const verdict: ScoringModel = { id: 'ae', kind: 'ae', pipeline: ae };
  const session = new DetectSession({
    store,
    run,
    meta,
    verdict,
    alongside: [{ id: 'if', kind: 'iforest', pipeline: iforest }],
    clock: wallClock,
    grant: (n) => setTimeout(() => loop!.grant(n)),
    window: options.window,
  });
  const messages: SourceMessage['type'][] = [];
  loop = new ReplayLoop(
    source,
    (m) => {
      messages.push(m.type);
      // like a MessagePort: delivered later, in order
      setTimeout(() => session.handle(m));
    },
    { rate, loop: options.loop ?? false },
  );
  session.open();
  const running = loop.start();
  if (options.stopAfterRows || options.stopWhen) {
    while (options.stopWhen ? !options.stopWhen(session) : loop.rows < options.stopAfterRows!) await new Promise((r) => setTimeout(r, 5));
    await loop.stop();
    await new Promise((r) => setTimeout(r, 20));
    await session.stop();
  } else {
    await session.ended;
  }
  await loop.stop();
  await running;
  return { store, session, loop, summary: session.summary(), messages };
}

describe('replay pipeline (Node, fake IndexedDB)', () => {
  it('replays a real v2 file at max: every flow scored by AE and iforest and stored, counters add up', async () => {
    const file = bytesFile(V2, v2Bytes);
    const { store, summary, messages } = await replay(new FileFlowSource([file], 4096), { kind: 'max' });
    const c = summary.counters;
    expect(summary.state).toBe('ended');
    expect(c.read).toBe(17_684);
    expect(c.read).toBe(c.scored + c.skipped);
    expect(c.scored).toBe(c.stored + c.dropped);
    expect(await store.countRows('run-1')).toBe(c.stored);
    expect(messages[0]).toBe('meta');
    expect(messages.at(-1)).toBe('end');
    expect(summary.labelled).toBe(true);
    expect(summary.recall).toBeGreaterThan(0.1);
    expect(summary.perClass.reduce((a, k) => a + k.flows, 0)).toBe(c.scored);
    // the autoencoder says why: shares of the reconstruction error sum to 1
    const alert = summary.recentAlerts[0];
    expect(alert.className).not.toBeNull();
    expect(Object.keys(alert.features).length).toBe(39);
    const shares = Object.values(alert.contributions!);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    const chunks = await store.readChunks('run-1', 0, 100);
    expect(chunks[0].scores).toHaveProperty('iforest');
    expect(chunks[0].scores).toHaveProperty('ae');
    const groups = await store.listAlertGroups('run-1');
    expect(groups.reduce((a, g) => a + g.count, 0)).toBe(c.alerts);
    const stored = await store.getRun('run-1');
    expect(stored?.summary?.counters.stored).toBe(c.stored);
  }, 60_000);

  it('counts skipped rows with their reason', async () => {
    const lines = v2Bytes.toString('utf8').split('\n');
    const text = [lines[0], lines[1], '1,2,3', lines[2], lines[3] + ',x,y', lines[4], ''].join('\n');
    const { summary } = await replay(new FileFlowSource([bytesFile('bad-rows.csv', new TextEncoder().encode(text), 7)]), { kind: 'max' });
    expect(summary.counters).toMatchObject({ read: 5, scored: 3, skipped: 2 });
    expect(summary.skippedReasons).toEqual({ 'malformed row': 2 });
  });

  it('a slow consumer slows the replay: never more batches in flight than the window', async () => {
    const store = await openStore();
    let inFlight = 0;
    let most = 0;
    const slow: LabStore = Object.create(store);
    slow.putChunks = async (chunks) => {
      inFlight += chunks.length;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight -= chunks.length;
      return store.putChunks.call(store, chunks);
    };
    const { summary } = await replay(new FileFlowSource([bytesFile(V2, v2Bytes)], 512), { kind: 'max' }, { window: 3, store: slow });
    expect(most).toBeLessThanOrEqual(3);
    expect(summary.counters.stored).toBe(17_684);
  }, 60_000);

  it('seeks a file to a byte fraction and loops', async () => {
    const source = new FileFlowSource([bytesFile(V2, v2Bytes)], 1000);
    await source.open();
    await source.seek(0.5);
    const first = await source.next();
    // the first row after the seek is a whole row from the second half of the file
    const text = v2Bytes.toString('utf8');
    const lineStart = text.indexOf('\n', Math.floor(v2Bytes.length * 0.5) - 1) + 1;
    const expected = text.slice(lineStart, text.indexOf('\n', lineStart)).split(',');
    expect(first!.data[0]).toBeCloseTo(Number(expected[0]), 4);
    expect(first!.data[38]).toBeCloseTo(Number(expected[38]), 4);
    expect(source.fraction()).toBeGreaterThan(0.5);
    let rows = first!.n;
    for (let b = await source.next(); b; b = await source.next()) rows += b.n;
    expect(rows).toBeGreaterThan(8000);
    expect(rows).toBeLessThan(9700);
    await source.restart();
    expect((await source.next())!.rowNumber[0]).toBe(1);
  });

  it('seeking to the very end ends the file (and a loop starts it again)', async () => {
    const source = new FileFlowSource([bytesFile(V2, v2Bytes)], 1000);
    await source.open();
    await source.seek(1);
    expect(source.fraction()).toBe(1);
    expect(await source.next()).toBeNull();
    await source.restart();
    expect((await source.next())!.rowNumber[0]).toBe(1);
  });

  it('looping replays the file again, flow after flow', async () => {
    const { summary } = await replay(new FileFlowSource([bytesFile(V2, v2Bytes)], 4096), { kind: 'max' }, { loop: true, stopAfterRows: 40_000 });
    expect(summary.counters.scored).toBeGreaterThanOrEqual(40_000);
    expect(summary.counters.scored).toBe(summary.counters.stored);
  }, 60_000);

  it('plays the simulator at 200 flows/s with its captions, devices and own time', async () => {
    const sim = new Simulator(SCENARIOS[DEFAULT_SCENARIO], { seed: 1 });
    const started = Date.now();
    const { summary } = await replay(new SimFlowSource(sim, 1), { kind: 'flows', perSecond: 200 }, { stopAfterRows: 200 });
    const seconds = (Date.now() - started) / 1000;
    expect(summary.counters.scored).toBeGreaterThanOrEqual(200);
    expect(summary.counters.scored).toBe(summary.counters.stored);
    expect(seconds).toBeGreaterThan(0.8);
    expect(summary.latencyMs.p99).toBeLessThan(1000);
    expect(summary.series.t.length).toBeGreaterThan(0);
  }, 30_000);

  it('a full quota shows the error and stops storing, without crashing', async () => {
    const store = await openStore();
    const full: LabStore = Object.create(store);
    let writes = 0;
    full.putChunks = async (chunks) => {
      if (++writes > 2) throw new StorageFullError(`${chunks.length} chunks`);
      return store.putChunks.call(store, chunks);
    };
    const source = new FileFlowSource([bytesFile(V2, v2Bytes)], 1024);
    const { summary } = await replay(source, { kind: 'max' }, { store: full, stopWhen: (x) => x.state === 'error', window: 2 });
    expect(summary.state).toBe('error');
    expect(summary.error).toMatch(/storage is full/i);
    expect(summary.counters.stored).toBeLessThan(summary.counters.scored);
    expect(await store.countRows('run-1')).toBe(summary.counters.stored);
    // the run is saved as failed, not left "playing" for the next visit to close as interrupted
    expect((await store.getRun('run-1'))?.summary?.state).toBe('error');
  }, 30_000);

  it('pauses, steps one batch at a time and resumes', async () => {
    const sim = new Simulator(SCENARIOS[DEFAULT_SCENARIO], { seed: 2 });
    const sent: number[] = [];
    const loop: ReplayLoop = new ReplayLoop(
      new SimFlowSource(sim, 2),
      (m) => {
        if (m.type === 'batch') {
          sent.push(m.batch.n);
          setTimeout(() => loop.grant(1));
        }
      },
      { rate: { kind: 'flows', perSecond: 1000 }, loop: false },
    );
    loop.grant(4);
    const running = loop.start();
    await new Promise((r) => setTimeout(r, 100));
    loop.pause();
    await new Promise((r) => setTimeout(r, 20));
    const atPause = loop.rows;
    expect(atPause).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(loop.rows).toBe(atPause);
    loop.step();
    await new Promise((r) => setTimeout(r, 20));
    // one batch: a tick's worth at this rate, or what is left of the rows in hand
    expect(loop.rows - atPause).toBeGreaterThanOrEqual(1);
    expect(loop.rows - atPause).toBeLessThanOrEqual(loop.pacer.stepRows());
    const afterStep = loop.rows;
    await new Promise((r) => setTimeout(r, 50));
    expect(loop.rows).toBe(afterStep);
    loop.resume();
    await new Promise((r) => setTimeout(r, 100));
    expect(loop.rows).toBeGreaterThan(atPause + 50);
    await loop.stop();
    await running;
    expect(sent.reduce((a, b) => a + b, 0)).toBe(loop.rows);
  });

  it('sends nothing once stopped, even rows the source was still reading, and closes the source', async () => {
    const sim = new SimFlowSource(new Simulator(SCENARIOS[DEFAULT_SCENARIO], { seed: 3 }), 3);
    let closed = false;
    const slow: FlowSource = Object.assign(Object.create(sim) as FlowSource, {
      next: async (hint: number) => {
        await new Promise((r) => setTimeout(r, 30));
        return sim.next(hint);
      },
      close: () => (closed = true),
    });
    const sent: SourceMessage['type'][] = [];
    const loop = new ReplayLoop(slow, (m) => sent.push(m.type), { rate: { kind: 'max' }, loop: false });
    loop.grant(4);
    const running = loop.start();
    await new Promise((r) => setTimeout(r, 10));
    await loop.stop();
    await running;
    expect(sent.filter((t) => t === 'batch')).toEqual([]);
    expect(loop.state).toBe('stopped');
    expect(closed).toBe(true);
  });

  it('rejects empty and binary files with one sentence', async () => {
    await expect(new FileFlowSource([bytesFile('empty.csv', new Uint8Array(0))]).open()).rejects.toThrow(/empty/);
    await expect(new FileFlowSource([bytesFile('photo.csv', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2, 3]))]).open()).rejects.toThrow(/binary/);
  });

  it('chooses a fitting stored model, or trains an isolation forest on the spot', async () => {
    const store = await openStore();
    const record = (id: string, p: FittedPipeline, detector: string): ModelRecord => ({
      id,
      name: id,
      createdAt: 1,
      detector,
      dataset: 'x',
      origin: 'default',
      pipeline: p.toJSON(),
      files: {},
    });
    await store.putModel({ ...record('default-ae', ae, 'ae'), files: await ae.artifacts() });
    await store.putModel(record('default-iforest', iforest, 'iforest'));
    const choice = await chooseModels(store, ae.schema, {});
    expect(choice?.verdict.id).toBe('default-ae');
    expect(choice?.alongside.map((m) => m.id)).toEqual(['default-iforest']);
    const bot = { dialect: 'botiot' as const, columns: [{ name: 'pkts', kind: 'numeric' as const }] };
    expect(await chooseModels(store, bot, {})).toBeNull();
    const trained = await trainOnTheSpot([memoryFile('botiot.csv', readFileSync(SHARED + 'botiot_12col_subset_sample.csv'), 1 << 16)], store);
    expect(trained.origin).toBe('trained');
    expect((await store.getModel(trained.id))?.detector).toBe('iforest');
  }, 60_000);
});
