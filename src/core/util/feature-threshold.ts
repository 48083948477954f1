/**
 * scikit-learn's FEATURE_THRESHOLD (sklearn/tree/_splitter.pyx): values closer than this
 * count as equal, so a node whose feature spans less is constant on it and is not split there.
 */
export const FEATURE_THRESHOLD = 1e-7;
