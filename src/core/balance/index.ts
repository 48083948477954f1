export { appendRows, classCounts, RESAMPLE_DEFAULTS, rowsByClass, targetCounts, type Balanced, type ResampleParams, type SamplingStrategy } from './resample';
export { randomOversample } from './random-oversample';
export { MAX_NEIGHBOUR_POOL, smote, SMOTE_DEFAULTS, type SmoteParams } from './smote';
export { fitMixture, type Mixture, type MixtureOptions } from './gaussian-mixture';
export {
  Ctgan,
  CTGAN_DEFAULTS,
  ctganBalance,
  type CtganFitOptions,
  type CtganHistory,
  type CtganJSON,
  type CtganParams,
  type CtganProgress,
  type CtganSample,
} from './ctgan';
export { columnQuality, medianKs, trainSyntheticTestReal, type ColumnQuality, type Labelled, type Moments } from './synthetic-quality';
