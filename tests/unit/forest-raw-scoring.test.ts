import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadModelFolder } from '../../src/cli/model-folder';
import type { IsolationForest } from '../../src/core/detectors';
import { DatasetReader, type Matrix } from '../../src/core/ingest';
import { fitPipeline, type FittedPipeline } from '../../src/core/pipeline';
import type { Schema } from '../../src/core/schema';
import { SCENARIOS, Simulator } from '../../src/core/sim';
import { lastFloat32Where } from '../../src/core/util';
import { shared } from './sources';

/** the scores of `x` through the preprocessor and the detector, the way every other detector is scored */
async function mappedScores(pipeline: FittedPipeline, x: Matrix, schema: Schema): Promise<Float32Array> {
  return pipeline.detector.score(pipeline.preprocessor.transform(x, schema));
}

/** rows of `base` (cycled) with cell `column` of row i set to `values[i]` */
function rowsWith(base: Matrix, cells: [column: number, value: number][]): Matrix {
  const data = new Float32Array(cells.length * base.d);
  cells.forEach(([column, v], i) => {
    data.set(base.data.subarray((i % base.n) * base.d, ((i % base.n) + 1) * base.d), i * base.d);
    data[i * base.d + column] = v;
  });
  return { n: cells.length, d: base.d, data };
}

/**
 * Per split of the forest, its column set to the last raw value that goes left and to the
 * next float32 up, which goes right: every boundary the raw thresholds were taken back to,
 * from both sides.
 */
function boundaryRows(pipeline: FittedPipeline, base: Matrix, schema: Schema): Matrix {
  const columns = pipeline.preprocessor.monotoneColumns(schema)!;
  const forest = (pipeline.detector as IsolationForest).toJSON().forest;
  const cells: [number, number][] = [];
  forest.feature.forEach((j, k) => {
    if (j < 0) return;
    const { column, output } = columns[j];
    const v = lastFloat32Where((x) => output(x) <= forest.value[k]);
    if (v === null || v === Infinity) return;
    const up = new Float32Array([v]);
    const bits = new Int32Array(up.buffer);
    bits[0] += v > 0 || Object.is(v, 0) ? 1 : v < 0 ? -1 : 0;
    cells.push([column, v], [column, up[0]]);
  });
  return rowsWith(base, cells);
}

/** per input column, rows with a missing, infinite, zero or huge cell there: how many of those batches the raw scorer took */
async function expectSameForSpecialCells(pipeline: FittedPipeline, base: Matrix, schema: Schema): Promise<number> {
  const columns = pipeline.preprocessor.monotoneColumns(schema)!;
  const raw = (pipeline.detector as IsolationForest).scorerOfRaw(columns, base.d)!;
  let taken = 0;
  for (const { column } of columns) {
    const x = rowsWith(
      base,
      [NaN, Infinity, -Infinity, 0, -0, -1, 1e30, -1e30, 1e-30].map((v) => [column, v]),
    );
    if (raw(x)) taken++;
    await expectSameScores(pipeline, x, schema);
  }
  return taken;
}

async function expectSameScores(pipeline: FittedPipeline, x: Matrix, schema: Schema): Promise<void> {
  const scored = await pipeline.score(x, schema);
  const reference = await mappedScores(pipeline, x, schema);
  let differ = 0;
  for (let i = 0; i < x.n; i++) if (!Object.is(scored.scores[i], reference[i])) differ++;
  expect(differ).toBe(0);
  expect(scored.scores.length).toBe(x.n);
  // the model inputs are still there for whoever reads them
  expect(scored.features.data).toEqual(pipeline.preprocessor.transform(x, schema).data);
}

