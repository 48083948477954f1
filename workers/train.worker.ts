/**
 * The train worker: a thin shell around the core's `evaluate` (detectors), `compareModels`
 * (the supervised study) and the Data and Train views' `explore` module (inspect, feature
 * histograms, training with held-out score distributions), plus the stored models. The
 * page never touches a row: files are read as streams here and only aggregates go back.
 * `cancel` stops every running job.
 */
import * as Comlink from 'comlink';
import { WASM_PATHS } from './wasm-paths';
import { ensureBackend } from '../src/core/detectors/tf-backend';
import type { DetectorKind } from '../src/core/detectors/registry';
import type { SourceFile } from '../src/core/ingest';
import { evaluate, type PipelineProgress, type SplitKind } from '../src/core/pipeline';
import { parseThreshold } from '../src/core/threshold';
import { compareModels, studyReportHtml, type BalanceMethod, type CompareProgress, type Task } from '../src/core/study';
import {
  detectorSettings, featureHistograms, inspectDataset, scatterPoints, trainRun, type DatasetProfile, type HistogramScan,
} from '../src/core/explore';
import { FittedPipeline, type PipelineJSON } from '../src/core/pipeline';
import { modelFileSet, readModelFileSet } from '../src/core/pipeline/model-files';
import { simulationSource } from '../src/core/sim';
import { describeThreshold } from '../src/core/threshold';
import { DatasetReader } from '../src/core/ingest';
import { incompatibility, type Schema } from '../src/core/schema/schema';
import { dialectById } from '../src/core/schema/detect';
import { IndexedDbStore } from '../src/core/store/indexeddb-store';
import type { LabStore, ModelRecord } from '../src/core/store/records';
import type {
  DatasetInfo, ExploreOptions, FeatureExploration, InspectProgress, ModelSummary, TrainProgress, TrainRequest, TrainResult,
} from '../src/ui/lab/lab-api';

export interface CompareRequest {
  train: File[];
  test: File[];
  task: Task;
  balance: BalanceMethod;
  seed: number;
}

export interface EvaluateRequest {
  train: File[];
  test: File[];
  detector: DetectorKind;
  threshold: string;
  seed: number;
  /** without test files: the later rows of each file (time, the default) or a random share */
  split?: SplitKind;
}

const running = new Set<AbortController>();

