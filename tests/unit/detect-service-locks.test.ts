import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ensureBackend } from '../../src/core/detectors';
import { DetectService, SourceService } from '../../src/core/lab';
import { linkedPorts } from '../../src/core/replay';
import { IndexedDbStore, type RunRecord } from '../../src/core/store';

const MODELS = fileURLToPath(new URL('../../public/models/', import.meta.url));

describe('run locks of the detect service', () => {
  it('a run started while the previous one winds down keeps its lock; the previous one lets its own go', async () => {
    const store = await IndexedDbStore.open('detect-locks', new IDBFactory());
    // the first run's final save waits until the test lets it through
    let letThrough = () => {};
    const gate = new Promise<void>((resolve) => (letThrough = resolve));
    const putRun = store.putRun.bind(store);
    let first = '';
    store.putRun = async (run: RunRecord) => {
      if (run.id === first && run.summary?.state === 'ended') await gate;
      return putRun(run);
    };
    const held = new Set<string>();
    const detect = new DetectService({
      openStore: async () => store,
      backend: async () => ({ ...(await ensureBackend('wasm')), crossOriginIsolated: false }),
      fetchModelFile: async (path) => (existsSync(MODELS + path) ? new Uint8Array(readFileSync(MODELS + path)) : null),
      runLocks: {
        hold: async (id) => (held.add(id), () => void held.delete(id)),
        live: async () => new Set(held),
      },
    });
    const start = async () => {
      const source = new SourceService();
      const [sp, dp] = linkedPorts();
      const spec = { kind: 'simulation' as const, scenario: 'mixed-day', seed: 3 };
      const opened = await source.open(spec, sp);
      return { source, run: await detect.prepare({ port: dp, meta: opened.meta, source: spec }, () => {}) };
    };
    const a = await start();
    first = a.run.id;
    expect([...held]).toEqual([first]);
    await a.source.stop();
    const stopping = detect.stop();
    const b = await start();
    letThrough();
    await stopping;
    expect([...held]).toEqual([b.run.id]);
    await b.source.stop();
    await detect.stop();
    expect([...held]).toEqual([]);

    // a run that cannot start (a learning period too short to learn from) does not keep its lock
    const source = new SourceService();
    const [sp, dp] = linkedPorts();
    const spec = { kind: 'simulation' as const, scenario: 'mixed-day', seed: 3 };
    const opened = await source.open(spec, sp);
    await expect(detect.prepare({ port: dp, meta: opened.meta, source: spec, learning: { flows: 3 } }, () => {})).rejects.toThrow(/at least 50 flows/);
    await source.stop();
    expect([...held]).toEqual([]);
  }, 120_000);
});
