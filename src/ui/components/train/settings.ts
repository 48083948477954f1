/**
 * The Train view's settings per detector, with the names the CLI and the detectors use
 * (scikit-learn's for the forest, Keras' for the autoencoders) and their defaults. An
 * empty field means "the default".
 */
import type { ModelKind } from '../../../core/detectors';
// the plain-data module, not the detectors' face: the page must not load TensorFlow.js
import { LSTM_DEFAULTS, ORIGINAL_SYSTEM_PRESET as IFOREST, RECONSTRUCTION_DEFAULTS as AE } from '../../../core/detectors/defaults';

export type DetectorId = ModelKind;

export interface SettingField {
  name: string;
  label: string;
  /** the detector's default, shown as the placeholder */
  placeholder: string;
  hint: string;
}

/** a default as a field shows it: lists comma-separated, as they are typed */
const shown = (v: number | string | boolean | readonly number[]) => (Array.isArray(v) ? v.join(',') : String(v));

// the forest's `contamination` is not offered: verdicts come from the threshold below
// ("contamination 0.1 of training scores" is scikit-learn's meaning of it)
const FOREST: SettingField[] = [
  { name: 'n_estimators', label: 'n_estimators', placeholder: shown(IFOREST.n_estimators), hint: 'trees in the forest' },
  { name: 'max_samples', label: 'max_samples', placeholder: shown(IFOREST.max_samples), hint: '"auto" (256), a fraction, or a row count per tree' },
  { name: 'max_features', label: 'max_features', placeholder: shown(IFOREST.max_features), hint: 'share of the columns per tree' },
  { name: 'bootstrap', label: 'bootstrap', placeholder: 'false', hint: '"true": each tree draws its rows with replacement' },
];

const NETWORK: SettingField[] = [
  { name: 'epochs', label: 'epochs', placeholder: shown(AE.epochs), hint: 'at most; early stopping may end sooner' },
  { name: 'batch_size', label: 'batch_size', placeholder: shown(AE.batch_size), hint: '"auto" or rows per step' },
  { name: 'hidden_layers', label: 'hidden_layers', placeholder: shown(AE.hidden_layers), hint: 'encoder widths; the last is the bottleneck' },
  { name: 'learning_rate', label: 'learning_rate', placeholder: shown(AE.learning_rate), hint: "Adam's step size" },
  { name: 'patience', label: 'patience', placeholder: shown(AE.patience), hint: 'epochs without improvement before stopping (0: never)' },
  { name: 'validation_fraction', label: 'validation_fraction', placeholder: shown(AE.validation_fraction), hint: 'rows held out for the validation loss' },
  { name: 'dropout', label: 'dropout', placeholder: shown(AE.dropout), hint: 'share of units dropped while training, in [0, 1)' },
  { name: 'l2', label: 'l2', placeholder: shown(AE.l2), hint: 'weight penalty (0: none)' },
  { name: 'activation', label: 'activation', placeholder: shown(AE.activation), hint: "hidden layers' activation, e.g. relu, tanh, elu" },
];

const TREES: SettingField[] = [
  { name: 'n_estimators', label: 'n_estimators', placeholder: '100', hint: 'trees' },
  { name: 'max_depth', label: 'max_depth', placeholder: 'none', hint: 'deepest split (empty: grow until pure)' },
  { name: 'min_samples_leaf', label: 'min_samples_leaf', placeholder: '1', hint: 'rows per leaf at least; more gives smoother probabilities' },
  { name: 'class_weight', label: 'class_weight', placeholder: 'none', hint: '"balanced": rare classes weigh more' },
];
/** the forest as a detector: leaves of 3 rows at least, half the features per split (the core's DETECTOR_DEFAULTS) */
const FOREST_TREES: SettingField[] = [
  ...TREES.map((f) => (f.name === 'min_samples_leaf' ? { ...f, placeholder: '3' } : f)),
  { name: 'max_features', label: 'max_features', placeholder: '0.5', hint: 'features tried per split: a share, a count, sqrt or log2' },
];
const N_CLUSTERS: SettingField = { name: 'n_clusters', label: 'n_clusters', placeholder: '8', hint: 'clusters of benign traffic (k-means)' };
const N_NEIGHBORS: SettingField = {
  name: 'n_neighbors',
  label: 'n_neighbors',
  placeholder: '5',
  hint: 'the score is the distance to the k-th nearest benign row (k nearest neighbours)',
};
export const CLASSIFIER_NOTE = 'learns every labelled row; threshold on 1 − P(benign) from out-of-fold benign scores (a random forest: out-of-bag)';

