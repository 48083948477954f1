import { describe, expect, it } from 'vitest';
import { ScanSearch, TreeSearch } from '../../src/core/detectors';
import { DatasetReader, concatRows, type Matrix } from '../../src/core/ingest';
import { principalAxes } from '../../src/core/detectors/principal-axes';
import { shared } from './sources';

/** the k-th smallest squared distance, every distance summed in column order and fully sorted */
function fullSort(ref: Float32Array, n: number, x: Float32Array, at: number, d: number, k: number): number {
  const all = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const diff = x[at + j] - ref[r * d + j];
      s += diff * diff;
    }
    all[r] = s;
  }
  all.sort();
  return k <= n ? all[k - 1] : Infinity;
}

/** the file's rows whose values are all finite (the reader keeps an inf cell as it is) */
async function finiteRows(name: string): Promise<Matrix> {
  const parts: Matrix[] = [];
  for await (const b of new DatasetReader(shared(name)).batches()) parts.push(b);
  const x = concatRows(parts);
  const keep = [...Array(x.n).keys()].filter((i) => x.data.subarray(i * x.d, (i + 1) * x.d).every(Number.isFinite));
  const data = new Float32Array(keep.length * x.d);
  keep.forEach((r, i) => data.set(x.data.subarray(r * x.d, (r + 1) * x.d), i * x.d));
  return { n: keep.length, d: x.d, data };
}

/** every `step`-th row of x, columns scaled as z-scores of the first `n` rows when asked */
function pick(x: Matrix, from: number, count: number, step: number, scale: { mean: number[]; sd: number[] } | null): Float32Array {
  const out = new Float32Array(count * x.d);
  for (let i = 0; i < count; i++)
    for (let j = 0; j < x.d; j++) {
      const v = x.data[(from + i * step) * x.d + j];
      out[i * x.d + j] = scale ? (v - scale.mean[j]) / scale.sd[j] : v;
    }
  return out;
}

describe('k-th nearest neighbour search', () => {
  it('the k-d tree and the scan give the k-th distance of a full sort, bit for bit, on real flow rows raw and scaled', async () => {
    const x = await finiteRows('ciciomt2024_v2_39feat_sample.csv');
    const n = 1_500;
    const d = x.d;
    const raw = pick(x, 0, n, 1, null);
    const mean = Array.from({ length: d }, (_, j) => raw.filter((_, i) => i % d === j).reduce((a, v) => a + v, 0) / n);
    const sd = mean.map((m, j) => Math.sqrt(raw.filter((_, i) => i % d === j).reduce((a, v) => a + (v - m) ** 2, 0) / n) || 1);
    for (const scale of [null, { mean, sd }]) {
      // the reference rows hold repeats (the first 200 twice): the k-th counts each copy
      const ref = new Float32Array((n + 200) * d);
      ref.set(pick(x, 0, n, 1, scale));
      ref.set(pick(x, 0, 200, 1, scale), n * d);
      // queries spread over the file: reference rows, unseen rows of the same kinds, attacks
      const queries = pick(x, 0, 250, Math.floor(x.n / 250), scale);
      const tree = new TreeSearch(ref, n + 200, d);
      const scan = new ScanSearch(ref, n + 200, d);
      expect(tree.distinct).toBeLessThanOrEqual(n);
      for (const k of [1, 5, 12]) {
        for (let i = 0; i < 250; i++) {
          const expected = fullSort(ref, n + 200, queries, i * d, d, k);
          expect(tree.kthSquared(queries, i * d, k)).toBe(expected);
          expect(scan.kthSquared(queries, i * d, k)).toBe(expected);
        }
      }
    }
  });

  it('counts repeats, answers Infinity past the rows it has, and hands rows it cannot order to the scan', () => {
    // three rows, the first four times
    const ref = Float32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 3, 4, 6, 8]);
    const tree = new TreeSearch(ref, 6, 2);
    expect(tree.distinct).toBe(3);
    const q = Float32Array.from([0, 0]);
    expect([1, 4, 5, 6, 7].map((k) => tree.kthSquared(q, 0, k))).toEqual([0, 0, 25, 100, Infinity]);
    const odd = Float32Array.from([NaN, 1, Infinity, 0]);
    const scan = new ScanSearch(ref, 6, 2);
    for (const at of [0, 2]) expect(Object.is(tree.kthSquared(odd, at, 2), scan.kthSquared(odd, at, 2))).toBe(true);
  });

  it('finds orthonormal principal axes, largest variance first', () => {
    // points along (1, 1, 0) with a little spread along (1, −1, 0)
    const pts = new Float64Array(300);
    for (let i = 0; i < 100; i++) pts.set([i + 0.1 * (i % 3), i - 0.1 * (i % 3), 7], i * 3);
    const { axes, variance } = principalAxes(pts, 100, 3);
    expect(Math.abs(axes[0] * Math.SQRT1_2 + axes[1] * Math.SQRT1_2)).toBeCloseTo(1, 6);
    expect(variance[0]).toBeGreaterThan(variance[1]);
    expect(variance[2]).toBeCloseTo(0, 12);
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++)
        expect(axes[a * 3] * axes[b * 3] + axes[a * 3 + 1] * axes[b * 3 + 1] + axes[a * 3 + 2] * axes[b * 3 + 2]).toBeCloseTo(a === b ? 1 : 0, 12);
  });
});
