import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { DetectService } from '../../src/core/lab';
import { IndexedDbStore, type RunRecord } from '../../src/core/store';
import { backend, openRun, readModelFile } from './node-lab';

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
      backend,
      fetchModelFile: readModelFile,
      runLocks: {
        hold: async (id) => (held.add(id), () => void held.delete(id)),
        live: async () => new Set(held),
      },
    });
    const spec = { kind: 'simulation' as const, scenario: 'mixed-day', seed: 3 };
    const start = () => openRun(detect, spec);
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
    await expect(openRun(detect, spec, { learning: { flows: 3 } })).rejects.toThrow(/at least 50 flows/);
    expect([...held]).toEqual([]);
  }, 120_000);
});
