export { DEFAULT_PREPROCESSOR, Preprocessor, type PreprocessorJSON, type PreprocessorParams } from './preprocessor';
export { findRunningCounters } from './running-counters';
export { captureTimeColumns, findDriftingColumns } from './drifting-columns';
