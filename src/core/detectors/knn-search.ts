import { principalAxes, type PrincipalAxes } from './principal-axes';

/**
 * Exact k-th nearest squared distances to a fixed set of reference rows, fast.
 *
 * Both searches below give the same number, bit for bit: the k-th smallest of the squared
 * distances to every reference row (duplicates counted), each summed in float64 over the
 * columns in order. The scan (`ScanSearch`) measures every reference row, giving one up
 * once its partial sum reaches the k-th best so far. The tree (`TreeSearch`) folds repeated
 * reference rows into one with a count, files them in a k-d tree on their principal axes,
 * and measures only rows whose box and own bound cannot rule them out; every row it does
 * measure is measured as the scan measures it, so only the work differs, never the number.
 */
export interface NeighbourSearch {
  /**
   * the k-th smallest squared distance from row `at` of `data` (`d` columns) to the
   * reference rows (Infinity when fewer than k)
   */
  kthSquared(data: Float32Array, at: number, k: number): number;
}

/** rows in a leaf: measured one by one once their box is reached */
const LEAF_ROWS = 16;

/** the k best squared distances so far, ascending; `worst()` bounds what can still enter */
class Nearest {
  private readonly best: Float64Array;
  /** which row each of the best is (−1: none); only the tree asks */
  readonly ids: Int32Array;
  constructor(readonly k: number) {
    this.best = new Float64Array(k);
    this.ids = new Int32Array(k);
  }
  reset(): void {
    this.best.fill(Infinity);
    this.ids.fill(-1);
  }
  worst(): number {
    return this.best[this.k - 1];
  }
  /** `count` rows at squared distance `sum`, which the caller found not ≥ `worst()` */
  add(sum: number, count: number, id = -1): void {
    const { best, ids } = this;
    for (let c = 0; c < count && (c === 0 || sum < best[this.k - 1]); c++) {
      let p = this.k - 1;
      while (p > 0 && best[p - 1] > sum) {
        best[p] = best[p - 1];
        ids[p] = ids[--p];
      }
      best[p] = sum;
      ids[p] = id;
    }
  }
}

/** the squared distance, given up (returning a value ≥ bound) once the partial sum reaches `bound` */
function boundedSquared(q: Float64Array, rows: Float64Array, ref: number, d: number, bound: number): number {
  let sum = 0;
  for (let j = 0; j < d && sum < bound; j++) {
    const diff = q[j] - rows[ref + j];
    sum += diff * diff;
  }
  return sum;
}

function queryRow(q: Float64Array, data: Float32Array, at: number): boolean {
  let finite = true;
  for (let j = 0; j < q.length; j++) {
    const v = data[at + j];
    q[j] = v;
    if (!Number.isFinite(v)) finite = false;
  }
  return finite;
}

/** every reference row measured */
export class ScanSearch implements NeighbourSearch {
  private readonly rows: Float64Array;
  private readonly q: Float64Array;
  private nearest: Nearest | null = null;

  constructor(
    rows: Float32Array,
    private readonly n: number,
    private readonly d: number,
  ) {
    this.rows = Float64Array.from(rows.subarray(0, n * d));
    this.q = new Float64Array(d);
  }

  kthSquared(data: Float32Array, at: number, k: number): number {
    queryRow(this.q, data, at);
    const nearest = this.nearestOf(k);
    for (let r = 0; r < this.n; r++) {
      const sum = boundedSquared(this.q, this.rows, r * this.d, this.d, nearest.worst());
      // not `<`: a NaN sum enters, as it always has
      if (!(sum >= nearest.worst())) nearest.add(sum, 1);
    }
    return nearest.worst();
  }

  private nearestOf(k: number): Nearest {
    if (this.nearest?.k !== k) this.nearest = new Nearest(k);
    this.nearest.reset();
    return this.nearest;
  }
}

