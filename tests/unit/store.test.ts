import 'fake-indexeddb/auto';
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_RETENTION_ROWS,
  IndexedDbStore,
  StorageFullError,
  isStorageFullError,
  type AlertGroup,
  type FlowChunk,
  type ModelRecord,
  type RunRecord,
} from '../../src/core/store';
import { NO_DEVICE } from '../../src/core/replay';
import type { PipelineJSON } from '../../src/core/pipeline';
import { blankChunk } from '../support/flow-chunks';

const D = 3;

function run(id: string, over: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    name: `run ${id}`,
    createdAt: 1000,
    updatedAt: 1000,
    source: { kind: 'simulation', scenario: 'mixed-day', seed: 1 },
    modelId: 'm1',
    detector: 'ae',
    threshold: 0.5,
    columns: ['Header_Length', 'Rate', 'Tot size'],
    classes: ['Benign', 'ARP_Spoofing'],
    devices: ['pump-3', 'monitor-1'],
    summary: null,
    droppedRows: 0,
    ...over,
  };
}

/** a chunk whose row r (global: seq * 1000 + r) carries recognisable values */
function chunk(runId: string, seq: number, n: number, withScores = false): FlowChunk {
  const c = blankChunk(runId, seq, n, D);
  for (let i = 0; i < n; i++) {
    const g = seq * 1000 + i;
    c.time[i] = 1_700_000_000 + g / 10;
    c.rowNumber[i] = g + 1;
    c.classIndex[i] = i % 3 === 0 ? -1 : i % 2;
    c.device[i] = i % 5 === 0 ? NO_DEVICE : i % 2;
    for (let j = 0; j < D; j++) c.features[i * D + j] = g + j / 4;
    c.score[i] = (g % 100) / 100;
    c.verdict[i] = c.score[i] > 0.5 ? 1 : 0;
  }
  if (withScores) c.scores = { ae: c.score.slice(), iforest: c.score.map((s) => 1 - s) };
  return c;
}

const pipeline = { kind: 'test-pipeline', threshold: 0.5 } as unknown as PipelineJSON;

