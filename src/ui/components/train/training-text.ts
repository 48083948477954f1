import type { TrainResult } from '../../lab/lab-api';
import { int } from '../format';

/**
 * What the rows a model was trained on were, after their count: an unsupervised detector's
 * benign rows (some held back for the threshold, or all of them scored out of fold), a
 * classifier's or hybrid's labelled rows (the threshold from out-of-fold or out-of-bag scores
 * of its benign ones), as `npm run evaluate` says it.
 */
export function trainedRowsText(t: TrainResult['training'], supervised: boolean): string {
  const cut = t.cutRows ? `; ${int(t.cutRows)} windows cut short by the end of a capture left out` : '';
  if (supervised)
    return `labelled rows (threshold from ${t.calibration ?? 'out-of-fold'} scores of ${int(t.holdoutRows)} of the ${int(t.benignRows)} benign rows${cut})`;
  const threshold = t.calibration ? `threshold from ${t.calibration} scores of all of them` : `${int(t.holdoutRows)} held back for the threshold`;
  return `benign rows (${threshold}${cut})`;
}
