import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitPipeline, FittedPipeline, PIPELINE_FILE, PIPELINE_FORMAT } from '../../src/core/pipeline';
import { shared } from './sources';

describe('reading a saved pipeline', () => {
  it('refuses another format, another version and an incomplete file, each in one sentence', async () => {
    await expect(FittedPipeline.fromJSON({ format: 'something-else' }, {})).rejects.toThrow(/not a saved IoMT Anomaly Lab model/);
    await expect(FittedPipeline.fromJSON({ format: PIPELINE_FORMAT, version: 7 }, {})).rejects.toThrow(/version 7 is not supported/);
    const partial = { format: PIPELINE_FORMAT, version: 1, schema: { dialect: 'ciciomt2024-v2', columns: [] }, threshold: { value: 1 } };
    await expect(FittedPipeline.fromJSON(partial, {})).rejects.toThrow(
      /^the saved model is incomplete: pipeline\.json lacks preprocessor, detector, training$/,
    );
  });
});

describe('a saved model whose parts disagree', () => {
  async function saved() {
    const { pipeline } = await fitPipeline(shared('botiot_12col_subset_sample.csv'), { detector: 'iforest', settings: { iforest: { n_estimators: 10 } } });
    return { json: pipeline.toJSON(), files: await pipeline.artifacts() };
  }

  it('is refused at load with one sentence: a preprocessor cut to fewer columns than the forest takes', async () => {
    const { json, files } = await saved();
    const cut = structuredClone(json);
    cut.preprocessor.steps = cut.preprocessor.steps.slice(0, -1);
    await expect(FittedPipeline.fromJSON(cut, files)).rejects.toThrow(
      /^the saved model's parts disagree: its preprocessor gives \d+ columns but its iforest detector takes \d+$/,
    );
  });

  it('is refused when its schema and its training summary name different datasets', async () => {
    const { json, files } = await saved();
    const other = structuredClone(json);
    other.training.dataset = 'CICIoT2023 (46 features)';
    await expect(FittedPipeline.fromJSON(other, files)).rejects.toThrow(
      /parts disagree: its schema is BoT-IoT .* but it says it was trained on CICIoT2023 \(46 features\) data$/,
    );
    const unread = structuredClone(json);
    unread.schema.columns = unread.schema.columns.slice(1);
    await expect(FittedPipeline.fromJSON(unread, files)).rejects.toThrow(/its preprocessor reads .* which its schema lacks/);
  });

  it('accepts a consistent save, and the shipped default models', async () => {
    const { json, files } = await saved();
    (await FittedPipeline.fromJSON(json, files)).dispose();
    const root = new URL('../../public/models/', import.meta.url);
    const index = JSON.parse(readFileSync(new URL('index.json', root), 'utf8')) as { models: { path?: string }[] };
    expect(index.models.length).toBeGreaterThan(0);
    for (const m of index.models) {
      const dir = new URL(m.path!.replace(/\/?$/, '/'), root);
      const artifacts: Record<string, Uint8Array> = {};
      for (const name of readdirSync(dir)) if (!name.endsWith('.json')) artifacts[name] = new Uint8Array(readFileSync(new URL(name, dir)));
      const p = await FittedPipeline.fromJSON(JSON.parse(readFileSync(new URL(PIPELINE_FILE, dir), 'utf8')), artifacts);
      expect(p.inconsistency()).toBeNull();
      p.dispose();
    }
  });
});
