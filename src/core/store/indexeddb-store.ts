import { unwrap, wrap, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { PipelineJSON } from '../pipeline';
import { ChunkLedger } from './chunk-ledger';
import type { AlertGroup, FlowChunk, LabStore, ModelRecord, RunRecord, StorageEstimate } from './records';
import { isQuotaError, StorageFullError } from './storage-full';

export const DEFAULT_DB_NAME = 'iomt-anomaly-lab';
/** the most flow rows kept per run unless changed (about 2 × 10⁶ rows × 45 features ≈ 0.4 GB) */
export const DEFAULT_RETENTION_ROWS = 2_000_000;
// 2: the write-only 'datasets' store is gone
const DB_VERSION = 2;

type ModelMeta = Omit<ModelRecord, 'files' | 'pipeline'>;

/** The weights and pipeline of a model, apart from its metadata so listing models reads no weights. */
interface ModelData {
  id: string;
  pipeline: PipelineJSON;
  files: Record<string, Uint8Array>;
}

/**
 * A flow chunk as IndexedDB holds it: the features (about 80 % of a chunk's bytes) as a Blob
 * of their float32 bytes where the platform has Blobs. Blink serialises a Blob as a reference
 * whose bytes go to the browser once, where a 1.6 MB typed array is serialised, compressed
 * and then wrapped in a Blob of its own anyway (about 3.5 ms of Chromium's CPU a chunk
 * less, measured). Smaller features stay a Float32Array: Blink stores those inline, and a Blob
 * there only adds a trip through the browser's blob registry to every write (a live feed's
 * 10-flow chunks took twice as long to commit). Chunks stored before hold a Float32Array; all
 * read back the same.
 */
type StoredChunk = Omit<FlowChunk, 'features'> & { features: Float32Array | Blob };

/** features of this many bytes or more are stored as a Blob: Blink wraps a larger value in one of its own anyway */
const BLOB_FROM_BYTES = 64 * 1024;

/** One per stored chunk: its row count, so retention and counts never read chunk data. */
interface ChunkSize {
  runId: string;
  seq: number;
  n: number;
  /** flagged flows in the chunk (absent in stores written before it was kept) */
  flagged?: number;
}

interface Setting {
  key: string;
  value: unknown;
}

interface LabSchema extends DBSchema {
  runs: { key: string; value: RunRecord };
  /** key [runId, seq]: ordered by run, then seq, so a key range is the by-run index */
  chunks: { key: [string, number]; value: StoredChunk };
  chunkSizes: { key: [string, number]; value: ChunkSize };
  /** key [runId, key] */
  alertGroups: { key: [string, string]; value: AlertGroup };
  models: { key: string; value: ModelMeta };
  modelData: { key: string; value: ModelData };
  settings: { key: string; value: Setting };
}

type Names = StoreNames<LabSchema>;
type WriteTx = IDBPTransaction<LabSchema, Names[], 'readwrite'>;

const noop = () => {};
/** a request whose outcome the transaction's own completion reports */
const fire = (p: Promise<unknown>) => void p.catch(noop);

/** every key of a run in a store keyed [runId, …]: arrays sort after numbers and strings */
function runRange(runId: string): IDBKeyRange {
  return IDBKeyRange.bound([runId], [runId, []]);
}

/**
 * The lab's store on IndexedDB (via `idb`). Scored flows are kept as columnar chunks
 * (typed arrays inside one object per batch), many chunks written in one transaction.
 *
 * In Node, `import 'fake-indexeddb/auto'` first (idb looks up the IDB classes as
 * globals) and pass a fresh `new IDBFactory()` for an isolated database.
 *
 * Writes are applied one after another (a chunk write never races the retention
 * bookkeeping of another); reads run at once.
 */
export class IndexedDbStore implements LabStore {
  private retention: number;
  private readonly ledgers = new Map<string, Promise<ChunkLedger>>();
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: IDBPDatabase<LabSchema>,
    retentionRows: number,
  ) {
    this.retention = retentionRows;
  }

  /** Opens (creating or upgrading) the database. `factory` defaults to the global `indexedDB`. */
  static async open(name = DEFAULT_DB_NAME, factory?: IDBFactory): Promise<IndexedDbStore> {
    const f = factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    if (!f) throw new Error('Browser storage is not available here: this browser or context has no IndexedDB.');
    let db: IDBPDatabase<LabSchema>;
    try {
      const request = f.open(name, DB_VERSION);
      request.addEventListener('upgradeneeded', (event) => {
        upgrade(wrap(request.result) as unknown as IDBPDatabase<LabSchema>, event.oldVersion);
      });
      db = (await wrap(request)) as unknown as IDBPDatabase<LabSchema>;
    } catch (e) {
      if (isQuotaError(e)) throw new StorageFullError('the lab database', { cause: e });
      throw new Error(`Browser storage could not be opened: ${(e as Error)?.message ?? e}.`, { cause: e });
    }
    // another tab opening a newer version of the database: let it
    db.addEventListener('versionchange', () => db.close());
    const saved = await db.get('settings', 'retentionRows');
    const rows = typeof saved?.value === 'number' && validRetention(saved.value) ? saved.value : DEFAULT_RETENTION_ROWS;
    return new IndexedDbStore(db, rows);
  }

  // ---- settings ------------------------------------------------------------------

  /** the most flow rows kept per run (`setRetentionRows` changes it) */
  get retentionRows(): number {
    return this.retention;
  }

  /**
   * Sets and persists the retention limit (a positive whole number, or Infinity for no
   * limit). It applies to each run at its next write; stored chunks are not pruned now.
   */
  setRetentionRows(rows: number): Promise<void> {
    if (!validRetention(rows)) return Promise.reject(retentionError(rows));
    this.retention = rows;
    return this.serial(() =>
      this.write(['settings'], 'the retention setting', (tx) => {
        fire(tx.objectStore('settings').put({ key: 'retentionRows', value: rows }));
      }),
    );
  }

  // ---- runs ----------------------------------------------------------------------

  /**
   * Saves a run. `droppedRows` is kept by the store (putChunks adds to it), so a put
   * never lowers it: a caller holding an older copy of the run cannot undo the count.
   */
  putRun(run: RunRecord): Promise<void> {
    return this.serial(async () => {
      const ledger = this.ledgers.get(run.id);
      const known = ledger ? await ledger : null;
      await this.write(['runs'], `run "${run.name}"`, async (tx) => {
        const runs = tx.objectStore('runs');
        const stored = await runs.get(run.id);
        const droppedRows = Math.max(run.droppedRows || 0, stored?.droppedRows || 0, known?.dropped ?? 0);
        const droppedAlerts = Math.max(run.droppedAlerts || 0, stored?.droppedAlerts || 0, known?.droppedFlagged ?? 0);
        fire(runs.put({ ...run, droppedRows, ...(droppedAlerts > 0 && { droppedAlerts }) }));
      });
    });
  }

  getRun(id: string): Promise<RunRecord | undefined> {
    return this.db.get('runs', id);
  }

  /** every run, newest first */
  async listRuns(): Promise<RunRecord[]> {
    const runs = await this.db.getAll('runs');
    return runs.sort((a, b) => b.createdAt - a.createdAt);
  }

  /** deletes the run with its chunks and alert groups */
  deleteRun(id: string): Promise<void> {
    return this.serial(async () => {
      await this.write(['runs', 'chunks', 'chunkSizes', 'alertGroups'], 'the deletion', (tx) => {
        fire(tx.objectStore('runs').delete(id));
        fire(tx.objectStore('chunks').delete(runRange(id)));
        fire(tx.objectStore('chunkSizes').delete(runRange(id)));
        fire(tx.objectStore('alertGroups').delete(runRange(id)));
      });
      this.ledgers.set(id, Promise.resolve(new ChunkLedger()));
    });
  }

  // ---- scored flows ----------------------------------------------------------------

  /**
   * Appends chunks (of one run or several) in one transaction. When a run then holds
   * more than `retentionRows` rows, its oldest chunks are deleted in the same
   * transaction, their rows added to the run's `droppedRows` and returned. Chunks that
   * retention would drop at once are not written at all (and count as dropped).
   * Rejects with StorageFullError when the quota is exhausted; nothing is written then.
   */
  putChunks(chunks: FlowChunk[]): Promise<{ dropped: number }> {
    if (chunks.length === 0) return Promise.resolve({ dropped: 0 });
    return this.serial(async () => {
      const byRun = new Map<string, Map<number, StoredChunk>>();
      for (const c of chunks) {
        const s = storable(c);
        let m = byRun.get(s.runId);
        if (!m) byRun.set(s.runId, (m = new Map()));
        m.set(s.seq, s); // the same seq twice in one call: the last wins, as a put would
      }
      const plans: { runId: string; write: StoredChunk[]; dropped: number; throughSeq: number | null; ledger: ChunkLedger }[] = [];
      for (const [runId, bySeq] of byRun) {
        const ledger = await this.ledger(runId);
        plans.push({ runId, write: [...bySeq.values()], dropped: 0, throughSeq: null, ledger });
      }
      // The ledgers are updated now; if the transaction fails they are reloaded from the database.
      for (const p of plans) {
        for (const c of p.write) p.ledger.add(c.seq, c.n, flaggedIn(c));
        const d = p.ledger.dropOldest(this.retention);
        p.dropped = d.rows;
        p.throughSeq = d.throughSeq;
        if (d.throughSeq !== null) p.write = p.write.filter((c) => c.seq > d.throughSeq!);
      }
      const rows = chunks.reduce((s, c) => s + c.n, 0);
      try {
        await this.write(['chunks', 'chunkSizes', 'runs'], `${rows.toLocaleString('en')} scored flows`, async (tx) => {
          // the plain stores: a request per chunk whose outcome only the transaction reports needs no promise
          const chunkStore = unwrap(tx.objectStore('chunks'));
          const sizes = unwrap(tx.objectStore('chunkSizes'));
          for (const p of plans) {
            if (p.throughSeq !== null) {
              const old = IDBKeyRange.bound([p.runId, -Infinity], [p.runId, p.throughSeq]);
              chunkStore.delete(old);
              sizes.delete(old);
            }
            for (const c of p.write) {
              chunkStore.put(c);
              sizes.put({ runId: c.runId, seq: c.seq, n: c.n, flagged: flaggedIn(c) });
            }
          }
          const runs = tx.objectStore('runs');
          for (const p of plans) {
            if (p.dropped === 0) continue;
            const run = await runs.get(p.runId);
            if (run)
              fire(
                runs.put({
                  ...run,
                  droppedRows: Math.max(run.droppedRows || 0, p.ledger.dropped),
                  droppedAlerts: Math.max(run.droppedAlerts || 0, p.ledger.droppedFlagged),
                }),
              );
          }
        });
      } catch (e) {
        for (const p of plans) this.ledgers.delete(p.runId);
        throw e;
      }
      return { dropped: plans.reduce((s, p) => s + p.dropped, 0) };
    });
  }

  /** up to `limit` chunks of a run with seq ≥ `fromSeq`, in seq order */
  async readChunks(runId: string, fromSeq: number, limit: number): Promise<FlowChunk[]> {
    if (!(limit >= 1)) return [];
    const range = IDBKeyRange.bound([runId, fromSeq], [runId, Infinity]);
    const stored = await this.db.getAll('chunks', range, Number.isFinite(limit) ? Math.floor(limit) : undefined);
    return Promise.all(stored.map(readable));
  }

  /** rows of the run now stored (after retention) */
  countRows(runId: string): Promise<number> {
    return this.serial(async () => (await this.ledger(runId)).rows);
  }

  // ---- alerts ------------------------------------------------------------------------

  /**
   * Saves alert groups. A group arriving with status 'new' keeps the status stored for
   * it, so the detect worker's updates never undo an acknowledgement or escalation.
   */
  putAlertGroups(groups: AlertGroup[]): Promise<void> {
    if (groups.length === 0) return Promise.resolve();
    return this.serial(() =>
      this.write(['alertGroups'], 'the alert inbox', async (tx) => {
        const store = tx.objectStore('alertGroups');
        const stored = await Promise.all(groups.map((g) => store.get([g.runId, g.key])));
        groups.forEach((g, i) => {
          const s = stored[i];
          fire(store.put(s && g.status === 'new' && s.status !== 'new' ? { ...g, status: s.status } : g));
        });
      }),
    );
  }

  listAlertGroups(runId: string): Promise<AlertGroup[]> {
    return this.db.getAll('alertGroups', runRange(runId));
  }

  setAlertStatus(runId: string, key: string, status: AlertGroup['status']): Promise<void> {
    return this.serial(() =>
      this.write(['alertGroups'], 'the alert status', async (tx) => {
        const store = tx.objectStore('alertGroups');
        const g = await store.get([runId, key]);
        if (!g) throw new Error(`There is no alert group "${key}" in run ${runId}.`);
        fire(store.put({ ...g, status }));
      }),
    );
  }

  // ---- models -------------------------------------------------------------

  putModel(model: ModelRecord): Promise<void> {
    const { files, pipeline, ...meta } = model;
    return this.serial(() =>
      this.write(['models', 'modelData'], `model "${model.name}"`, (tx) => {
        fire(tx.objectStore('models').put(meta));
        fire(tx.objectStore('modelData').put({ id: model.id, pipeline, files }));
      }),
    );
  }

  async getModel(id: string): Promise<ModelRecord | undefined> {
    const tx = this.db.transaction(['models', 'modelData'], 'readonly');
    const [meta, data] = await Promise.all([tx.objectStore('models').get(id), tx.objectStore('modelData').get(id)]);
    if (!meta || !data) return undefined;
    return { ...meta, pipeline: data.pipeline, files: data.files };
  }

  /** models without their pipelines and weights, newest first */
  async listModels(): Promise<ModelMeta[]> {
    const models = await this.db.getAll('models');
    return models.sort((a, b) => b.createdAt - a.createdAt);
  }

  deleteModel(id: string): Promise<void> {
    return this.serial(() =>
      this.write(['models', 'modelData'], 'the deletion', (tx) => {
        fire(tx.objectStore('models').delete(id));
        fire(tx.objectStore('modelData').delete(id));
      }),
    );
  }

  // ---- storage -------------------------------------------------------------------------

  /** the origin's usage and quota from `navigator.storage.estimate()` (windows and workers), else nulls */
  async estimate(): Promise<StorageEstimate> {
    const storage = (globalThis as { navigator?: { storage?: { estimate?: () => Promise<{ usage?: number; quota?: number }> } } }).navigator?.storage;
    if (typeof storage?.estimate !== 'function') return { usedBytes: null, quotaBytes: null };
    try {
      const e = await storage.estimate();
      return { usedBytes: e.usage ?? null, quotaBytes: e.quota ?? null };
    } catch {
      return { usedBytes: null, quotaBytes: null };
    }
  }

  /** waits for pending writes, then closes the database */
  async close(): Promise<void> {
    await this.tail;
    this.db.close();
  }

  // ---- internals -------------------------------------------------------------------------

  /** runs writes one after another, in call order */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(noop);
    return result;
  }

  /**
   * One readwrite transaction: `body` issues requests (awaiting the reads it needs);
   * completion is the transaction's. Any failure aborts it, so nothing is half written;
   * a quota failure becomes a StorageFullError naming `what`.
   */
  private async write(names: Names[], what: string, body: (tx: WriteTx) => unknown): Promise<void> {
    let tx: WriteTx;
    try {
      tx = this.db.transaction(names, 'readwrite');
    } catch (e) {
      throw storageError(e, null, what);
    }
    const done = tx.done;
    done.catch(noop);
    try {
      await body(tx);
      await done;
    } catch (e) {
      try {
        tx.abort();
      } catch {
        // already finished or aborted
      }
      throw storageError(e, tx, what);
    }
  }

  private ledger(runId: string): Promise<ChunkLedger> {
    let p = this.ledgers.get(runId);
    if (!p) {
      p = this.loadLedger(runId);
      this.ledgers.set(runId, p);
      const mine = p;
      p.catch(() => {
        if (this.ledgers.get(runId) === mine) this.ledgers.delete(runId);
      });
    }
    return p;
  }

  private async loadLedger(runId: string): Promise<ChunkLedger> {
    const tx = this.db.transaction(['chunkSizes', 'runs'], 'readonly');
    const [sizes, run] = await Promise.all([tx.objectStore('chunkSizes').getAll(runRange(runId)), tx.objectStore('runs').get(runId)]);
    const ledger = new ChunkLedger();
    for (const s of sizes) ledger.add(s.seq, s.n, s.flagged ?? 0);
    ledger.dropped = run?.droppedRows || 0;
    ledger.droppedFlagged = run?.droppedAlerts || 0;
    return ledger;
  }
}

