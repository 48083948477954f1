import type { Matrix } from '../ingest';
import { rocAuc } from '../metrics';
import type { FitOptions } from './detector';
import { IsolationForest, type IsolationForestParams } from './isolation-forest';

/** Values to try per parameter; a parameter left out keeps the forest's default. */
export interface IsolationForestGrid {
  n_estimators?: number[];
  max_samples?: IsolationForestParams['max_samples'][];
  max_features?: number[];
  contamination?: IsolationForestParams['contamination'][];
}

/** The original system's grid. */
export const DEFAULT_GRID: Readonly<Required<IsolationForestGrid>> = {
  n_estimators: [50, 100, 200],
  max_samples: ['auto', 512],
  max_features: [0.5, 0.8, 1.0],
  contamination: [0.05, 0.1],
};

export interface GridSearchOptions extends FitOptions {
  /** the same seed for every combination, so they differ only in their parameters */
  random_state?: number;
  bootstrap?: boolean;
}

export interface GridResult {
  params: IsolationForestParams;
  roc_auc: number;
  /** time to grow the trees; combinations that differ only in contamination share one fit */
  fit_ms: number;
}

export interface GridSearchResult {
  /** best ROC-AUC first; equal AUCs keep the grid's order */
  results: GridResult[];
  best: IsolationForest;
}

/**
 * Fits a forest for every combination on `train` and ranks them by ROC-AUC of their
 * scores on `validation` (y: 1 = attack). Contamination moves only the threshold, not
 * the trees or the scores, so combinations that differ only in it share one set of
 * trees (identical to refitting with the same seed) and have the same AUC.
 */
export async function gridSearchIsolationForest(
  train: Matrix,
  validation: { x: Matrix; y: Uint8Array },
  grid: IsolationForestGrid = DEFAULT_GRID,
  options: GridSearchOptions = {},
): Promise<GridSearchResult> {
  if (validation.x.d !== train.d) throw new Error(`validation has ${validation.x.d} columns, training ${train.d}`);
  if (validation.y.length !== validation.x.n) throw new Error(`validation has ${validation.x.n} rows but ${validation.y.length} labels`);
  const attacks = validation.y.reduce((a, b) => a + (b ? 1 : 0), 0);
  if (attacks === 0 || attacks === validation.y.length) throw new Error('ROC-AUC needs both attack and benign rows in the validation set');
  const nEstimators = grid.n_estimators ?? [100];
  const maxSamples = grid.max_samples ?? ['auto'];
  const maxFeatures = grid.max_features ?? [1.0];
  const contamination = grid.contamination ?? ['auto'];
  const shapes = nEstimators.length * maxSamples.length * maxFeatures.length;
  if (shapes * contamination.length === 0) throw new Error('the grid has no combinations');

  const results: GridResult[] = [];
  let best: { forest: IsolationForest; auc: number } | null = null;
  let done = 0;
  for (const n_estimators of nEstimators) {
    for (const max_samples of maxSamples) {
      for (const max_features of maxFeatures) {
        const forest = new IsolationForest({
          n_estimators,
          max_samples,
          max_features,
          contamination: 'auto',
          random_state: options.random_state ?? 0,
          bootstrap: options.bootstrap ?? false,
        });
        const t0 = performance.now();
        await forest.fit(train, { signal: options.signal });
        const fit_ms = performance.now() - t0;
        const roc_auc = rocAuc(forest.scoreSync(validation.x), validation.y);
        // training scores only where a contamination needs its quantile
        const trainScores = contamination.some((c) => c !== 'auto') ? forest.scoreSync(train) : new Float32Array(0);
        for (const c of contamination) {
          const variant = forest.withContamination(c, trainScores);
          results.push({ params: { ...variant.params }, roc_auc, fit_ms });
          if (!best || roc_auc > best.auc) best = { forest: variant, auc: roc_auc };
        }
        options.progress?.({ stage: 'grid', done: ++done, total: shapes });
      }
    }
  }
  // Array.prototype.sort is stable, so ties keep the grid's order
  results.sort((a, b) => b.roc_auc - a.roc_auc);
  return { results, best: best!.forest };
}
