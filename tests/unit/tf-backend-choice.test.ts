import { afterEach, describe, expect, it, vi } from 'vitest';
import { ensureBackend, parseBackendPreference } from '../../src/core/detectors';

/**
 * The backend choice in Node, where there is no WebGPU: every preference ends on wasm and
 * says why. The browser side (a real SwiftShader adapter) is tests/e2e/webgpu.spec.ts.
 */
describe('the TensorFlow.js backend choice', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads backend= as typed, and anything unknown as auto', () => {
    expect(parseBackendPreference('webgpu')).toBe('webgpu');
    expect(parseBackendPreference(' WASM ')).toBe('wasm');
    expect(parseBackendPreference('cpu')).toBe('cpu');
    expect(parseBackendPreference('gpu')).toBe('auto');
    expect(parseBackendPreference(null)).toBe('auto');
  });

  it('without WebGPU, auto and webgpu run wasm and say why; the webgpu package is never loaded', async () => {
    const loadWebGpu = vi.fn(() => Promise.resolve());
    const auto = await ensureBackend('auto', { loadWebGpu });
    expect(auto).toMatchObject({ backend: 'wasm', note: 'WebGPU is not used: this browser does not offer WebGPU' });
    const forced = await ensureBackend('webgpu', { loadWebGpu });
    expect(forced.backend).toBe('wasm');
    expect(loadWebGpu).not.toHaveBeenCalled();
    // wasm asked for is wasm without a note
    expect(await ensureBackend('wasm')).toEqual({ backend: 'wasm', simd: expect.any(Boolean), threads: expect.any(Number) });
  });
});