function upgrade(db: IDBPDatabase<LabSchema>, oldVersion: number): void {
  if (oldVersion < 1) {
    db.createObjectStore('runs', { keyPath: 'id' });
    db.createObjectStore('chunks', { keyPath: ['runId', 'seq'] });
    db.createObjectStore('chunkSizes', { keyPath: ['runId', 'seq'] });
    db.createObjectStore('alertGroups', { keyPath: ['runId', 'key'] });
    db.createObjectStore('models', { keyPath: 'id' });
    db.createObjectStore('modelData', { keyPath: 'id' });
    db.createObjectStore('settings', { keyPath: 'key' });
  }
  // version 1 kept dataset descriptions nothing read
  if (oldVersion === 1) (db as unknown as IDBPDatabase).deleteObjectStore('datasets');
}

function validRetention(rows: number): boolean {
  return rows === Infinity || (Number.isInteger(rows) && rows >= 1);
}

function retentionError(rows: number): RangeError {
  return new RangeError(`The retention limit must be a positive whole number of rows (or Infinity), not ${rows}.`);
}

function storageError(e: unknown, tx: WriteTx | null, what: string): unknown {
  if (isQuotaError(e)) return new StorageFullError(what, { cause: e });
  const reason = tx && safeTxError(tx);
  if (isQuotaError(reason)) return new StorageFullError(what, { cause: reason });
  return e;
}

