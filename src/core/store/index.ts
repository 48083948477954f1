/** The lab's persistence: records (a run's live summary among them), the IndexedDB store, run exports, and flow protocol names. */
export type { AlertGroup, FlowChunk, LabStore, ModelRecord, RunRecord, StorageEstimate } from './records';
export { IndexedDbStore, DEFAULT_DB_NAME, DEFAULT_RETENTION_ROWS } from './indexeddb-store';
export { StorageFullError, isStorageFullError, isQuotaError } from './storage-full';
export { exportRun, exportRunText, exportFileName, EXPORT_FORMATS, INFLUX_MEASUREMENT, type ExportFormat, type ExportOptions } from './export-run';
export { PROTOCOLS, protocolIndexer, flowProtocol, type ProtocolName } from './flow-protocol';
export { InfluxSink, writeEndpoint, type InfluxSinkOptions } from './influx-sink';
export type { InfluxStatus, InfluxTarget, OutputsSpec, OutputsStatus } from './output-types';
export { MqttAlertPublisher } from './mqtt-alerts';
export { MemoryStore, MEMORY_RETENTION_ROWS } from './memory-store';
export { checkOutputs, RunOutputs, type ChunkSink } from './run-outputs';
export {
  MAX_BUCKETS,
  emptySummary,
  type AlertSample,
  type FlowCounters,
  type LearningState,
  type LearningStatus,
  type LiveSeries,
  type LiveSummary,
  type RunState,
} from './run-summary';
export { NO_DEVICE } from './records';
