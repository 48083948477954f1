import type { Batch } from '../ingest/batch';

/**
 * What the source worker hands the detect worker: a batch of raw flows plus where they
 * came from. Every typed array is transferred (zero copy), never cloned per row.
 */
export interface FlowBatch extends Batch {
  /** per row: index into the run's device names, NO_DEVICE where the source has none */
  device: Uint16Array;
  /** sequence number of the batch within the run, from 0, gap-free */
  seq: number;
  /** wall-clock time (ms, `performance.timeOrigin + performance.now()`) the batch was emitted */
  emittedAt: number;
}

export const NO_DEVICE = 0xffff;

/** The typed arrays of a batch, for `postMessage(batch, transferablesOf(batch))`. */
export function transferablesOf(b: FlowBatch): ArrayBuffer[] {
  return [b.data.buffer, b.classIndex.buffer, b.time.buffer, b.rowNumber.buffer, b.fileIndex.buffer, b.device.buffer] as ArrayBuffer[];
}

/** Messages on the source → detect MessagePort. */
export type SourceMessage =
  | { type: 'batch'; batch: FlowBatch }
  /** rows the source read but could not turn into flows, by reason (counted, never lost silently) */
  | { type: 'skipped'; reasons: Record<string, number> }
  /** the source reached its end (and does not loop) */
  | { type: 'end' };

/** Messages on the detect → source MessagePort: credit-based backpressure. */
export type SinkMessage =
  /** the detect worker can take `batches` more batches; the source never sends without credit */
  { type: 'credit'; batches: number };
