/**
 * Chooses the TensorFlow.js backend once per host (Node or a browser worker).
 *
 * WebAssembly is the default: with SIMD it trains and scores the small dense and LSTM
 * autoencoders several times faster than the plain-JS cpu backend, and it behaves the
 * same in Node and in the browser, so figures measured in one hold in the other.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { initializers } from '@tensorflow/tfjs-layers';
import { Random, messageOf } from '../util';

export type BackendName = 'wasm' | 'cpu';

/** Where the browser finds the .wasm binaries: a folder prefix or one URL per file. */
export type WasmPaths = Parameters<typeof setWasmPaths>[0];

export interface BackendInfo {
  backend: BackendName;
  /** WebAssembly SIMD in use (wasm only) */
  simd: boolean;
  /** wasm threads (1 unless the page is cross-origin isolated) */
  threads: number;
  /** why the preferred backend was not used, if it was not */
  note?: string;
}

const chosen = new Map<BackendName, Promise<BackendInfo>>();
let wasmPathsSet = false;

/**
 * Makes `preferred` the active backend (wasm falls back to cpu, with a note) and says
 * what is in use. Idempotent: later calls reuse the first outcome for that preference.
 * `wasmPaths` matters only before the wasm backend first starts, i.e. on the first call.
 */
export async function ensureBackend(preferred: BackendName = 'wasm', wasmPaths?: WasmPaths): Promise<BackendInfo> {
  if (wasmPaths !== undefined && !wasmPathsSet) {
    setWasmPaths(wasmPaths);
    wasmPathsSet = true;
  }
  let pending = chosen.get(preferred);
  if (!pending) {
    pending = activate(preferred);
    chosen.set(preferred, pending);
  }
  const info = await pending;
  // another caller may have switched backends since
  if (tf.getBackend() !== info.backend) await tf.setBackend(info.backend);
  return info;
}

async function activate(preferred: BackendName): Promise<BackendInfo> {
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
