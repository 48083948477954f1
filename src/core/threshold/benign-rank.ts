import { quantile } from '../util';

/**
 * A detector's score put on the scale of benign traffic: the share of benign calibration
 * rows scoring at or below it (0…1), so scores of different detectors can be compared
 * and fused. Past the highest benign score it keeps rising (1…2, by how far past it is
 * relative to the benign spread), so attacks stay ranked among themselves.
 * Kept as `KNOTS` + 1 quantiles of the benign scores: small, plain JSON.
 */
export interface BenignRank {
  /** ascending quantiles 0, 1/K, …, 1 of the benign calibration scores */
  knots: number[];
}

const KNOTS = 200;

export function fitBenignRank(benignScores: ArrayLike<number>): BenignRank {
  const sorted = Float64Array.from(benignScores)
    .filter((v) => v === v)
    .sort();
  if (sorted.length === 0) throw new Error('no benign scores to put other scores on their scale');
  return { knots: Array.from({ length: KNOTS + 1 }, (_, i) => quantile(sorted, i / KNOTS)) };
}

/** `scores` on the benign scale, in place into `out` (which may be `scores`). */
export function benignRank<T extends Float32Array>(rank: BenignRank, scores: ArrayLike<number>, out: T): T {
  const k = rank.knots;
  const last = k.length - 1;
  const top = k[last];
  const spread = top - k[Math.floor(last / 2)] || Math.abs(top) || 1;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (s !== s) out[i] = NaN;
    else if (s >= top) {
      const past = (s - top) / spread;
      out[i] = 1 + past / (1 + past);
    } else if (s < k[0]) out[i] = 0;
    else {
      // the last knot ≤ s, then linear between it and the next
      let lo = 0;
      let hi = last;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (k[mid] <= s) lo = mid;
        else hi = mid;
      }
      const width = k[hi] - k[lo];
      out[i] = (lo + (width > 0 ? (s - k[lo]) / width : 1)) / last;
    }
  }
  return out;
}
