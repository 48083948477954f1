export { concatRows, matrix, takeRows, type Batch, type Matrix } from './batch';
export { DeviceNames, NO_DEVICE } from './device-names';
export { totalSkipped, type ColumnIssues, type IngestCounters, type SkipReason } from './counters';
export { DatasetReader, type CaptureReadOptions, type FileSummary, type ReadOptions, type ReadProgress, type SourceFile } from './dataset-reader';
export { InputError } from './text-stream';
export { RowSample } from './row-sample';
export { WireReader } from './wire-reader';
export { wireFraming, type WireFraming } from './wire-message';
export { fileStretches } from './file-stretches';
