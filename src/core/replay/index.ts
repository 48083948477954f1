/**
 * The replay pipeline's DOM-free core, hosted by `workers/source.worker.ts` and
 * `workers/detect.worker.ts` (and run whole in Node by the tests):
 *
 *   FlowSource (files: FileFlowSource over the streaming DatasetReader; the simulator:
 *   SimFlowSource) → ReplayLoop (ReplayPacer decides when and how many rows go out;
 *   CreditGate: never a batch without credit) → MessagePort, batches as transferables →
 *   DetectSession (models from the catalog; LiveAggregator, AlertGrouper; coalesced
 *   writes to the LabStore; a credit back per stored batch) → LiveSummary to the page.
 *
 * Seeking in files restarts the reading at the first line break after the byte fraction
 * (header put in front); see `file-source.ts`.
 */
export { AlertGrouper, GROUP_SAMPLES } from './alert-groups';
export { CreditGate, CreditLedger } from './credits';
export { DetectSession, DEFAULT_PERSIST_MS, DEFAULT_WINDOW, type DetectSessionOptions, type ScoringModel } from './detect-session';
export { FileFlowSource, type ByteFile } from './file-source';
export { NO_DEVICE, transferablesOf, type FlowBatch, type SinkMessage, type SourceMessage, type SourceMeta } from './flow-batch';
export type { FlowRows, FlowSource } from './flow-source';
export { LiveAggregator, RECENT_ALERTS, type AggregatorSetup } from './live-aggregator';
export { MAX_BUCKETS, emptySummary, type AlertSample, type FlowCounters, type LiveSeries, type LiveSummary, type RunState } from '../store';
export {
  chooseModels,
  defaultModelId,
  ensureDefaultModels,
  fetchDefaultModels,
  pipelineOf,
  trainOnTheSpot,
  MODEL_INDEX_FORMAT,
  type DefaultModelIndex,
  type FetchBytes,
  type ModelChoice,
} from './model-catalog';
export { plainRate, ReplayPacer, UNTIMED_RATE, type PacerPlan } from './pacer';
export { ReplayLoop, wallClock, type LoopState, type ReplayClock, type SendMessage } from './replay-loop';
export { SimFlowSource } from './sim-source';
export { MqttFlowSource, type MqttSourceOptions } from './mqtt-source';
export { LiveQueue, DEFAULT_LIVE_CAPACITY, DEFAULT_MAX_MESSAGE_BYTES, type LiveMessage, type LiveQueueOptions } from './live-queue';
export { simulatedTrainingFile, SIM_TRAINING_ROWS } from './sim-training';
export { TimeBuckets, SCORE_BINS } from './time-buckets';
export { linkedPorts, type DetectPort, type RunPort, type SourcePort } from './run-port';
export { openFlowSource, plainSource, sourceLabel, sourceRecord, type MqttSpec, type SourceSpec } from './source-spec';
export { LearningPeriod, LEARNING_REASON, MIN_LEARNING_FLOWS, type LearningOptions } from './learning-period';
export { closeInterruptedRuns, NOT_STORED, type InterruptedRunsOptions } from './interrupted-runs';
export { describeRate, parseRate, rateText, sameRate, trimNumber, type RateSpec } from '../rate';
