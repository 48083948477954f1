import type { Matrix } from '../ingest';
import type { Schema } from '../schema';
import { robustStats } from './column-stats';
import { RATIO_OP, ROW_RATIOS, rowRatio, type RowRatio } from './row-ratios';

/**
 * Fit/transform preprocessing, fitted on benign training rows only: median imputation,
 * optional log transform of heavy-tailed columns, scaling, clipping, include/exclude
 * lists, and one-hot or ordinal codes for categorical columns. Plain JSON when saved.
 */
export interface PreprocessorParams {
  scaling: 'standard' | 'minmax' | 'robust';
  /** 'auto' logs non-negative columns whose benign values are heavy-tailed */
  log: 'auto' | 'none' | 'all';
  /** scaled values are clipped to ±clip (minmax: to [-clip, 1 + clip]); ±Infinity lands on the bound */
  clip: number;
  /** only these columns, if given */
  include?: string[];
  /** never these columns (name → why) */
  exclude?: Record<string, string>;
  categorical: 'onehot' | 'ordinal';
  /** also derive the per-row ratios of `ROW_RATIOS` whose two columns are both used (absent in older saved models: off) */
  ratios?: boolean;
}

export const DEFAULT_PREPROCESSOR: PreprocessorParams = {
  scaling: 'standard',
  log: 'auto',
  clip: 10,
  categorical: 'onehot',
};

/** How one numeric input column becomes one output column. */
interface NumericStep {
  kind: 'numeric';
  name: string;
  median: number;
  /** log(x - min + offset) when set; keeps the transform defined for every value ≥ the training minimum */
  log: { min: number; offset: number } | null;
  center: number;
  scale: number;
  /** a value derived from two input columns of the row (`ROW_RATIOS`) rather than the column `name` */
  derived?: Pick<RowRatio, 'of' | 'op'>;
}

/** How one categorical input column becomes one-hot columns (or one ordinal code). */
interface CategoricalStep {
  kind: 'categorical';
  name: string;
  /** the values seen in training; anything else goes to an extra "other" slot */
  values: string[];
}

type Step = NumericStep | CategoricalStep;

export interface PreprocessorJSON {
  kind: 'preprocessor';
  params: PreprocessorParams;
  steps: Step[];
  /** columns of the training schema that were left out, with the reason */
  excluded: Record<string, string>;
}

/** benign skewness above which a non-negative column is logged under log: 'auto' */
const SKEW_FOR_LOG = 2;

export class Preprocessor {
  private steps: Step[] = [];
  private excludedColumns: Record<string, string> = {};
  /** input column index per step, for the schema last transformed (schemas are long-lived) */
  private plan: {
    schema: Schema;
    index: Int32Array;
    /** a derived step's second input column, and its `RATIO_OP` (0: the column as it is) */
    index2: Int32Array;
    ops: Uint8Array;
    categoryMaps: (Int32Array | null)[];
    numeric: NumericPlan | null;
  } | null = null;

  constructor(readonly params: PreprocessorParams = DEFAULT_PREPROCESSOR) {}

  get outputNames(): string[] {
    const names: string[] = [];
    for (const s of this.steps) {
      if (s.kind === 'numeric' || this.params.categorical === 'ordinal') names.push(s.name);
      else for (const v of [...s.values, '(other)']) names.push(`${s.name}=${v}`);
    }
    return names;
  }

  get outputDim(): number {
    return this.outputNames.length;
  }

  get excluded(): Readonly<Record<string, string>> {
    return this.excludedColumns;
  }

  /** The input columns actually used, in order. */
  get inputNames(): string[] {
    return [...new Set(this.steps.flatMap((s) => (s.kind === 'numeric' && s.derived ? s.derived.of : [s.name])))];
  }

