/** Small primitives every module may use; nothing here imports from another core module. */
export { throwIfAborted } from './abort';
export { InputError, messageOf, lowerFirst } from './errors';
export { FEATURE_THRESHOLD } from './feature-threshold';
export { withoutCredentials } from './credentials';
export { blobFile, filePath, type ByteFile, type NamedBlob } from './files';
export { floorToFloat32, lastFloat32Where } from './float32';
export { fnv1a } from './hash';
export type { FitOptions, FitProgress } from './fitting';
export { nextTurn, yielder } from './pacing';
export { quantile, quantileOf, sortedWithoutNaN } from './quantile';
export { Random } from './random';
export { throttle } from './throttle';
export { reserveMemory, wasmInstance } from './wasm';
