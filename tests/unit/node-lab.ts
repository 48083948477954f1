import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { ensureBackend } from '../../src/core/detectors';
import { DetectService, SourceService, type BackendInfo, type PrepareRequest } from '../../src/core/lab';
import { linkedPorts, type LiveSummary, type RateSpec, type SourceSpec } from '../../src/core/replay';
import { IndexedDbStore } from '../../src/core/store';

const MODELS = fileURLToPath(new URL('../../public/models/', import.meta.url));

export async function backend(): Promise<BackendInfo> {
  return { ...(await ensureBackend('wasm')), crossOriginIsolated: false };
}

/** the default models' files from public/models, as the page fetches them */
export async function readModelFile(path: string): Promise<Uint8Array | null> {
  return existsSync(MODELS + path) ? new Uint8Array(readFileSync(MODELS + path)) : null;
}

/** a detect service hosted in Node as a monitor would host it: a fresh fake-indexeddb store, the default models from public/models */
export async function nodeDetectService(dbName: string): Promise<DetectService> {
  const store = await IndexedDbStore.open(dbName, new IDBFactory());
  return new DetectService({
    openStore: async () => store,
    backend,
    fetchModelFile: readModelFile,
    summaryMs: 20,
    warn: (text) => expect.fail(text),
  });
}

/**
 * A simulated scenario replayed into `detect` as the Live view does it, both services joined by linked ports:
 * the opened source, the run record, every summary so far, and `playUntilStored(n)`, which plays (as
 * fast as possible unless a rate is given) until n flows are stored, stops both and gives the last summary. A run that
 * cannot be prepared closes its source and throws.
 */
export async function openRun(
  detect: DetectService,
  spec: Extract<SourceSpec, { kind: 'simulation' }>,
  request: Partial<Omit<PrepareRequest, 'port' | 'meta' | 'source'>> = {},
) {
  const source = new SourceService();
  const [sourcePort, detectPort] = linkedPorts();
  const opened = await source.open(spec, sourcePort);
  const summaries: LiveSummary[] = [];
  const run = await detect
    .prepare({ ...request, port: detectPort, meta: opened.meta, source: spec }, (s) => void summaries.push(s))
    .catch(async (e: unknown) => {
      await source.stop();
      throw e;
    });
  return {
    source,
    run,
    summaries,
    async playUntilStored(rows: number, rate: RateSpec = { kind: 'max' }): Promise<LiveSummary> {
      source.play(rate, false);
      while ((summaries.at(-1)?.counters.stored ?? 0) < rows) await new Promise((r) => setTimeout(r, 20));
      await source.stop();
      return (await detect.stop())!;
    },
  };
}
