/**
 * Turning per-class scores (n × k, row-major) into the probabilities a `Classifier`
 * returns.
 */

/**
 * Row-wise softmax in place: exp(s − logsumexp(s)), shifted by the row's maximum so
 * nothing overflows. A score of −Infinity gets probability 0.
 */
export function softmaxRows(scores: Float32Array, n: number, k: number): void {
  for (let i = 0; i < n; i++) {
    const row = i * k;
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, scores[row + c]);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += scores[row + c] = Math.exp(scores[row + c] - max);
    for (let c = 0; c < k; c++) scores[row + c] /= sum;
  }
}

/** n × k probabilities that put all the weight on each row's label. */
export function oneHotRows(labels: Int32Array, k: number): Float32Array {
  const out = new Float32Array(labels.length * k);
  for (let i = 0; i < labels.length; i++) out[i * k + labels[i]] = 1;
  return out;
}
