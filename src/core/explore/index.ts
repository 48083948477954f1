export { linearEdges, logEdges, binOf, symlog, symexp } from './histogram';
export { RangeScan, HistogramScan, scatterPoints, type ColumnHistogram, type NonFinite, type Side } from './feature-profile';
export { inspectDataset, featureHistograms, type DatasetProfile, type InspectOptions } from './inspect';
export { scoreDistributions, scoreBin, whatIf, type ScoreDistributions, type WhatIf, type ClassMeta } from './score-distributions';
