import type { SourceFile } from '../ingest';
import { fitPipeline, FittedPipeline, PIPELINE_FILE, type PipelineJSON } from '../pipeline';
import { incompatibility, type Schema } from '../schema';
import type { LabStore, ModelRecord } from '../store';

/** `public/models/index.json` */
export interface DefaultModelIndex {
  format: typeof MODEL_INDEX_FORMAT;
  models: DefaultModelEntry[];
}

export interface DefaultModelEntry {
  id: string;
  detector: string;
  name: string;
  /** folder relative to the index, ending in '/' */
  path: string;
  files: string[];
  threshold?: number;
  trainRows?: number;
}

export const MODEL_INDEX_FORMAT = 'iomt-anomaly-lab/models';
/** rows an on-the-spot isolation forest learns from at most (a uniform sample past that) */
export const SPOT_TRAIN_ROWS = 50_000;
/** bytes of each file read to train on the spot: enough benign rows without reading a several-GB file twice */
export const SPOT_TRAIN_BYTES = 64 << 20;

export function defaultModelId(id: string): string {
  return `default-${id}`;
}

/** fetches a file relative to the models folder; null when it is not there */
export type FetchBytes = (path: string) => Promise<Uint8Array | null>;

/** The default models listed in `index.json` as model records (fetched once, then kept in the store). */
export async function fetchDefaultModels(fetchBytes: FetchBytes): Promise<ModelRecord[]> {
  const indexBytes = await fetchBytes('index.json');
  if (!indexBytes) return [];
  const index = JSON.parse(new TextDecoder().decode(indexBytes)) as DefaultModelIndex;
  if (index.format !== MODEL_INDEX_FORMAT || !Array.isArray(index.models)) throw new Error(`models/index.json is not a "${MODEL_INDEX_FORMAT}" index`);
  const out: ModelRecord[] = [];
  for (const entry of index.models) {
    const files: Record<string, Uint8Array> = {};
    let pipeline: PipelineJSON | null = null;
    for (const name of entry.files) {
      const bytes = await fetchBytes(entry.path + name);
      if (!bytes) throw new Error(`the default model ${entry.id} lacks ${entry.path}${name}`);
      if (name === PIPELINE_FILE) pipeline = JSON.parse(new TextDecoder().decode(bytes)) as PipelineJSON;
      else if (!name.endsWith('.json')) files[name] = bytes;
    }
    if (!pipeline) throw new Error(`the default model ${entry.id} has no ${PIPELINE_FILE}`);
    out.push({
      id: defaultModelId(entry.id),
      name: entry.name,
      createdAt: Date.parse(pipeline.training?.createdAt ?? '') || 0,
      detector: entry.detector,
      dataset: pipeline.training?.dataset ?? pipeline.schema.dialect,
      origin: 'default',
      pipeline,
      files,
    });
  }
  return out;
}

/**
 * Puts the default models into the store where it lacks them or holds another version
 * (the site was updated since the last visit); returns how many were written.
 */
export async function ensureDefaultModels(store: LabStore, fetchBytes: FetchBytes): Promise<number> {
  const have = new Set((await store.listModels()).map((m) => m.id));
  let written = 0;
  for (const model of await fetchDefaultModels(fetchBytes)) {
    if (have.has(model.id) && sameModel(await store.getModel(model.id), model)) continue;
    await store.putModel(model);
    written++;
  }
  return written;
}

function sameModel(a: ModelRecord | undefined, b: ModelRecord): boolean {
  if (!a || JSON.stringify(a.pipeline) !== JSON.stringify(b.pipeline)) return false;
  const names = Object.keys(b.files);
  if (Object.keys(a.files).length !== names.length) return false;
  return names.every((n) => a.files[n]?.length === b.files[n].length && a.files[n].every((v, i) => v === b.files[n][i]));
}

export interface ModelChoice {
  verdict: ModelRecord;
  alongside: ModelRecord[];
}

export interface ModelRequest {
  modelId?: string;
  detector?: string;
  alongside?: string[];
}

/**
 * The models for data of `schema`: the requested model; or the default model of the
 * requested detector (autoencoder by default) when it fits the data, else the newest
 * stored one of that detector, else the newest stored model of any kind that fits.
 * Alongside: the requested models, or by default an isolation forest beside an
 * autoencoder. Null when nothing stored fits (train one on the spot).
 */
