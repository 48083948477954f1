/**
 * Supervised models with scikit-learn's names and semantics (`Classifier`: fit, predict,
 * predictProba, toJSON), made and loaded by name through the registry.
 */
export { argmaxRows, type Classifier, type ClassifierJSON } from './classifier';
export { createClassifier, loadClassifier, MODEL_NAMES, type ModelName } from './registry';
export { setForestThreads, serveForestTask, type ForestReply, type ForestTask, type ForestThread, type ForestThreads } from './forest-threads';
export { DEFAULT_FOREST_PARAMS, RandomForestClassifier, type RandomForestClassifierJSON, type RandomForestClassifierParams } from './random-forest';
export {
  DecisionTreeClassifier,
  DEFAULT_TREE_PARAMS,
  type ClassWeight,
  type DecisionTreeClassifierJSON,
  type DecisionTreeClassifierParams,
  type MaxFeatures,
} from './decision-tree';
export {
  DEFAULT_GBT_PARAMS,
  GradientBoostingClassifier,
  type GradientBoostingClassifierJSON,
  type GradientBoostingClassifierParams,
} from './gradient-boosting';
export { DEFAULT_GNB_PARAMS, GaussianNB, type GaussianNBJSON, type GaussianNBParams } from './naive-bayes';
export { DEFAULT_LOGISTIC_PARAMS, LogisticRegression, type LogisticRegressionJSON, type LogisticRegressionParams } from './logistic-regression';
export { DEFAULT_SVC_PARAMS, LinearSVC, type LinearSVCJSON, type LinearSVCParams } from './linear-svm';
export { DEFAULT_KMEANS_PARAMS, KMeans, type KMeansJSON, type KMeansParams } from './k-means';
