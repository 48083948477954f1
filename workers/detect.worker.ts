/**
 * The detect worker: a thin shell around the core's detect session. It opens the
 * IndexedDB store, loads the models (the defaults from `public/models/` on this site's
 * own origin, kept in the store after the first visit; or stored ones; or, when none fits
 * the data, an isolation forest trained here on the spot), takes batches from the source
 * worker's port, scores and stores them, grants credits, and sends the page a summary
 * about four times a second.
 */
import * as Comlink from 'comlink';
import { WASM_PATHS } from './wasm-paths';
import { ensureBackend } from '../src/core/detectors/tf-backend';
import type { FittedPipeline } from '../src/core/pipeline/fitted-pipeline';
import { DetectSession, type ScoringModel } from '../src/core/replay/detect-session';
import { blobFile } from '../src/core/replay/file-source';
import type { SinkMessage, SourceMessage, SourceMeta } from '../src/core/replay/flow-batch';
import type { LiveSummary } from '../src/core/replay/live-summary';
import { chooseModels, ensureDefaultModels, pipelineOf, trainOnTheSpot } from '../src/core/replay/model-catalog';
import { closeInterruptedRuns } from '../src/core/replay/interrupted-runs';
import { holdRunLock, liveRunIds } from './run-locks';
import { wallClock } from '../src/core/replay/replay-loop';
import { simulatedTrainingFile } from '../src/core/replay/sim-training';
import type { SourceFile } from '../src/core/ingest/dataset-reader';
import { EXPORT_FORMATS, exportRun, type ExportFormat } from '../src/core/store/export-run';
import { IndexedDbStore } from '../src/core/store/indexeddb-store';
import type { AlertGroup, ModelRecord, RunRecord } from '../src/core/store/records';

export interface PrepareRequest {
  port: MessagePort;
  meta: SourceMeta;
  source: RunRecord['source'];
  /** the dropped files, for training on the spot when no stored model fits */
  files?: File[];
  modelId?: string;
  detector?: string;
  alongside?: string[];
}

const SUMMARY_MS = 250;

let storePromise: Promise<IndexedDbStore> | null = null;
let defaultsPromise: Promise<unknown> | null = null;
let session: DetectSession | null = null;
let sessionPort: MessagePort | null = null;
/** lets go of the playing run's lock (see run-locks.ts) */
let releaseRunLock: (() => void) | null = null;
let ticker: ReturnType<typeof setInterval> | null = null;
const pipelines = new Map<string, Promise<FittedPipeline>>();

function store(): Promise<IndexedDbStore> {
  return (storePromise ??= IndexedDbStore.open().then(async (s) => {
    await closeInterruptedRuns(s, { liveRuns: await liveRunIds() }).catch((e: unknown) => console.warn(`interrupted runs could not be closed: ${(e as Error).message}`));
    return s;
  }));
}

function backend() {
  return ensureBackend('wasm', WASM_PATHS);
}

/** the default models, fetched from this site once and kept in the store */
function defaults(): Promise<unknown> {
  return (defaultsPromise ??= store().then((s) =>
    ensureDefaultModels(s, fetchModelFile).catch((e: unknown) => {
      defaultsPromise = null;
      console.warn(`default models could not be loaded: ${(e as Error).message}`);
    }),
  ));
}

async function fetchModelFile(path: string): Promise<Uint8Array | null> {
  const base = import.meta.env.BASE_URL;
  const root = new URL(base.startsWith('/') || /^https?:/.test(base) ? base : `/${base.replace(/^\.\//, '')}`, self.location.origin);
  const response = await fetch(new URL(`models/${path}`, root));
  // a dev server answers a missing file with its page
  if (!response.ok || (response.headers.get('content-type') ?? '').includes('text/html')) return null;
  return new Uint8Array(await response.arrayBuffer());
}

function pipeline(model: ModelRecord): Promise<FittedPipeline> {
  let p = pipelines.get(model.id);
  if (!p) {
    p = pipelineOf(model);
    pipelines.set(model.id, p);
    p.catch(() => pipelines.delete(model.id));
  }
  return p;
}

async function scoring(model: ModelRecord): Promise<ScoringModel> {
  return { id: model.id, kind: model.detector, pipeline: await pipeline(model) };
}

