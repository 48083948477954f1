export { evaluate, DEFAULT_TEST_FRACTION, type Evaluation, type EvaluateOptions, type RowCounts } from './evaluate';
export {
  fitBenignRows,
  fitPipeline,
  latestHoldout,
  splitHoldout,
  DEFAULT_HOLDOUT,
  DEFAULT_MAX_TRAIN_ROWS,
  type FitPipelineOptions,
  type PipelineProgress,
} from './fit';
export { FittedPipeline, PIPELINE_FILE, PIPELINE_FORMAT, type PipelineJSON, type TrainingSummary } from './fitted-pipeline';
export { SPLIT_KINDS, countTimeSplit, describeSplit, randomSplit, timeSplit, splitPart, isTestRow, type RowSplit, type SplitKind } from './row-split';
export { fitSupervisedPipeline, DEFAULT_FOLDS, type FitSupervisedOptions, type SupervisedFit } from './fit-supervised';
export { chooseDetector, AUTO_CANDIDATES, VALIDATION_FRACTION, type CandidateResult, type DetectorChoice } from './choose-detector';
export { HybridParts, type HybridComparison, type PartFigures } from './hybrid-parts';
export { modelFileSet, readModelFileSet } from './model-files';
export { readLabelled, targets, TASKS, type LabelledSet, type Task } from './labelled-set';
export { ScoreLog } from './score-log';
