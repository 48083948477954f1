/**
 * How a worker starts TensorFlow.js: the .wasm files of this build, the webgpu package
 * loaded only when it is about to be used (a WASM-only visit never downloads it), and the
 * user's choice, which the page puts into the worker's name (`detect backend=webgpu`)
 * because a worker cannot read the page's address.
 */
import { WASM_PATHS } from './wasm-paths';
import { parseBackendPreference, type BackendHost, type BackendPreference } from '../src/core/detectors';

export const TF_HOST: BackendHost = {
  wasmPaths: WASM_PATHS,
  loadWebGpu: () => import('@tensorflow/tfjs-backend-webgpu'),
};

export const backendPreference: BackendPreference = parseBackendPreference(/(?:^|\s)backend=(\S+)/.exec(self.name)?.[1]);
