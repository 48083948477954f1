import { FittedPipeline, type PipelineJSON, modelFileSet, readModelFileSet } from '../pipeline';
import { dialectById, incompatibility, type Schema } from '../schema';
import type { LabStore, ModelRecord } from '../store';
import { describeThreshold } from '../threshold';
import { lowerFirst, messageOf, filePath } from '../util';
import type { ModelSummary } from './train-api';

/** trained models kept loaded: the newest few, saved or not (their threshold can still move) */
export const PENDING_KEPT = 3;

interface Pending {
  summary: ModelSummary;
  pipeline: FittedPipeline;
  saved: boolean;
}

/**
 * The stored models and the few just trained that wait for Save: what the Train view lists,
 * saves, renames, re-thresholds, loads from files, downloads and deletes.
 */
export class ModelShelf {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly openStore: () => Promise<LabStore>,
    /** the scoring backend, ready before a model's files are loaded */
    private readonly backend: () => Promise<unknown>,
  ) {}

  /** keeps a trained model loaded (disposing the oldest past `PENDING_KEPT`) until it is saved or deleted */
  keep(summary: ModelSummary, pipeline: FittedPipeline): void {
    this.pending.set(summary.id, { summary, pipeline, saved: false });
    while (this.pending.size > PENDING_KEPT) {
      const [oldest, held] = this.pending.entries().next().value!;
      held.pipeline.dispose();
      this.pending.delete(oldest);
    }
  }

  async list(): Promise<ModelSummary[]> {
    return (await this.openStore()).listModels();
  }

  async save(id: string, name?: string): Promise<ModelSummary> {
    const store = await this.openStore();
    const newName = name?.trim();
    const held = this.pending.get(id);
    if (!held) {
      const stored = await store.getModel(id);
      if (!stored) throw new Error('this model is no longer in the worker or the store: train it again');
      if (newName) await store.putModel({ ...stored, name: newName });
      return { ...summaryOf(stored), name: newName || stored.name };
    }
    if (newName) held.summary.name = newName;
    await store.putModel({ ...held.summary, pipeline: held.pipeline.toJSON(), files: await held.pipeline.artifacts() });
    held.saved = true;
    return { ...held.summary };
  }

  async setThreshold(id: string, value: number): Promise<{ value: number; spec: string }> {
    if (!Number.isFinite(value)) throw new Error(`the threshold must be a number, not ${value}`);
    const threshold = { spec: { kind: 'fixed' as const, value }, value, calibratedOn: 0 };
    const held = this.pending.get(id);
    if (held) held.pipeline.threshold = threshold;
    if (!held || held.saved) {
      const store = await this.openStore();
      const stored = await store.getModel(id);
      if (stored) await store.putModel({ ...stored, pipeline: { ...stored.pipeline, threshold } });
      else if (!held) throw new Error('this model is no longer in the worker or the store: train it again');
    }
    return { value, spec: describeThreshold(threshold.spec) };
  }

  /**
   * Stores model files a person dropped; `schema`: the data it must be able to score (else
   * one sentence says why not); `paths`: each file's path below a dropped folder.
   */
  async load(files: File[], schema?: () => Promise<Schema>, paths?: string[]): Promise<ModelSummary> {
    if (files.length === 0) throw new Error('no model files: drop pipeline.json (with model.json and weights.bin for an autoencoder)');
    const read = await Promise.all(files.map(async (f, i) => ({ path: paths?.[i] || filePath(f), data: new Uint8Array(await f.arrayBuffer()) })));
    const { json, artifacts } = readModelFileSet(read);
    let pipeline: FittedPipeline;
    try {
      await this.backend();
      pipeline = await FittedPipeline.fromJSON(json, artifacts);
    } catch (e) {
      throw new Error(`These files are not a model this lab can load: ${lowerFirst(messageOf(e))}`);
    }
    try {
      if (schema) checkCanScore(pipeline, await schema());
      const record: ModelRecord = {
        id: crypto.randomUUID(),
        name: `${pipeline.detector.kind} · ${pipeline.training.files.length === 1 ? pipeline.training.files[0] : `${pipeline.training.files.length} files`} (loaded)`,
        createdAt: Date.now(),
        detector: pipeline.detector.kind,
        dataset: pipeline.training.dataset,
        origin: 'uploaded',
        pipeline: pipeline.toJSON(),
        files: await pipeline.artifacts(),
      };
      await (await this.openStore()).putModel(record);
      return summaryOf(record);
    } finally {
      pipeline.dispose();
    }
  }

  async files(id: string): Promise<{ name: string; blob: Blob }[]> {
    const held = this.pending.get(id);
    let json: PipelineJSON;
    let artifacts: Record<string, Uint8Array>;
    if (held) {
      json = held.pipeline.toJSON();
      artifacts = await held.pipeline.artifacts();
    } else {
      const stored = await (await this.openStore()).getModel(id);
      if (!stored) throw new Error('this model is no longer in the store');
      json = stored.pipeline;
      artifacts = stored.files;
    }
    return Object.entries(modelFileSet(json, artifacts)).map(([name, data]) => ({
      name,
      blob: new Blob([typeof data === 'string' ? data : (data.slice() as Uint8Array<ArrayBuffer>)], {
        type: name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
      }),
    }));
  }

  async delete(id: string): Promise<void> {
    const held = this.pending.get(id);
    if (held) {
      held.pipeline.dispose();
      this.pending.delete(id);
    }
    await (await this.openStore()).deleteModel(id);
  }
}

/** one sentence when a model cannot score data of `schema` */
function checkCanScore(pipeline: FittedPipeline, schema: Schema): void {
  const why = incompatibility(pipeline.schema, schema);
  if (why && pipeline.schema.dialect !== schema.dialect) {
    throw new Error(
      `This model was trained on ${pipeline.training.dataset} data and cannot score the loaded files, which are ${dialectById(schema.dialect)?.name ?? schema.dialect}.`,
    );
  }
  if (why) throw new Error(`This model cannot score the loaded files: ${why}.`);
}

/** a model record without its files and pipeline: what lists show */
export function summaryOf(record: ModelRecord): ModelSummary {
  const { files: _files, pipeline: _pipeline, ...rest } = record;
  return rest;
}
