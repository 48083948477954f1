/**
 * The detectors' default settings as plain data, with no model code behind them: the page
 * shows them as its settings' placeholders without loading TensorFlow.js, and the
 * detectors start from the same objects (typed there), so the two cannot drift apart.
 */

/** scikit-learn's IsolationForest defaults */
export const ISOLATION_FOREST_DEFAULTS = {
  n_estimators: 100,
  max_samples: 'auto',
  max_features: 1.0,
  contamination: 'auto',
  random_state: 0,
  bootstrap: false,
} as const;

/** The settings of the system this lab reproduces. */
export const ORIGINAL_SYSTEM_PRESET = {
  n_estimators: 100,
  max_samples: 'auto',
  max_features: 0.8,
  contamination: 0.1,
} as const;

/** the dense autoencoder's (and the LSTM's, but for its activation) */
export const RECONSTRUCTION_DEFAULTS = {
  hidden_layers: [32, 16] as readonly number[],
  activation: 'relu',
  epochs: 40,
  batch_size: 'auto',
  learning_rate: 1e-3,
  validation_fraction: 0.1,
  patience: 5,
  random_state: 0,
  dropout: 0,
  l2: 0,
} as const;

export const LSTM_DEFAULTS = {
  ...RECONSTRUCTION_DEFAULTS,
  // Keras' LSTM default; relu inside a recurrence can blow up over long windows
  activation: 'tanh',
  timesteps: 1,
} as const;
