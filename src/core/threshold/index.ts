export {
  calibrate,
  describeExpectedFpr,
  describeThreshold,
  flaggedShare,
  parseThreshold,
  rowsForPercentile,
  thresholdCaveat,
  thresholdText,
  verdicts,
  type Threshold,
  type ThresholdSpec,
} from './threshold';
export { clopperPearson, type RateInterval } from './confidence';
export { AdaptiveThreshold, DEFAULT_ADAPTIVE, type AdaptiveThresholdOptions } from './adaptive';
export { benignRank, fitBenignRank, type BenignRank } from './benign-rank';