  /** Learns every step from benign rows `x` laid out as `schema`. */
  fit(x: Matrix, schema: Schema, extraExclusions: Record<string, string> = {}): this {
    const { include, exclude = {} } = this.params;
    this.excludedColumns = {};
    this.steps = [];
    schema.columns.forEach((col, j) => {
      const why = exclude[col.name] ?? extraExclusions[col.name] ?? (include && !include.includes(col.name) ? 'not in the include list' : null);
      if (why) {
        this.excludedColumns[col.name] = why;
        return;
      }
      const values = column(x, j);
      if (col.kind === 'categorical') {
        const seen = new Set<number>();
        for (const v of values) if (v === v) seen.add(v);
        this.steps.push({ kind: 'categorical', name: col.name, values: [...seen].sort((a, b) => a - b).map((code) => col.categories![code]) });
      } else {
        this.steps.push(this.fitNumeric(col.name, values));
      }
    });
    if (this.steps.length === 0) throw new Error('every feature column was excluded: nothing left to learn from');
    if (this.params.ratios) this.fitRatios(x, schema);
    this.plan = null;
    return this;
  }

  /** Adds a step per row ratio whose two columns are numeric steps already (so never from an excluded column). */
  private fitRatios(x: Matrix, schema: Schema): void {
    const used = new Set(this.steps.filter((s) => s.kind === 'numeric').map((s) => s.name));
    for (const r of ROW_RATIOS) {
      if (!r.of.every((n) => used.has(n))) continue;
      const [a, b] = r.of.map((n) => schema.columns.findIndex((c) => c.name === n));
      const op = RATIO_OP[r.op];
      const values = new Float64Array(x.n);
      for (let i = 0; i < x.n; i++) values[i] = rowRatio(op, x.data[i * x.d + a], x.data[i * x.d + b]);
      this.steps.push({ ...this.fitNumeric(r.name, values), derived: { of: r.of, op: r.op } });
    }
  }

  private fitNumeric(name: string, raw: Float64Array): NumericStep {
    const finite = raw.filter((v) => Number.isFinite(v));
    const median = finite.length ? robustStats(finite).median : 0;
    let values = finite.length ? finite : new Float64Array([0]);
    let log: NumericStep['log'] = null;
    const stats = robustStats(values);
    const wantsLog = this.params.log === 'all' || (this.params.log === 'auto' && stats.skew > SKEW_FOR_LOG);
    if (wantsLog && stats.max > stats.min) {
      // offset: a small positive step so that the minimum maps to a finite value and tiny
      // differences near it (inter-arrival times of 1e-4 against 1e-2) stay visible
      const positiveSteps = values.map((v) => v - stats.min).filter((v) => v > 0);
      const offset = Math.max(robustStats(positiveSteps).p01, 1e-12);
      log = { min: stats.min, offset };
      values = values.map((v) => Math.log(v - stats.min + offset));
    }
    const s = log ? robustStats(values) : stats;
    let center: number;
    let scale: number;
    switch (this.params.scaling) {
      case 'minmax':
        center = s.min;
        scale = s.max - s.min;
        break;
      case 'robust':
        center = s.median;
        scale = s.p75 - s.p25 || s.std;
        break;
      default:
        center = s.mean;
        scale = s.std;
    }
    // a column constant in benign traffic: judge change relative to its value
    if (!(scale > 1e-9 * Math.max(1, Math.abs(center)))) scale = Math.abs(center) > 0 ? Math.abs(center) : 1;
    return { kind: 'numeric', name, median, log, center, scale };
  }

