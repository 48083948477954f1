export type { ClassInfo, ColumnKind, Dialect, DialectId } from './dialect';
export { cleanHeader } from './dialect';
export type { Schema, SchemaColumn } from './schema';
export { incompatibility } from './schema';
export { detectDialect, dialectById, KNOWN_DIALECTS, MIN_CONFIDENCE, type Detection } from './detect';
export { genericDialect, type GenericOptions } from './generic';
export { ciciomtClass, ciciomtFileClass } from './ciciomt2024';
