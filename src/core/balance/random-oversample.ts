/**
 * imbalanced-learn's RandomOverSampler: each class is topped up with copies of its own
 * rows, drawn uniformly with replacement. No new values, only duplicates.
 */
import { takeRows, type Matrix } from '../ingest';
import { appendRows, planResampling, RESAMPLE_DEFAULTS, type Balanced, type ResampleParams } from './resample';

export function randomOversample(x: Matrix, y: Int32Array, k: number, params: Partial<ResampleParams> = {}): Balanced {
  const { byClass, add, random } = planResampling(x, y, k, { ...RESAMPLE_DEFAULTS, ...params });
  const added = [];
  for (let c = 0; c < k; c++) {
    if (add[c] <= 0) continue;
    const rows = byClass[c];
    const picks = new Uint32Array(add[c]);
    for (let s = 0; s < picks.length; s++) picks[s] = rows[random.int(rows.length)];
    added.push({ cls: c, x: takeRows(x, picks) });
  }
  return appendRows(x, y, added, []);
}