  /** Rows of `x` (laid out as `schema`) as model inputs: finite, scaled, clipped. */
  transform(x: Matrix, schema: Schema): Matrix {
    const plan = this.planFor(schema);
    const { lo, hi } = this.bounds;
    if (plan.numeric) return transformNumeric(x, plan.index, plan.index2, plan.ops, plan.numeric, lo, hi);
    const outD = this.outputDim;
    const out = new Float32Array(x.n * outD);
    const ordinal = this.params.categorical === 'ordinal';
    for (let i = 0; i < x.n; i++) {
      const row = i * x.d;
      let o = i * outD;
      for (let k = 0; k < this.steps.length; k++) {
        const step = this.steps[k];
        const op = plan.ops[k];
        const v = op === 0 ? x.data[row + plan.index[k]] : rowRatio(op, x.data[row + plan.index[k]], x.data[row + plan.index2[k]]);
        if (step.kind === 'categorical') {
          const map = plan.categoryMaps[k]!;
          const slot = v === v && v >= 0 && v < map.length ? map[v] : step.values.length;
          if (ordinal) out[o++] = slot;
          else {
            out[o + slot] = 1;
            o += step.values.length + 1;
          }
          continue;
        }
        out[o++] = numericOutput(step, v, lo, hi);
      }
    }
    return { n: x.n, d: outD, data: out };
  }

  /**
   * Each output column as a non-decreasing function of one input cell of `schema`'s rows
   * (the value `transform` stores for it), or null where one is not (a category code, a
   * ratio of two cells): a detector that only compares inputs with thresholds (an
   * isolation forest) can then take its thresholds back to the cells' units.
   */
  monotoneColumns(schema: Schema): { column: number; output(v: number): number }[] | null {
    const plan = this.planFor(schema);
    const steps = this.steps;
    if (!steps.every((s, k) => s.kind === 'numeric' && !s.derived && plan.ops[k] === 0 && s.scale > 0)) return null;
    const { lo, hi } = this.bounds;
    return (steps as NumericStep[]).map((step, k) => ({ column: plan.index[k], output: (v: number) => Math.fround(numericOutput(step, v, lo, hi)) }));
  }

  /** scaled values are clipped to [lo, hi] */
  private get bounds(): { lo: number; hi: number } {
    const clip = this.params.clip;
    return { lo: -clip, hi: this.params.scaling === 'minmax' ? 1 + clip : clip };
  }

  private planFor(schema: Schema) {
    if (this.plan && this.plan.schema === schema && this.plan.categoryMaps.every((m, k) => !m || m.length === categoriesOf(schema, this.steps[k]).length)) {
      return this.plan;
    }
    const index = new Int32Array(this.steps.length);
    const index2 = new Int32Array(this.steps.length);
    const ops = new Uint8Array(this.steps.length);
    const categoryMaps: (Int32Array | null)[] = [];
    const columnOf = (name: string) => {
      const j = schema.columns.findIndex((c) => c.name === name);
      if (j === -1) throw new Error(`the data has no column "${name}", which the preprocessor was fitted on`);
      return j;
    };
    this.steps.forEach((step, k) => {
      if (step.kind === 'numeric' && step.derived) {
        index[k] = columnOf(step.derived.of[0]);
        index2[k] = columnOf(step.derived.of[1]);
        ops[k] = RATIO_OP[step.derived.op];
      } else index[k] = columnOf(step.name);
      if (step.kind === 'categorical') {
        const cats = categoriesOf(schema, step);
        categoryMaps.push(
          Int32Array.from(cats, (c) => {
            const slot = step.values.indexOf(c);
            return slot === -1 ? step.values.length : slot;
          }),
        );
      } else categoryMaps.push(null);
    });
    this.plan = {
      schema,
      index,
      index2,
      ops,
      categoryMaps,
      numeric: this.steps.every((st) => st.kind === 'numeric') ? numericPlan(this.steps as NumericStep[]) : null,
    };
    return this.plan;
  }

  toJSON(): PreprocessorJSON {
    return { kind: 'preprocessor', params: this.params, steps: this.steps, excluded: this.excludedColumns };
  }

  static fromJSON(json: PreprocessorJSON): Preprocessor {
    if (json.kind !== 'preprocessor') throw new Error(`not a preprocessor: ${json.kind}`);
    for (const s of json.steps)
      if (
        s.kind === 'numeric' &&
        s.derived &&
        !(Object.hasOwn(RATIO_OP, s.derived.op) && s.derived.of?.length === 2 && s.derived.of.every((c) => typeof c === 'string'))
      )
        throw new Error(`the preprocessor derives "${s.name}" in a way this version does not know`);
    const p = new Preprocessor(json.params);
    p.steps = json.steps;
    p.excludedColumns = json.excluded;
    return p;
  }
}

