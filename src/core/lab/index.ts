/**
 * The lab's services and the contracts between the page and the workers, below both
 * (as DuckDB-WASM's `worker_request.ts` and Comlink's `types.ts`): each worker exposes one
 * service typed by its `…WorkerApi`, the page wraps the same type, and a Node host (the
 * monitor, tests) uses the services directly.
 *
 *   SourceService (SourceWorkerApi): opens a `SourceSpec`, replays it into a `SourcePort`
 *   DetectService (DetectWorkerApi): models, run record, `DetectSession`, summaries, stored runs
 *   TrainService  (TrainWorkerApi):  inspect, explore, evaluate, compare, train, stored models
 */
export type { DetectorKind } from '../detectors';
export type { RateSpec, SourceSpec, DetectPort, SourcePort } from '../replay';
export type { AttackInjection, FeedStatus, OpenResult, ScenarioList, SourceWorkerApi } from './source-api';
export type { BackendInfo, DetectWorkerApi, PrepareRequest, RunArchiveApi, StorageInfo } from './detect-api';
export type {
  CompareRequest,
  ComparisonResult,
  DatasetInfo,
  EvaluateRequest,
  EvaluationResult,
  ExploreOptions,
  FeatureExploration,
  InspectProgress,
  KeepRequest,
  ModelSummary,
  TrainProgress,
  TrainRequest,
  TrainResult,
  TrainWorkerApi,
} from './train-api';
export { SourceService } from './source-service';
export { DetectService, SUMMARY_MS, type DetectHost } from './detect-service';
export { TrainService, type TrainHost } from './train-service';
export { ModelShelf, PENDING_KEPT, summaryOf } from './model-shelf';
export { DatasetExplorer } from './dataset-explorer';
export { LIVE_DETECTORS, VIEWS, parseUrlState, toSearch, type LabUrlState, type LiveDetector, type TabRequest, type ViewId } from './url-state';
