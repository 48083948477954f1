/**
 * The Train view's settings per detector, with the names the CLI and the detectors use
 * (scikit-learn's for the forest, Keras' for the autoencoders) and their defaults. An
 * empty field means "the default".
 */
import type { ModelKind } from '../../../core/detectors';

export type DetectorId = ModelKind;

export interface SettingField {
  name: string;
  label: string;
  /** the detector's default, shown as the placeholder */
  placeholder: string;
  hint: string;
}

const FOREST: SettingField[] = [
  { name: 'n_estimators', label: 'n_estimators', placeholder: '100', hint: 'trees in the forest' },
  { name: 'max_samples', label: 'max_samples', placeholder: 'auto', hint: '"auto" (256), a fraction, or a row count per tree' },
  { name: 'max_features', label: 'max_features', placeholder: '0.8', hint: 'share of the columns per tree' },
  { name: 'contamination', label: 'contamination', placeholder: '0.1', hint: "the forest's own offset (the lab's threshold is set below)" },
];

const NETWORK: SettingField[] = [
  { name: 'epochs', label: 'epochs', placeholder: '40', hint: 'at most; early stopping may end sooner' },
  { name: 'batch_size', label: 'batch_size', placeholder: 'auto', hint: '"auto" or rows per step' },
  { name: 'hidden_layers', label: 'hidden_layers', placeholder: '32,16', hint: 'encoder widths; the last is the bottleneck' },
  { name: 'learning_rate', label: 'learning_rate', placeholder: '0.001', hint: "Adam's step size" },
  { name: 'patience', label: 'patience', placeholder: '5', hint: 'epochs without improvement before stopping (0: never)' },
  { name: 'validation_fraction', label: 'validation_fraction', placeholder: '0.1', hint: 'rows held out for the validation loss' },
];

const TREES: SettingField[] = [
  { name: 'n_estimators', label: 'n_estimators', placeholder: '100', hint: 'trees' },
  { name: 'max_depth', label: 'max_depth', placeholder: 'none', hint: 'deepest split (empty: grow until pure)' },
  { name: 'min_samples_leaf', label: 'min_samples_leaf', placeholder: '1', hint: 'rows per leaf at least; more gives smoother probabilities' },
  { name: 'class_weight', label: 'class_weight', placeholder: 'none', hint: '"balanced": rare classes weigh more' },
];
/** the forest as a detector: leaves of 3 rows at least (the core's DETECTOR_DEFAULTS) */
const FOREST_TREES = TREES.map((f) => (f.name === 'min_samples_leaf' ? { ...f, placeholder: '3' } : f));
export const CLASSIFIER_NOTE = 'learns every labelled row; threshold on 1 − P(benign) from out-of-fold benign scores';

export const DETECTORS: Record<DetectorId, { label: string; fields: SettingField[]; supervised?: boolean }> = {
  iforest: { label: 'Isolation forest', fields: FOREST },
  ae: { label: 'Dense autoencoder', fields: NETWORK },
  lstm: { label: 'LSTM autoencoder', fields: [...NETWORK, { name: 'timesteps', label: 'timesteps', placeholder: '1', hint: 'window of consecutive flows (1: the original system)' }] },
  ensemble: {
    label: 'Ensemble',
    fields: [
      { name: 'members', label: 'members', placeholder: 'ae,iforest', hint: 'detectors whose normalised scores are fused' },
      { name: 'fusion', label: 'fusion', placeholder: 'mean', hint: '"mean" or "max"' },
      ...NETWORK.filter((f) => ['epochs', 'hidden_layers'].includes(f.name)),
      ...FOREST.filter((f) => ['n_estimators', 'max_samples'].includes(f.name)),
    ],
  },
  kmeans: { label: 'k-means (distance to benign clusters)', fields: [{ name: 'n_clusters', label: 'n_clusters', placeholder: '8', hint: 'clusters of benign traffic' }] },
  random_forest: { label: 'Random forest (classifier)', fields: FOREST_TREES, supervised: true },
  gradient_boosting: {
    label: 'Gradient boosting (classifier)', supervised: true,
    fields: [
      { name: 'n_estimators', label: 'n_estimators', placeholder: '100', hint: 'boosting stages' },
      { name: 'learning_rate', label: 'learning_rate', placeholder: '0.1', hint: 'shrinkage per stage' },
      { name: 'max_depth', label: 'max_depth', placeholder: '3', hint: 'depth of each tree' },
    ],
  },
  decision_tree: { label: 'Decision tree (classifier)', fields: TREES.filter((f) => f.name !== 'n_estimators'), supervised: true },
  logistic_regression: { label: 'Logistic regression (classifier)', fields: [], supervised: true },
  linear_svm: { label: 'Linear SVM (classifier)', fields: [], supervised: true },
  naive_bayes: { label: 'Gaussian naive Bayes (classifier)', fields: [], supervised: true },
  kmeans_classifier: { label: 'k-means, clusters named by class (classifier)', fields: [], supervised: true },
  hybrid: {
    label: 'Hybrid: detector + classifier', supervised: true,
    fields: [
      { name: 'unsupervised', label: 'detector', placeholder: 'ae', hint: 'iforest, ae, lstm or kmeans: flags what was never seen' },
      { name: 'classifier', label: 'classifier', placeholder: 'random_forest', hint: 'names and catches known attacks' },
      ...FOREST_TREES.filter((f) => f.name !== 'class_weight'),
      ...NETWORK.filter((f) => ['epochs', 'hidden_layers'].includes(f.name)),
    ],
  },
};


export const THRESHOLDS = [
  { value: 'p99', label: '99th percentile of held-back benign' },
  { value: 'p99.5', label: '99.5th percentile of held-back benign' },
  { value: 'p95', label: '95th percentile of held-back benign' },
  { value: 'c0.1', label: 'contamination 0.1 of training scores' },
];

/** the filled-in fields only, trimmed */
export function filled(values: Record<string, string>, detector: DetectorId): Record<string, string> {
  const names = new Set(DETECTORS[detector].fields.map((f) => f.name));
  return Object.fromEntries(Object.entries(values).filter(([k, v]) => names.has(k) && v.trim() !== '').map(([k, v]) => [k, v.trim()]));
}
