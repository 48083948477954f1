/**
 * imbalanced-learn's SMOTE (Chawla et al. 2002): each added row takes a random row of
 * the class, one of its k_neighbors nearest same-class rows (Euclidean, itself excluded)
 * and a point at a uniform gap in [0, 1) along the segment between them.
 *
 * Departures, each reported in `notes`: a class of one row is duplicated (there is no
 * segment to draw on; imbalanced-learn raises instead); k_neighbors is lowered to the
 * class size − 1 where the class is smaller; and in a class of more than
 * MAX_NEIGHBOUR_POOL rows the neighbours are searched among a random MAX_NEIGHBOUR_POOL of
 * them, which keeps the brute-force search bounded at the price of somewhat longer
 * segments (a row's nearest pool rows are not always its nearest class rows).
 */
import { takeRows, type Matrix } from '../ingest';
import type { Random } from '../util';
import { NeighbourCache } from './neighbours';
import { appendRows, planResampling, RESAMPLE_DEFAULTS, type Balanced, type ResampleParams } from './resample';

export interface SmoteParams extends ResampleParams {
  k_neighbors: number;
}

export const SMOTE_DEFAULTS: Readonly<SmoteParams> = { ...RESAMPLE_DEFAULTS, k_neighbors: 5 };

/** neighbour candidates per class; beyond it the pool is a random sample of the class */
export const MAX_NEIGHBOUR_POOL = 4096;

export function smote(x: Matrix, y: Int32Array, k: number, params: Partial<SmoteParams> = {}): Balanced {
  const p = { ...SMOTE_DEFAULTS, ...params };
  if (!(Number.isInteger(p.k_neighbors) && p.k_neighbors >= 1)) throw new RangeError(`k_neighbors must be a positive integer, got ${p.k_neighbors}`);
  const { byClass, add, random } = planResampling(x, y, k, p);
  const notes: string[] = [];
  const added = [];
  for (let c = 0; c < k; c++) {
    if (add[c] <= 0) continue;
    const rows = byClass[c];
    if (rows.length === 1) {
      notes.push(`class ${c} has a single row: duplicated it ${add[c]} times instead of interpolating`);
      added.push({ cls: c, x: takeRows(x, new Uint32Array(add[c]).fill(rows[0])) });
      continue;
    }
    const kn = Math.min(p.k_neighbors, rows.length - 1);
    if (kn < p.k_neighbors) notes.push(`class ${c} has ${rows.length} rows: k_neighbors lowered from ${p.k_neighbors} to ${kn}`);
    let pool = rows;
    if (rows.length > MAX_NEIGHBOUR_POOL) {
      pool = random.sample(rows.length, MAX_NEIGHBOUR_POOL).map((i) => rows[i]);
      notes.push(`class ${c} has ${rows.length} rows: neighbours searched among a random ${MAX_NEIGHBOUR_POOL} of them`);
    }
    added.push({ cls: c, x: interpolate(x, rows, new NeighbourCache(x, pool, kn), kn, add[c], random) });
  }
  return appendRows(x, y, added, notes);
}

function interpolate(x: Matrix, rows: Uint32Array, neighbours: NeighbourCache, kn: number, n: number, random: Random): Matrix {
  const { d, data } = x;
  const out = new Float32Array(n * d);
  for (let s = 0; s < n; s++) {
    const base = rows[random.int(rows.length)];
    const other = neighbours.of(base)[random.int(kn)];
    const gap = random.next();
    for (let j = 0; j < d; j++) {
      const a = data[base * d + j];
      out[s * d + j] = a + gap * (data[other * d + j] - a);
    }
  }
  return { n, d, data: out };
}
