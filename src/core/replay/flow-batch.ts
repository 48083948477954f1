import type { Batch } from '../ingest';
import type { ClassInfo, Schema } from '../schema';
import type { CaptureCounters } from '../packets';
import { NO_DEVICE } from '../store';

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

export { NO_DEVICE };

/** The typed arrays of a batch, for `postMessage(batch, transferablesOf(batch))`. */
export function transferablesOf(b: FlowBatch): ArrayBuffer[] {
  return [b.data.buffer, b.classIndex.buffer, b.time.buffer, b.rowNumber.buffer, b.fileIndex.buffer, b.device.buffer] as ArrayBuffer[];
}

/** Messages on the source → detect MessagePort. */
export type SourceMessage =
  /**
   * what the following batches mean: sent before the first batch and again whenever it
   * changes (new class names or categorical values met while reading, a seek). Class
   * indices and device indices of batches point into these lists.
   */
  | { type: 'meta'; meta: SourceMeta }
  /** `fraction`: how far into the source (0–1; files: bytes) the replay is, null if unknown */
  | { type: 'batch'; batch: FlowBatch; fraction: number | null }
  /** what the simulator says is going on, when it changes */
  | { type: 'captions'; captions: string[] }
  /** the source failed (one sentence); nothing more follows */
  | { type: 'error'; message: string }
  /** rows the source read but could not turn into flows since the last such message, by reason (counted, never lost silently) */
  | { type: 'skipped'; reasons: Record<string, number> }
  /** a live feed: flows its producer published that never arrived since the last such message (sequence gaps) */
  | { type: 'lost'; flows: number }
  /** packet captures: what they held so far, over the whole run (a loop or a seek reads them again and adds) */
  | { type: 'packets'; counters: CaptureCounters }
  /** the source reached its end (and does not loop) */
  | { type: 'end' };

/** Messages on the detect → source MessagePort: credit-based backpressure. */
export type SinkMessage =
  /** the detect worker can take `batches` more batches; the source never sends without credit */
  { type: 'credit'; batches: number };

/** What the source tells the detect worker about its flows (see `SourceMessage` 'meta'). */
export interface SourceMeta {
  /** "Simulated hospital — mixed-day (seed 1)" or the file names */
  label: string;
  /** the dialect's name as people know it */
  dataset: string;
  schema: Schema;
  classes: ({ name: string } & ClassInfo)[];
  devices: string[];
  /** true when `time` holds the flows' own timestamps (seconds), false when it is a row ordinal */
  hasOwnTime: boolean;
}