const api = {
  async backend() {
    return ensureBackend('wasm', WASM_PATHS);
  },

  async evaluate(request: EvaluateRequest, onProgress: (p: PipelineProgress) => void) {
    return job(async (signal) => {
      const result = await evaluate({
        ...sources(request),
        detector: request.detector,
        threshold: parseThreshold(request.threshold),
        seed: request.seed,
        split: request.split,
        signal,
        onProgress: throttle(onProgress, 150, (p) => p.phase),
      });
      const { report, rows, dataset, warnings, trainRows, split } = result;
      const { training, threshold, preprocessor, detector } = result.pipeline;
      result.pipeline.dispose();
      return { report, rows, dataset, warnings, trainRows, split, training, threshold, excluded: preprocessor.excluded, detector: detector.kind };
    }, true);
  },

  async compare(request: CompareRequest, onProgress: (p: CompareProgress) => void) {
    return job(async (signal) => {
      const result = await compareModels({
        ...sources(request),
        task: request.task,
        balance: request.balance,
        seed: request.seed,
        signal,
        onProgress: throttle(onProgress, 150, (p) => `${p.stage}${p.model}`),
      });
      return { result, reportHtml: studyReportHtml(result) };
    }, true);
  },

  cancel() {
    for (const c of running) c.abort();
  },

  /** one reading of the files: dataset, rows, classes, skipped rows, cells; the description goes to the store */
  async inspect(files: File[], onProgress: (p: InspectProgress) => void): Promise<DatasetInfo> {
    return job(async (signal) => {
      const key = filesKey(files);
      const report = throttle((p: InspectProgress) => onProgress(p), 100, () => '');
      const profile = await inspectDataset(files.map(browserFile), { signal, onProgress: (p) => report({ phase: 'inspect', bytesRead: p.bytesRead, bytesTotal: p.bytesTotal, rows: p.rows }) });
      const bytes = files.reduce((a, f) => a + f.size, 0);
      onProgress({ phase: 'inspect', bytesRead: bytes, bytesTotal: bytes, rows: profile.read });
      explored = { key, profile, histograms: null };
      const info = datasetInfo(key, files, profile);
      try {
        const store = await openStore();
        await store.putDataset({
          id: info.id, name: info.name, files: info.files, dataset: info.dataset, confidence: info.confidence,
          rows: info.rows, classes: info.classes.map(({ name, rows }) => ({ name, rows })), skipped: info.skipped, createdAt: Date.now(),
        });
      } catch (e) {
        console.warn('the dataset description was not stored:', e);
      }
      return info;
    });
  },

  /** benign against attack for one feature (and a scatter of two); the first call for a set of files reads them again */
  async explore(files: File[], feature: string, scatter?: { x: string; y: string }, options: ExploreOptions = {}, onProgress?: (p: InspectProgress) => void): Promise<FeatureExploration> {
    return job(async (signal) => {
      const key = filesKey(files);
      if (explored?.key !== key) explored = { key, profile: await inspectDataset(files.map(browserFile), { signal }), histograms: null };
      const state = explored;
      const { profile } = state;
      const names = profile.schema.columns.map((c) => c.name);
      const j = names.indexOf(feature);
      if (j < 0) throw new Error(`"${feature}" is not a feature column of these files`);
      if (!state.histograms) {
        const report = onProgress && throttle((p: InspectProgress) => onProgress(p), 100, () => '');
        state.histograms = await featureHistograms(files.map(browserFile), profile, {
          signal,
          onProgress: report && ((p) => report({ phase: 'explore', bytesRead: p.bytesRead, bytesTotal: p.bytesTotal, rows: p.rows })),
        });
      }
      const h = (options.log ? state.histograms.log : state.histograms.linear)[j];
      const side = (benign: boolean) => profile.classes.filter((c) => c.benign === benign).reduce((a, c) => a + c.rows, 0);
      const result: FeatureExploration = {
        feature, edges: h.edges, benign: h.benign, attack: h.attack, log: !!options.log,
        nonFinite: { benign: { ...h.nonFinite.benign }, attack: { ...h.nonFinite.attack } },
        rows: { benign: side(true), attack: side(false) },
      };
      if (scatter) {
        const x = names.indexOf(scatter.x);
        const y = names.indexOf(scatter.y);
        if (x < 0 || y < 0) throw new Error(`"${x < 0 ? scatter.x : scatter.y}" is not a feature column of these files`);
        result.scatter = {
          x: scatter.x, y: scatter.y, points: scatterPoints(profile.scan, x, y, 4000),
          classes: profile.classes.map((c) => c.name), benign: profile.classes.map((c) => c.benign), families: profile.classes.map((c) => c.family),
          sampledFrom: profile.accepted,
        };
      }
      return result;
    });
  },

  /** fits a pipeline on the source's training split and scores its held-out split; the model waits for Save */
  async train(request: TrainRequest, onProgress: (p: TrainProgress) => void): Promise<TrainResult> {
    return job(async (signal) => {
      const source = request.source;
      if (source.kind === 'files' && source.files.length === 0) throw new Error('no files to train on: drop CSV files in the Data view first');
      const files = source.kind === 'files' ? source.files.map(browserFile) : [simulationSource(source.scenario, source.seed, request.rows)];
      const settings = detectorSettings(request.detector, request.settings);
      // every epoch passes, so the loss curve gets all its points
      const report = throttle(onProgress, 150, (p) => `${p.phase}|${p.stage ?? ''}|${p.epoch ?? ''}`);
      const run = await trainRun(files, {
        detector: request.detector, settings, threshold: parseThreshold(request.threshold), seed: request.seed, signal, onProgress: report,
      });
      const { pipeline } = run;
      const t = pipeline.training;
      const names = source.kind === 'simulation' ? `simulated ${source.scenario}` : t.files.length === 1 ? t.files[0] : `${t.files.length} files`;
      const summary: ModelSummary = {
        id: crypto.randomUUID(),
        name: request.name?.trim() || `${request.detector} · ${names}`,
        createdAt: Date.now(),
        detector: pipeline.detector.kind,
        dataset: t.dataset,
        origin: 'trained',
      };
      keepPending(summary, pipeline);
      const r = run.report;
      return {
        model: summary,
        scores: run.distributions,
        saved: false,
        threshold: thresholdOf(pipeline),
        report: { roc_auc: r.roc_auc, pr_auc: r.pr_auc, tpr: r.tpr, fpr: r.fpr, precision: r.precision, f1: r.f1, per_class: r.per_class },
        heldOut: run.heldOut,
        training: { rowsRead: t.rowsRead, benignRows: t.benignRows, trainRows: t.trainRows, holdoutRows: t.holdoutRows, fitMs: t.fitMs, skipped: run.read.skipped },
        history: run.history && { loss: [...run.history.loss], valLoss: [...run.history.valLoss], bestEpoch: run.history.bestEpoch },
        excluded: { ...pipeline.preprocessor.excluded },
      };
    }, true);
  },

  async saveModel(id: string, name?: string): Promise<ModelSummary> {
    const store = await openStore();
    const held = pending.get(id);
    if (!held) {
      const stored = await store.getModel(id);
      if (!stored) throw new Error('this model is no longer in the worker or the store: train it again');
      if (name?.trim()) await store.putModel({ ...stored, name: name.trim() });
      return { ...meta(stored), name: name?.trim() || stored.name };
    }
    if (name?.trim()) held.summary.name = name.trim();
    await store.putModel({ ...held.summary, pipeline: held.pipeline.toJSON(), files: await held.pipeline.artifacts() });
    held.saved = true;
    return { ...held.summary };
  },

  async setThreshold(id: string, value: number): Promise<{ value: number; spec: string }> {
    if (!Number.isFinite(value)) throw new Error(`the threshold must be a number, not ${value}`);
    const threshold = { spec: { kind: 'fixed' as const, value }, value, calibratedOn: 0 };
    const held = pending.get(id);
    if (held) held.pipeline.threshold = threshold;
    if (!held || held.saved) {
      const store = await openStore();
      const stored = await store.getModel(id);
      if (stored) await store.putModel({ ...stored, pipeline: { ...stored.pipeline, threshold } });
      else if (!held) throw new Error('this model is no longer in the worker or the store: train it again');
    }
    return { value, spec: describeThreshold(threshold.spec) };
  },

  async listModels(): Promise<ModelSummary[]> {
    return (await openStore()).listModels();
  },

  /** `paths`: each file's path below a dropped folder (a File loses it on the way here) */
  async loadModelFiles(files: File[], against?: File[], paths?: string[]): Promise<ModelSummary> {
    if (files.length === 0) throw new Error('no model files: drop pipeline.json (with model.json and weights.bin for an autoencoder)');
    const read = await Promise.all(files.map(async (f, i) => ({ path: paths?.[i] || filePath(f), data: new Uint8Array(await f.arrayBuffer()) })));
    const { json, artifacts } = readModelFileSet(read);
    let pipeline: FittedPipeline;
    try {
      await api.backend();
      pipeline = await FittedPipeline.fromJSON(json, artifacts);
    } catch (e) {
      throw new Error(`These files are not a model this lab can load: ${lowerFirst(messageOf(e))}`);
    }
    try {
      if (against?.length) {
        const schema = await schemaOf(against);
        const why = incompatibility(pipeline.schema, schema);
        if (why && pipeline.schema.dialect !== schema.dialect) {
          throw new Error(`This model was trained on ${pipeline.training.dataset} data and cannot score the loaded files, which are ${dialectById(schema.dialect)?.name ?? schema.dialect}.`);
        }
        if (why) throw new Error(`This model cannot score the loaded files: ${why}.`);
      }
      const record: ModelRecord = {
        id: crypto.randomUUID(),
        name: `${pipeline.detector.kind} · ${pipeline.training.files.length === 1 ? pipeline.training.files[0] : `${pipeline.training.files.length} files`} (loaded)`,
        createdAt: Date.now(),
        detector: pipeline.detector.kind,
        dataset: pipeline.training.dataset,
        origin: 'uploaded',
        pipeline: pipeline.toJSON(),
        files: await pipeline.artifacts(),
      };
      await (await openStore()).putModel(record);
      return meta(record);
    } finally {
      pipeline.dispose();
    }
  },

  async modelFiles(id: string): Promise<{ name: string; blob: Blob }[]> {
    const held = pending.get(id);
    let json: PipelineJSON;
    let artifacts: Record<string, Uint8Array>;
    if (held) {
      json = held.pipeline.toJSON();
      artifacts = await held.pipeline.artifacts();
    } else {
      const stored = await (await openStore()).getModel(id);
      if (!stored) throw new Error('this model is no longer in the store');
      json = stored.pipeline;
      artifacts = stored.files;
    }
    const set = modelFileSet(json, artifacts);
    return Object.entries(set).map(([name, data]) => ({
      name,
      blob: new Blob([typeof data === 'string' ? data : (data.slice() as Uint8Array<ArrayBuffer>)], { type: name.endsWith('.json') ? 'application/json' : 'application/octet-stream' }),
    }));
  },

  async deleteModel(id: string): Promise<void> {
    const held = pending.get(id);
    if (held) {
      held.pipeline.dispose();
      pending.delete(id);
    }
    await (await openStore()).deleteModel(id);
  },
};

