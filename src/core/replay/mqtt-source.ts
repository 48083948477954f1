import { type Batch, InputError, WireReader } from '../ingest';
import { MqttConnection, type ConnectionState, type MqttConnectionOptions, type QoS } from '../mqtt';
import type { Dialect } from '../schema';
import { readerMeta, vocabulariesKey } from './file-source';
import { NO_DEVICE, type SourceMeta } from './flow-batch';
import type { FlowRows, FlowSource } from './flow-source';
import { LiveQueue, type LiveQueueOptions } from './live-queue';

export interface MqttSourceOptions extends Omit<MqttConnectionOptions, 'onState'>, LiveQueueOptions {
  /** topic filter (`+` and `#` wildcards) */
  topic: string;
  qos?: QoS;
  /** join the MQTT 5 shared subscription `$share/<group>/<topic>`: consumers of a group split the feed */
  share?: string;
  /** read the flows in this dialect (the model's) instead of detecting it from the first message */
  dialect?: Dialect;
  onState?: (s: ConnectionState) => void;
}

/** how long `next` waits for a message before it hands the replay loop an empty batch (so it can stop, pause, report) */
const IDLE_MS = 100;
/**
 * On a feed faster than GATHER_RATE flows/s, `next` waits up to GATHER_MS for a fuller
 * batch: a batch per message (20 flows, say) costs the detect worker and the store more per
 * flow than the wait. Slower feeds (the latency case) are handed on as they come.
 */
const GATHER_RATE = 5_000;
const GATHER_MS = 50;
/** the feed's rate is measured over at least this long */
const RATE_WINDOW_MS = 500;

/**
 * A live MQTT feed as a flow source: messages in the live wire format wait in a bounded
 * `LiveQueue` (a broker cannot be slowed down; overflow is counted, never buffered
 * without bound) and are read on demand by a `WireReader`, many messages straight into one batch.
 * Flows get a running number as their row and time (the run's axis is wall-clock time:
 * `hasOwnTime` is false). Opening connects, subscribes and waits for the first readable
 * message, which fixes the schema. There is no end: `next` returns null only once the
 * connection is closed for good.
 */
export class MqttFlowSource implements FlowSource {
  readonly connection: MqttConnection;
  readonly queue: LiveQueue;
  readonly wire: WireReader;
  private readonly filter: string;
  private held: (Batch & { arrivedAt: number }) | null = null;
  private flows = 0;
  private version = 0;
  private metaKey = '';
  private currentMeta: SourceMeta | null = null;
  private closed = false;
  private acknowledged = false;
  /** flows arrived by `at` (ms), and the feed's rate (flows/s) over the window before */
  private feed = { at: 0, arrived: 0, rate: 0 };

