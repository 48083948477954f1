/**
 * Chooses the TensorFlow.js backend once per host (Node or a browser worker).
 *
 * WebAssembly is the default: with SIMD it trains and scores the small dense and LSTM
 * autoencoders several times faster than the plain-JS cpu backend, and it behaves the
 * same in Node and in the browser, so figures measured in one hold in the other.
 * In a browser that offers a hardware WebGPU adapter, `auto` runs on the GPU instead
 * (the host passes the webgpu package's loader, so Node and WASM-only pages never load it).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { initializers } from '@tensorflow/tfjs-layers';
import { Random, messageOf } from '../util';

export type BackendName = 'wasm' | 'cpu' | 'webgpu';

/** what the user asks for: `auto` takes a hardware WebGPU adapter where there is one, else wasm */
export type BackendPreference = 'auto' | 'wasm' | 'webgpu' | 'cpu';

const PREFERENCES: readonly BackendPreference[] = ['auto', 'wasm', 'webgpu', 'cpu'];

/** A `backend=` setting as typed (URL, worker name); anything else is `auto`. */
export function parseBackendPreference(text: string | null | undefined): BackendPreference {
  const value = (text ?? '').trim().toLowerCase();
  return (PREFERENCES as readonly string[]).includes(value) ? (value as BackendPreference) : 'auto';
}

/** Where the browser finds the .wasm binaries: a folder prefix or one URL per file. */
export type WasmPaths = Parameters<typeof setWasmPaths>[0];

export interface BackendInfo {
  backend: BackendName;
  /** WebAssembly SIMD in use (wasm only) */
  simd: boolean;
  /** wasm threads (1 unless the page is cross-origin isolated) */
  threads: number;
  /** the GPU that runs the webgpu backend ("vendor architecture"; webgpu only) */
  adapter?: string;
  /** why the preferred backend was not used, if it was not */
  note?: string;
}

/** What a browser host gives: where the .wasm files are, and how to load the webgpu package. */
export interface BackendHost {
  wasmPaths?: WasmPaths;
  /** imports @tensorflow/tfjs-backend-webgpu (which registers it); omitted: no WebGPU */
  loadWebGpu?: () => Promise<unknown>;
}

const chosen = new Map<BackendPreference, Promise<BackendInfo>>();
let wasmPathsSet = false;

/**
 * Makes `preferred` the active backend and says what is in use: webgpu falls back to wasm
 * and wasm to cpu, each with a note saying why. Idempotent: later calls reuse the first
 * outcome for that preference. The host matters only on the first call.
 */
export async function ensureBackend(preferred: BackendPreference = 'wasm', host: BackendHost = {}): Promise<BackendInfo> {
  if (host.wasmPaths !== undefined && !wasmPathsSet) {
    setWasmPaths(host.wasmPaths);
    wasmPathsSet = true;
  }
  let pending = chosen.get(preferred);
  if (!pending) {
    pending = activate(preferred, host.loadWebGpu);
    chosen.set(preferred, pending);
  }
  const info = await pending;
  // another caller may have switched backends since
  if (tf.getBackend() !== info.backend) await tf.setBackend(info.backend);
  return info;
}

async function activate(preferred: BackendPreference, loadWebGpu?: () => Promise<unknown>): Promise<BackendInfo> {
  if (preferred === 'auto' || preferred === 'webgpu') {
    const gpu = await activateWebGpu(preferred === 'webgpu', loadWebGpu);
    if (typeof gpu !== 'string') return gpu;
    const info = await activate('wasm');
    return { ...info, note: info.note ?? `WebGPU is not used: ${gpu}` };
  }
  if (preferred === 'wasm') {
    let failure = 'initialisation failed';
    const restoreListeners = keepProcessListeners();
    try {
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
        return { backend: 'wasm', simd, threads: getThreadsCount() };
      }
    } catch (e) {
      failure = messageOf(e);
    } finally {
      restoreListeners();
    }
    await setCpu();
    return { backend: 'cpu', simd: false, threads: 1, note: `the WebAssembly backend is unavailable (${failure}); using the slower cpu backend` };
  }
  await setCpu();
  return { backend: 'cpu', simd: false, threads: 1 };
}

/** the part of WebGPU's adapter this needs (the DOM types of this project leave WebGPU out) */
interface GpuAdapter {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
}

/**
 * WebGPU on an adapter that is real hardware, or on any adapter when `forced` (a software
 * one, SwiftShader, is far slower than wasm: only tests force it). Says why not otherwise.
 */
async function activateWebGpu(forced: boolean, loadWebGpu?: () => Promise<unknown>): Promise<BackendInfo | string> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<GpuAdapter | null> } } | undefined)?.gpu;
  if (!loadWebGpu || !gpu) return 'this browser does not offer WebGPU';
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return 'the browser found no WebGPU adapter';
    const info = adapter.info ?? {};
    const name = [info.vendor, info.architecture].filter(Boolean).join(' ') || info.description || 'unnamed adapter';
    const software = adapter.isFallbackAdapter === true || info.isFallbackAdapter === true || info.architecture === 'swiftshader';
    if (software && !forced) return `the only WebGPU adapter (${name}) is a software one`;
    await loadWebGpu();
    if (!(await tf.setBackend('webgpu'))) return 'the WebGPU backend did not start';
    await tf.ready();
    const slow = software ? { note: `WebGPU runs on a software adapter (${name}), slower than WebAssembly` } : {};
    return { backend: 'webgpu', simd: false, threads: 1, adapter: name, ...slow };
  } catch (e) {
    return `the WebGPU backend failed (${messageOf(e)})`;
  }
}

/**
 * In Node, the wasm module's start-up adds process handlers that rethrow every uncaught
 * error and unhandled rejection, so a crash anywhere prints the whole minified module as
 * its source line. Dropping them leaves Node's own (equally fatal) handling.
 */
function keepProcessListeners(): () => void {
  if (typeof process === 'undefined' || typeof process.listeners !== 'function') return () => {};
  const events = ['uncaughtException', 'unhandledRejection'] as const;
  const before = events.map((e) => new Set(process.listeners(e)));
  return () =>
    events.forEach((e, i) => {
      for (const listener of process.listeners(e)) if (!before[i].has(listener)) process.removeListener(e, listener);
    });
}

async function setCpu(): Promise<void> {
  if (!(await tf.setBackend('cpu'))) throw new Error('TensorFlow.js could not start even its cpu backend');
  await tf.ready();
}

export type WeightInitializer = ReturnType<typeof initializers.glorotUniform>;

/**
 * Glorot-uniform initialisers with seeds drawn from `random_state`, one per weight
 * matrix, so that a fit is reproducible (tfjs otherwise seeds from Math.random).
 */
export function seededGlorot(randomState: number): () => WeightInitializer {
  const random = new Random(randomState);
  return () => initializers.glorotUniform({ seed: random.int(2 ** 31) });
}
