/**
 * What the views may ask of the lab. The views import these interfaces only; the
 * clients that implement them talk to the workers (the main thread never touches rows).
 *   ReplayApi — replay-client.ts: source + detect workers, runs, alerts, exports, storage
 *   TrainApi  — train-client.ts: the train worker: inspect, explore, train, models
 */
import type { AdaptiveThresholdOptions } from '../../core/threshold';
import type { LearningOptions, LiveSummary } from '../../core/replay';
import type { OutputsSpec } from '../../core/store';
import type {
  AttackInjection,
  BackendInfo,
  DatasetInfo,
  ExploreOptions,
  FeatureExploration,
  FeedStatus,
  InspectProgress,
  ModelSummary,
  RateSpec,
  SourceSpec,
  RunArchiveApi,
  TrainProgress,
  TrainRequest,
  TrainResult,
  TrainWorkerApi,
} from '../../core/lab';
import type { ScoreDistributions } from '../../core/explore';
import type { AlertGroup, ModelRecord, RunRecord, StorageEstimate } from '../../core/store';

// the contracts the workers share live below both, in `src/core/lab`; the views take them from here
export type {
  AlertGroup,
  AttackInjection,
  BackendInfo,
  DatasetInfo,
  ExploreOptions,
  FeatureExploration,
  FeedStatus,
  InspectProgress,
  LiveSummary,
  ModelRecord,
  ModelSummary,
  RateSpec,
  RunRecord,
  ScoreDistributions,
  SourceSpec,
  StorageEstimate,
  TrainProgress,
  TrainRequest,
  TrainResult,
};

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
  /** a stored classifier or hybrid that names every alert (default: the verdict model, where it names classes) */
  namerId?: string;
  rate: RateSpec;
  loop: boolean;
  /** a drift-aware threshold (the calibrated percentile of recent scores that did not stand out) */
  adaptive?: AdaptiveThresholdOptions;
  /** learn the network first: train and calibrate on the first flows (or seconds), then score */
  learning?: LearningOptions;
  /** alerts to a broker topic, verdicts to InfluxDB (addresses the user typed) */
  outputs?: OutputsSpec;
}

export interface ReplayApi extends RunArchiveApi {
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
  /** a live feed's connection, queue and losses now; null for files and the simulation */
  feed(): Promise<FeedStatus | null>;
  /** scenario names with their one-line descriptions, and the attack classes that can be injected */
  scenarios(): Promise<{ scenarios: { name: string; description: string }[]; attacks: string[]; devices: string[] }>;
}

/** the Data and Train views' part of the train worker; the client keeps dropped folders' paths itself */
export interface TrainApi extends Pick<
  TrainWorkerApi,
  'inspect' | 'explore' | 'train' | 'listModels' | 'modelFiles' | 'deleteModel' | 'saveModel' | 'setThreshold'
> {
  /** stops whatever the train worker is reading or training; the call rejects with an AbortError */
  cancel(): Promise<void>;
  /**
   * saved model files (pipeline.json, model.json, weights.bin) dropped or picked by the user;
   * with `against`, files of a dataset the model must be able to score (else one sentence says why not)
   */
  loadModelFiles(files: File[], against?: File[]): Promise<ModelSummary>;
}
