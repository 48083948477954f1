import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureBackend } from '../../src/core/detectors';
import { TrainService } from '../../src/core/lab';
import { FittedPipeline, type PipelineJSON } from '../../src/core/pipeline';
import { IndexedDbStore } from '../../src/core/store';
import { SHARED } from './sources';
import { backend, nodeDetectService, openRun } from './node-lab';

const V2 = 'ciciomt2024_v2_39feat_sample.csv';
const BOT = 'botiot_35col_sample.csv';

function sharedFile(name: string): File {
  return new File([readFileSync(SHARED + name)], name);
}

beforeAll(() => ensureBackend('wasm'), 60_000);

describe('the lab services hosted in Node (as the workers host them in the browser)', () => {
  it('a simulated run: source and detect services joined in one process, summaries out, every flow accounted for in the store', async () => {
    const detect = await nodeDetectService('lab-services-run');
    const { run, playUntilStored } = await openRun(detect, { kind: 'simulation', scenario: 'mixed-day', seed: 3 });
    expect(run.modelId).toBe('default-ae');
    const last = await playUntilStored(2000);
    const c = last.counters;
    expect(last.state).toBe('ended');
    expect(c.read).toBe(c.scored + c.skipped);
    expect(c.scored).toBe(c.stored + c.dropped);
    expect(await detect.countRows(run.id)).toBe(c.stored);
    const stored = await detect.getRun(run.id);
    expect(stored?.summary?.counters.stored).toBe(c.stored);
    expect((await detect.storage()).retentionRows).toBeGreaterThan(0);
  }, 120_000);

  it('init loads and warms the models a default run uses before any run, and the first run scores with those very pipelines', async () => {
    const loads = vi.spyOn(FittedPipeline, 'fromJSON');
    try {
      const detect = await nodeDetectService('lab-services-warm');
      await detect.init();
      expect(loads.mock.calls.map(([json]) => (json as PipelineJSON).detector.kind).sort()).toEqual(['ae', 'iforest']);
      const { run, playUntilStored } = await openRun(detect, { kind: 'simulation', scenario: 'mixed-day', seed: 3 });
      expect(run.modelId).toBe('default-ae');
      const last = await playUntilStored(500);
      expect(last.counters.stored).toBeGreaterThanOrEqual(500);
      expect(loads).toHaveBeenCalledTimes(2);
    } finally {
      loads.mockRestore();
    }
  }, 120_000);

  it('a trained model waits for Save, keeps a moved threshold, downloads as files, and loads back only against data it can score', async () => {
    const train = new TrainService({ openStore: () => IndexedDbStore.open('lab-services-train', new IDBFactory()), backend });
    const progress: string[] = [];
    const result = await train.train(
      { source: { kind: 'files', files: [sharedFile(V2)] }, detector: 'iforest', settings: { n_estimators: 10 }, threshold: 'p99', seed: 1 },
      (p) => progress.push(p.phase),
    );
    expect(result.saved).toBe(false);
    expect(progress).toContain('fit');
    expect(await train.listModels()).toEqual([]);
    expect(await train.setThreshold(result.model.id, 0.61)).toEqual({ value: 0.61, spec: 'fixed value' });
    const saved = await train.saveModel(result.model.id, '  forest  ');
    expect(saved.name).toBe('forest');
    expect((await train.listModels()).map((m) => m.name)).toEqual(['forest']);

    const files = await train.modelFiles(result.model.id);
    const pipeline = files.find((f) => f.name === 'pipeline.json')!;
    expect(JSON.parse(await pipeline.blob.text()).threshold.value).toBe(0.61);
    const asFiles = files.map((f) => new File([f.blob], f.name));
    await expect(train.loadModelFiles(asFiles, [sharedFile(BOT)])).rejects.toThrow(/trained on CICIoMT2024.* cannot score the loaded files, which are BoT-IoT/);
    const loaded = await train.loadModelFiles(asFiles, [sharedFile(V2)]);
    expect(loaded.origin).toBe('uploaded');
    await train.deleteModel(result.model.id);
    expect((await train.listModels()).map((m) => m.id)).toEqual([loaded.id]);
  }, 120_000);
  it('a comparison row is kept as a model: trained on every labelled row, stored with the detectors, and a hybrid trains and names classes', async () => {
    const train = new TrainService({ openStore: () => IndexedDbStore.open('lab-services-keep', new IDBFactory()), backend });
    const kept = await train.keepCompared({ train: [sharedFile('botiot_12col_subset_sample.csv')], model: 'kmeans', seed: 0 }, () => {});
    expect(kept.detector).toBe('kmeans_classifier');
    expect((await train.listModels()).map((m) => m.id)).toEqual([kept.id]);
    const files = await train.modelFiles(kept.id);
    const json = JSON.parse(await files.find((f) => f.name === 'pipeline.json')!.blob.text());
    expect(json.detector.classes.map((c: { name: string }) => c.name).sort()).toEqual(['DoS', 'Normal', 'Reconnaissance']);
    expect(json.threshold.calibratedOn).toBe(json.training.benignRows);

    const hybrid = await train.train(
      {
        source: { kind: 'files', files: [sharedFile(V2)] },
        detector: 'hybrid',
        settings: { unsupervised: 'kmeans', classifier: 'decision_tree' },
        threshold: 'p99',
        seed: 1,
      },
      () => {},
    );
    expect(hybrid.model.detector).toBe('hybrid');
    expect(hybrid.report.roc_auc).toBeGreaterThan(0.9);
    await expect(
      train.train(
        { source: { kind: 'files', files: [sharedFile(V2)] }, detector: 'hybrid', settings: { unsupervised: 'ensemble' }, threshold: 'p99', seed: 1 },
        () => {},
      ),
    ).rejects.toThrow(/^a hybrid's detector is one of iforest, ae, lstm, kmeans, knn, not "ensemble"$/);
  }, 120_000);
});