const api = {
  /** starts the backend, the store and the default models; cheap to call again */
  async init(): Promise<void> {
    await Promise.all([backend(), store().then(() => defaults())]);
  },

  async backend() {
    const info = await backend();
    return { backend: info.backend, simd: info.simd, threads: info.threads, crossOriginIsolated: self.crossOriginIsolated === true, note: info.note };
  },

  /**
   * A new run: chooses and loads the models, creates the run record, and starts taking
   * batches from `port`. Summaries go to `onSummary` until the next run.
   */
  async prepare(request: PrepareRequest, onSummary: (s: LiveSummary) => void): Promise<RunRecord> {
    await api.stop();
    await Promise.all([backend(), defaults()]);
    const db = await store();
    let choice = await chooseModels(db, request.meta.schema, request);
    let note: string | null = null;
    if (!choice) {
      const files: SourceFile[] | null = request.files?.length
        ? request.files.map(blobFile)
        : request.source.kind === 'simulation'
          ? [simulatedTrainingFile(request.source.scenario, request.source.seed)]
          : null;
      if (!files) throw new Error(`No stored model can score ${request.meta.dataset} flows; train one first.`);
      const trained = await trainOnTheSpot(files, db);
      note = `No stored model fits ${request.meta.dataset} flows: an isolation forest was trained just now on the benign rows of ${trained.pipeline.training.files.join(', ')} and saved as "${trained.name}".`;
      choice = { verdict: trained, alongside: [] };
    }
    const verdict = await scoring(choice.verdict);
    const alongside = await Promise.all(choice.alongside.map(scoring));
    const now = wallClock.now();
    const run: RunRecord = {
      id: `run-${Math.round(now).toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`,
      name: `${request.meta.label} — ${new Date(now).toLocaleString()}`,
      createdAt: now,
      updatedAt: now,
      source: request.source,
      modelId: choice.verdict.id,
      detector: choice.verdict.detector,
      threshold: verdict.pipeline.threshold.value,
      columns: request.meta.schema.columns.map((c) => c.name),
      classes: request.meta.classes.map((c) => c.name),
      devices: request.meta.devices,
      summary: null,
      droppedRows: 0,
    };
    // held before the run is stored, so no other page ever sees it unheld while it plays
    releaseRunLock = await holdRunLock(run.id);
    await db.putRun(run).catch((e: unknown) => {
      releaseRunLock?.();
      releaseRunLock = null;
      throw e;
    });
    const port = request.port;
    const current = new DetectSession({
      store: db,
      run,
      meta: request.meta,
      verdict,
      alongside,
      clock: wallClock,
      grant: (batches) => port.postMessage({ type: 'credit', batches } satisfies SinkMessage),
    });
    if (note) current.aggregator.setCaptions([note]);
    session = current;
    sessionPort = port;
    port.onmessage = (e: MessageEvent<SourceMessage>) => {
      const m = e.data;
      // the simulator's captions come after the on-the-spot note
      if (m.type === 'captions' && note) current.handle({ type: 'captions', captions: [note, ...m.captions] });
      else current.handle(m);
    };
    let lastVersion = -1;
    let sending = false;
    const send = () => {
      if (sending || current.changes === lastVersion) return;
      lastVersion = current.changes;
      sending = true;
      Promise.resolve(onSummary(current.summary())).finally(() => (sending = false));
    };
    ticker = setInterval(() => {
      send();
      void current.persist();
    }, SUMMARY_MS);
    void current.ended.then(() => send());
    current.open();
    send();
    return { ...run };
  },

  setThreshold(value: number) {
    session?.setThreshold(value);
  },

  setPaused(paused: boolean) {
    session?.setPaused(paused);
  },

  /** ends the current run: what was scored is stored, the run record saved */
  async stop(): Promise<LiveSummary | null> {
    const current = session;
    if (!current) return null;
    // forget this run at once: a `prepare` for the next one may come while it winds down
    session = null;
    sessionPort?.close();
    sessionPort = null;
    if (ticker !== null) clearInterval(ticker);
    ticker = null;
    await current.stop();
    releaseRunLock?.();
    releaseRunLock = null;
    return current.summary();
  },

  /** the current run's summary now (tests and benchmarks) */
  summary(): LiveSummary | null {
    return session?.summary() ?? null;
  },

  async listRuns() {
    return (await store()).listRuns();
  },
  async getRun(id: string) {
    return (await store()).getRun(id);
  },
  async deleteRun(id: string) {
    return (await store()).deleteRun(id);
  },
  async exportRun(id: string, format: ExportFormat): Promise<Blob> {
    const blob = await new Response(exportRun(await store(), id, format)).blob();
    return blob.slice(0, blob.size, EXPORT_FORMATS[format].mimeType);
  },
  async listAlertGroups(runId: string) {
    return (await store()).listAlertGroups(runId);
  },
  async setAlertStatus(runId: string, key: string, status: AlertGroup['status']) {
    if (session && session.alerts.runId === runId) session.setAlertStatus(key, status);
    return (await store()).setAlertStatus(runId, key, status);
  },
  async storage() {
    const db = await store();
    return { ...(await db.estimate()), retentionRows: db.retentionRows };
  },
  async setRetention(rows: number) {
    return (await store()).setRetentionRows(rows);
  },
  async countRows(runId: string) {
    return (await store()).countRows(runId);
  },
};

export type DetectWorker = typeof api;

/** for benchmarks and debugging (CDP Runtime.evaluate in this worker): the live summary now */
(self as unknown as { labSummary: () => LiveSummary | null }).labSummary = () => session?.summary() ?? null;

Comlink.expose(api);
