import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { FittedPipeline, PIPELINE_FILE } from '../core/pipeline';
import { modelFileSet } from '../core/pipeline/model-files';

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
  return FittedPipeline.fromJSON(json, files);
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}
