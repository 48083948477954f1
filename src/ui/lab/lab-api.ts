/**
 * What the views may ask of the lab. The views import these interfaces only; the
 * clients that implement them talk to the workers (the main thread never touches rows).
 *   ReplayApi — replay-client.ts: source + detect workers, runs, alerts, exports, storage
 *   TrainApi  — train-client.ts: the train worker: inspect, explore, train, models
 */
import type { AlertGroup, DatasetRecord, ModelRecord, RunRecord, StorageEstimate } from '../../core/store/records';
import type { LiveSummary } from '../../core/replay/live-summary';
import type { ExportFormat } from '../../core/store/export-run';
import type { ScoreDistributions } from '../../core/explore/score-distributions';
import type { TrainRunProgress } from '../../core/explore/train-run';

export type { AlertGroup, DatasetRecord, LiveSummary, ModelRecord, RunRecord, ScoreDistributions, StorageEstimate };

/** where flows come from */
export type SourceSpec = { kind: 'simulation'; scenario: string; seed: number } | { kind: 'files'; files: File[] };

/** replay speed: flows per second, a multiplier on the file's own timestamps, or as fast as possible */
export type RateSpec = { kind: 'flows'; perSecond: number } | { kind: 'speed'; multiplier: number } | { kind: 'max' };

export interface StartRequest {
  source: SourceSpec;
  /**
   * the stored model whose verdicts count; omitted: the default model of `detector` for
   * the source's dataset (public/models for simulated and CICIoMT2024 v2 flows), or, when
   * no stored model fits the data, an isolation forest trained on the spot on its benign rows
   */
  modelId?: string;
  /** default detector when no modelId: "ae" (the default), "iforest", "lstm" */
  detector?: string;
  /** more stored models scored alongside (their scores are stored too); default: the isolation forest beside the autoencoder */
  alongside?: string[];
  rate: RateSpec;
  loop: boolean;
}

export interface AttackInjection {
  /** a CICIoMT2024 v2 class, e.g. "ARP_Spoofing", "MQTT-DDoS-Connect_Flood" */
  attack: string;
  /** 0–1 */
  intensity: number;
  durationS: number;
  source?: string;
  targets?: string[];
}

export interface BackendInfo {
  backend: string;
  simd: boolean;
  threads: number;
  crossOriginIsolated: boolean;
}

export interface ReplayApi {
  backend(): Promise<BackendInfo>;
  /** summaries arrive a few times a second while a run plays; returns an unsubscribe */
  onSummary(listener: (s: LiveSummary) => void): () => void;
  start(request: StartRequest): Promise<RunRecord>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** one batch of flows, while paused */
  step(): Promise<void>;
  /** 0–1 of the source (files: bytes; simulation: its timeline) */
  seek(fraction: number): Promise<void>;
  setRate(rate: RateSpec): Promise<void>;
  setThreshold(value: number): Promise<void>;
  stop(): Promise<void>;
  /** simulation only: an attack episode starting now */
  inject(attack: AttackInjection): Promise<void>;
  /** scenario names with their one-line descriptions, and the attack classes that can be injected */
  scenarios(): Promise<{ scenarios: { name: string; description: string }[]; attacks: string[]; devices: string[] }>;

  listRuns(): Promise<RunRecord[]>;
  getRun(id: string): Promise<RunRecord | undefined>;
  deleteRun(id: string): Promise<void>;
  exportRun(id: string, format: ExportFormat): Promise<Blob>;
  listAlertGroups(runId: string): Promise<AlertGroup[]>;
  setAlertStatus(runId: string, key: string, status: AlertGroup['status']): Promise<void>;
  storage(): Promise<StorageEstimate & { retentionRows: number }>;
  setRetention(rows: number): Promise<void>;
}

export interface DatasetInfo extends Omit<DatasetRecord, 'id' | 'createdAt' | 'classes'> {
  /** the stored description's id (`putDataset`) */
  id: string;
  /** dialect id, e.g. "ciciomt2024-v2" (`dataset` is its name as people know it) */
  dialect: string;
  /** rows per class, with its meaning from the dialect; they add up to `accepted` */
  classes: { name: string; rows: number; benign: boolean; family: string }[];
  /** rows kept (`rows` = read = accepted + skipped) */
  accepted: number;
  /** per skipped-row reason, a few examples with file and row */
  skippedExamples: { file: string; row: number; reason: string; detail: string }[];
  /** feature columns in batch order */
  columns: string[];
  /** feature columns the detectors leave out by default, with why */
  excluded: Record<string, string>;
  /** per feature column, cells that were not plain numbers (kept as ±∞, or imputed as missing) */
  cells: Record<string, { empty: number; infinite: number; notANumber: number; text: number; examples: string[] }>;
  /** rows per file */
  fileRows: { name: string; rows: number }[];
}

