/** Small primitives every module may use; nothing here imports from another core module. */
export { messageOf, lowerFirst } from './errors';
export { blobFile, filePath, type ByteFile, type NamedBlob } from './files';
export { floorToFloat32 } from './float32';
export { fnv1a } from './hash';
export { Random } from './random';
export { throttle } from './throttle';
