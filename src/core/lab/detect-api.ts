import type { BackendInfo as TfBackendInfo } from '../detectors';
import type { SourceMeta, LearningOptions, DetectPort } from '../replay';
import type { AdaptiveThresholdOptions } from '../threshold';
import type { LiveSummary, ExportFormat, AlertGroup, OutputsSpec, RunRecord, StorageEstimate } from '../store';

/** the scoring backend, and whether the page is cross-origin isolated (wasm threads need it) */
export interface BackendInfo extends TfBackendInfo {
  crossOriginIsolated: boolean;
}

export interface PrepareRequest {
  /** the detect end of the run's link to the source */
  port: DetectPort;
  meta: SourceMeta;
  source: RunRecord['source'];
  /** the dropped files, for training on the spot when no stored model fits */
  files?: File[];
  /**
   * the stored model whose verdicts count; omitted: the default model of `detector` for
   * the source's dataset, or, when no stored model fits the data, an isolation forest
   * trained on the spot on its benign rows
   */
  modelId?: string;
  /** default detector when no modelId: "ae" (the default), "iforest", "lstm" */
  detector?: string;
  /** more stored models scored alongside (their scores are stored too) */
  alongside?: string[];
  /** a stored classifier or hybrid that names every alert (default: the verdict model, where it names classes) */
  namerId?: string;
  /** a drift-aware threshold: the calibrated percentile of recent scores that did not stand out */
  adaptive?: AdaptiveThresholdOptions;
  /** learn the network first (flows or seconds): train and calibrate on the first flows, then score */
  learning?: LearningOptions;
  /** publish alerts to a broker topic, write verdicts to InfluxDB (addresses the user typed); the summary's `outputs` counts them */
  outputs?: OutputsSpec;
}

export type StorageInfo = StorageEstimate & { retentionRows: number };

/** The stored runs, their alerts and exports, and the storage they take: the detect worker answers for them, and the page's ReplayApi passes them on. */
export interface RunArchiveApi {
  listRuns(): Promise<RunRecord[]>;
  /** stored models that can name alerts (classifiers and hybrids), newest first */
  listNamers(): Promise<{ id: string; name: string; detector: string; dataset: string }[]>;
  getRun(id: string): Promise<RunRecord | undefined>;
  deleteRun(id: string): Promise<void>;
  exportRun(id: string, format: ExportFormat): Promise<Blob>;
  listAlertGroups(runId: string): Promise<AlertGroup[]>;
  setAlertStatus(runId: string, key: string, status: AlertGroup['status']): Promise<void>;
  storage(): Promise<StorageInfo>;
  setRetention(rows: number): Promise<void>;
}

/**
 * The detect worker's face (`workers/detect.worker.ts` exposes a `DetectService`, the page
 * wraps this type): scores a run's flows, stores them and its alerts, and answers for the
 * stored runs.
 */
export interface DetectWorkerApi extends RunArchiveApi {
  /** starts the backend, the store and the default models; cheap to call again */
  init(): Promise<void>;
  backend(): Promise<BackendInfo>;
  /** a new run: chooses and loads the models, creates its record, takes batches from `port`; summaries go to `onSummary` until the next run */
  prepare(request: PrepareRequest, onSummary: (s: LiveSummary) => void): Promise<RunRecord>;
  setThreshold(value: number): void;
  setPaused(paused: boolean): void;
  /** ends the current run (what was scored is stored, the record saved); its last summary */
  stop(): Promise<LiveSummary | null>;
  /** rows stored for a run (tests, benchmarks) */
  countRows(runId: string): Promise<number>;
}
