import { InflatedTooLarge, inflateWire, InputError, isCompressedWire, wireFraming } from '../ingest';

/** A message as the broker delivered it. */
export interface LiveMessage {
  topic: string;
  payload: Uint8Array;
  /** flow records in it (see `wireFraming`) */
  records: number;
  /** wall-clock ms it arrived (the run's latency counts from here: what a feed's flows wait in this tab is part of it) */
  arrivedAt: number;
}

export interface LiveQueueOptions {
  /** flows held at most; what comes on top is skipped as "live queue full" */
  capacity?: number;
  /** a message larger than this is skipped whole as "message too large" */
  maxMessageBytes?: number;
  /** count sequence gaps as lost (off under a shared subscription: each consumer sees only a part) */
  countLost?: boolean;
}

export const DEFAULT_LIVE_CAPACITY = 200_000;
export const DEFAULT_MAX_MESSAGE_BYTES = 16 << 20;

/**
 * Where a live feed's credit-based backpressure ends: a broker cannot be slowed down, so
 * messages wait here, bounded by the flows they hold. What does not fit is skipped and
 * counted ("live queue full"); gaps in a topic's sequence numbers are counted as lost
 * (flows the producer published that never arrived). Sequence numbers count flows, so
 * a gap is the number of flows missing; a sequence that goes back (the producer
 * restarted) starts over without counting a loss.
 */
export class LiveQueue {
  private readonly messages: LiveMessage[] = [];
  private head = 0;
  private held = 0;
  private readonly capacity: number;
  private readonly maxBytes: number;
  private readonly countLost: boolean;
  /** per topic: the sequence number the next message should carry */
  private readonly expected = new Map<string, number>();
  private skipped: Record<string, number> = {};
  private lost = 0;
  private lostTotal = 0;
  private waiter: (() => void) | null = null;
  /** flows the waiter waits for */
  private wanted = 1;
  /** flows taken in so far (all time), for the feed's rate */
  arrived = 0;

  constructor(options: LiveQueueOptions = {}) {
    this.capacity = options.capacity ?? DEFAULT_LIVE_CAPACITY;
    this.maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.countLost = options.countLost ?? true;
  }

  /** flows waiting */
  get size(): number {
    return this.held;
  }

  /** flows lost so far (all time) */
  get lostFlows(): number {
    return this.lostTotal;
  }

  push(topic: string, payload: Uint8Array): void {
    // a compressed message waits inflated (framing needs its records); one that does not inflate waits as it came, for the reader to say why
    if (isCompressedWire(payload)) {
      try {
        payload = inflateWire(payload, topic, this.maxBytes);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        // its records are not counted without inflating it: the sequence starts again at the next message, so they are not called lost
        this.expected.delete(topic);
        if (e instanceof InflatedTooLarge) return this.skip('message too large', 1);
      }
    }
    // framing scans bytes for line breaks only (no decoding), cheap enough for a message too large too
    const framing = wireFraming(payload);
    if (framing.seq !== null && this.countLost) {
      const want = this.expected.get(topic);
      if (want !== undefined && framing.seq > want) {
        this.lost += framing.seq - want;
        this.lostTotal += framing.seq - want;
      }
      this.expected.set(topic, framing.seq + framing.records);
    }
    if (payload.length > this.maxBytes) {
      // it arrived: its flows are skipped (not lost), so the sequence and the counters agree
      this.skip('message too large', framing.records);
      return;
    }
    if (this.held + framing.records > this.capacity) {
      this.skip('live queue full', framing.records);
      return;
    }
    this.messages.push({ topic, payload, records: framing.records, arrivedAt: performance.timeOrigin + performance.now() });
    this.held += framing.records;
    this.arrived += framing.records;
    if (this.held < this.wanted) return;
    const wake = this.waiter;
    this.waiter = null;
    wake?.();
  }

  /** messages holding about `flows` flows (at least one message when any waits) */
  take(flows: number): LiveMessage[] {
    const out: LiveMessage[] = [];
    let n = 0;
    while (this.head < this.messages.length && (out.length === 0 || n + this.messages[this.head].records <= flows)) {
      const m = this.messages[this.head++];
      out.push(m);
      n += m.records;
    }
    this.held -= n;
    if (this.head > 1024 && this.head * 2 > this.messages.length) {
      this.messages.splice(0, this.head);
      this.head = 0;
    }
    return out;
  }

  /** resolves when `flows` flows wait (at least one message), after `ms`, or on `interrupt` */
  wait(ms: number, flows = 1): Promise<void> {
    if (this.held >= Math.max(1, flows)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(), ms);
      const done = () => {
        clearTimeout(timer);
        if (this.waiter === done) {
          this.waiter = null;
          this.wanted = 1;
        }
        resolve();
      };
      this.waiter?.();
      this.waiter = done;
      this.wanted = Math.max(1, flows);
    });
  }

  interrupt(): void {
    const wake = this.waiter;
    this.waiter = null;
    wake?.();
  }

  /** flows skipped here since the last call, by reason */
  takeSkipped(): Record<string, number> {
    const out = this.skipped;
    this.skipped = {};
    return out;
  }

  /** flows lost since the last call */
  takeLost(): number {
    const n = this.lost;
    this.lost = 0;
    return n;
  }

  private skip(reason: string, n: number): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + n;
  }
}
