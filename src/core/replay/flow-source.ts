import type { Batch } from '../ingest';
import type { SourceMeta } from './flow-batch';
import type { CaptureCounters } from '../packets';

/** Raw flows as a source yields them: a batch plus each row's device. */
export interface FlowRows extends Batch {
  device: Uint16Array;
  /** wall-clock ms the oldest of these flows reached this tab (live feeds); the replay's latency counts from here instead of from emission */
  arrivedAt?: number;
}

/**
 * Where a replay's flows come from: dropped files or the simulator. The replay loop is
 * the only caller, one call at a time.
 */
export interface FlowSource {
  /** reads enough to know the schema; throws an `InputError` (one sentence) for a bad source */
  open(): Promise<void>;
  /** what the flows mean now; `metaVersion` changes whenever this does */
  meta(): SourceMeta;
  readonly metaVersion: number;
  /**
   * The next rows, or null at the end. `hint` is how many rows the replay wants soon: a
   * generator makes about that many (so an injected attack shows at once at low rates);
   * a file reader may return its own batch size.
   */
  next(hint: number): Promise<FlowRows | null>;
  /** 0–1 of the way through (files: bytes), null when unknown or endless */
  fraction(): number | null;
  /** continue from about `fraction` (0–1) of the source */
  seek(fraction: number): Promise<void>;
  /** back to the start, for looping; flow times keep increasing across restarts */
  restart(): Promise<void>;
  /** rows read but not turned into flows since the last call, by reason */
  takeSkipped(): Record<string, number>;
  /** live feeds: flows published but never received since the last call (sequence gaps) */
  takeLost?(): number;
  /** packet captures: what they held so far (packets read, decoded, skipped by reason, flows made) when it changed since the last call, else null */
  takePackets?(): CaptureCounters | null;
  /** new captions when they changed since the last call, else null */
  takeCaptions?(): string[] | null;
  close(): void;
}