/**
 * A k-d tree over the distinct reference rows turned to their principal axes (flow columns
 * are strongly correlated: along a few axes the rows spread, along the rest they barely
 * move, so boxes there are tight). The axes along which the rows do not vary at all stay out
 * of the tree: every row sits in one small box `flat` there, and the query's distance to it
 * starts every bound. Rows or queries holding a value that is not finite go to the scan, so
 * they score exactly as before.
 *
 * Turning is exact only in real numbers; rounded, the turned coordinates may be off by about
 * d^1.5·2⁻⁵³ of a row's distance from the mean, and the axes from orthonormal by `skew`. A
 * bound therefore rules out a box or row only when it exceeds the k-th best by `TOLERANCE`
 * (10⁻⁹ relative, with an absolute term for those errors): some 10⁵ times the rounding
 * error, so nothing is ruled out that could enter. A row that survives is measured in the
 * original columns, in column order, as the scan measures it: that number enters the k best.
 */
export class TreeSearch implements NeighbourSearch {
  /** for rows the tree cannot order (made when first needed) */
  private scan: ScanSearch | null = null;
  private readonly source: { rows: Float32Array; n: number };
  private readonly d: number;
  /** axes the rows spread along (the tree's); along the others every row sits in `flat` */
  private readonly p: number;
  private readonly flat: Float64Array;
  /** distinct rows in tree order (each node's rows are contiguous): as given, and turned */
  private readonly rows: Float64Array;
  private readonly turned: Float64Array;
  private readonly counts: Int32Array;
  /** per node: its rows [start, end), children (-1 in a leaf), box (p minima then p maxima) */
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly box: Float64Array;
  private readonly finite: boolean;
  private readonly axes: PrincipalAxes;
  /** the largest distance of a reference row from the mean, and ‖AᵀA − I‖ of the axes A */
  private readonly spread: number;
  private readonly skew: number;
  /** the query as given and turned */
  private readonly q: Float64Array;
  private readonly qTurned: Float64Array;
  private readonly centred: Float64Array;
  /** the rounding allowance of this query (absolute) and the squared bound that rules out */
  private allowance = 0;
  private limit = Infinity;
  /** the squared turned distance from the query to `flat`, which every bound starts from */
  private base = 0;
  private nearest: Nearest | null = null;
  /**
   * The previous query's nearest rows, measured first: flows come in runs of alike rows, so
   * the k-th best starts tight and the tree rules out nearly every box. `seen` marks them
   * (with the query's number) so the tree does not count them twice.
   */
  private seeds: Int32Array = new Int32Array(0);
  private readonly seen: Int32Array;
  private query = 0;

  constructor(rows: Float32Array, n: number, d: number) {
    this.d = d;
    this.source = { rows, n };
    this.q = new Float64Array(d);
    this.qTurned = new Float64Array(d);
    this.centred = new Float64Array(d);
    this.finite = rows.subarray(0, n * d).every(Number.isFinite);
    const { order, counts } = distinctRows(rows, n, d);
    const m = order.length;
    const given = new Float64Array(m * d);
    order.forEach((r, i) => given.set(rows.subarray(r * d, (r + 1) * d), i * d));
    this.axes = principalAxes(given, m, d);
    this.skew = orthonormalityError(this.axes.axes, d);
    const { variance } = this.axes;
    let p = 1;
    while (p < d && variance[p] > FLAT * variance[0]) p++;
    this.p = p;
    const all = new Float64Array(d);
    const turned = new Float64Array(m * p);
    // minima then maxima of the rows along the axes past p
    this.flat = Float64Array.from({ length: 2 * d }, (_, i) => (i < d ? Infinity : -Infinity));
    let spread = 0;
    for (let i = 0; i < m; i++) {
      spread = Math.max(spread, this.turn(given, i * d, all, 0));
      turned.set(all.subarray(0, p), i * p);
      for (let a = p; a < d; a++) {
        this.flat[a] = Math.min(this.flat[a], all[a]);
        this.flat[d + a] = Math.max(this.flat[d + a], all[a]);
      }
    }
    this.spread = spread;
    const index = Int32Array.from({ length: m }, (_, i) => i);
    const nodes: TreeNodes = { start: [], end: [], left: [], right: [], boxes: [] };
    if (this.finite) splitNode(nodes, turned, p, index, 0, m);
    this.start = Int32Array.from(nodes.start);
    this.end = Int32Array.from(nodes.end);
    this.left = Int32Array.from(nodes.left);
    this.right = Int32Array.from(nodes.right);
    this.box = Float64Array.from(nodes.boxes);
    this.rows = new Float64Array(m * d);
    this.turned = new Float64Array(m * p);
    this.counts = new Int32Array(m);
    this.seen = new Int32Array(m);
    index.forEach((r, i) => {
      this.rows.set(given.subarray(r * d, (r + 1) * d), i * d);
      this.turned.set(turned.subarray(r * p, (r + 1) * p), i * p);
      this.counts[i] = counts[r];
    });
  }

