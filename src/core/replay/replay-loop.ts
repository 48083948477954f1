import { CreditGate } from './credits';
import { transferablesOf, type FlowBatch, type SourceMessage } from './flow-batch';
import type { FlowRows, FlowSource } from './flow-source';
import type { RateSpec } from '../rate';
import { ReplayPacer } from './pacer';
import { messageOf } from '../util';

export interface ReplayClock {
  /** ms on a clock shared by the workers: `performance.timeOrigin + performance.now()` */
  now(): number;
}

export const wallClock: ReplayClock = { now: () => performance.timeOrigin + performance.now() };

export type SendMessage = (message: SourceMessage, transfer: Transferable[]) => void;

export type LoopState = 'idle' | 'playing' | 'paused' | 'ended' | 'stopped' | 'error';

export interface ReplayLoopOptions {
  rate: RateSpec;
  loop: boolean;
  clock?: ReplayClock;
  maxBatch?: number;
  /** seconds of flows a generator is asked for at once at finite rates */
  lookaheadSeconds?: number;
}

/**
 * The source worker's engine, DOM-free: pulls rows from a `FlowSource`, lets the pacer
 * decide when and how many go out, spends one credit per batch, and sends batches (as
 * transferables), skipped-row tallies, captions and meta changes through `send`.
 * Pause, resume, step, seek, rate and loop changes may arrive at any time; they take
 * effect at the loop's next turn, and only the loop touches the source.
 */
