/**
 * Principal axes of a set of rows: the eigenvectors of their covariance, largest variance
 * first, by cyclic Jacobi rotations (exact to rounding for the few dozen columns a flow
 * row has; the cost, d³ per sweep, is nothing beside the rows').
 */
export interface PrincipalAxes {
  mean: Float64Array;
  /** d axes of d values each, row-major: axes[a * d + j] */
  axes: Float64Array;
  /** the variance along each axis, descending */
  variance: Float64Array;
}

const MAX_SWEEPS = 50;

export function principalAxes(rows: Float64Array, n: number, d: number): PrincipalAxes {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += rows[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const a = new Float64Array(d * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) {
      const cj = rows[i * d + j] - mean[j];
      for (let l = j; l < d; l++) a[j * d + l] += cj * (rows[i * d + l] - mean[l]);
    }
  for (let j = 0; j < d; j++) for (let l = j; l < d; l++) a[l * d + j] = a[j * d + l] /= n;
  // v's columns become the eigenvectors
  const v = new Float64Array(d * d);
  for (let j = 0; j < d; j++) v[j * d + j] = 1;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < d; p++) {
      diag += a[p * d + p] ** 2;
      for (let q = p + 1; q < d; q++) off += a[p * d + q] ** 2;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < d; p++)
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        if (apq === 0) continue;
        const theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p];
          const akq = a[k * d + q];
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k];
          const aqk = a[q * d + k];
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p];
          const vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
  }
  const byVariance = Array.from({ length: d }, (_, j) => j).sort((x, y) => a[y * d + y] - a[x * d + x]);
  const axes = new Float64Array(d * d);
  byVariance.forEach((col, i) => {
    for (let k = 0; k < d; k++) axes[i * d + k] = v[k * d + col];
  });
  return { mean, axes, variance: Float64Array.from(byVariance, (col) => a[col * d + col]) };
}