describe('IndexedDbStore', () => {
  let store: IndexedDbStore;
  let factory: IDBFactory;

  beforeEach(async () => {
    factory = new IDBFactory();
    store = await IndexedDbStore.open('lab-test', factory);
  });
  afterEach(async () => {
    await store.close();
    vi.unstubAllGlobals();
  });

  it('keeps runs, newest first, across a reopen', async () => {
    await store.putRun(run('a', { createdAt: 1 }));
    await store.putRun(run('b', { createdAt: 2, source: { kind: 'files', files: ['x.csv'], dataset: 'ciciomt2024-v2' } }));
    expect((await store.listRuns()).map((r) => r.id)).toEqual(['b', 'a']);
    await store.close();
    store = await IndexedDbStore.open('lab-test', factory);
    expect(await store.getRun('b')).toEqual(run('b', { createdAt: 2, source: { kind: 'files', files: ['x.csv'], dataset: 'ciciomt2024-v2' } }));
    expect(await store.getRun('nope')).toBeUndefined();
  });

  it('keeps models (weights apart from the list) and datasets', async () => {
    const model: ModelRecord = {
      id: 'm1',
      name: 'AE v2',
      createdAt: 5,
      detector: 'ae',
      dataset: 'ciciomt2024-v2',
      origin: 'trained',
      pipeline,
      files: { 'model.json': new TextEncoder().encode('{"a":1}'), 'weights.bin': new Uint8Array([1, 2, 3, 250]) },
    };
    await store.putModel(model);
    await store.putModel({ ...model, id: 'm0', createdAt: 1, files: {} });
    const back = await store.getModel('m1');
    expect(back).toEqual(model);
    expect(back!.files['weights.bin']).toBeInstanceOf(Uint8Array);
    const list = await store.listModels();
    expect(list.map((m) => m.id)).toEqual(['m1', 'm0']);
    expect(list[0]).not.toHaveProperty('files');
    expect(list[0]).not.toHaveProperty('pipeline');
    await store.deleteModel('m1');
    expect(await store.getModel('m1')).toBeUndefined();
    expect((await store.listModels()).map((m) => m.id)).toEqual(['m0']);
  });

  it('opens a version-1 database (with the dataset store it no longer keeps) and keeps its runs', async () => {
    const factory = new IDBFactory();
    await new Promise<void>((resolve, reject) => {
      const request = factory.open('lab-v1', 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        for (const name of ['runs', 'models', 'modelData', 'datasets']) db.createObjectStore(name, { keyPath: 'id' });
        for (const name of ['chunks', 'chunkSizes']) db.createObjectStore(name, { keyPath: ['runId', 'seq'] });
        db.createObjectStore('alertGroups', { keyPath: ['runId', 'key'] });
        db.createObjectStore('settings', { keyPath: 'key' });
        request.transaction!.objectStore('runs').put(run('old'));
      };
      request.onsuccess = () => (request.result.close(), resolve());
      request.onerror = () => reject(request.error);
    });
    const upgraded = await IndexedDbStore.open('lab-v1', factory);
    expect((await upgraded.getRun('old'))?.name).toBe('run old');
    await upgraded.close();
    const names = await new Promise<string[]>((resolve) => {
      const request = factory.open('lab-v1');
      request.onsuccess = () => (resolve([...request.result.objectStoreNames]), request.result.close());
    });
    expect(names).not.toContain('datasets');
    expect(names).toContain('runs');
  });

  it('round-trips chunks with their typed arrays, in seq order, a page at a time', async () => {
    await store.putRun(run('r'));
    const chunks = [chunk('r', 2, 7, true), chunk('r', 0, 5, true), chunk('r', 1, 6, true), chunk('r', 3, 1, true)];
    expect(await store.putChunks(chunks)).toEqual({ dropped: 0 });
    const all = await store.readChunks('r', 0, 100);
    expect(all.map((c) => c.seq)).toEqual([0, 1, 2, 3]);
    const original = new Map(chunks.map((c) => [c.seq, c]));
    for (const c of all) {
      const o = original.get(c.seq)!;
      expect(c.time).toBeInstanceOf(Float64Array);
      expect(c.rowNumber).toBeInstanceOf(Float64Array);
      expect(c.classIndex).toBeInstanceOf(Int32Array);
      expect(c.device).toBeInstanceOf(Uint16Array);
      expect(c.features).toBeInstanceOf(Float32Array);
      expect(c.score).toBeInstanceOf(Float32Array);
      expect(c.verdict).toBeInstanceOf(Uint8Array);
      expect(c.scores!.iforest).toBeInstanceOf(Float32Array);
      expect(c).toEqual(o);
    }
    expect((await store.readChunks('r', 1, 2)).map((c) => c.seq)).toEqual([1, 2]);
    expect((await store.readChunks('r', 3, 2)).map((c) => c.seq)).toEqual([3]);
    expect(await store.readChunks('r', 4, 2)).toEqual([]);
    expect(await store.readChunks('other', 0, 10)).toEqual([]);
    expect(await store.countRows('r')).toBe(19);
  });

  it('stores a view over a larger buffer as just its rows', async () => {
    const big = chunk('r', 0, 10);
    const view: FlowChunk = {
      ...big,
      n: 4,
      time: big.time.subarray(2, 6),
      rowNumber: big.rowNumber.subarray(2, 6),
      classIndex: big.classIndex.subarray(2, 6),
      device: big.device.subarray(2, 6),
      features: big.features.subarray(2 * D, 6 * D),
      score: big.score.subarray(2, 6),
      verdict: big.verdict.subarray(2, 6),
    };
    await store.putChunks([view]);
    const [back] = await store.readChunks('r', 0, 1);
    expect(back.features.buffer.byteLength).toBe(4 * D * 4);
    expect(Array.from(back.rowNumber)).toEqual([3, 4, 5, 6]);
    expect(Array.from(back.features.slice(0, D))).toEqual([2, 2.25, 2.5]);
  });

  it('holds a large chunk’s features as a Blob of their bytes, a small one’s as they are, and reads chunks stored before (a Float32Array) the same', async () => {
    await store.putRun(run('r'));
    // 64 KiB of features and more go into a Blob; a live feed's few flows stay inline
    await store.putChunks([chunk('r', 0, 6000), chunk('r', 2, 5)]);
    const raw = (storeName: string, op: (s: globalThis.IDBObjectStore) => IDBRequest, mode: IDBTransactionMode = 'readonly') =>
      new Promise<unknown>((resolve, reject) => {
        const open = factory.open('lab-test');
        open.onsuccess = () => {
          const r = op(open.result.transaction(storeName, mode).objectStore(storeName));
          r.onsuccess = () => {
            open.result.close();
            resolve(r.result);
          };
          r.onerror = () => reject(r.error);
        };
      });
    const held = (await raw('chunks', (s) => s.get(['r', 0]))) as { features: unknown };
    expect(held.features).toBeInstanceOf(Blob);
    expect((held.features as Blob).size).toBe(6000 * D * 4);
    expect(((await raw('chunks', (s) => s.get(['r', 2]))) as { features: unknown }).features).toBeInstanceOf(Float32Array);
    // an older chunk, written with its features as a typed array
    await raw('chunks', (s) => s.put(chunk('r', 1, 4)), 'readwrite');
    const [first, older, small] = await store.readChunks('r', 0, 10);
    expect(first).toEqual(chunk('r', 0, 6000));
    expect(older).toEqual(chunk('r', 1, 4));
    expect(small).toEqual(chunk('r', 2, 5));
    expect(older.features).toBeInstanceOf(Float32Array);
  });

  it('rejects a chunk whose arrays do not match its row count, writing nothing', async () => {
    const bad = { ...chunk('r', 1, 4), score: new Float32Array(3) };
    await expect(store.putChunks([chunk('r', 0, 4), bad])).rejects.toThrow(/score has 3 values for 4 rows/);
    await expect(store.putChunks([{ ...chunk('r', 0, 4), features: new Float32Array(5) }])).rejects.toThrow(/feature values/);
    expect(await store.countRows('r')).toBe(0);
    expect(await store.readChunks('r', 0, 10)).toEqual([]);
  });

  it('counts rows per run, also after a reopen and when a seq is written again', async () => {
    await store.putChunks([chunk('a', 0, 10), chunk('b', 0, 3), chunk('a', 1, 20)]);
    await store.putChunks([chunk('a', 2, 5)]);
    expect(await store.countRows('a')).toBe(35);
    expect(await store.countRows('b')).toBe(3);
    await store.putChunks([chunk('a', 1, 8)]); // replaces seq 1
    expect(await store.countRows('a')).toBe(23);
    await store.close();
    store = await IndexedDbStore.open('lab-test', factory);
    expect(await store.countRows('a')).toBe(23);
    expect(await store.countRows('b')).toBe(3);
    expect(await store.countRows('none')).toBe(0);
  });

  it('drops the oldest chunks past the retention limit, counting exactly the rows dropped', async () => {
    expect(store.retentionRows).toBe(DEFAULT_RETENTION_ROWS);
    await store.setRetentionRows(250);
    await store.putRun(run('r'));
    // 5 × 100 rows at once: 300 oldest rows go, the newest 200 stay
    expect(await store.putChunks([0, 1, 2, 3, 4].map((s) => chunk('r', s, 100)))).toEqual({ dropped: 300 });
    expect((await store.readChunks('r', 0, 10)).map((c) => c.seq)).toEqual([3, 4]);
    expect(await store.countRows('r')).toBe(200);
    expect((await store.getRun('r'))!.droppedRows).toBe(300);

    // uneven chunks: 200 + 30 + 40 = 270 > 250 → seq 3 (100) goes, 170 stay
    expect(await store.putChunks([chunk('r', 5, 30), chunk('r', 6, 40)])).toEqual({ dropped: 100 });
    expect((await store.readChunks('r', 0, 10)).map((c) => c.seq)).toEqual([4, 5, 6]);
    expect(await store.countRows('r')).toBe(170);
    expect((await store.getRun('r'))!.droppedRows).toBe(400);

    // exactly at the limit: nothing dropped
    expect(await store.putChunks([chunk('r', 7, 80)])).toEqual({ dropped: 0 });
    expect(await store.countRows('r')).toBe(250);

    // every row put is stored or dropped
    const put = 500 + 70 + 80;
    expect((await store.countRows('r')) + (await store.getRun('r'))!.droppedRows).toBe(put);

    // a caller's stale copy of the run does not reset the count
    await store.putRun(run('r', { droppedRows: 0, name: 'renamed' }));
    expect(await store.getRun('r')).toMatchObject({ name: 'renamed', droppedRows: 400 });

    // the limit and the count survive a reopen; retention goes on from the stored ledger
    await store.close();
    store = await IndexedDbStore.open('lab-test', factory);
    expect(store.retentionRows).toBe(250);
    expect(await store.putChunks([chunk('r', 8, 100)])).toEqual({ dropped: 100 });
    expect((await store.readChunks('r', 0, 10)).map((c) => c.seq)).toEqual([5, 6, 7, 8]);
    expect((await store.getRun('r'))!.droppedRows).toBe(500);
  });

  it('applies retention per run and does not write chunks it would drop at once', async () => {
    await store.setRetentionRows(100);
    await store.putRun(run('a'));
    const result = await store.putChunks([chunk('a', 0, 60), chunk('b', 0, 50), chunk('a', 1, 60), chunk('a', 2, 30)]);
    expect(result).toEqual({ dropped: 60 }); // a: 150 → seq 0 goes; b: 50 kept
    expect((await store.readChunks('a', 0, 10)).map((c) => c.seq)).toEqual([1, 2]);
    expect(await store.countRows('b')).toBe(50);
    // one chunk larger than the limit is dropped whole, and said so
    expect(await store.putChunks([chunk('b', 1, 150)])).toEqual({ dropped: 200 });
    expect(await store.countRows('b')).toBe(0);
    expect(await store.readChunks('b', 0, 10)).toEqual([]);
    // the run record was written after the drop: putRun keeps the store's count
    await store.putRun(run('b'));
    expect((await store.getRun('b'))!.droppedRows).toBe(200);
  });

  it('refuses a retention limit that is not a positive whole number', async () => {
    await expect(store.setRetentionRows(0)).rejects.toThrow(RangeError);
    await expect(store.setRetentionRows(1.5)).rejects.toThrow(/positive whole number/);
    await store.setRetentionRows(Infinity);
    expect(store.retentionRows).toBe(Infinity);
  });

  it('keeps alert groups per run and their status', async () => {
    const g = (runId: string, key: string, count: number, status: AlertGroup['status'] = 'new'): AlertGroup => ({
      runId,
      key,
      device: key.split('|')[0],
      className: key.split('|')[1],
      count,
      firstSeen: 1,
      lastSeen: 2,
      maxScore: 3,
      status,
      samples: [],
    });
    await store.putAlertGroups([g('r', 'pump-3|ARP_Spoofing', 4), g('r', 'monitor-1|Benign', 1), g('s', 'pump-3|ARP_Spoofing', 9)]);
    expect((await store.listAlertGroups('r')).map((x) => x.key).sort()).toEqual(['monitor-1|Benign', 'pump-3|ARP_Spoofing']);
    await store.setAlertStatus('r', 'pump-3|ARP_Spoofing', 'acknowledged');
    // the detect worker's next update (status 'new') keeps the acknowledgement, takes the count
    await store.putAlertGroups([g('r', 'pump-3|ARP_Spoofing', 7)]);
    const [grp] = (await store.listAlertGroups('r')).filter((x) => x.key === 'pump-3|ARP_Spoofing');
    expect(grp).toMatchObject({ count: 7, status: 'acknowledged' });
    await store.setAlertStatus('r', 'pump-3|ARP_Spoofing', 'escalated');
    expect((await store.listAlertGroups('r')).find((x) => x.key === 'pump-3|ARP_Spoofing')!.status).toBe('escalated');
    expect((await store.listAlertGroups('s'))[0].status).toBe('new');
    await expect(store.setAlertStatus('r', 'nobody|nothing', 'acknowledged')).rejects.toThrow(/no alert group/);
  });

  it('deletes a run with its chunks and alert groups, leaving other runs alone', async () => {
    await store.putRun(run('a'));
    await store.putRun(run('b'));
    await store.putChunks([chunk('a', 0, 5), chunk('a', 1, 5), chunk('b', 0, 7)]);
    const group: AlertGroup = {
      runId: 'a',
      key: 'x|y',
      device: 'x',
      className: 'y',
      count: 1,
      firstSeen: 0,
      lastSeen: 0,
      maxScore: 1,
      status: 'new',
      samples: [],
    };
    await store.putAlertGroups([group, { ...group, runId: 'b' }]);
    await store.deleteRun('a');
    expect(await store.getRun('a')).toBeUndefined();
    expect(await store.readChunks('a', 0, 10)).toEqual([]);
    expect(await store.listAlertGroups('a')).toEqual([]);
    expect(await store.countRows('a')).toBe(0);
    expect(await store.getRun('b')).toBeDefined();
    expect(await store.countRows('b')).toBe(7);
    expect(await store.listAlertGroups('b')).toHaveLength(1);
    // and after a reopen, nothing of it comes back
    await store.close();
    store = await IndexedDbStore.open('lab-test', factory);
    expect(await store.countRows('a')).toBe(0);
    expect(await store.readChunks('a', 0, 10)).toEqual([]);
  });

  describe('a full quota', () => {
    const realPut = IDBObjectStore.prototype.put;
    afterEach(() => {
      IDBObjectStore.prototype.put = realPut;
    });

    const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

    async function expectFull(p: Promise<unknown>) {
      const e = await p.then(
        () => null,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(StorageFullError);
      expect(isStorageFullError(e)).toBe(true);
      expect((e as Error).message).toMatch(/^Browser storage is full: .+\.$/);
      expect((e as Error).message.split('. ').length).toBe(1); // one sentence
      expect(((e as Error).cause as DOMException).name).toBe('QuotaExceededError');
    }

    it('turns a put that throws QuotaExceededError into StorageFullError, writing nothing', async () => {
      await store.putRun(run('r'));
      await store.putChunks([chunk('r', 0, 10)]);
      IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
        if (this.name === 'chunks' && (args[0] as FlowChunk).seq === 2) throw quota();
        return realPut.apply(this, args);
      } as IDBObjectStore['put'];
      await expectFull(store.putChunks([chunk('r', 1, 10), chunk('r', 2, 10)]));
      // the transaction was aborted: seq 1 is not there either, and the counts did not move
      expect((await store.readChunks('r', 0, 10)).map((c) => c.seq)).toEqual([0]);
      expect(await store.countRows('r')).toBe(10);
      // the store goes on working once there is room
      IDBObjectStore.prototype.put = realPut;
      await store.putChunks([chunk('r', 1, 10)]);
      expect(await store.countRows('r')).toBe(20);
    });

    it('turns a transaction aborted by QuotaExceededError into StorageFullError', async () => {
      await store.putRun(run('r'));
      IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
        if (this.name !== 'chunks') return realPut.apply(this, args);
        // as a browser does: the request fails asynchronously, then the transaction aborts with its error
        const tx = this.transaction as unknown as { _execRequestAsync(o: { operation: () => unknown; source: unknown }): IDBRequest };
        return tx._execRequestAsync({
          operation: () => {
            throw quota();
          },
          source: this,
        });
      } as IDBObjectStore['put'];
      await expectFull(store.putChunks([chunk('r', 0, 10), chunk('r', 1, 10)]));
      expect(await store.readChunks('r', 0, 10)).toEqual([]);
      expect(await store.countRows('r')).toBe(0);
      await expectFull(store.putRun(run('r2')).then(() => store.putChunks([chunk('r2', 0, 1)])));
      IDBObjectStore.prototype.put = realPut;
      expect(await store.putChunks([chunk('r', 0, 10)])).toEqual({ dropped: 0 });
      expect(await store.countRows('r')).toBe(10);
    });

    it('reports other writes that hit the quota the same way', async () => {
      IDBObjectStore.prototype.put = function () {
        throw quota();
      } as IDBObjectStore['put'];
      await expectFull(store.putRun(run('r')));
      await expectFull(store.putModel({ id: 'm', name: 'm', createdAt: 0, detector: 'ae', dataset: 'x', origin: 'trained', pipeline, files: {} }));
      await expectFull(store.setRetentionRows(10));
    });
  });

  it('estimates storage from navigator.storage where there is one, else nulls', async () => {
    vi.stubGlobal('navigator', undefined);
    expect(await store.estimate()).toEqual({ usedBytes: null, quotaBytes: null });
    vi.stubGlobal('navigator', { storage: { estimate: async () => ({ usage: 1234, quota: 99999 }) } });
    expect(await store.estimate()).toEqual({ usedBytes: 1234, quotaBytes: 99999 });
    vi.stubGlobal('navigator', { storage: { estimate: async () => Promise.reject(new Error('no')) } });
    expect(await store.estimate()).toEqual({ usedBytes: null, quotaBytes: null });
  });
});
