import { quantile } from '../util';

/** Summary statistics of one column's values (all finite), from one sort. */
export interface ColumnStats {
  min: number;
  max: number;
  mean: number;
  std: number;
  median: number;
  p01: number;
  p25: number;
  p75: number;
  /** sample skewness; 0 for constant columns */
  skew: number;
}

export function robustStats(values: Float64Array): ColumnStats {
  const n = values.length;
  if (n === 0) throw new Error('no values');
  const sorted = Float64Array.from(values).sort();
  let mean = 0;
  for (let i = 0; i < n; i++) mean += sorted[i];
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const d = sorted[i] - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  const variance = m2 / n;
  const std = Math.sqrt(variance);
  return {
    min: sorted[0],
    max: sorted[n - 1],
    mean,
    std,
    median: quantile(sorted, 0.5),
    p01: quantile(sorted, 0.01),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    skew: std > 0 ? m3 / n / (variance * std) : 0,
  };
}