export type TrainWorker = typeof api;

/**
 * A job with its own cancel signal (`cancel` aborts every running one); `backend`: TensorFlow.js
 * ready first. The job counts as running from the start, so a cancel while the backend loads stops it too.
 */
async function job<T>(work: (signal: AbortSignal) => Promise<T>, backend = false): Promise<T> {
  const controller = new AbortController();
  running.add(controller);
  try {
    if (backend) await api.backend();
    controller.signal.throwIfAborted();
    return await work(controller.signal);
  } finally {
    running.delete(controller);
  }
}

// ---- the Data view's reading, kept for the exploration ---------------------------------

/** the last inspected files: their profile and, once explored, every feature's histograms */
let explored: { key: string; profile: DatasetProfile; histograms: HistogramScan | null } | null = null;

function filesKey(files: File[]): string {
  return files.map((f) => `${filePath(f)}:${f.size}:${f.lastModified}`).join('|');
}

function datasetInfo(key: string, files: File[], p: DatasetProfile): DatasetInfo {
  return {
    id: `files:${hash(key)}`,
    name: files.length === 1 ? files[0].name : `${files.length} files (${files[0].name}, …)`,
    files: files.map((f) => ({ name: filePath(f), size: f.size })),
    dataset: p.dialect.name,
    dialect: p.dialect.id,
    confidence: p.confidence ?? 1,
    rows: p.read,
    accepted: p.accepted,
    classes: p.classes.map((c) => ({ ...c })),
    skipped: { ...p.skipped } as Record<string, number>,
    skippedExamples: p.skippedExamples,
    columns: p.schema.columns.map((c) => c.name),
    excluded: p.excluded,
    cells: p.cells,
    fileRows: p.files.map((f) => ({ name: f.name, rows: f.rows })),
  };
}