/** every step numeric (the CIC datasets): the steps' parameters in flat arrays for the hot loop */
interface NumericPlan {
  /** scaled value of a missing cell (the median's), before clipping */
  missing: Float64Array;
  logged: Uint8Array;
  logMin: Float64Array;
  logOffset: Float64Array;
  center: Float64Array;
  scale: Float64Array;
  /**
   * per logged column, the logs of the values met last: LOG_SLOTS slots keyed by the
   * float32's bits (flags, counts, ports and TTLs repeat, and Math.log costs ~20 ns)
   */
  logKeys: Int32Array;
  logValues: Float64Array;
}

/** slots per logged column in the plan's log cache (a power of two) */
const LOG_SLOTS = 256;
const LOG_SLOT_SHIFT = 32 - Math.log2(LOG_SLOTS);
/** rows a tile of `transformNumeric` (39 float32 input columns: about 40 KB in, as much out) */
const TILE_ROWS = 256;
/** a NaN's bits: never a key, as NaN cells are imputed before any log */
const NO_KEY = 0x7fc00000;

function numericPlan(steps: NumericStep[]): NumericPlan {
  return {
    missing: Float64Array.from(steps, (s) => scaleValue(s, s.median)),
    logged: Uint8Array.from(steps, (s) => (s.log ? 1 : 0)),
    logMin: Float64Array.from(steps, (s) => s.log?.min ?? 0),
    logOffset: Float64Array.from(steps, (s) => s.log?.offset ?? 0),
    center: Float64Array.from(steps, (s) => s.center),
    scale: Float64Array.from(steps, (s) => s.scale),
    logKeys: new Int32Array(steps.length * LOG_SLOTS).fill(NO_KEY),
    logValues: new Float64Array(steps.length * LOG_SLOTS),
  };
}

/**
 * `transform` for all-numeric steps: the same arithmetic as `scaleValue`, step by step,
 * without per-value objects, a column at a time (each column's constants in registers and
 * its branches predictable, rather than 39 columns' worth of both in one row loop) over
 * tiles of `TILE_ROWS` rows (a whole batch's column walk strides through more than the
 * cache holds: each of 39 passes fetched every row's cache line again); a column's log is
 * looked up by the cell's bits before it is computed (the same value, so the same result,
 * bit for bit); a derived value's is computed
 */
function transformNumeric(x: Matrix, index: Int32Array, index2: Int32Array, ops: Uint8Array, p: NumericPlan, lo: number, hi: number): Matrix {
  const outD = index.length;
  const out = new Float32Array(x.n * outD);
  const tile: Tile = { data: x.data, bits: new Int32Array(x.data.buffer, x.data.byteOffset, x.data.length), d: x.d, out, outD, lo, hi, from: 0, to: 0 };
  for (let from = 0; from < x.n; from += TILE_ROWS) {
    tile.from = from;
    tile.to = Math.min(x.n, from + TILE_ROWS);
    for (let k = 0; k < outD; k++) {
      if (ops[k] !== 0) derivedColumn(tile, k, index[k], index2[k], ops[k], p);
      else if (p.logged[k] === 1) loggedColumn(tile, k, index[k], p);
      else plainColumn(tile, k, index[k], p);
    }
  }
  return { n: x.n, d: outD, data: out };
}

/** rows [from, to) of a batch being transformed: its cells (`d` a row; `bits`: the same cells as int32), the output (`outD` a row) and its clip bounds */
interface Tile {
  data: Float32Array;
  bits: Int32Array;
  d: number;
  out: Float32Array;
  outD: number;
  lo: number;
  hi: number;
  from: number;
  to: number;
}

