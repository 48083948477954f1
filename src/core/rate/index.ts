/**
 * Replay rates as people type them and as the pacer reads them. A folder of its own so the
 * command line (the sensor's `--rate`) reads a rate without loading the replay machinery
 * (the replay face loads the detectors and TensorFlow.js: about half a CPU-second).
 */
export type { RateSpec } from './rate-spec';
export { describeRate, parseRate, rateText, sameRate, trimNumber } from './rate-text';
