/**
 * Nearest neighbours by brute force (squared Euclidean distance, float64 sums) over a
 * pool of rows, found per query row when first asked and then cached. SMOTE only asks
 * about the rows it draws, so a class costs (distinct rows drawn) × pool × d, not pool² × d.
 */
import type { Matrix } from '../ingest';

export class NeighbourCache {
  private readonly found = new Map<number, Uint32Array>();

  constructor(
    private readonly x: Matrix,
    private readonly pool: Uint32Array,
    private readonly k: number,
  ) {
    if (!(k >= 1 && k < pool.length)) throw new RangeError(`cannot find ${k} neighbours in a pool of ${pool.length} rows`);
  }

  /** The k pool rows nearest to `row`, nearest first, never `row` itself (ties: earlier pool rows first). */
  of(row: number): Uint32Array {
    let near = this.found.get(row);
    if (!near) {
      near = this.search(row);
      this.found.set(row, near);
    }
    return near;
  }

  private search(row: number): Uint32Array {
    const { d, data } = this.x;
    const k = this.k;
    const best = new Float64Array(k).fill(Infinity);
    const idx = new Uint32Array(k);
    const q = row * d;
    for (const p of this.pool) {
      if (p === row) continue;
      const o = p * d;
      let dist = 0;
      for (let j = 0; j < d && dist < best[k - 1]; j++) {
        const diff = data[q + j] - data[o + j];
        dist += diff * diff;
      }
      if (dist >= best[k - 1]) continue;
      let at = k - 1;
      for (; at > 0 && best[at - 1] > dist; at--) {
        best[at] = best[at - 1];
        idx[at] = idx[at - 1];
      }
      best[at] = dist;
      idx[at] = p;
    }
    return idx;
  }
}