/** output column k of a tile from input column j: scaled and clipped */
function plainColumn(tile: Tile, k: number, j: number, p: NumericPlan): void {
  const { data, d, out, outD, lo, hi, from, to } = tile;
  const center = p.center[k];
  const scale = p.scale[k];
  const missing = p.missing[k];
  for (let i = from, at = from * d + j, o = from * outD + k; i < to; i++, at += d, o += outD) {
    const v = data[at];
    // NaN and ±Infinity are the only values for which v - v is not 0
    const t = v - v === 0 ? (v - center) / scale : v !== v ? missing : v > 0 ? hi : lo;
    out[o] = t < lo ? lo : t > hi ? hi : t;
  }
}

/** output column k of a tile from input column j, logged first (through the column's cache of logs, keyed by the cell's bits) */
function loggedColumn(tile: Tile, k: number, j: number, p: NumericPlan): void {
  const { data, bits, d, out, outD, lo, hi, from, to } = tile;
  const { logKeys, logValues } = p;
  const center = p.center[k];
  const scale = p.scale[k];
  const missing = p.missing[k];
  const logMin = p.logMin[k];
  const logOffset = p.logOffset[k];
  const base = k * LOG_SLOTS;
  for (let i = from, at = from * d + j, o = from * outD + k; i < to; i++, at += d, o += outD) {
    let v = data[at];
    let t: number;
    if (v - v === 0) {
      const key = bits[at];
      const slot = base + (Math.imul(key, 0x9e3779b1) >>> LOG_SLOT_SHIFT);
      if (logKeys[slot] === key) v = logValues[slot];
      else {
        const shifted = v - logMin;
        v = Math.log((shifted > 0 ? shifted : 0) + logOffset);
        logKeys[slot] = key;
        logValues[slot] = v;
      }
      t = (v - center) / scale;
    } else t = v !== v ? missing : v > 0 ? hi : lo;
    out[o] = t < lo ? lo : t > hi ? hi : t;
  }
}

/** output column k of a tile derived from input columns j and j2 (`rowRatio`), logged where the step says (no cache: the values rarely repeat) */
function derivedColumn(tile: Tile, k: number, j: number, j2: number, op: number, p: NumericPlan): void {
  const { data, d, out, outD, lo, hi, from, to } = tile;
  const center = p.center[k];
  const scale = p.scale[k];
  const missing = p.missing[k];
  const logged = p.logged[k] === 1;
  const logMin = p.logMin[k];
  const logOffset = p.logOffset[k];
  for (let i = from, at = from * d, o = from * outD + k; i < to; i++, at += d, o += outD) {
    let v = rowRatio(op, data[at + j], data[at + j2]);
    let t: number;
    if (v - v === 0) {
      if (logged) {
        const shifted = v - logMin;
        v = Math.log((shifted > 0 ? shifted : 0) + logOffset);
      }
      t = (v - center) / scale;
    } else t = v !== v ? missing : v > 0 ? hi : lo;
    out[o] = t < lo ? lo : t > hi ? hi : t;
  }
}

/** a numeric step's output for the cell value v: a missing value is the median's, ±Infinity the bound */
function numericOutput(step: NumericStep, v: number, lo: number, hi: number): number {
  let t: number;
  if (v !== v) t = scaleValue(step, step.median);
  else if (v === Infinity) t = hi;
  else if (v === -Infinity) t = lo;
  else t = scaleValue(step, v);
  return t < lo ? lo : t > hi ? hi : t;
}

function scaleValue(step: NumericStep, v: number): number {
  if (step.log) {
    const shifted = v - step.log.min;
    v = Math.log((shifted > 0 ? shifted : 0) + step.log.offset);
  }
  return (v - step.center) / step.scale;
}

function categoriesOf(schema: Schema, step: Step): string[] {
  return schema.columns.find((c) => c.name === step.name)?.categories ?? [];
}

function column(x: Matrix, j: number): Float64Array {
  const out = new Float64Array(x.n);
  for (let i = 0; i < x.n; i++) out[i] = x.data[i * x.d + j];
  return out;
}
