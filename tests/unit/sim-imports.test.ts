import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * The simulator's face loads no npm package. Under tsx (the CLI and the benchmarks) a
 * package such as Papa Parse, reached through the ingest face, is scanned by tsx's
 * WebAssembly lexer, whose memory then grows: that detaches an ArrayBuffer, which
 * switches off V8's ArrayBufferDetaching protector for the whole process, and every
 * typed-array access of the simulator's hot loop then checks for detachment (≈ 8 % slower,
 * BENCHMARKS.md, issue 15). Packages that come as CommonJS show in require's cache.
 */
describe('the simulator face', () => {
  it('loads no npm package besides tsx itself', () => {
    const script = [
      "import { createRequire } from 'node:module';",
      "await import('./src/core/sim/index.ts');",
      'const cache = createRequire(import.meta.url).cache;',
      "console.log(JSON.stringify(Object.keys(cache).filter((k) => k.includes('/node_modules/') && !/\\/node_modules\\/(tsx|esbuild)\\//.test(k))));",
    ].join('\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual([]);
  });
});