  constructor(private readonly options: MqttSourceOptions) {
    if (!options.topic.trim()) throw new InputError('name a topic to subscribe to');
    if (options.share !== undefined && !/^[^/+#]+$/.test(options.share))
      throw new InputError(`"${options.share}" cannot name a shared-subscription group (no /, + or #)`);
    this.filter = options.share ? `$share/${options.share}/${options.topic}` : options.topic;
    this.connection = new MqttConnection(options);
    // under a shared subscription each consumer sees a part of the sequence: gaps are not losses
    this.queue = new LiveQueue({ ...options, countLost: options.countLost ?? !options.share });
    this.wire = new WireReader({ dialect: options.dialect });
    this.connection.onMessage((topic, payload) => this.queue.push(topic, payload));
  }

  get metaVersion(): number {
    return this.version;
  }

  /** what the source subscribed to, as shown to people */
  get label(): string {
    return `${this.connection.url} ${this.filter}`;
  }

  /** the broker acknowledged the subscription (SUBACK): only from then on does a message published reach this feed */
  get subscribed(): boolean {
    return this.acknowledged;
  }

  async open(): Promise<void> {
    await this.connection.connect();
    await this.connection.subscribe(this.filter, this.options.qos ?? 0);
    this.acknowledged = true;
    while (!this.held) {
      if (this.closed) throw new InputError(`${this.label} closed before any flow arrived`);
      const state = this.connection.state;
      if (state.state === 'closed') throw new InputError(state.reason);
      await this.queue.wait(1000);
      this.held = this.readQueued(Infinity);
    }
  }

  meta(): SourceMeta {
    if (!this.currentMeta) throw new Error('open the source first');
    return this.currentMeta;
  }

  async next(hint: number): Promise<FlowRows | null> {
    if (this.held) {
      const rows = this.held;
      this.held = null;
      return this.rows(rows);
    }
    if (this.closed) return null;
    const rate = this.feedRate();
    if (rate > GATHER_RATE && this.queue.size < hint) await this.queue.wait(GATHER_MS, Math.min(hint, Math.ceil((rate * GATHER_MS) / 1000)));
    let batch = this.readQueued(hint);
    // closed for good (refused on a reconnect, or `finish`): what waited has been read
    if (!batch && this.connection.state.state === 'closed' && this.queue.size === 0) return null;
    if (!batch) {
      await this.queue.wait(IDLE_MS);
      batch = this.readQueued(hint);
    }
    const d = this.wire.reader.schema?.columns.length ?? 0;
    return this.rows(
      batch ?? {
        n: 0,
        d,
        data: new Float32Array(0),
        classIndex: new Int32Array(0),
        time: new Float64Array(0),
        rowNumber: new Float64Array(0),
        fileIndex: new Uint16Array(0),
      },
    );
  }

  /** flows/s arrived over the last RATE_WINDOW_MS or more */
  private feedRate(): number {
    const now = performance.now();
    const f = this.feed;
    if (now - f.at >= RATE_WINDOW_MS) {
      f.rate = f.at ? ((this.queue.arrived - f.arrived) * 1000) / (now - f.at) : 0;
      f.at = now;
      f.arrived = this.queue.arrived;
    }
    return f.rate;
  }

  /** a live feed has no position */
  fraction(): null {
    return null;
  }

  seek(): Promise<void> {
    return Promise.reject(new InputError('a live feed cannot be sought'));
  }

  /** a live feed does not end, so it is never started again */
  restart(): Promise<void> {
    return Promise.resolve();
  }

  takeSkipped(): Record<string, number> {
    const out = this.queue.takeSkipped();
    for (const [reason, n] of Object.entries(this.wire.takeSkipped())) out[reason] = (out[reason] ?? 0) + n;
    return out;
  }

  takeLost(): number {
    return this.queue.takeLost();
  }

  /** the newest reason a message was skipped whole, as one sentence */
  get lastProblem(): string | null {
    return this.wire.lastProblem;
  }

  /** stops receiving; what waits is still read, then `next` returns null (the run ends as a file's would) */
  async finish(): Promise<void> {
    await this.connection.end('stopped');
    this.queue.interrupt();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.interrupt();
    void this.connection.end();
  }

  /** the queued messages of about `flows` flows, read into one batch (with the arrival of its oldest); null when none gave a flow */
  private readQueued(flows: number): (Batch & { arrivedAt: number }) | null {
    const messages = this.queue.take(flows);
    if (messages.length === 0) return null;
    const reader = this.wire.reader;
    // every message's flows straight into one batch, sized by the messages' framing (a bound: it grows if one was short)
    reader.gather(messages.reduce((sum, m) => sum + m.records, 0));
    let arrivedAt = Infinity;
    let batch: Batch | null;
    try {
      for (const m of messages) {
        const before = reader.gathered;
        this.wire.read(m.payload, m.topic);
        if (reader.gathered > before) arrivedAt = Math.min(arrivedAt, m.arrivedAt);
      }
    } finally {
      batch = reader.takeGathered();
    }
    if (!batch) return null;
    this.refreshMeta();
    return { ...batch, arrivedAt };
  }

  /** numbers the flows in arrival order (their row and time) and adds the device column where the messages had none */
  private rows(batch: Batch & { arrivedAt?: number }): FlowRows {
    for (let i = 0; i < batch.n; i++) {
      const k = ++this.flows;
      batch.rowNumber[i] = k;
      batch.time[i] = k;
    }
    return { ...batch, device: batch.device ?? new Uint16Array(batch.n).fill(NO_DEVICE) };
  }

  private refreshMeta(): void {
    const reader = this.wire.reader;
    const key = vocabulariesKey(reader);
    if (key === this.metaKey && this.currentMeta) return;
    this.metaKey = key;
    this.version++;
    this.currentMeta = readerMeta(reader, `MQTT ${this.label}`, false);
  }
}
