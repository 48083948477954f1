import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileWat, moduleFor, watFiles } from '../../src/cli/build-wasm';

describe('npm run build:wasm', () => {
  it('the committed WebAssembly modules are their .wat compiled (edit the .wat, then rebuild)', async () => {
    const wats = watFiles();
    expect(wats.length).toBeGreaterThan(0);
    for (const wat of wats) expect(readFileSync(moduleFor(wat), 'utf8'), moduleFor(wat)).toBe(await compileWat(wat));
  });
});
