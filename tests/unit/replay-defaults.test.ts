import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultModelId, ensureDefaultModels, type FetchBytes } from '../../src/core/replay';
import { IndexedDbStore } from '../../src/core/store';

const MODELS = fileURLToPath(new URL('../../public/models/', import.meta.url));

/** public/models as the site serves it, with `edit` applied to the named files' text */
function site(edit: Record<string, (text: string) => string> = {}): FetchBytes {
  return async (path) => {
    const file = MODELS + path;
    if (!existsSync(file)) return null;
    const bytes = readFileSync(file);
    return edit[path] ? new TextEncoder().encode(edit[path](bytes.toString('utf8'))) : new Uint8Array(bytes);
  };
}

describe('the default models kept in the store', () => {
  it('are written on the first visit, kept while unchanged, and replaced when the site ships another version', async () => {
    const store = await IndexedDbStore.open('defaults-test', new IDBFactory());
    expect(await ensureDefaultModels(store, site())).toBe(3);
    expect((await store.listModels()).map((m) => m.id).sort()).toEqual(['default-ae', 'default-iforest', 'default-lstm']);
    expect(await ensureDefaultModels(store, site())).toBe(0);

    const retrained = site({ 'iforest/pipeline.json': (t) => t.replace(/"value": [0-9.e-]+/, '"value": 0.75') });
    expect(await ensureDefaultModels(store, retrained)).toBe(1);
    expect((await store.getModel(defaultModelId('iforest')))!.pipeline.threshold.value).toBe(0.75);
  });
});