function safeTxError(tx: WriteTx): DOMException | null {
  try {
    return tx.error;
  } catch {
    return null;
  }
}

type Column = Float64Array | Float32Array | Int32Array | Uint16Array | Uint8Array;

/** A typed array that owns its whole buffer: structured clone copies the buffer, not the view. */
function tight<T extends Column>(a: T): T {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : (a.slice() as T);
}

/** The chunk as stored: lengths checked, views over larger buffers copied tight, large features in a Blob (see `StoredChunk`). */
function storable(c: FlowChunk): StoredChunk {
  const { n } = c;
  if (typeof c.runId !== 'string' || !c.runId) throw new TypeError('A flow chunk needs a runId.');
  if (!Number.isInteger(c.seq) || c.seq < 0) throw new RangeError(`A flow chunk's seq must be a whole number ≥ 0, not ${c.seq}.`);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`A flow chunk's n must be a whole number ≥ 0, not ${n}.`);
  const columns: [string, Column][] = [
    ['time', c.time],
    ['rowNumber', c.rowNumber],
    ['classIndex', c.classIndex],
    ['device', c.device],
    ['score', c.score],
    ['verdict', c.verdict],
  ];
  if (c.scores) for (const [k, v] of Object.entries(c.scores)) columns.push([`scores.${k}`, v]);
  for (const [name, a] of columns) {
    if (a?.length !== n) throw new RangeError(`Flow chunk ${c.runId}#${c.seq}: ${name} has ${a?.length} values for ${n} rows.`);
  }
  if (n === 0 ? c.features.length !== 0 : c.features.length % n !== 0) {
    throw new RangeError(`Flow chunk ${c.runId}#${c.seq}: ${c.features.length} feature values do not split into ${n} rows.`);
  }
  const out: StoredChunk = {
    runId: c.runId,
    seq: c.seq,
    n,
    time: tight(c.time),
    rowNumber: tight(c.rowNumber),
    classIndex: tight(c.classIndex),
    device: tight(c.device),
    features: typeof Blob === 'function' && c.features.byteLength >= BLOB_FROM_BYTES ? blobOf(c.features) : tight(c.features),
    score: tight(c.score),
    verdict: tight(c.verdict),
  };
  if (c.scores) out.scores = Object.fromEntries(Object.entries(c.scores).map(([k, v]) => [k, tight(v)]));
  return out;
}

/** a copy of the view's bytes (only those) in a Blob; a view over shared memory is copied out first */
function blobOf(a: Float32Array): Blob {
  return new Blob([a.buffer instanceof ArrayBuffer ? (a as Float32Array<ArrayBuffer>) : a.slice()]);
}

/** a stored chunk as the lab reads it: the features as a Float32Array again */
async function readable(c: StoredChunk): Promise<FlowChunk> {
  const { features } = c;
  return features instanceof Float32Array ? { ...c, features } : { ...c, features: new Float32Array(await features.arrayBuffer()) };
}

/** flagged flows in a chunk */
function flaggedIn(c: Pick<FlowChunk, 'n' | 'verdict'>): number {
  let f = 0;
  for (let i = 0; i < c.n; i++) f += c.verdict[i];
  return f;
}
