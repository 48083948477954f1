export { evaluate, DEFAULT_TEST_FRACTION, type Evaluation, type EvaluateOptions, type RowCounts } from './evaluate';
export { fitBenignRows, fitPipeline, DEFAULT_HOLDOUT, DEFAULT_MAX_TRAIN_ROWS, type FitPipelineOptions, type PipelineProgress } from './fit';
export { FittedPipeline, PIPELINE_FILE, PIPELINE_FORMAT, type PipelineJSON, type TrainingSummary } from './fitted-pipeline';
export { SPLIT_KINDS, countTimeSplit, describeSplit, randomSplit, timeSplit, type RowSplit, type SplitKind } from './row-split';