  /** distinct reference rows (the tree's size) */
  get distinct(): number {
    return this.counts.length;
  }

  kthSquared(data: Float32Array, at: number, k: number): number {
    if (!this.finite || !queryRow(this.q, data, at)) {
      this.scan ??= new ScanSearch(this.source.rows, this.source.n, this.d);
      return this.scan.kthSquared(data, at, k);
    }
    const norm = this.turn(this.q, 0, this.qTurned, 0);
    this.allowance = TOLERANCE * (norm + this.spread);
    const { d, p, flat, qTurned } = this;
    let base = 0;
    for (let a = p; a < d; a++) {
      const v = qTurned[a];
      const gap = v < flat[a] ? v - flat[a] : v > flat[d + a] ? v - flat[d + a] : 0;
      base += gap * gap;
    }
    this.base = base;
    if (this.nearest?.k !== k) this.nearest = new Nearest(k);
    const nearest = this.nearest;
    nearest.reset();
    this.limit = Infinity;
    // a mark left 2³¹ queries ago must not be taken for this query's
    if (this.query === 0x7fffffff) {
      this.seen.fill(0);
      this.query = 0;
    }
    const query = ++this.query;
    for (const id of this.seeds) {
      if (this.seen[id] === query) continue;
      this.seen[id] = query;
      const sum = boundedSquared(this.q, this.rows, id * this.d, this.d, nearest.worst());
      if (sum < nearest.worst()) nearest.add(sum, this.counts[id], id);
    }
    if (nearest.worst() < Infinity) this.updateLimit(nearest.worst());
    this.visit(0, nearest);
    this.seeds = nearest.ids.filter((id) => id >= 0);
    return nearest.worst();
  }

  /** writes A(x − mean) at `to`; returns ‖x − mean‖ */
  private turn(from: Float64Array, at: number, to: Float64Array, out: number): number {
    const { d, centred } = this;
    const { mean, axes } = this.axes;
    let norm = 0;
    for (let j = 0; j < d; j++) {
      const c = from[at + j] - mean[j];
      centred[j] = c;
      norm += c * c;
    }
    for (let a = 0; a < d; a++) {
      let sum = 0;
      for (let j = 0, row = a * d; j < d; j++) sum += axes[row + j] * centred[j];
      to[out + a] = sum;
    }
    return Math.sqrt(norm);
  }

  /**
   * The squared turned distance at or past which a row's measured squared distance is
   * surely ≥ the k-th best: the k-th best distance widened by the tolerance and the skew of
   * the axes, plus the rounding allowance of both ends.
   */
  private updateLimit(worst: number): void {
    const reach = (1 + TOLERANCE) * (Math.sqrt(worst) * (1 + TOLERANCE) * (1 + this.skew) + this.allowance);
    this.limit = reach * reach;
  }

