import type { Classifier, ClassifierJSON } from './classifier';
import { DecisionTreeClassifier } from './decision-tree';
import { GradientBoostingClassifier } from './gradient-boosting';
import { KMeans } from './k-means';
import { LinearSVC } from './linear-svm';
import { LogisticRegression } from './logistic-regression';
import { GaussianNB } from './naive-bayes';
import { RandomForestClassifier } from './random-forest';

/** The models of the comparison, by the names the report and the JSON use. */
export const MODEL_NAMES = ['random_forest', 'decision_tree', 'gradient_boosting', 'logistic_regression', 'linear_svm', 'naive_bayes', 'kmeans'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** scikit-learn's default settings for each (overridden by `params`, scikit-learn's names), with the seed where the model has one. */
export function createClassifier(name: ModelName, seed = 0, params: Record<string, unknown> = {}): Classifier {
  switch (name) {
    case 'random_forest':
      return new RandomForestClassifier({ random_state: seed, ...params });
    case 'decision_tree':
      return new DecisionTreeClassifier({ random_state: seed, ...params });
    case 'gradient_boosting':
      return new GradientBoostingClassifier({ random_state: seed, ...params });
    case 'logistic_regression':
      return new LogisticRegression({ ...params });
    case 'linear_svm':
      return new LinearSVC({ random_state: seed, ...params });
    case 'naive_bayes':
      return new GaussianNB({ ...params });
    case 'kmeans':
      return new KMeans({ random_state: seed, ...params });
    default:
      throw new Error(`unknown model "${name as string}": use one of ${MODEL_NAMES.join(', ')}`);
  }
}

export function loadClassifier(json: ClassifierJSON): Classifier {
  switch (json.kind) {
    case 'forest':
      return RandomForestClassifier.fromJSON(json);
    case 'tree':
      return DecisionTreeClassifier.fromJSON(json);
    case 'gbt':
      return GradientBoostingClassifier.fromJSON(json);
    case 'logistic':
      return LogisticRegression.fromJSON(json);
    case 'svm':
      return LinearSVC.fromJSON(json);
    case 'gnb':
      return GaussianNB.fromJSON(json);
    case 'kmeans':
      return KMeans.fromJSON(json);
    default:
      throw new Error(`unknown classifier kind "${json.kind}" in the model file`);
  }
}