describe('an isolation forest scoring raw rows (thresholds taken back through the preprocessor)', () => {
  it('gives the shipped forest’s scores bit for bit: the real v2 sample, simulated flows, every split’s boundary from both sides, missing and infinite cells', async () => {
    const pipeline = await loadModelFolder(fileURLToPath(new URL('../../public/models/iforest/', import.meta.url)));
    const reader = new DatasetReader(shared('ciciomt2024_v2_39feat_sample.csv'));
    let first: Matrix | null = null;
    for await (const batch of reader.batches()) {
      first ??= batch;
      await expectSameScores(pipeline, batch, reader.schema!);
    }
    // the raw scorer is in use, not a fallback to preprocessing
    expect(pipeline.preprocessor.monotoneColumns(reader.schema!)).not.toBeNull();
    expect(
      (pipeline.detector as IsolationForest).scorerOfRaw(pipeline.preprocessor.monotoneColumns(reader.schema!)!, reader.schema!.columns.length),
    ).not.toBeNull();
    const boundaries = boundaryRows(pipeline, first!, reader.schema!);
    expect(boundaries.n).toBeGreaterThan(5000);
    await expectSameScores(pipeline, boundaries, reader.schema!);
    // a missing cell is read as a stand-in where one maps exactly onto the median's input (not IAT's here)
    expect(await expectSameForSpecialCells(pipeline, first!, reader.schema!)).toBe(38);
    const sim = new Simulator(SCENARIOS['mixed-day'], { seed: 5 });
    await expectSameScores(pipeline, sim.next(5000), sim.schema);
  });

  it('gives the same scores for a forest fitted here (min-max scaling, every column logged)', async () => {
    const { pipeline } = await fitPipeline(shared('ciciomt2024_v2_39feat_sample.csv'), {
      detector: 'iforest',
      preprocessor: { scaling: 'minmax', log: 'all' },
      settings: { iforest: { n_estimators: 20 } },
    });
    const reader = new DatasetReader(shared('ciciomt2024_v2_39feat_sample.csv'));
    for await (const batch of reader.batches()) {
      await expectSameScores(pipeline, batch, reader.schema!);
      await expectSameScores(pipeline, boundaryRows(pipeline, batch, reader.schema!), reader.schema!);
      await expectSameForSpecialCells(pipeline, batch, reader.schema!);
    }
  });

  it('lets go of the raw trees with the model: a disposed pipeline scores nothing, as one that preprocesses', async () => {
    const { pipeline, reader } = await fitPipeline(shared('ciciomt2024_v2_39feat_sample.csv'), {
      detector: 'iforest',
      settings: { iforest: { n_estimators: 5 } },
    });
    let batch: Matrix | null = null;
    for await (const b of reader.batches()) {
      batch = b;
      break;
    }
    await pipeline.score(batch!, reader.schema!);
    pipeline.dispose();
    await expect(pipeline.score(batch!, reader.schema!)).rejects.toThrow(/not fitted/);
  });

  it('leaves inputs that are not one number cell each (category codes, ratios of two cells) to the preprocessor', async () => {
    const botIot = await fitPipeline(shared('botiot_12col_subset_sample.csv'), { detector: 'iforest', settings: { iforest: { n_estimators: 10 } } });
    expect(botIot.pipeline.preprocessor.monotoneColumns(botIot.reader.schema!)).toBeNull();
    const ratios = await fitPipeline(shared('ciciomt2024_v2_39feat_sample.csv'), {
      detector: 'iforest',
      preprocessor: { ratios: true },
      settings: { iforest: { n_estimators: 10 } },
    });
    expect(ratios.pipeline.preprocessor.monotoneColumns(ratios.reader.schema!)).toBeNull();
    const cases = [
      { pipeline: botIot.pipeline, file: 'botiot_12col_subset_sample.csv' },
      { pipeline: ratios.pipeline, file: 'ciciomt2024_v2_39feat_sample.csv' },
    ];
    for (const { pipeline, file } of cases) {
      const reader = new DatasetReader(shared(file));
      for await (const batch of reader.batches()) await expectSameScores(pipeline, batch, reader.schema!);
    }
  });
});