  private visit(node: number, nearest: Nearest): void {
    const a = this.left[node];
    if (a < 0) {
      const { q, qTurned, rows, turned, d, p, counts } = this;
      for (let i = this.start[node], e = this.end[node]; i < e; i++) {
        if (this.seen[i] === this.query) continue;
        let bound = this.base;
        for (let j = 0; j < p && bound < this.limit; j++) {
          const diff = qTurned[j] - turned[i * p + j];
          bound += diff * diff;
        }
        if (bound >= this.limit) continue;
        const sum = boundedSquared(q, rows, i * d, d, nearest.worst());
        if (sum < nearest.worst()) {
          nearest.add(sum, counts[i], i);
          if (nearest.worst() < Infinity) this.updateLimit(nearest.worst());
        }
      }
      return;
    }
    const b = this.right[node];
    const la = this.boxBound(a);
    const lb = this.boxBound(b);
    // nearer box first; a bound given up part way is still ≥ the (only ever falling) limit
    if (la <= lb) {
      if (la < this.limit) this.visit(a, nearest);
      if (lb < this.limit) this.visit(b, nearest);
    } else {
      if (lb < this.limit) this.visit(b, nearest);
      if (la < this.limit) this.visit(a, nearest);
    }
  }

  /** the squared turned distance from the query to the node's box, given up past the limit */
  private boxBound(node: number): number {
    const { p, box, qTurned } = this;
    const lo = node * 2 * p;
    let sum = this.base;
    for (let j = 0; j < p && sum < this.limit; j++) {
      const v = qTurned[j];
      const min = box[lo + j];
      const max = box[lo + p + j];
      const gap = v < min ? v - min : v > max ? v - max : 0;
      sum += gap * gap;
    }
    return sum;
  }
}

/** an axis along which the rows vary less than this share of the largest variance is left out of the tree */
const FLAT = 1e-12;

/** relative slack of a bound before it rules anything out (see TreeSearch) */
const TOLERANCE = 1e-9;

/** ‖AAᵀ − I‖ (Frobenius, which bounds the spectral norm) */
function orthonormalityError(axes: Float64Array, d: number): number {
  let sum = 0;
  for (let a = 0; a < d; a++)
    for (let b = 0; b < d; b++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += axes[a * d + j] * axes[b * d + j];
      sum += (dot - (a === b ? 1 : 0)) ** 2;
    }
  return Math.sqrt(sum);
}

interface TreeNodes {
  start: number[];
  end: number[];
  left: number[];
  right: number[];
  boxes: number[];
}

/** files index[from, to) under a new node (its rows reordered in place); returns the node */
function splitNode(nodes: TreeNodes, rows: Float64Array, d: number, index: Int32Array, from: number, to: number): number {
  const node = nodes.start.length;
  nodes.start.push(from);
  nodes.end.push(to);
  nodes.left.push(-1);
  nodes.right.push(-1);
  const min = new Float64Array(d).fill(Infinity);
  const max = new Float64Array(d).fill(-Infinity);
  for (let i = from; i < to; i++) {
    const r = index[i] * d;
    for (let j = 0; j < d; j++) {
      const v = rows[r + j];
      if (v < min[j]) min[j] = v;
      if (v > max[j]) max[j] = v;
    }
  }
  nodes.boxes.push(...min, ...max);
  if (to - from <= LEAF_ROWS) return node;
  let axis = 0;
  for (let j = 1; j < d; j++) if (max[j] - min[j] > max[axis] - min[axis]) axis = j;
  // rows alike on every column (distinct only as −0 and +0) stay one leaf
  if (!(max[axis] > min[axis])) return node;
  const part = Array.from(index.subarray(from, to)).sort((p, s) => rows[p * d + axis] - rows[s * d + axis]);
  index.set(part, from);
  const mid = (from + to) >> 1;
  nodes.left[node] = splitNode(nodes, rows, d, index, from, mid);
  nodes.right[node] = splitNode(nodes, rows, d, index, mid, to);
  return node;
}

/** the first of each set of identical rows (by their bytes), and how many rows each stands for */
function distinctRows(rows: Float32Array, n: number, d: number): { order: number[]; counts: number[] } {
  const bits = new Uint32Array(rows.buffer, rows.byteOffset, n * d);
  const seen = new Map<string, number>();
  const order: number[] = [];
  const counts: number[] = [];
  for (let r = 0; r < n; r++) {
    const key = bits.subarray(r * d, (r + 1) * d).join(',');
    const at = seen.get(key);
    if (at !== undefined) counts[at]++;
    else {
      seen.set(key, order.length);
      order.push(r);
      counts.push(1);
    }
  }
  return { order, counts };
}
