import type { ModelName } from '../classifiers';
import type { BackendInfo, DetectorKind, ModelKind } from '../detectors';
import type { ScoreDistributions } from '../explore';
import type { TrainRunProgress } from '../training';
import type { Evaluation, PipelineProgress, SplitKind, TrainingSummary } from '../pipeline';
import type { SourceSpec } from '../replay';
import type { CaptureCounters } from '../packets';
import type { ModelRecord } from '../store';
import type { BalanceMethod, CompareProgress, CompareResult, Task } from '../study';
import type { Threshold } from '../threshold';

/** What one reading of dropped files found (the Data view's summary). */
export interface DatasetInfo {
  /** a stable id of the set of files (their paths, sizes and dates) */
  id: string;
  name: string;
  files: { name: string; size: number }[];
  /** the dialect's name as people know it */
  dataset: string;
  /** dialect id, e.g. "ciciomt2024-v2" */
  dialect: string;
  /** how sure the detection of the dialect was (0–1) */
  confidence: number;
  /** rows read (= accepted + skipped) */
  rows: number;
  /** rows per class, with its meaning from the dialect; they add up to `accepted` */
  classes: { name: string; rows: number; benign: boolean; family: string }[];
  /** rows kept */
  accepted: number;
  /** kept rows with no class (a packet capture read without a label): neither benign nor attack */
  unlabelled: number;
  /** what the packet captures among the files held: packets read, used, skipped by reason, link types, flows made (null: no captures) */
  captures: CaptureCounters | null;
  /** rows skipped, per reason */
  skipped: Record<string, number>;
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
  /** files or a simulation (a live feed has no rows to train on) */
  source: Exclude<SourceSpec, { kind: 'mqtt' }>;
  /** an unsupervised detector, a classifier or a hybrid */
  detector: ModelKind;
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
  /** `caveat`: a sentence when the held-back rows were too few for the percentile asked (see thresholdCaveat) */
  threshold: { value: number; spec: string; caveat: string | null };
  /** figures on the held-out rows at the calibrated threshold */
  report: { roc_auc: number; pr_auc: number; tpr: number; fpr: number; precision: number; f1: number; per_class: Record<string, number> };
  /** held-out rows: benign + attack + unlabelled (a capture's rows without a label) */
  heldOut: { rows: number; benign: number; attack: number; unlabelled: number };
  /**
   * `cutRows`: capture windows the end of their capture cut short, left out of training; `calibration`: how the threshold's
   * rows were scored when not held back (too few to hold back: every benign row out of fold)
   */
  training: {
    rowsRead: number;
    benignRows: number;
    trainRows: number;
    holdoutRows: number;
    calibration: TrainingSummary['calibration'] | null;
    cutRows: number;
    fitMs: number;
    skipped: number;
  };
  /** per-epoch losses of an autoencoder (the ensemble's first), in full */
  history: { loss: number[]; valLoss: number[]; bestEpoch: number } | null;
  excluded: Record<string, string>;
  /** what the packet captures among the training files held (null: no captures) */
  packets: CaptureCounters | null;
}

/** the Compare view's supervised study; no test files: the training files are split */
export interface CompareRequest {
  train: File[];
  test: File[];
  task: Task;
  balance: BalanceMethod;
  seed: number;
  /** without test files: the later rows of each file (time, the default) or a random share */
  split?: SplitKind;
}

/** "keep this model" of a comparison row: the model trained again on the same training files as a detector */
export interface KeepRequest {
  train: File[];
  /** the comparison's model name (random_forest, …, kmeans) */
  model: ModelName;
  seed: number;
}

/** the Detectors view's evaluation; no test files: the training files are split */
export interface EvaluateRequest {
  train: File[];
  test: File[];
  /** an unsupervised detector, or "auto": chosen on the latest training rows */
  detector: DetectorKind | 'auto';
  threshold: string;
  seed: number;
  /** without test files: the later rows of each file (time, the default) or a random share */
  split?: SplitKind;
}

/** an evaluation as it crosses to the page (the fitted pipeline stays behind) */
export interface EvaluationResult extends Pick<Evaluation, 'report' | 'rows' | 'dataset' | 'warnings' | 'trainRows' | 'split' | 'choice' | 'packets'> {
  training: TrainingSummary;
  threshold: Threshold;
  excluded: Record<string, string>;
  detector: string;
}

export interface ComparisonResult {
  result: CompareResult;
  /** the study as a self-contained HTML report */
  reportHtml: string;
}

/**
 * The train worker's face (`workers/train.worker.ts` exposes a `TrainService`, the page
 * wraps this type): inspect, explore, evaluate, compare, train, and the stored models.
 * Files are read as streams in the worker; only aggregates come back.
 */
export interface TrainWorkerApi {
  backend(): Promise<BackendInfo>;
  evaluate(request: EvaluateRequest, onProgress: (p: PipelineProgress) => void): Promise<EvaluationResult>;
  compare(request: CompareRequest, onProgress: (p: CompareProgress) => void): Promise<ComparisonResult>;
  /** stops whatever is reading or training; the call rejects with an AbortError */
  cancel(): void;
  /** one reading of the files: dataset, rows, classes, skipped rows, cells */
  inspect(files: File[], onProgress: (p: InspectProgress) => void): Promise<DatasetInfo>;
  /** the first call for a set of files reads them once more for every feature's histograms; later calls answer at once */
  explore(
    files: File[],
    feature: string,
    scatter?: { x: string; y: string },
    options?: ExploreOptions,
    onProgress?: (p: InspectProgress) => void,
  ): Promise<FeatureExploration>;
  /** fits a pipeline on the source's training split and scores its held-out split; the model waits for Save */
  train(request: TrainRequest, onProgress: (p: TrainProgress) => void): Promise<TrainResult>;
  /** puts a trained model into the store (origin "trained"), optionally renamed */
  saveModel(id: string, name?: string): Promise<ModelSummary>;
  /** the model's threshold becomes `value` (in the store too, where it is saved) */
  setThreshold(id: string, value: number): Promise<{ value: number; spec: string }>;
  listModels(): Promise<ModelSummary[]>;
  /**
   * saved model files (pipeline.json, model.json, weights.bin); `against`: files of a dataset
   * the model must be able to score (else one sentence says why not); `paths`: each file's
   * path below a dropped folder (a File loses it on the way to a worker)
   */
  loadModelFiles(files: File[], against?: File[], paths?: string[]): Promise<ModelSummary>;
  /** the model as files to download (relative paths: `member-0/weights.bin` for an ensemble member) */
  modelFiles(id: string): Promise<{ name: string; blob: Blob }[]>;
  deleteModel(id: string): Promise<void>;
  /**
   * "keep this model" in the comparison: the row's classifier trained on every labelled row of
   * the training files, its threshold from out-of-fold (a forest: out-of-bag) benign scores, saved in the store
   */
  keepCompared(request: KeepRequest, onProgress: (p: PipelineProgress) => void): Promise<ModelSummary>;
}