export class ReplayLoop {
  readonly gate = new CreditGate();
  readonly pacer: ReplayPacer;
  private readonly clock: ReplayClock;
  private readonly lookahead: number;
  private loopAtEnd: boolean;
  private pending: FlowRows | null = null;
  private offset = 0;
  private seq = 0;
  private sentMeta = -1;
  private rowsSent = 0;
  private stateNow: LoopState = 'idle';
  private stopped = false;
  private seekTo: number | null = null;
  private steps = 0;
  private wake: (() => void) | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly source: FlowSource,
    private readonly send: SendMessage,
    options: ReplayLoopOptions,
  ) {
    this.pacer = new ReplayPacer(options.rate, { maxBatch: options.maxBatch });
    this.clock = options.clock ?? wallClock;
    this.loopAtEnd = options.loop;
    this.lookahead = options.lookaheadSeconds ?? 0.1;
  }

  get state(): LoopState {
    return this.stateNow;
  }

  /** rows emitted so far */
  get rows(): number {
    return this.rowsSent;
  }

  /** starts the loop (the source must be open); resolves when it stops or the source ends without looping */
  start(): Promise<void> {
    this.running ??= this.run().catch((e: unknown) => {
      this.stateNow = 'error';
      this.send({ type: 'error', message: messageOf(e) }, []);
    });
    return this.running;
  }

  pause(): void {
    this.pacer.pause();
    if (this.stateNow === 'playing') this.stateNow = 'paused';
    this.poke();
  }

  resume(): void {
    this.pacer.resume();
    if (this.stateNow === 'paused') this.stateNow = 'playing';
    this.poke();
  }

  /** one batch while paused (ignored while playing) */
  step(): void {
    if (!this.pacer.isPaused) return;
    this.steps++;
    this.poke();
  }

  seek(fraction: number): void {
    if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`seek to a fraction between 0 and 1, not ${fraction}`);
    this.seekTo = fraction;
    this.poke();
  }

  setRate(rate: RateSpec): void {
    this.pacer.setRate(rate);
    this.poke();
  }

  setLoop(loop: boolean): void {
    this.loopAtEnd = loop;
    this.poke();
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.poke();
    return this.running ?? Promise.resolve();
  }

  /** the sink's credits arrive here */
  grant(batches: number): void {
    this.gate.grant(batches);
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
    this.gate.interrupt();
  }

  /** waits for `ms` (Infinity: until poked), or less if poked */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(() => done(), ms) : null;
      const done = () => {
        if (timer !== null) clearTimeout(timer);
        if (this.wake === done) this.wake = null;
        resolve();
      };
      this.wake = done;
    });
  }

  private async run(): Promise<void> {
    this.stateNow = this.pacer.isPaused ? 'paused' : 'playing';
    try {
      await this.turns();
      this.stateNow = 'stopped';
    } finally {
      this.source.close();
    }
  }

  private async turns(): Promise<void> {
    while (!this.stopped) {
      if (this.seekTo !== null) {
        const to = this.seekTo;
        this.seekTo = null;
        await this.source.seek(to);
        this.pending = null;
        this.pacer.reanchor();
        if (this.stateNow === 'ended') this.stateNow = this.pacer.isPaused ? 'paused' : 'playing';
        continue;
      }
      if (this.stateNow === 'ended' || (this.pacer.isPaused && this.steps === 0)) {
        await this.sleep(Infinity);
        continue;
      }
      if (!this.pending || this.offset >= this.pending.n) {
        const rows = await this.fill();
        if (!rows) {
          if (this.loopAtEnd && this.rowsSent > 0) {
            await this.source.restart();
            this.pacer.reanchor();
            continue;
          }
          this.send({ type: 'end' }, []);
          this.stateNow = 'ended';
        }
        // a stop, seek or pause may have come while the source was read: look again first
        continue;
      }
      if (this.gate.available === 0) {
        await this.gate.wait();
        continue;
      }
      const pending = this.pending!;
      const left = pending.n - this.offset;
      let rows: number;
      if (this.pacer.isPaused) {
        // paused while this turn was waiting: only a step sends anything
        if (this.steps <= 0) continue;
        rows = Math.min(left, this.pacer.stepRows());
        this.steps--;
      } else {
        const plan = this.pacer.plan(this.clock.now(), pending.time, this.offset, left, this.source.meta().hasOwnTime);
        if (plan.rows === 0) {
          await this.sleep(plan.waitMs);
          continue;
        }
        rows = plan.rows;
      }
      this.emit(rows);
    }
  }

  /** the next rows from the source, with any meta, skipped and caption news sent first */
  private async fill(): Promise<FlowRows | null> {
    const perSecond = this.pacer.nominalRate();
    const hint = Math.max(1, Math.min(this.pacer.maxBatch, Math.ceil(perSecond * this.lookahead)));
    const rows = await this.source.next(hint);
    const skipped = this.source.takeSkipped();
    if (Object.keys(skipped).length) this.send({ type: 'skipped', reasons: skipped }, []);
    const lost = this.source.takeLost?.() ?? 0;
    if (lost > 0) this.send({ type: 'lost', flows: lost }, []);
    const packets = this.source.takePackets?.();
    if (packets) this.send({ type: 'packets', counters: packets }, []);
    const captions = this.source.takeCaptions?.();
    if (captions) this.send({ type: 'captions', captions }, []);
    this.pending = rows;
    this.offset = 0;
    if (rows) this.sendMeta();
    return rows;
  }

  private sendMeta(): void {
    if (this.source.metaVersion === this.sentMeta) return;
    this.sentMeta = this.source.metaVersion;
    this.send({ type: 'meta', meta: this.source.meta() }, []);
  }

  private emit(rows: number): void {
    const p = this.pending!;
    const from = this.offset;
    const whole = from === 0 && rows === p.n;
    const to = from + rows;
    const batch: FlowBatch = {
      n: rows,
      d: p.d,
      data: whole ? p.data : p.data.slice(from * p.d, to * p.d),
      classIndex: whole ? p.classIndex : p.classIndex.slice(from, to),
      time: whole ? p.time : p.time.slice(from, to),
      rowNumber: whole ? p.rowNumber : p.rowNumber.slice(from, to),
      fileIndex: whole ? p.fileIndex : p.fileIndex.slice(from, to),
      device: whole ? p.device : p.device.slice(from, to),
      seq: this.seq++,
      emittedAt: p.arrivedAt ?? this.clock.now(),
    };
    if (!this.gate.take()) throw new Error('no credit to send a batch');
    this.offset = to;
    if (whole) this.pending = null;
    this.rowsSent += rows;
    this.pacer.emitted(rows);
    this.send({ type: 'batch', batch, fraction: this.source.fraction() }, transferablesOf(batch));
  }
}
