export { linearEdges, logEdges, binOf, symlog, symexp } from './histogram';
export { RangeScan, HistogramScan, ClassReservoir, scatterPoints, type ColumnHistogram, type NonFinite, type Side } from './feature-profile';
export { inspectDataset, featureHistograms, type DatasetProfile, type InspectOptions } from './inspect';
export { scoreDistributions, scoreBin, whatIf, ratesAt, type ScoreDistributions, type WhatIf, type ClassMeta } from './score-distributions';
export { trainRun, historyOf, type TrainRun, type TrainRunOptions, type TrainRunProgress } from './train-run';
export { detectorSettings, SETTING_NAMES } from './detector-settings';
export { modelFileSet, readModelFileSet } from './model-files';
export { Eta } from './eta';
export { simulationSource, DEFAULT_SIM_ROWS } from '../sim/csv-file';
