/** One training run as the Train view starts it: the settings typed into its fields, the run itself (fit, score, evaluate), its ETA. */
export { trainRun, type TrainRun, type TrainRunOptions, type TrainRunProgress } from './train-run';
export { detectorSettings } from './detector-settings';
export { Eta } from './eta';
