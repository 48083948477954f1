import type { Batch } from '../ingest';
import { Random } from '../util';
import { binOf, linearEdges, logEdges } from './histogram';

/**
 * What the Data view shows about a reading's features, benign against attack, built in
 * two streaming passes over the batches (never the rows themselves kept, except a
 * bounded sample per class for the scatter):
 *   1. `RangeScan`: each column's finite min and max, and a reservoir sample of rows per class;
 *   2. `HistogramScan`: each column's benign and attack counts on shared edges from pass 1.
 * Every value lands in exactly one place: a bin, or the missing / +∞ / −∞ tally of its
 * side, so a side's bins and tallies add up to its rows.
 */

export type Side = 'benign' | 'attack';

export interface NonFinite {
  missing: number;
  posInf: number;
  negInf: number;
}

export interface ColumnRange {
  min: number;
  max: number;
}

/** per class index: is it benign? (−1, an unlabelled row, counts as neither) */
export type IsBenign = (classIndex: number) => boolean;

export class RangeScan {
  readonly min: Float64Array;
  readonly max: Float64Array;
  /** rows per class index */
  readonly classRows: number[] = [];
  private readonly samples: ClassReservoir[] = [];
  private readonly random: Random;

  constructor(
    readonly d: number,
    /** rows kept per class for the scatter */
    readonly perClass = 1000,
    seed = 0,
  ) {
    this.min = new Float64Array(d).fill(Infinity);
    this.max = new Float64Array(d).fill(-Infinity);
    this.random = new Random(seed);
  }

  add(batch: Batch): void {
    const { d, data, classIndex } = batch;
    for (let i = 0; i < batch.n; i++) {
      const row = i * d;
      for (let j = 0; j < d; j++) {
        const v = data[row + j];
        if (v - v !== 0) continue; // NaN and ±∞
        if (v < this.min[j]) this.min[j] = v;
        if (v > this.max[j]) this.max[j] = v;
      }
      const c = classIndex[i];
      if (c < 0) continue;
      while (this.classRows.length <= c) this.classRows.push(0);
      this.classRows[c]++;
      (this.samples[c] ??= new ClassReservoir(d, this.perClass)).offer(data, row, this.random);
    }
  }

  /** the finite range of column j; null when it holds no finite value */
  range(j: number): ColumnRange | null {
    return this.min[j] <= this.max[j] ? { min: this.min[j], max: this.max[j] } : null;
  }

  /** the kept rows of class c (row-major, d columns) */
  sample(c: number): Float32Array {
    return this.samples[c]?.rows() ?? new Float32Array(0);
  }
}

/** Algorithm R: a uniform sample of `capacity` rows from a stream of unknown length. */
export class ClassReservoir {
  private readonly data: Float32Array;
  private kept = 0;
  private seen = 0;

  constructor(
    private readonly d: number,
    private readonly capacity: number,
  ) {
    this.data = new Float32Array(d * capacity);
  }

  /** offers the row of `d` values starting at `data[offset]`; copied only when kept */
  offer(data: Float32Array, offset: number, random: Random): void {
    const position = this.seen++;
    let slot = position;
    if (position >= this.capacity) {
      slot = random.int(position + 1);
      if (slot >= this.capacity) return;
    } else this.kept++;
    this.data.set(data.subarray(offset, offset + this.d), slot * this.d);
  }

  rows(): Float32Array {
    return this.data.subarray(0, this.kept * this.d);
  }
}

export interface ColumnHistogram {
  edges: number[];
  benign: number[];
  attack: number[];
  nonFinite: Record<Side, NonFinite>;
}

/** Pass 2: every column's histograms, on linear and on log-spaced edges at once. */
export class HistogramScan {
  readonly linear: ColumnHistogram[];
  readonly log: ColumnHistogram[];
  /** rows with no class (counted in neither side) */
  unlabelled = 0;

  constructor(
    ranges: (ColumnRange | null)[],
    private readonly isBenign: IsBenign,
    bins = 40,
  ) {
    const make = (edgesOf: typeof linearEdges) =>
      ranges.map((r) => {
        const edges = r ? edgesOf(r.min, r.max, bins) : [0, 1];
        const b = edges.length - 1;
        return { edges, benign: new Array<number>(b).fill(0), attack: new Array<number>(b).fill(0), nonFinite: { benign: noneFinite(), attack: noneFinite() } };
      });
    this.linear = make(linearEdges);
    this.log = make(logEdges);
  }

  add(batch: Batch): void {
    const { d, data, classIndex } = batch;
    for (let i = 0; i < batch.n; i++) {
      const c = classIndex[i];
      if (c < 0) {
        this.unlabelled++;
        continue;
      }
      const side: Side = this.isBenign(c) ? 'benign' : 'attack';
      const row = i * d;
      for (let j = 0; j < d; j++) {
        const v = data[row + j];
        const lin = this.linear[j];
        const log = this.log[j];
        if (v - v !== 0) {
          const key = v !== v ? 'missing' : v > 0 ? 'posInf' : 'negInf';
          lin.nonFinite[side][key]++;
          log.nonFinite[side][key]++;
          continue;
        }
        lin[side][binOf(lin.edges, v)]++;
        log[side][binOf(log.edges, v)]++;
      }
    }
  }
}

function noneFinite(): NonFinite {
  return { missing: 0, posInf: 0, negInf: 0 };
}

/** a point per kept row: [x, y, class], only where both values are finite */
export function scatterPoints(scan: RangeScan, x: number, y: number, maxPoints = 4000): [number, number, number][] {
  const classes = scan.classRows.length;
  const present = scan.classRows.filter((n) => n > 0).length;
  const quota = Math.max(50, Math.floor(maxPoints / Math.max(1, present)));
  const points: [number, number, number][] = [];
  for (let c = 0; c < classes; c++) {
    const rows = scan.sample(c);
    const n = rows.length / scan.d;
    // the reservoir is already a uniform sample in random order past its capacity; take a spread of it
    const step = Math.max(1, n / quota);
    for (let k = 0; k < n && points.length < maxPoints * 2; k += step) {
      const i = Math.floor(k);
      const vx = rows[i * scan.d + x];
      const vy = rows[i * scan.d + y];
      if (vx - vx === 0 && vy - vy === 0) points.push([vx, vy, c]);
    }
  }
  return points;
}
