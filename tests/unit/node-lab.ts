import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { ensureBackend } from '../../src/core/detectors';
import { DetectService, type BackendInfo } from '../../src/core/lab';
import { IndexedDbStore } from '../../src/core/store';

const MODELS = fileURLToPath(new URL('../../public/models/', import.meta.url));

export async function backend(): Promise<BackendInfo> {
  return { ...(await ensureBackend('wasm')), crossOriginIsolated: false };
}

/** a detect service hosted in Node as a monitor would host it: a fresh fake-indexeddb store, the default models from public/models */
export async function nodeDetectService(dbName: string): Promise<DetectService> {
  const store = await IndexedDbStore.open(dbName, new IDBFactory());
  return new DetectService({
    openStore: async () => store,
    backend,
    fetchModelFile: async (path) => (existsSync(MODELS + path) ? new Uint8Array(readFileSync(MODELS + path)) : null),
    summaryMs: 20,
    warn: (text) => expect.fail(text),
  });
}
