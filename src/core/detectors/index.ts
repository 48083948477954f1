/**
 * Unsupervised scorers behind one interface (`Detector`: fit, score, toJSON; optional
 * capabilities as optional members), made and loaded by kind through the registry; the
 * classifiers as detectors (score 1 − P(benign)) and hybrids beside them; the TensorFlow.js backend.
 */
export {
  type ColumnMap,
  type Contributions,
  type Detector,
  type DetectorJSON,
  type DetectorLoader,
  type FitOptions,
  type FitProgress,
  type KnownClass,
  type NamedRows,
} from './detector';
export {
  createDetector,
  createSupervised,
  DEFAULT_HYBRID,
  DETECTOR_KINDS,
  isSupervised,
  loadDetector,
  MEMBER_KINDS,
  MODEL_KINDS,
  SUPERVISED_KINDS,
  type DetectorKind,
  type DetectorSettings,
  type MemberKind,
  type ModelKind,
  type SupervisedKind,
} from './registry';
export {
  DEFAULT_PARAMS,
  IsolationForest,
  loadIsolationForest,
  ORIGINAL_SYSTEM_PRESET,
  type Forest,
  type IsolationForestJSON,
  type IsolationForestParams,
} from './isolation-forest';
export {
  DEFAULT_GRID,
  gridSearchIsolationForest,
  type GridResult,
  type GridSearchOptions,
  type GridSearchResult,
  type IsolationForestGrid,
} from './isolation-forest-grid';
export { Autoencoder, loadAutoencoder, type AutoencoderParams } from './autoencoder';
export { loadLstmAutoencoder, LSTM_DEFAULTS, LstmAutoencoder, type LstmAutoencoderParams } from './lstm-autoencoder';
export {
  RECONSTRUCTION_DEFAULTS,
  ReconstructionDetector,
  WEIGHTS_FILE,
  type Activation,
  type ModelJSON,
  type ReconstructionJSON,
  type ReconstructionParams,
  type TrainingHistory,
} from './reconstruction';
export { Ensemble, type EnsembleParams } from './ensemble';
export {
  CLASSIFIER_DETECTORS,
  ClassifierDetector,
  isClassifierDetector,
  modelOf,
  type ClassifierDetectorJSON,
  type ClassifierDetectorKind,
} from './classifier-detector';
export { DEFAULT_KMEANS_DETECTOR, KMeansDetector, loadKMeansDetector, type KMeansDetectorParams } from './kmeans-detector';
export { DEFAULT_KNN_DETECTOR, KnnDetector, loadKnnDetector, type KnnDetectorParams } from './knn-detector';
export { HybridDetector, type HybridJSON } from './hybrid';
export {
  ensureBackend,
  parseBackendPreference,
  seededGlorot,
  type BackendHost,
  type BackendInfo,
  type BackendName,
  type BackendPreference,
  type WasmPaths,
  type WeightInitializer,
} from './tf-backend';
export { ScanSearch, TreeSearch, type NeighbourSearch } from './knn-search';
