import { describe, expect, it } from 'vitest';
import { FittedPipeline, PIPELINE_FORMAT } from '../../src/core/pipeline/fitted-pipeline';

describe('reading a saved pipeline', () => {
  it('refuses another format, another version and an incomplete file, each in one sentence', async () => {
    await expect(FittedPipeline.fromJSON({ format: 'something-else' }, {})).rejects.toThrow(/not a saved IoMT Anomaly Lab model/);
    await expect(FittedPipeline.fromJSON({ format: PIPELINE_FORMAT, version: 7 }, {})).rejects.toThrow(/version 7 is not supported/);
    const partial = { format: PIPELINE_FORMAT, version: 1, schema: { dialect: 'ciciomt2024-v2', columns: [] }, threshold: { value: 1 } };
    await expect(FittedPipeline.fromJSON(partial, {})).rejects.toThrow(/^the saved model is incomplete: pipeline\.json lacks preprocessor, detector, training$/);
  });
});
