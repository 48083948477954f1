export type { ClassInfo, ColumnKind, Dialect, DialectId } from './dialect';
export { cleanHeader } from './dialect';
export { ClassVocabulary, MAX_CLASS_NAME, boundedName } from './class-vocabulary';
export type { Schema, SchemaColumn } from './schema';
export { incompatibility } from './schema';
export { detectDialect, dialectById, KNOWN_DIALECTS, MIN_CONFIDENCE, type Detection } from './detect';
export { genericDialect, type GenericOptions } from './generic';
export { ciciomtClass, ciciomtFileClass, ciciomtV1, ciciomtV2 } from './ciciomt2024';
export { CICIOMT_V1_COLUMNS, CICIOMT_V2_COLUMNS, CICIOT2023_COLUMNS, HOST_COUNT_COLUMNS } from './cic-columns';
