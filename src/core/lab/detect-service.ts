import { isSupervised } from '../detectors';
import type { SourceFile } from '../ingest';
import { incompatibility, type Schema } from '../schema';
import type { FittedPipeline } from '../pipeline';
import {
  DetectSession,
  type ScoringModel,
  closeInterruptedRuns,
  chooseModels,
  defaultModelId,
  ensureDefaultModels,
  pipelineOf,
  trainOnTheSpot,
  type FetchBytes,
  wallClock,
  type ReplayClock,
  simulatedTrainingFile,
} from '../replay';
import {
  type LiveSummary,
  EXPORT_FORMATS,
  exportRun,
  type ExportFormat,
  type AlertGroup,
  type LabStore,
  type ModelRecord,
  type RunRecord,
  RunOutputs,
} from '../store';
import { blobFile, messageOf } from '../util';
import type { BackendInfo, DetectWorkerApi, PrepareRequest, StorageInfo } from './detect-api';

/** What a host gives the detect service: its store, its scoring backend, and where the default models are. */
export interface DetectHost {
  /** opened once, on first use (the service closes runs a closed tab left playing) */
  openStore(): Promise<LabStore>;
  backend(): Promise<BackendInfo>;
  /** a file of the default models' folder (`index.json`, …); without it there are no defaults */
  fetchModelFile?: FetchBytes;
  clock?: ReplayClock;
  /** how often a playing run's summary goes out (when it changed) */
  summaryMs?: number;
  /** where a failure that loses nothing is told (default: console.warn) */
  warn?: (text: string) => void;
  /**
   * which runs some page is playing now, across tabs (the browser's Web Locks): with it a
   * run whose page closed is marked interrupted at once; without it, once its last save is
   * a few persist periods old
   */
  runLocks?: RunLocks;
}

export interface RunLocks {
  /** takes the lock of a run; resolves, once held, to the function that lets it go */
  hold(runId: string): Promise<() => void>;
  /** ids of the runs whose lock is held; null when unknown */
  live(): Promise<ReadonlySet<string> | null>;
}

/** rows of the warm-up batch: enough loop turns for the JIT's optimising tiers */
const WARM_UP_ROWS = 4096;

/** summaries about four times a second: live enough for the charts, few enough to draw */
export const SUMMARY_MS = 250;

/**
 * The detect side of the lab, DOM-free: chooses and loads the models for a run (stored,
 * default, or an isolation forest trained on the spot), creates the run record, feeds the
 * run's port into a `DetectSession`, sends its summary when it changes, and answers for
 * the stored runs. The detect worker hosts it over IndexedDB; a Node monitor hosts it
 * over fake-indexeddb with `linkedPorts()` between it and a `SourceService` or a loop.
 */
export class DetectService implements DetectWorkerApi {
  private storePromise: Promise<LabStore> | null = null;
  private defaultsPromise: Promise<unknown> | null = null;
  private session: DetectSession | null = null;
  private sessionPort: PrepareRequest['port'] | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  /** lets go of the playing run's lock */
  private releaseRunLock: (() => void) | null = null;
  private readonly pipelines = new Map<string, Promise<FittedPipeline>>();
  private readonly clock: ReplayClock;
  private readonly warn: (text: string) => void;

  constructor(private readonly host: DetectHost) {
    this.clock = host.clock ?? wallClock;
    this.warn = host.warn ?? ((text) => console.warn(text));
  }

  async init(): Promise<void> {
    await Promise.all([this.host.backend(), this.store().then(() => this.defaults())]);
    await this.warmUp();
  }

  backend(): Promise<BackendInfo> {
    return this.host.backend();
  }

  /** the current run's summary now, or null between runs */
  summary(): LiveSummary | null {
    return this.session?.summary() ?? null;
  }

