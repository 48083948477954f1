import { linearEdges, logEdges } from './histogram';

/**
 * Held-out scores per class as histograms, so a threshold can move without rescoring.
 *
 * A row is flagged when its score is above the threshold (`verdicts`: score > t). The
 * bins match that rule: bin i holds edges[i] < s ≤ edges[i+1], and edges[0] lies just
 * below the lowest score. At a threshold on an edge the counts above it are exact; the
 * calibrated threshold is made an edge, and the slider moves from edge to edge.
 */
export interface ScoreDistributions {
  /** bin i holds edges[i] < score ≤ edges[i+1] (flagged = score > threshold), so counts above an edge are exact */
  edges: number[];
  classes: { name: string; benign: boolean; family?: string; counts: number[] }[];
  threshold: number;
}

export interface ClassMeta {
  name: string;
  benign: boolean;
  /** attack family ("DDoS", "Recon", …), for grouping in a chart */
  family?: string;
}

export interface WhatIf {
  threshold: number;
  /** attack rows above the threshold */
  tp: number;
  fn: number;
  /** benign rows above the threshold */
  fp: number;
  tn: number;
  /** tp / attack rows; NaN without attack rows */
  recall: number;
  /** fp / benign rows; NaN without benign rows */
  fpr: number;
  /** tp / flagged; NaN when nothing is flagged */
  precision: number;
  /** whether the threshold sits on an edge (exact) or inside a bin (interpolated) */
  exact: boolean;
}

/**
 * Histograms of `scores` per class (`classIndex` into `classes`; rows with −1 are left out).
 * Edges are log-spaced when the scores are positive and span over two decades
 * (reconstruction errors), else linear; the threshold is inserted as an edge.
 */
export function scoreDistributions(
  scores: ArrayLike<number>,
  classIndex: ArrayLike<number>,
  classes: readonly ClassMeta[],
  threshold: number,
  /** fine bins: the slider's steps (a chart may draw them merged) */
  bins = 400,
): ScoreDistributions {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (s - s !== 0) continue;
    if (s < min) min = s;
    if (s > max) max = s;
  }
  if (!(min <= max)) min = max = Number.isFinite(threshold) ? threshold : 0;
  const lo = Math.min(min, Number.isFinite(threshold) ? threshold : min);
  const hi = Math.max(max, Number.isFinite(threshold) ? threshold : max);
  const spread = hi - lo || Math.abs(hi) || 1;
  const below = lo - spread * 1e-6; // just below the lowest score: every score is above edges[0]
  const edges = lo > 0 && hi / lo > 100 ? logEdges(lo, hi, bins) : linearEdges(lo, hi, bins);
  edges[0] = Math.min(edges[0], below);
  if (Number.isFinite(threshold)) insertEdge(edges, threshold);

  const counts = classes.map(() => new Array<number>(edges.length - 1).fill(0));
  for (let i = 0; i < scores.length; i++) {
    const c = classIndex[i];
    if (c < 0 || c >= classes.length) continue;
    counts[c][scoreBin(edges, scores[i])]++;
  }
  return { edges, classes: classes.map((m, c) => ({ ...m, counts: counts[c] })), threshold };
}

/** bin of a score under the (edges[i], edges[i+1]] rule; non-finite scores go to the ends */
export function scoreBin(edges: ArrayLike<number>, s: number): number {
  const last = edges.length - 2;
  if (!(s > edges[1])) return 0; // also NaN and −∞
  if (s > edges[last]) return last;
  // the largest i with edges[i] < s, between 1 and last − 1
  let lo = 1;
  let hi = last - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (edges[mid] < s) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function insertEdge(edges: number[], t: number): void {
  for (let i = 0; i < edges.length; i++) {
    if (edges[i] === t) return;
    if (edges[i] > t) {
      edges.splice(i, 0, t);
      return;
    }
  }
}

/**
 * Recall, false-positive rate and precision at `threshold`, from the histograms alone.
 * Exact on an edge; inside a bin, the bin's rows are taken as spread evenly across it.
 */
export function whatIf(dist: ScoreDistributions, threshold: number): WhatIf {
  const { edges } = dist;
  let above = { benign: 0, attack: 0 };
  const total = { benign: 0, attack: 0 };
  let exact = false;
  for (const cls of dist.classes) {
    const side = cls.benign ? 'benign' : 'attack';
    for (let b = 0; b < cls.counts.length; b++) {
      const n = cls.counts[b];
      if (n === 0) continue;
      total[side] += n;
      const lo = edges[b];
      const hi = edges[b + 1];
      if (threshold <= lo) above[side] += n;
      else if (threshold < hi) above[side] += (n * (hi - threshold)) / (hi - lo);
    }
  }
  for (const e of edges) if (e === threshold) exact = true;
  if (threshold < edges[0] || threshold >= edges[edges.length - 1]) exact = true;
  if (exact) above = { benign: Math.round(above.benign), attack: Math.round(above.attack) };
  const tp = above.attack;
  const fp = above.benign;
  return {
    threshold,
    tp,
    fn: total.attack - tp,
    fp,
    tn: total.benign - fp,
    recall: total.attack ? tp / total.attack : NaN,
    fpr: total.benign ? fp / total.benign : NaN,
    precision: tp + fp ? tp / (tp + fp) : NaN,
    exact,
  };
}
