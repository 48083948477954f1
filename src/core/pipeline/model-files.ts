import type { DetectorJSON } from '../detectors';
import { PIPELINE_FILE, type PipelineJSON } from './fitted-pipeline';

/**
 * A saved model as files, the same set `npm run evaluate -- --save` writes: `pipeline.json`
 * (schema, preprocessor, detector, threshold), the detector's binary files (an
 * autoencoder's `weights.bin`), and beside each autoencoder's weights its TensorFlow.js
 * `model.json`, so the files open in tfjs and in Python's tensorflowjs converter.
 * Paths are relative (`member-0/weights.bin` for an ensemble's first member).
 */
export function modelFileSet(pipeline: PipelineJSON, artifacts: Record<string, Uint8Array>): Record<string, Uint8Array | string> {
  const files: Record<string, Uint8Array | string> = { [PIPELINE_FILE]: JSON.stringify(pipeline, null, 1), ...artifacts };
  for (const [prefix, model] of tfjsModels(pipeline.detector, '')) files[`${prefix}model.json`] = JSON.stringify(model);
  return files;
}

function* tfjsModels(json: DetectorJSON, prefix: string): Generator<[string, unknown]> {
  if (json.model) yield [prefix, json.model];
  const members = json.members as DetectorJSON[] | undefined;
  if (members) for (let m = 0; m < members.length; m++) yield* tfjsModels(members[m], `${prefix}member-${m}/`);
}

/**
 * Files a person dropped or picked → the pipeline JSON and the binary files by relative
 * path. Accepts a dropped folder (paths below its top folder), loose files, and
 * downloaded ensemble files whose folder was flattened into the name
 * (`member-0_weights.bin`). Throws one sentence when `pipeline.json` is missing or broken.
 */
export function readModelFileSet(files: { path: string; data: Uint8Array }[]): { json: unknown; artifacts: Record<string, Uint8Array> } {
  const named = files.map((f) => ({ ...f, rel: relativePath(f.path) }));
  const pipeline = named.find((f) => f.rel === PIPELINE_FILE) ?? named.find((f) => f.rel.endsWith(PIPELINE_FILE));
  if (!pipeline) {
    throw new Error(
      `no ${PIPELINE_FILE} among ${files.map((f) => f.path).join(', ') || 'the files'}: a saved model needs its ${PIPELINE_FILE} (and weights.bin for an autoencoder)`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(pipeline.data));
  } catch {
    throw new Error(`${pipeline.path} is not valid JSON, so it is not a saved model`);
  }
  const artifacts: Record<string, Uint8Array> = {};
  for (const f of named) if (!f.rel.endsWith('.json')) artifacts[f.rel] = f.data;
  return { json, artifacts };
}

/** "models/my-ae/member-0/weights.bin" → "member-0/weights.bin"; "member-0_weights.bin" → "member-0/weights.bin" */
function relativePath(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  const member = parts.findIndex((p) => /^member-\d+$/.test(p));
  if (member >= 0) return parts.slice(member).join('/');
  const name = parts.at(-1) ?? '';
  const flat = /^((?:member-\d+_)+)(.+)$/.exec(name);
  return flat ? flat[1].split('_').filter(Boolean).join('/') + '/' + flat[2] : name;
}
