import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { FittedPipeline, PIPELINE_FILE, type PipelineJSON, modelFileSet } from '../core/pipeline';
import type { ModelRecord } from '../core/store';

/** A saved model as a folder: the files of `modelFileSet` (pipeline.json, weights, model.json). */
export async function saveModelFolder(dir: string, pipeline: FittedPipeline): Promise<string[]> {
  const files = modelFileSet(pipeline.toJSON(), await pipeline.artifacts());
  for (const [name, data] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
  }
  return Object.keys(files);
}

export async function loadModelFolder(dir: string): Promise<FittedPipeline> {
  const { json, files } = readModelFolder(dir);
  return FittedPipeline.fromJSON(json, files);
}

/** A saved model folder as a model record for a store (`origin: 'uploaded'`); one sentence when it is not a model. */
export function modelRecordOfFolder(dir: string): ModelRecord {
  const { json, files } = readModelFolder(dir);
  const pipeline = json as PipelineJSON;
  if (!pipeline || typeof pipeline !== 'object' || !pipeline.schema || !pipeline.detector)
    throw new Error(`${join(dir, PIPELINE_FILE)} is not a saved model's pipeline`);
  return {
    id: `folder-${basename(dir.replace(/[\\/]+$/, ''))}`,
    name: basename(dir.replace(/[\\/]+$/, '')) || dir,
    createdAt: Date.parse(pipeline.training?.createdAt ?? '') || Date.now(),
    detector: pipeline.detector.kind,
    dataset: pipeline.training?.dataset ?? pipeline.schema.dialect,
    origin: 'uploaded',
    pipeline,
    files,
  };
}

/** pipeline.json parsed, and the binary files beside it by relative path */
function readModelFolder(dir: string): { json: unknown; files: Record<string, Uint8Array> } {
  const path = join(dir, PIPELINE_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`${dir} holds no saved model (${PIPELINE_FILE} is missing)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON`);
  }
  const files: Record<string, Uint8Array> = {};
  for (const file of walk(dir)) {
    const name = relative(dir, file).split('\\').join('/');
    if (!name.endsWith('.json')) files[name] = new Uint8Array(readFileSync(file));
  }
  return { json, files };
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}
