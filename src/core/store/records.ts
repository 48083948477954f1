import type { AlertSample, LiveSummary } from './run-summary';
import type { PipelineJSON } from '../pipeline';

/**
 * What the lab keeps across reloads. Scored flows are stored as columnar chunks (one
 * object per batch of flows, typed arrays inside), never one object per flow, so
 * writing keeps up with scoring.
 */
export interface RunRecord {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  source:
    | { kind: 'simulation'; scenario: string; seed: number }
    | { kind: 'files'; files: string[]; dataset: string }
    /** a live feed: the broker (never with a password) and the topic filter */
    | { kind: 'mqtt'; url: string; topic: string; dataset: string };
  /** the model that scored the run */
  modelId: string;
  detector: string;
  threshold: number;
  /** feature column names of the stored raw features, in order */
  columns: string[];
  /**
   * categorical feature columns (BoT-IoT `proto`, `flgs`, `state`): their category names,
   * indexed by the stored code (the schema's `categories`); exports print the names
   */
  categories?: Record<string, string[]>;
  /** class names, indexed by a chunk's classIndex */
  classes: string[];
  /** the classes the model names alerts with, indexed by a chunk's `predicted` (classifiers and hybrids) */
  predictedClasses?: string[];
  /** device names, indexed by a chunk's device */
  devices: string[];
  /** the last summary sent to the page: the history view redraws from it */
  summary: LiveSummary | null;
  /** rows dropped by the retention limit so far */
  droppedRows: number;
  /** flagged flows among them (kept by the store; absent when none, or in runs stored before it was counted) */
  droppedAlerts?: number;
}

export interface FlowChunk {
  runId: string;
  /** batch sequence number within the run; [runId, seq] is the key */
  seq: number;
  n: number;
  time: Float64Array;
  rowNumber: Float64Array;
  classIndex: Int32Array;
  /** per row: index into the run's `devices`, NO_DEVICE where the source has none */
  device: Uint16Array;
  /** n × columns raw features, row-major */
  features: Float32Array;
  /** the scoring detector's score per flow */
  score: Float32Array;
  /** 1 = flagged */
  verdict: Uint8Array;
  /** per detector, where more than one scored the run (e.g. "iforest", "ae") */
  scores?: Record<string, Float32Array>;
  /** the class a classifier named each flagged flow (index into the run's `predictedClasses`; −1 not flagged) */
  predicted?: Int32Array;
  /** its probability (0 where not flagged) */
  confidence?: Float32Array;
}

export { NO_DEVICE } from '../ingest';

/**
 * Alerts grouped for the inbox: one group per (device, class) of a run; when a
 * classifier names the alerts, per (device, predicted class).
 */
export interface AlertGroup {
  runId: string;
  /** `${device}|${className}`, or `${device}|predicted:${predictedClass}` */
  key: string;
  device: string | null;
  /** the true class of the group's alerts (null when a classifier groups them, or unlabelled) */
  className: string | null;
  /** the class the model named these alerts (classifiers and hybrids only) */
  predictedClass?: string | null;
  /** alerts per true class, where the data is labelled and a classifier named the alerts */
  trueClasses?: Record<string, number>;
  count: number;
  firstSeen: number;
  lastSeen: number;
  maxScore: number;
  status: 'new' | 'acknowledged' | 'escalated';
  /** the first and the newest few alerts of the group, with their features */
  samples: AlertSample[];
}

export interface ModelRecord {
  id: string;
  name: string;
  createdAt: number;
  detector: string;
  dataset: string;
  /** where it came from: "default" (public/models), "trained", "uploaded" */
  origin: 'default' | 'trained' | 'uploaded';
  pipeline: PipelineJSON;
  /** the detector's binary files (TF.js weights), by relative path */
  files: Record<string, Uint8Array>;
}

export interface StorageEstimate {
  usedBytes: number | null;
  quotaBytes: number | null;
}

/**
 * The repositories. One implementation on IndexedDB (browser, and Node tests with
 * fake-indexeddb); callers never see IndexedDB itself.
 */
export interface LabStore {
  putRun(run: RunRecord): Promise<void>;
  getRun(id: string): Promise<RunRecord | undefined>;
  listRuns(): Promise<RunRecord[]>;
  deleteRun(id: string): Promise<void>;

  /** appends chunks; applies the retention limit and returns how many rows it dropped */
  putChunks(chunks: FlowChunk[]): Promise<{ dropped: number }>;
  /** chunks of a run in seq order, a page at a time, for export and for reopening */
  readChunks(runId: string, fromSeq: number, limit: number): Promise<FlowChunk[]>;
  countRows(runId: string): Promise<number>;

  putAlertGroups(groups: AlertGroup[]): Promise<void>;
  listAlertGroups(runId: string): Promise<AlertGroup[]>;
  setAlertStatus(runId: string, key: string, status: AlertGroup['status']): Promise<void>;

  putModel(model: ModelRecord): Promise<void>;
  getModel(id: string): Promise<ModelRecord | undefined>;
  listModels(): Promise<Omit<ModelRecord, 'files' | 'pipeline'>[]>;
  deleteModel(id: string): Promise<void>;

  /** the most flow rows kept per run; older chunks are dropped first, counted on the run */
  readonly retentionRows: number;
  setRetentionRows(rows: number): Promise<void>;
  estimate(): Promise<StorageEstimate>;
}
