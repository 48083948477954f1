export { binaryConfusion, binaryRates, multiclassConfusion, type BinaryRates, type Confusion, type MulticlassConfusion } from './confusion';
export { multiclassScores, type ClassScores, type MulticlassScores } from './multiclass';
export { LatencyHistogram, type LatencyHistogramJSON } from './latency';
export { countByClass, perClassRates, perFamilyRates, type ClassCounts, type ClassDetail, type ClassRate } from './per-class';
export { evaluateBinary, formatReport, type BinaryInput, type BinaryReport } from './report';
export { averagePrecision, prAuc, prCurve, RankedScores, rocAuc, rocCurve, type PrCurve, type RocCurve } from './roc';
export { quantile, quantileOf, scoreStats, scoreStatsByClass, type ScoreStats } from './score-stats';
export { formatFixed, formatPercent, formatScore, formatTable, type Align } from './table';
export { ksStatistic } from './two-sample';
