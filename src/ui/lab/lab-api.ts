/**
 * What the views may ask of the lab. The views import these interfaces only; the
 * clients that implement them talk to the workers (the main thread never touches rows).
 *   ReplayApi — replay-client.ts: source + detect workers, runs, alerts, exports, storage
 *   TrainApi  — train-client.ts: the train worker: inspect, explore, train, models
 */
import type { AlertGroup, DatasetRecord, ModelRecord, RunRecord, StorageEstimate } from '../../core/store/records';
import type { LiveSummary } from '../../core/replay/live-summary';

export type { AlertGroup, DatasetRecord, LiveSummary, ModelRecord, RunRecord, StorageEstimate };

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
  exportRun(id: string, format: 'csv' | 'ndjson' | 'influx'): Promise<Blob>;
  listAlertGroups(runId: string): Promise<AlertGroup[]>;
  setAlertStatus(runId: string, key: string, status: AlertGroup['status']): Promise<void>;
  storage(): Promise<StorageEstimate & { retentionRows: number }>;
  setRetention(rows: number): Promise<void>;
}

export interface DatasetInfo extends Omit<DatasetRecord, 'id' | 'createdAt'> {
  /** per skipped-row reason, a few examples with file and row */
  skippedExamples: { file: string; row: number; reason: string; detail: string }[];
  columns: string[];
}

export interface InspectProgress {
  bytesRead: number;
  bytesTotal: number | null;
  rows: number;
}

/** benign against attack for the Data view's exploration */
export interface FeatureExploration {
  feature: string;
  /** shared bin edges (bins + 1) */
  edges: number[];
  benign: number[];
  attack: number[];
  /** a sample of points for the scatter of `x` against `y`, with their class */
  scatter?: { x: string; y: string; points: [number, number, number][]; classes: string[] };
}

export interface TrainRequest {
  source: SourceSpec;
  detector: 'iforest' | 'ae' | 'lstm' | 'ensemble';
  /** detector settings as the CLI names them (epochs, n_estimators, …) */
  settings: Record<string, number | string>;
  threshold: string;
  seed: number;
  name?: string;
}

export interface TrainProgress {
  phase: string;
  rows: number;
  epoch?: number;
  epochs?: number;
  loss?: number;
  valLoss?: number;
  /** seconds, where it can be estimated */
  timeLeft?: number;
}

/** per class: a histogram of held-out scores, so the threshold can move without rescoring */
export interface ScoreDistributions {
  edges: number[];
  classes: { name: string; benign: boolean; counts: number[] }[];
  threshold: number;
}

export interface TrainApi {
  inspect(files: File[], onProgress: (p: InspectProgress) => void): Promise<DatasetInfo>;
  explore(files: File[], feature: string, scatter?: { x: string; y: string }): Promise<FeatureExploration>;
  train(request: TrainRequest, onProgress: (p: TrainProgress) => void): Promise<{ model: Omit<ModelRecord, 'files' | 'pipeline'>; scores: ScoreDistributions }>;
  cancel(): Promise<void>;
  listModels(): Promise<Omit<ModelRecord, 'files' | 'pipeline'>[]>;
  /** saved model files (pipeline.json, model.json, weights.bin) dropped or picked by the user */
  loadModelFiles(files: File[]): Promise<Omit<ModelRecord, 'files' | 'pipeline'>>;
  /** the model as files to download */
  modelFiles(id: string): Promise<{ name: string; blob: Blob }[]>;
  deleteModel(id: string): Promise<void>;
}
