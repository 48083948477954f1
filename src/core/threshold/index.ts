export { calibrate, describeExpectedFpr, describeThreshold, flaggedShare, parseThreshold, verdicts, type Threshold, type ThresholdSpec } from './threshold';
export { clopperPearson, type RateInterval } from './confidence';