export const DETECTORS: Record<DetectorId, { label: string; fields: SettingField[]; supervised?: boolean }> = {
  iforest: { label: 'Isolation forest', fields: FOREST },
  ae: { label: 'Dense autoencoder', fields: NETWORK },
  lstm: {
    label: 'LSTM autoencoder',
    fields: [
      ...NETWORK.map((f) => (f.name === 'activation' ? { ...f, placeholder: shown(LSTM_DEFAULTS.activation) } : f)),
      { name: 'timesteps', label: 'timesteps', placeholder: shown(LSTM_DEFAULTS.timesteps), hint: 'window of consecutive flows (1: the original system)' },
    ],
  },
  ensemble: {
    label: 'Ensemble',
    fields: [
      { name: 'members', label: 'members', placeholder: 'ae,iforest', hint: 'detectors whose benign ranks are fused' },
      {
        name: 'fusion',
        label: 'fusion',
        placeholder: 'auto',
        hint: '"auto" (the mean, the max or one member: whichever finds most training attacks), "mean" or "max"',
      },
      ...NETWORK.filter((f) => ['epochs', 'hidden_layers'].includes(f.name)),
      ...FOREST.filter((f) => ['n_estimators', 'max_samples'].includes(f.name)),
      N_NEIGHBORS,
      N_CLUSTERS,
    ],
  },
  kmeans: { label: 'k-means (distance to benign clusters)', fields: [N_CLUSTERS] },
  knn: { label: 'k nearest neighbours (distance to benign rows)', fields: [N_NEIGHBORS] },
  random_forest: { label: 'Random forest (classifier)', fields: FOREST_TREES, supervised: true },
  gradient_boosting: {
    label: 'Gradient boosting (classifier)',
    supervised: true,
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
    label: 'Hybrid: detector + classifier',
    supervised: true,
    fields: [
      { name: 'unsupervised', label: 'detector', placeholder: 'knn', hint: 'iforest, ae, lstm, kmeans or knn: flags what was never seen' },
      { name: 'classifier', label: 'classifier', placeholder: 'random_forest', hint: 'names and catches known attacks' },
      N_NEIGHBORS,
      ...FOREST_TREES.filter((f) => f.name !== 'class_weight'),
      ...NETWORK.filter((f) => ['epochs', 'hidden_layers'].includes(f.name)),
      N_CLUSTERS,
    ],
  },
};

export const THRESHOLDS = [
  { value: 'p99', label: '99th percentile of held-back benign' },
  { value: 'p99.5', label: '99.5th percentile of held-back benign' },
  { value: 'p98', label: '98th percentile of held-back benign (2 % false positives)' },
  { value: 'p95', label: '95th percentile of held-back benign' },
  { value: 'c0.1', label: 'contamination 0.1 of training scores' },
];

/** the filled-in fields only, trimmed */
export function filled(values: Record<string, string>, detector: DetectorId): Record<string, string> {
  const names = new Set(DETECTORS[detector].fields.map((f) => f.name));
  return Object.fromEntries(
    Object.entries(values)
      .filter(([k, v]) => names.has(k) && v.trim() !== '')
      .map(([k, v]) => [k, v.trim()]),
  );
}