export interface InspectProgress {
  bytesRead: number;
  bytesTotal: number | null;
  rows: number;
  /** "inspect" (the first reading) or "explore" (the histogram pass) */
  phase?: 'inspect' | 'explore';
}

export interface ExploreOptions {
  /** bins spaced evenly in sign(v)·log10(1 + |v|) instead of in v, for heavy tails */
  log?: boolean;
}

/** benign against attack for the Data view's exploration */
export interface FeatureExploration {
  feature: string;
  /** shared bin edges (bins + 1); bin i holds edges[i] ≤ v < edges[i+1] (the last bin also its right edge) */
  edges: number[];
  benign: number[];
  attack: number[];
  log: boolean;
  /** cells outside the bins, per side: missing (empty / nan / text) and ±∞; bins + these = the side's rows */
  nonFinite: Record<'benign' | 'attack', { missing: number; posInf: number; negInf: number }>;
  rows: { benign: number; attack: number };
  /** a sample of points for the scatter of `x` against `y`, with their class (index into `classes`) */
  scatter?: {
    x: string;
    y: string;
    points: [number, number, number][];
    classes: string[];
    benign: boolean[];
    families: string[];
    /** rows of the reading the points were sampled from (only points with both values finite are drawn) */
    sampledFrom: number;
  };
}

export interface TrainRequest {
  source: SourceSpec;
  detector: 'iforest' | 'ae' | 'lstm' | 'ensemble';
  /** detector settings as the CLI names them (epochs, n_estimators, …) */
  settings: Record<string, number | string>;
  threshold: string;
  seed: number;
  name?: string;
  /** simulation sources: how many flows to simulate (default 50,000) */
  rows?: number;
}

/** the Train view's progress: the core's `TrainRunProgress` (read, fit, calibrate, score) */
export type TrainProgress = TrainRunProgress;

export type ModelSummary = Omit<ModelRecord, 'files' | 'pipeline'>;

export interface TrainResult {
  model: ModelSummary;
  scores: ScoreDistributions;
  /** whether the model is in the store yet (Save puts it there) */
  saved: boolean;
  threshold: { value: number; spec: string };
  /** figures on the held-out rows at the calibrated threshold */
  report: { roc_auc: number; pr_auc: number; tpr: number; fpr: number; precision: number; f1: number; per_class: Record<string, number> };
  heldOut: { rows: number; benign: number; attack: number };
  training: { rowsRead: number; benignRows: number; trainRows: number; holdoutRows: number; fitMs: number; skipped: number };
  /** per-epoch losses of an autoencoder (the ensemble's first), in full */
  history: { loss: number[]; valLoss: number[]; bestEpoch: number } | null;
  excluded: Record<string, string>;
}

export interface TrainApi {
  inspect(files: File[], onProgress: (p: InspectProgress) => void): Promise<DatasetInfo>;
  /** the first call for a set of files reads them once more for every feature's histograms; later calls answer at once */
  explore(files: File[], feature: string, scatter?: { x: string; y: string }, options?: ExploreOptions, onProgress?: (p: InspectProgress) => void): Promise<FeatureExploration>;
  train(request: TrainRequest, onProgress: (p: TrainProgress) => void): Promise<TrainResult>;
  /** stops whatever the train worker is reading or training; the call rejects with an AbortError */
  cancel(): Promise<void>;
  listModels(): Promise<ModelSummary[]>;
  /**
   * saved model files (pipeline.json, model.json, weights.bin) dropped or picked by the user;
   * with `against`, files of a dataset the model must be able to score (else one sentence says why not)
   */
  loadModelFiles(files: File[], against?: File[]): Promise<ModelSummary>;
  /** the model as files to download (relative paths: `member-0/weights.bin` for an ensemble member) */
  modelFiles(id: string): Promise<{ name: string; blob: Blob }[]>;
  deleteModel(id: string): Promise<void>;
  /** puts a trained model into the store (origin "trained"), optionally renamed */
  saveModel(id: string, name?: string): Promise<ModelSummary>;
  /** the model's threshold becomes `value` (in the store too, where it is saved) */
  setThreshold(id: string, value: number): Promise<{ value: number; spec: string }>;
}