/** the schema of files, from their first batch (the profile's when they were inspected) */
async function schemaOf(files: File[]): Promise<Schema> {
  if (explored?.key === filesKey(files)) return explored.profile.schema;
  const reader = new DatasetReader(files.map(browserFile));
  for await (const _ of reader.batches()) break;
  return reader.schema!;
}

// ---- models -------------------------------------------------------------------------------

/** trained models not yet disposed: the newest few, saved or not (their threshold can still move) */
const pending = new Map<string, { summary: ModelSummary; pipeline: FittedPipeline; saved: boolean }>();
const PENDING_KEPT = 3;

function keepPending(summary: ModelSummary, pipeline: FittedPipeline) {
  pending.set(summary.id, { summary, pipeline, saved: false });
  while (pending.size > PENDING_KEPT) {
    const [oldest, held] = pending.entries().next().value!;
    held.pipeline.dispose();
    pending.delete(oldest);
  }
}

let store: Promise<LabStore> | null = null;
function openStore(): Promise<LabStore> {
  store ??= IndexedDbStore.open().catch((e) => {
    store = null;
    throw e;
  });
  return store;
}

function meta(record: ModelRecord): ModelSummary {
  const { files: _files, pipeline: _pipeline, ...rest } = record;
  return rest;
}

function thresholdOf(pipeline: FittedPipeline) {
  return { value: pipeline.threshold.value, spec: describeThreshold(pipeline.threshold.spec) };
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** FNV-1a, for a stable id of a set of files */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}

/** the request's dropped files as the core reads them; no test files means "split the training files" */
function sources(request: { train: File[]; test: File[] }): { train: SourceFile[]; test?: SourceFile[] } {
  return { train: request.train.map(browserFile), test: request.test.length ? request.test.map(browserFile) : undefined };
}

function browserFile(file: File): SourceFile {
  return { name: filePath(file), size: file.size, stream: () => file.stream() as ReadableStream<Uint8Array> };
}

/** the path below a dropped or picked folder, else the name */
function filePath(file: File): string {
  return (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
}

/** at most one call per `ms`, but always passing on a change of `stageOf` */
function throttle<T>(fn: (p: T) => void, ms: number, stageOf: (p: T) => string): (p: T) => void {
  let last = 0;
  let lastStage = '';
  return (p) => {
    const now = Date.now();
    const stage = stageOf(p);
    if (now - last >= ms || stage !== lastStage) {
      last = now;
      lastStage = stage;
      fn(p);
    }
  };
}

Comlink.expose(api);
