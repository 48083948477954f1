import { describe, expect, it } from 'vitest';
import { findRunningCounters, Preprocessor } from '../../src/core/features';
import type { Matrix } from '../../src/core/ingest';
import type { Schema } from '../../src/core/schema';

const schema: Schema = {
  dialect: 'generic',
  columns: [
    { name: 'rate', kind: 'numeric' },
    { name: 'flag', kind: 'numeric' },
    { name: 'proto', kind: 'categorical', categories: ['tcp', 'udp', 'icmp'] },
  ],
};
const rows = (values: number[][]): Matrix => ({ n: values.length, d: values[0].length, data: Float32Array.from(values.flat()) });

describe('Preprocessor', () => {
  const train = rows([
    [1, 0, 0],
    [2, 0, 1],
    [3, 0, 0],
    [4, 0, 1],
    [1000, 0, 0],
  ]);

  it('imputes with the median, maps ±Infinity to the clip bounds and clips', () => {
    const p = new Preprocessor({ scaling: 'standard', log: 'none', clip: 5, categorical: 'ordinal' }).fit(train, schema);
    const out = p.transform(
      rows([
        [NaN, 0, 0],
        [Infinity, 0, 0],
        [-Infinity, 0, 0],
        [1e9, 0, 0],
      ]),
      schema,
    ).data;
    const med = p.transform(rows([[3, 0, 0]]), schema).data[0];
    expect(out[0]).toBeCloseTo(med, 6);
    expect(out[3]).toBe(5);
    expect(out[6]).toBe(-5);
    expect(out[9]).toBe(5);
  });

  it('scales a column that is constant in benign traffic relative to its value, not by zero', () => {
    const p = new Preprocessor({ scaling: 'standard', log: 'none', clip: 100, categorical: 'ordinal' }).fit(train, schema);
    const out = p.transform(rows([[1, 0.5, 0]]), schema).data;
    expect(out[1]).toBeCloseTo(0.5, 6);
    expect(Number.isFinite(out[0])).toBe(true);
  });

  it('logs heavy-tailed columns under log: auto', () => {
    // rate: 1, 2, 4, … 2^19, heavy-tailed; flag: a symmetric 0/1 pattern
    const heavy = rows(Array.from({ length: 100 }, (_, i) => [2 ** (i % 20), i % 2, 0]));
    const p = new Preprocessor({ scaling: 'minmax', log: 'auto', clip: 10, categorical: 'ordinal' }).fit(heavy, schema);
    const json = p.toJSON();
    const rate = json.steps.find((s) => s.name === 'rate')!;
    expect(rate.kind === 'numeric' && rate.log).toBeTruthy();
    const flag = json.steps.find((s) => s.name === 'flag')!;
    expect(flag.kind === 'numeric' && flag.log).toBeNull();
  });

  it('logs bit for bit what Math.log gives, whether a value was met before or not (the log cache)', () => {
    const numeric: Schema = { dialect: 'generic', columns: ['a', 'b', 'c'].map((name) => ({ name, kind: 'numeric' as const })) };
    const fitRows = rows(Array.from({ length: 200 }, (_, i) => [i % 7, 2 ** (i % 17), (i * 0.37) % 5]));
    const p = new Preprocessor({ scaling: 'standard', log: 'all', clip: 10, categorical: 'ordinal' }).fit(fitRows, numeric);
    const steps = p.toJSON().steps.map((s) => (s.kind === 'numeric' ? s : null)!);
    expect(steps.every((s) => s.log)).toBe(true);
    // repeats (small integers, ±0, powers of two), fractions, NaN and ±Infinity; and 700 values
    // taking turns, more than a column's slots, so some share a slot
    const cells = [0, -0, 1, 2, 3, 0, 1, 2 ** 20, 2 ** 21, 2 ** 22, 2 ** 20, 0.1, 0.1, 1e-7, NaN, Infinity, -Infinity, -5, 123456.789];
    const batch = rows(Array.from({ length: 3000 }, (_, i) => [cells[i % cells.length], cells[(i * 7 + (i >> 5)) % cells.length], (i % 700) * 0.25]));
    const expected = (v: number, k: number) => {
      const s = steps[k];
      if (v !== v) v = s.median;
      else if (v === Infinity) return 10;
      else if (v === -Infinity) return -10;
      const shifted = v - s.log!.min;
      const t = (Math.log((shifted > 0 ? shifted : 0) + s.log!.offset) - s.center) / s.scale;
      return Math.fround(t < -10 ? -10 : t > 10 ? 10 : t);
    };
    for (let pass = 0; pass < 2; pass++) {
      const out = p.transform(batch, numeric).data;
      for (let i = 0; i < out.length; i++) expect(Object.is(out[i], expected(batch.data[i], i % 3))).toBe(true);
    }
  });

  it('one-hot encodes categories seen in training, with an "other" slot, whatever codes a later reading uses', () => {
    const p = new Preprocessor({ scaling: 'standard', log: 'none', clip: 10, categorical: 'onehot' }).fit(train, schema);
    expect(p.outputNames).toEqual(['rate', 'flag', 'proto=tcp', 'proto=udp', 'proto=(other)']);
    // another reading met the values in another order
    const later: Schema = {
      ...schema,
      columns: [schema.columns[0], schema.columns[1], { name: 'proto', kind: 'categorical', categories: ['icmp', 'udp', 'tcp'] }],
    };
    const out = p.transform(
      rows([
        [1, 0, 0],
        [1, 0, 1],
        [1, 0, 2],
      ]),
      later,
    );
    const onehots = [0, 1, 2].map((i) => Array.from(out.data.subarray(i * 5 + 2, i * 5 + 5)));
    expect(onehots).toEqual([
      [0, 0, 1],
      [0, 1, 0],
      [1, 0, 0],
    ]);
  });

  it('honours exclusions, says why, and round-trips through JSON', () => {
    const p = new Preprocessor({ scaling: 'robust', log: 'auto', clip: 10, categorical: 'onehot', exclude: { flag: 'not wanted' } }).fit(train, schema);
    expect(p.excluded).toEqual({ flag: 'not wanted' });
    expect(p.outputNames).not.toContain('flag');
    const copy = Preprocessor.fromJSON(JSON.parse(JSON.stringify(p.toJSON())));
    const x = rows([
      [5, 1, 1],
      [NaN, 0, 2],
    ]);
    expect(Array.from(copy.transform(x, schema).data)).toEqual(Array.from(p.transform(x, schema).data));
  });

  it('refuses data without a column it was fitted on', () => {
    const p = new Preprocessor().fit(train, schema);
    expect(() => p.transform(rows([[1, 2]]), { dialect: 'generic', columns: schema.columns.slice(0, 2) })).toThrow(/no column "proto"/);
  });

  describe('row ratios', () => {
    const cic: Schema = {
      dialect: 'generic',
      columns: ['Header_Length', 'Tot size', 'Tot sum', 'Number', 'Rate', 'IAT'].map((name) => ({ name, kind: 'numeric' as const })),
    };
    const windows = rows([
      [20, 60, 600, 10, 1024, 1 / 1024],
      [32, 80, 800, 10, 512, 1 / 512],
      [24, 0, 0, 10, Infinity, 0.5],
      [28, 400, 4000, 10, 8, 1 / 8],
    ]);
    const plain = { scaling: 'minmax', log: 'none', clip: 1e6, categorical: 'onehot' } as const;

    it('derives each ratio from the raw cells of its row, on the same scale as the data it learned', () => {
      const p = new Preprocessor({ ...plain, ratios: true }).fit(windows, cic);
      expect(p.outputNames.slice(6)).toEqual(['Header_Length/Tot size', 'Tot sum/Tot size', 'Tot sum/Number', 'Rate*IAT']);
      expect(p.inputNames).toEqual(cic.columns.map((c) => c.name));
      const out = p.transform(rows([[30, 60, 1200, 10, 2048, 1 / 1024]]), cic).data;
      // minmax over the training ratios: Header_Length/Tot size ran from 28/400 to 24 (Tot size 0 divides by 1)
      expect(out[6]).toBeCloseTo((0.5 - 0.07) / (24 - 0.07), 5);
      expect(out[8]).toBeCloseTo((120 - 0) / (400 - 0), 5);
      // Rate*IAT was 1 in every finite training row (a constant scales by its value); an infinite rate lands on the bound
      expect(out[9]).toBeCloseTo((2 - 1) / 1, 5);
      expect(p.transform(windows, cic).data[2 * 10 + 9]).toBe(1 + 1e6);
    });

    it('logs a ratio from its own value, not from the cached log of its first column', () => {
      const p = new Preprocessor({ ...plain, log: 'all', ratios: true }).fit(windows, cic);
      // the same Header_Length (first cell of the ratio) over different sizes: the ratios differ
      const out = p.transform(
        rows([
          [24, 60, 600, 10, 8, 1 / 8],
          [24, 120, 600, 10, 8, 1 / 8],
        ]),
        cic,
      ).data;
      expect(out[0]).toBe(out[10]);
      expect(out[6]).toBeGreaterThan(out[16]);
    });

    it('transforms a large batch exactly as it transforms each of its rows alone (plain, logged and derived columns)', () => {
      const p = new Preprocessor({ ...plain, scaling: 'standard', log: 'all', clip: 10, ratios: true }).fit(windows, cic);
      expect(p.toJSON().steps.filter((s) => s.kind === 'numeric' && s.log).length).toBeGreaterThan(5);
      // 1,000 rows: several tiles of the batch loop and a part tile; repeats, fractions, NaN and ±Infinity
      const cells = [0, 1, 20, 60, 600, 0.5, 1 / 3, 1e-5, 12345.678, NaN, Infinity, -Infinity, -2];
      const batch = rows(Array.from({ length: 1000 }, (_, i) => cic.columns.map((_, j) => cells[(i * (j + 3) + (i >> 4)) % cells.length])));
      const whole = p.transform(batch, cic);
      for (let i = 0; i < batch.n; i++) {
        const one = p.transform({ n: 1, d: batch.d, data: batch.data.slice(i * batch.d, (i + 1) * batch.d) }, cic).data;
        expect(Array.from(whole.data.subarray(i * whole.d, (i + 1) * whole.d))).toEqual(Array.from(one));
      }
    });

    it('leaves out a ratio of an excluded column, and round-trips through JSON', () => {
      const p = new Preprocessor({ ...plain, ratios: true, exclude: { Header_Length: 'drifts' } }).fit(windows, cic);
      expect(p.outputNames).not.toContain('Header_Length/Tot size');
      expect(p.inputNames).not.toContain('Header_Length');
      const copy = Preprocessor.fromJSON(JSON.parse(JSON.stringify(p.toJSON())));
      expect(Array.from(copy.transform(windows, cic).data)).toEqual(Array.from(p.transform(windows, cic).data));
      expect(new Preprocessor(plain).fit(windows, cic).outputDim).toBe(6);
    });

    it('refuses a saved ratio it does not know how to derive', () => {
      const json = new Preprocessor({ ...plain, ratios: true }).fit(windows, cic).toJSON();
      const step = json.steps.at(-1) as { derived: { op: string } };
      for (const op of ['log-ratio', 'toString', '__proto__', 'constructor']) {
        step.derived.op = op;
        expect(() => Preprocessor.fromJSON(json)).toThrow(/derives "Rate\*IAT"/);
      }
    });
  });
});

describe('findRunningCounters', () => {
  it('finds a column that rises row after row within a file (Bluetooth Number), not a noisy one', () => {
    const n = 200;
    const values: number[][] = [];
    for (let i = 0; i < n; i++) values.push([5.5 + 10 * i, Math.sin(i) * 100, i % 7]);
    const found = findRunningCounters(rows(values), new Uint16Array(n), ['Number', 'Rate', 'x']);
    expect(Object.keys(found)).toEqual(['Number']);
  });
});