  async prepare(request: PrepareRequest, onSummary: (s: LiveSummary) => void): Promise<RunRecord> {
    await this.stop();
    await Promise.all([this.host.backend(), this.defaults()]);
    const db = await this.store();
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
    const verdict = await this.scoring(choice.verdict);
    const alongside = await Promise.all(choice.alongside.map((m) => this.scoring(m)));
    const namer = request.namerId ? await this.scoring(await namerOf(db, request.namerId, request.meta.schema)) : undefined;
    const run = newRun(request, choice.verdict, verdict.pipeline.threshold.value, this.clock.now());
    const port = request.port;
    // checked and connected before the run exists: a wrong address or a refusal is one sentence and leaves nothing behind
    const outputs = request.outputs
      ? await RunOutputs.open(request.outputs, { feedTopic: request.source.kind === 'mqtt' ? request.source.topic : undefined, onProblem: this.warn })
      : undefined;
    let current: DetectSession;
    try {
      // made first: options it refuses (a learning period too short) leave no lock and no record behind
      current = new DetectSession({
        store: db,
        run,
        meta: request.meta,
        verdict,
        alongside,
        namer,
        clock: this.clock,
        grant: (batches) => port.postMessage({ type: 'credit', batches }),
        adaptive: request.adaptive,
        learning: request.learning,
        outputs,
      });
      // held before the run is stored, so no other page ever sees it unheld while it plays
      this.releaseRunLock = (await this.host.runLocks?.hold(run.id)) ?? null;
      await db.putRun(run).catch((e: unknown) => {
        this.letRunGo();
        throw e;
      });
    } catch (e) {
      await outputs?.close(0);
      throw e;
    }
    if (note) current.aggregator.setCaptions([note]);
    this.session = current;
    this.sessionPort = port;
    port.onmessage = (e) => {
      const m = e.data;
      // the simulator's captions come after the on-the-spot note
      if (m.type === 'captions' && note) current.handle({ type: 'captions', captions: [note, ...m.captions] });
      else current.handle(m);
    };
    const send = summarySender(current, onSummary);
    this.ticker = setInterval(() => {
      send();
      void current.persist();
    }, this.host.summaryMs ?? SUMMARY_MS);
    void current.ended.then(send);
    current.open();
    send();
    return { ...run };
  }

  setThreshold(value: number): void {
    this.session?.setThreshold(value);
  }

  setPaused(paused: boolean): void {
    this.session?.setPaused(paused);
  }

  async stop(): Promise<LiveSummary | null> {
    const current = this.session;
    if (!current) return null;
    // forget this run at once: a `prepare` for the next one may come while it winds down
    this.session = null;
    this.sessionPort?.close();
    this.sessionPort = null;
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
    // this run's lock, taken now: by the time it has wound down the next run may hold its own
    const release = this.releaseRunLock;
    this.releaseRunLock = null;
    await current.stop();
    release?.();
    return current.summary();
  }

  async listNamers(): Promise<{ id: string; name: string; detector: string; dataset: string }[]> {
    const models = await (await this.store()).listModels();
    return models
      .filter((m) => isSupervised(m.detector))
      .sort((a, b) => b.createdAt - a.createdAt)
      .map(({ id, name, detector, dataset }) => ({ id, name, detector, dataset }));
  }

  private letRunGo(): void {
    this.releaseRunLock?.();
    this.releaseRunLock = null;
  }

  async listRuns(): Promise<RunRecord[]> {
    return (await this.store()).listRuns();
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    return (await this.store()).getRun(id);
  }

  async deleteRun(id: string): Promise<void> {
    return (await this.store()).deleteRun(id);
  }

  async exportRun(id: string, format: ExportFormat): Promise<Blob> {
    const blob = await new Response(exportRun(await this.store(), id, format)).blob();
    return blob.slice(0, blob.size, EXPORT_FORMATS[format].mimeType);
  }

  async listAlertGroups(runId: string): Promise<AlertGroup[]> {
    return (await this.store()).listAlertGroups(runId);
  }

  async setAlertStatus(runId: string, key: string, status: AlertGroup['status']): Promise<void> {
    const session = this.session;
    if (session && session.alerts.runId === runId) session.setAlertStatus(key, status);
    return (await this.store()).setAlertStatus(runId, key, status);
  }

  async storage(): Promise<StorageInfo> {
    const db = await this.store();
    return { ...(await db.estimate()), retentionRows: db.retentionRows };
  }

  async setRetention(rows: number): Promise<void> {
    return (await this.store()).setRetentionRows(rows);
  }