export async function chooseModels(store: LabStore, schema: Schema, request: ModelRequest): Promise<ModelChoice | null> {
  const fits = (m: ModelRecord) => incompatibility(m.pipeline.schema, schema) === null;
  if (request.modelId) {
    const m = await store.getModel(request.modelId);
    if (!m) throw new Error(`there is no stored model "${request.modelId}"`);
    const why = incompatibility(m.pipeline.schema, schema);
    if (why) throw new Error(`The model "${m.name}" cannot score these flows: ${why}.`);
    return { verdict: m, alongside: await alongsideOf(store, m, request, schema) };
  }
  const kind = request.detector ?? 'ae';
  const listed = (await store.listModels()).sort((a, b) => b.createdAt - a.createdAt);
  const order = [
    ...listed.filter((m) => m.id === defaultModelId(kind)),
    ...listed.filter((m) => m.detector === kind && m.id !== defaultModelId(kind)),
    ...listed.filter((m) => m.detector !== kind),
  ];
  for (const entry of order) {
    const m = await store.getModel(entry.id);
    if (m && fits(m)) return { verdict: m, alongside: await alongsideOf(store, m, request, schema) };
  }
  return null;
}

/** the models scored alongside `verdict` on data of `schema` */
async function alongsideOf(store: LabStore, verdict: ModelRecord, request: ModelRequest, schema: Schema): Promise<ModelRecord[]> {
  if (request.alongside) {
    const out: ModelRecord[] = [];
    for (const id of request.alongside) {
      const m = await store.getModel(id);
      if (!m) throw new Error(`there is no stored model "${id}" to score alongside`);
      const why = incompatibility(m.pipeline.schema, schema);
      if (why) throw new Error(`The model "${m.name}" cannot score these flows alongside: ${why}.`);
      if (m.id !== verdict.id) out.push(m);
    }
    return out;
  }
  if (verdict.detector !== 'ae') return [];
  const listed = (await store.listModels()).filter((m) => m.detector === 'iforest').sort((a, b) => b.createdAt - a.createdAt);
  const order = [...listed.filter((m) => m.id === defaultModelId('iforest')), ...listed.filter((m) => m.id !== defaultModelId('iforest'))];
  for (const entry of order) {
    const m = await store.getModel(entry.id);
    if (m && incompatibility(m.pipeline.schema, schema) === null) return [m];
  }
  return [];
}

/**
 * An isolation forest trained now on the benign rows of the first `SPOT_TRAIN_BYTES` of
 * each file, for data no stored model fits (e.g. BoT-IoT). Saved as a 'trained' model.
 */
export async function trainOnTheSpot(files: SourceFile[], store: LabStore, options: { signal?: AbortSignal; seed?: number } = {}): Promise<ModelRecord> {
  const heads: SourceFile[] = files.map((f) => ({
    name: f.name,
    size: f.size === undefined ? undefined : Math.min(f.size, SPOT_TRAIN_BYTES),
    stream: () => truncate(f.stream(), SPOT_TRAIN_BYTES),
  }));
  const { pipeline } = await fitPipeline(heads, { detector: 'iforest', maxTrainRows: SPOT_TRAIN_ROWS, seed: options.seed ?? 0, signal: options.signal });
  const json = pipeline.toJSON();
  const record: ModelRecord = {
    id: `trained-iforest-${Date.now().toString(36)}`,
    name: `Isolation forest trained on ${files.length === 1 ? files[0].name : `${files.length} files`}`,
    createdAt: Date.now(),
    detector: 'iforest',
    dataset: json.training.dataset,
    origin: 'trained',
    pipeline: json,
    files: await pipeline.artifacts(),
  };
  pipeline.dispose();
  await store.putModel(record);
  return record;
}

/** Loads a stored model for scoring. */
export function pipelineOf(model: ModelRecord): Promise<FittedPipeline> {
  return FittedPipeline.fromJSON(model.pipeline, model.files);
}

/** the first `limit` bytes of a stream, ending at a line break */
function truncate(stream: ReadableStream<Uint8Array>, limit: number): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  let left = limit;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (left <= 0) {
        await reader.cancel();
        controller.close();
        return;
      }
      const { done, value } = await reader.read();
      if (done) return controller.close();
      if (value.byteLength <= left) {
        left -= value.byteLength;
        controller.enqueue(value);
        return;
      }
      // stop at the last line break within the limit, so no row is cut in two
      const cut = value.subarray(0, left).lastIndexOf(10);
      controller.enqueue(value.subarray(0, cut + 1));
      left = 0;
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