  async countRows(runId: string): Promise<number> {
    return (await this.store()).countRows(runId);
  }

  private store(): Promise<LabStore> {
    return (this.storePromise ??= this.host.openStore().then(async (s) => {
      const liveRuns = (await this.host.runLocks?.live().catch(() => null)) ?? null;
      await closeInterruptedRuns(s, { liveRuns }).catch((e: unknown) => this.warn(`interrupted runs could not be closed: ${messageOf(e)}`));
      return s;
    }));
  }

  /** the default models, fetched once and kept in the store; a failure is told and tried again next time */
  private defaults(): Promise<unknown> {
    const fetchModelFile = this.host.fetchModelFile;
    if (!fetchModelFile) return Promise.resolve();
    return (this.defaultsPromise ??= this.store().then((s) =>
      ensureDefaultModels(s, fetchModelFile).catch((e: unknown) => {
        this.defaultsPromise = null;
        this.warn(`default models could not be loaded: ${messageOf(e)}`);
      }),
    ));
  }

  /**
   * Loads the models a run on the default models' kind of flows would choose and scores one
   * batch of zeros with each, before any run: the first run's first batch then meets code the
   * JIT has compiled and a TensorFlow.js backend that has run its kernels (in Node, the first
   * batch of the autoencoder took ~10 × a later one). A failure here is left to `prepare` to
   * meet and report.
   */
  private async warmUp(): Promise<void> {
    try {
      const db = await this.store();
      const model = await db.getModel(defaultModelId('ae'));
      if (!model) return;
      const schema = model.pipeline.schema;
      const choice = await chooseModels(db, schema, {});
      if (!choice) return;
      const rows = WARM_UP_ROWS;
      const zeros = { n: rows, d: schema.columns.length, data: new Float32Array(rows * schema.columns.length) };
      for (const m of [choice.verdict, ...choice.alongside]) await (await this.pipeline(m)).score(zeros, schema);
    } catch {
      // nothing is lost: a run that needs these models loads them itself and says what failed
    }
  }

  /** a model's pipeline, loaded once per service */
  private pipeline(model: ModelRecord): Promise<FittedPipeline> {
    let p = this.pipelines.get(model.id);
    if (!p) {
      p = pipelineOf(model);
      this.pipelines.set(model.id, p);
      p.catch(() => this.pipelines.delete(model.id));
    }
    return p;
  }

  private async scoring(model: ModelRecord): Promise<ScoringModel> {
    return { id: model.id, kind: model.detector, pipeline: await this.pipeline(model) };
  }
}

function newRun(request: PrepareRequest, verdict: ModelRecord, threshold: number, now: number): RunRecord {
  return {
    id: `run-${Math.round(now).toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`,
    name: `${request.meta.label} — ${new Date(now).toLocaleString()}`,
    createdAt: now,
    updatedAt: now,
    source: request.source,
    modelId: verdict.id,
    detector: verdict.detector,
    threshold,
    columns: request.meta.schema.columns.map((c) => c.name),
    classes: request.meta.classes.map((c) => c.name),
    devices: request.meta.devices,
    summary: null,
    droppedRows: 0,
  };
}

/** sends the session's summary when it changed, one at a time (a slow listener is not queued up) */
function summarySender(session: DetectSession, onSummary: (s: LiveSummary) => void): () => void {
  let lastVersion = -1;
  let sending = false;
  return () => {
    if (sending || session.changes === lastVersion) return;
    lastVersion = session.changes;
    sending = true;
    Promise.resolve(onSummary(session.summary())).finally(() => (sending = false));
  };
}

/** the stored model that names a run's alerts: it must know attack classes and fit the flows */
async function namerOf(db: LabStore, id: string, schema: Schema): Promise<ModelRecord> {
  const m = await db.getModel(id);
  if (!m) throw new Error(`there is no stored model "${id}" to name the alerts`);
  if (!isSupervised(m.detector)) throw new Error(`The model "${m.name}" is a ${m.detector} detector: only a classifier or a hybrid can name alerts.`);
  const why = incompatibility(m.pipeline.schema, schema);
  if (why) throw new Error(`The model "${m.name}" cannot name these flows' alerts: ${why}.`);
  return m;
}
