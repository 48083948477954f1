import { takeRows } from '../ingest';
import type { NamedRows } from '../detectors';
import type { FittedPipeline, ScoredRows } from '../pipeline';
import type { Schema } from '../schema';
import {
  protocolIndexer,
  type FlowChunk,
  type LabStore,
  type RunRecord,
  isStorageFullError,
  type AlertSample,
  type LiveSummary,
  type RunState,
  type RunOutputs,
} from '../store';
import { AlertGrouper } from './alert-groups';
import { CreditLedger } from './credits';
import type { FlowBatch, SourceMessage, SourceMeta } from './flow-batch';
import { LiveAggregator, RECENT_ALERTS } from './live-aggregator';
import type { ReplayClock } from './replay-loop';
import { messageOf } from '../util';
import { LEARNING_REASON, LearningPeriod, type LearningOptions } from './learning-period';
import { AdaptiveThreshold, type AdaptiveThresholdOptions } from '../threshold';

/** A model ready to score, with the name its scores are stored under. */
export interface ScoringModel {
  id: string;
  /** the detector kind ("ae", "iforest", …): the key of its scores in a chunk */
  kind: string;
  pipeline: FittedPipeline;
}

export interface DetectSessionOptions {
  store: LabStore;
  /** the run as created (its summary and counts are kept up to date in the store) */
  run: RunRecord;
  meta: SourceMeta;
  verdict: ScoringModel;
  alongside: ScoringModel[];
  /** a classifier or hybrid that names every alert; default: the verdict model, where it names classes */
  namer?: ScoringModel;
  clock: ReplayClock;
  /** sends credits to the source */
  grant: (batches: number) => void;
  /** batches in flight at most (the credit window) */
  window?: number;
  /** how often the run record and alert groups are saved while playing */
  persistEveryMs?: number;
  /** a drift-aware threshold instead of the calibrated one (see `AdaptiveThreshold`) */
  adaptive?: AdaptiveThresholdOptions;
  /** learn the network first: train and calibrate on the first flows, then score (see `LearningPeriod`) */
  learning?: LearningOptions;
  /** where stored chunks go too (a broker topic, InfluxDB); closed by `stop` before the run's last save */
  outputs?: Pick<RunOutputs, 'sink' | 'status' | 'close'>;
}

/**
 * How often a playing run's record (with its summary) and its changed alert groups are
 * saved; always also at its end, on stop and on an error. Rarely: the store applies
 * writes one after another, so a flow chunk that queues behind this larger write waits
 * for it (at 100 flows/s, saving every second put p99 latency at ~45 ms, every 10 s it
 * touches well under 1 % of flows). Flow chunks themselves are stored at once.
 */
export const DEFAULT_PERSIST_MS = 10_000;

/** batches in flight at most: enough to keep parsing, scoring and storing overlapped at full rate */
export const DEFAULT_WINDOW = 8;

interface Pending {
  chunk: FlowChunk;
  emittedAt: number;
}

/**
 * The detect worker's engine, DOM-free: takes the source's messages in order, scores
 * each batch with the verdict model and the models alongside, applies the threshold,
 * aggregates the live figures, groups alerts, and writes flow chunks to the store in
 * as few transactions as keep up (whatever arrived while the last write was running
 * goes in the next). A batch's credit goes back to the source once its rows are stored,
 * so the store's pace limits the replay too. A full quota stops storing with a message.
 *
 * After an error (a full quota, a failed write, a model that cannot score) the run takes
 * nothing more: batches that still arrive are dropped uncounted and their credits are not
 * returned, so the source stops within one window (the page pauses it too). Rows scored
 * before the error but not stored show as scored − stored beside the error.
 */
export class DetectSession {
  readonly aggregator: LiveAggregator;
  readonly alerts: AlertGrouper;
  readonly ledger: CreditLedger;
  private readonly store: LabStore;
  private readonly run: RunRecord;
  private readonly outputs: DetectSessionOptions['outputs'];
  private readonly clock: ReplayClock;
  private verdict: ScoringModel;
  private readonly alongside: ScoringModel[];
  private adaptive: AdaptiveThreshold | null = null;
  private readonly adaptiveOptions: AdaptiveThresholdOptions | undefined;
  private readonly learning: LearningPeriod | null;
  private meta: SourceMeta;
  private schema: Schema;
  private threshold: number;
  private protocol: (x: ArrayLike<number>, row: number) => number;
  private contributionNames: string[] | null;
  /** the model that names alerts (the verdict model itself, or one chosen for it) and the classes it names */
  private readonly namer: ScoringModel | null;
  private readonly predictedNames: string[] | null;
  /** per model alongside: whether its preprocessor is the verdict model's (same JSON) */
  private sharesInputs: boolean[];
  private chain: Promise<void> = Promise.resolve();
  private queue: Pending[] = [];
  private writing: Promise<void> | null = null;
  private stateNow: RunState = 'playing';
  private errorText: string | undefined;
  private storing = true;
  private persisting: Promise<void> | null = null;
  private lastPersist = 0;
  private readonly persistEveryMs: number;
  private version = 0;
  private endedResolve!: () => void;
  /** resolves when the source's end has been reached and every row is stored */
  readonly ended: Promise<void>;

  constructor(options: DetectSessionOptions) {
    this.store = options.store;
    this.run = options.run;
    this.outputs = options.outputs;
    this.clock = options.clock;
    this.verdict = options.verdict;
    this.alongside = options.alongside;
    this.meta = options.meta;
    this.schema = options.meta.schema;
    this.threshold = options.run.threshold;
    this.persistEveryMs = options.persistEveryMs ?? DEFAULT_PERSIST_MS;
    this.aggregator = new LiveAggregator({
      runId: options.run.id,
      source: options.meta.label,
      detector: options.run.detector,
      threshold: this.threshold,
      hasOwnTime: options.meta.hasOwnTime,
      startedAt: options.run.createdAt,
    });
    this.alerts = new AlertGrouper(
      options.run.id,
      options.meta.devices,
      options.meta.classes.map((c) => c.name),
    );
    this.ledger = new CreditLedger(options.window ?? DEFAULT_WINDOW, options.grant);
    this.protocol = this.makeProtocol(options.meta.schema);
    this.namer = options.namer ?? (options.verdict.pipeline.detector.nameClasses ? options.verdict : null);
    this.predictedNames = this.namer?.pipeline.detector.classes?.map((c) => c.name) ?? null;
    if (this.predictedNames) this.run.predictedClasses = this.predictedNames;
    this.contributionNames = contributionNames(options.verdict.pipeline);
    this.aggregator.setClasses(options.meta.classes);
    this.sharesInputs = this.sharedInputs();
    this.adaptiveOptions = options.adaptive;
    if (options.adaptive) this.adaptive = adaptiveFrom(options.verdict.pipeline, options.adaptive);
    this.learning = options.learning ? new LearningPeriod(options.learning) : null;
    this.ended = new Promise((resolve) => (this.endedResolve = resolve));
  }

  get state(): RunState {
    return this.stateNow;
  }

  /** bumps whenever the summary may have changed */
  get changes(): number {
    const o = this.outputs?.status();
    // the outputs' counters move on their own (InfluxDB answers later): any change counts
    return this.version + (o ? (o.influx ? o.influx.written + o.influx.failed : 0) + (o.alerts ? o.alerts.published + o.alerts.failed : 0) : 0);
  }

  /** opens the credit window: the source may start sending */
  open(): void {
    this.ledger.open();
  }

  /** a message from the source port; handled strictly in order */
  handle(message: SourceMessage): void {
    if (message.type === 'batch') this.ledger.received();
    this.chain = this.chain.then(() => this.apply(message)).catch((e: unknown) => this.fail(e));
  }

  /** a threshold set by hand holds: it ends a drift-aware one */
  setThreshold(value: number): void {
    if (!Number.isFinite(value)) throw new RangeError(`a threshold must be a finite number, not ${value}`);
    this.adaptive = null;
    this.threshold = value;
    this.run.threshold = value;
    this.aggregator.setThreshold(value);
    this.version++;
  }

  setPaused(paused: boolean): void {
    if (this.stateNow === 'playing' && paused) this.stateNow = 'paused';
    else if (this.stateNow === 'paused' && !paused) this.stateNow = 'playing';
    this.version++;
  }

  setAlertStatus(key: string, status: 'new' | 'acknowledged' | 'escalated'): boolean {
    return this.alerts.setStatus(key, status);
  }

  summary(): LiveSummary {
    return {
      ...this.aggregator.summary(this.stateNow, this.clock.now(), this.errorText),
      detector: this.run.detector,
      adaptiveThreshold: this.adaptive !== null,
      ...(this.learning && { learning: this.learning.status() }),
      ...(this.outputs && { outputs: this.outputs.status() }),
    };
  }

  /** saves the run and changed alert groups if it is time (or `force`) */
  async persist(force = false): Promise<void> {
    const now = this.clock.now();
    if (!force && now - this.lastPersist < this.persistEveryMs) return;
    if (this.persisting) {
      await this.persisting;
      if (!force) return;
    }
    this.lastPersist = now;
    this.persisting = this.save().finally(() => (this.persisting = null));
    return this.persisting;
  }

  /** stops taking batches, stores what was scored and saves the run */
  async stop(): Promise<void> {
    await this.chain;
    await this.writing;
    // the outputs' final counts belong in the run's last save
    await this.outputs?.close();
    if (this.stateNow === 'playing' || this.stateNow === 'paused') this.stateNow = 'ended';
    this.version++;
    await this.persist(true);
  }

  private async save(): Promise<void> {
    // also after a full quota: the run's error is worth the attempt (a failure here changes nothing)
    try {
      const groups = this.alerts.takeDirty();
      if (groups.length) await this.store.putAlertGroups(groups);
      this.run.summary = this.summary();
      this.run.updatedAt = Date.now();
      this.run.droppedRows = this.aggregator.counters.dropped;
      this.run.classes = this.meta.classes.map((c) => c.name);
      this.run.devices = this.meta.devices;
      await this.store.putRun({ ...this.run });
    } catch (e) {
      this.fail(e);
    }
  }

  private async apply(message: SourceMessage): Promise<void> {
    switch (message.type) {
      case 'meta':
        this.meta = message.meta;
        this.schema = message.meta.schema;
        this.protocol = this.makeProtocol(message.meta.schema);
        this.aggregator.setClasses(message.meta.classes);
        this.alerts.setNames(
          message.meta.devices,
          message.meta.classes.map((c) => c.name),
        );
        this.run.categories = categoriesOf(message.meta.schema);
        break;
      case 'skipped':
        this.aggregator.addSkipped(message.reasons);
        break;
      case 'lost':
        this.aggregator.addLost(message.flows);
        break;
      case 'captions':
        this.aggregator.setCaptions(message.captions);
        break;
      case 'packets':
        this.aggregator.setPackets(message.counters);
        break;
      case 'error':
        this.fail(new Error(message.message));
        break;
      case 'end':
        // the chain runs one message at a time, so nothing is queued after this write
        await this.writing;
        if (this.stateNow !== 'error') this.stateNow = 'ended';
        await this.persist(true);
        this.endedResolve();
        break;
      case 'batch':
        await this.score(message.batch, message.fraction);
        break;
    }
    this.version++;
  }

  private async score(batch: FlowBatch, fraction: number | null): Promise<void> {
    if (this.stateNow === 'error') return;
    if (this.learning && this.learning.state !== 'done') return this.learn(batch, fraction);
    // its `features` are read only where needed: a forest scores raw rows and preprocesses nothing unless they are
    const scored = await this.verdict.pipeline.score(batch, this.schema);
    const scores = scored.scores;
    const others: Record<string, Float32Array> = {};
    for (let k = 0; k < this.alongside.length; k++) {
      const m = this.alongside[k];
      // models fitted on the same rows share their preprocessing: transform once
      others[m.kind] = this.sharesInputs[k] ? await m.pipeline.detector.score(scored.features) : (await m.pipeline.score(batch, this.schema)).scores;
    }
    // the run failed (a write, most likely) while this batch was scored
    if (this.state === 'error') return;
    const n = batch.n;
    let verdict: Uint8Array;
    if (this.adaptive) {
      verdict = this.adaptive.judge(scores);
      // the threshold each row was judged by now, the moved one for the next batch
      this.moveThreshold(this.adaptive.value);
    } else {
      verdict = new Uint8Array(n);
      const threshold = this.threshold;
      for (let i = 0; i < n; i++) verdict[i] = scores[i] > threshold ? 1 : 0;
    }
    const now = this.clock.now();
    const data = batch.data;
    const protocol = this.protocol;
    this.aggregator.addScored(batch, scores, verdict, (i) => protocol(data, i), now, fraction);

    const axis = this.meta.hasOwnTime ? batch.time : new Float64Array(n).fill((batch.emittedAt - this.run.createdAt) / 1000);
    const named = this.nameAlerts(batch, scored, verdict);
    const { first, newest } = this.alerts.add(
      verdict,
      batch.device,
      batch.classIndex,
      axis,
      scores,
      named ? { classIndex: named.classIndex, names: this.predictedNames! } : undefined,
    );
    const recentRows: number[] = [];
    for (let i = n - 1; i >= 0 && recentRows.length < RECENT_ALERTS; i--) if (verdict[i]) recentRows.push(i);
    if (recentRows.length) {
      const wanted = new Set<number>([...recentRows, ...first.values(), ...newest.values()]);
      const samples = await this.samples(
        batch,
        scored,
        axis,
        [...wanted].sort((a, b) => a - b),
        named,
      );
      for (const [g, row] of first) this.alerts.addSample(g, samples.get(row)!, true);
      for (const [g, row] of newest) if (first.get(g) !== row) this.alerts.addSample(g, samples.get(row)!, false);
      this.aggregator.addAlerts(recentRows.reverse().map((r) => samples.get(r)!));
    }

    const chunk: FlowChunk = {
      runId: this.run.id,
      seq: batch.seq,
      n,
      time: batch.time,
      rowNumber: batch.rowNumber,
      classIndex: batch.classIndex,
      device: batch.device,
      features: data,
      score: scores,
      verdict,
      ...(this.alongside.length && { scores: { [this.verdict.kind]: scores, ...others } }),
      ...(named && { predicted: named.classIndex, confidence: named.confidence }),
    };
    this.queue.push({ chunk, emittedAt: batch.emittedAt });
    if (!this.writing) this.writing = this.writeAll();
    void this.persist();
  }

  /** a learning-period batch: kept to train on, counted as skipped with its reason, its credit returned */
  private async learn(batch: FlowBatch, fraction: number | null): Promise<void> {
    const learning = this.learning!;
    const over = learning.add(batch, this.clock.now());
    this.aggregator.addSkipped({ [LEARNING_REASON]: batch.n });
    this.aggregator.advance(batch, fraction);
    this.version++;
    if (over) {
      // the source waits meanwhile: this batch's credit goes back once the model is in place
      const pipeline = await learning.train(this.schema, this.meta.label);
      this.verdict = { id: 'learned-on-site', kind: pipeline.detector.kind, pipeline };
      this.contributionNames = contributionNames(pipeline);
      this.sharesInputs = this.sharedInputs();
      if (this.adaptiveOptions && this.adaptive) this.adaptive = adaptiveFrom(pipeline, this.adaptiveOptions);
      this.moveThreshold(pipeline.threshold.value);
      this.run.detector = `${pipeline.detector.kind} (learned on site)`;
    }
    this.ledger.finished(1);
  }

  private moveThreshold(value: number): void {
    this.threshold = value;
    this.run.threshold = value;
    this.aggregator.setThreshold(value);
  }

  /** per model alongside: whether its preprocessor is the verdict model's (same JSON) */
  private sharedInputs(): boolean[] {
    const verdictInputs = JSON.stringify(this.verdict.pipeline.preprocessor.toJSON());
    return this.alongside.map((m) => JSON.stringify(m.pipeline.preprocessor.toJSON()) === verdictInputs);
  }

  /**
   * The second stage: a model that knows attack classes (a classifier or a hybrid: the
   * verdict model itself, or one chosen to name alerts) names each flagged row's class
   * with its probability; −1 and 0 elsewhere. Only flagged rows are named, so a quiet
   * network costs nothing; a namer of its own reads the raw rows through its preprocessor.
   */
  private nameAlerts(batch: FlowBatch, scored: ScoredRows, verdict: Uint8Array): NamedRows | null {
    const namer = this.namer;
    if (!namer?.pipeline.detector.nameClasses) return null;
    const rows: number[] = [];
    for (let i = 0; i < verdict.length; i++) if (verdict[i]) rows.push(i);
    const out = { classIndex: new Int32Array(verdict.length).fill(-1), confidence: new Float32Array(verdict.length) };
    if (rows.length === 0) return out;
    const input = namer === this.verdict ? takeRows(scored.features, rows) : namer.pipeline.preprocessor.transform(takeRows(batch, rows), this.schema);
    const named = namer.pipeline.detector.nameClasses(input);
    rows.forEach((r, k) => {
      out.classIndex[r] = named.classIndex[k];
      out.confidence[r] = named.confidence[k];
    });
    return out;
  }

  /** alert samples for `rows` of a batch, with each model input's share of the reconstruction error where the model has one */
  private async samples(batch: FlowBatch, scored: ScoredRows, axis: Float64Array, rows: number[], named: NamedRows | null): Promise<Map<number, AlertSample>> {
    const columns = this.schema.columns.map((c) => c.name);
    const { scores } = scored;
    let perFeature: Float32Array | null = null;
    /** model inputs per row */
    let d = 0;
    const names = this.contributionNames;
    const detector = this.verdict.pipeline.detector;
    if (names && detector.scoreWithContributions) {
      const features = scored.features;
      d = features.d;
      perFeature = (await detector.scoreWithContributions(takeRows(features, rows))).perFeature;
    }
    const out = new Map<number, AlertSample>();
    rows.forEach((r, k) => {
      const values: Record<string, number> = {};
      for (let j = 0; j < batch.d; j++) values[columns[j]] = batch.data[r * batch.d + j];
      let contributions: Record<string, number> | null = null;
      if (perFeature && names) {
        contributions = {};
        let sum = 0;
        for (let j = 0; j < d; j++) sum += perFeature[k * d + j];
        for (let j = 0; j < d; j++) contributions[names[j]] = sum > 0 ? perFeature[k * d + j] / sum : 0;
      }
      const device = batch.device[r];
      const cls = batch.classIndex[r];
      out.set(r, {
        runId: this.run.id,
        time: axis[r],
        rowNumber: batch.rowNumber[r],
        device: device < this.meta.devices.length ? this.meta.devices[device] : null,
        className: cls >= 0 ? (this.meta.classes[cls]?.name ?? null) : null,
        ...(named && named.classIndex[r] >= 0 && { predictedClass: this.predictedNames![named.classIndex[r]], confidence: named.confidence[r] }),
        score: scores[r],
        threshold: this.threshold,
        features: values,
        contributions,
      });
    });
    return out;
  }

  /** writes whatever is queued, in as few transactions as keep up */
  private async writeAll(): Promise<void> {
    try {
      while (this.queue.length && this.storing) {
        const items = this.queue;
        this.queue = [];
        let dropped = 0;
        try {
          dropped = (await this.store.putChunks(items.map((p) => p.chunk))).dropped;
        } catch (e) {
          // nothing more is stored or credited (see the class comment)
          this.fail(e);
          this.queue = [];
          return;
        }
        this.outputs?.sink(
          this.run,
          items.map((p) => p.chunk),
        );
        const now = this.clock.now();
        for (const p of items) this.aggregator.addStored(p.chunk.n, p.emittedAt, now);
        if (dropped) this.aggregator.addDropped(dropped);
        this.version++;
        this.ledger.finished(items.length);
      }
    } finally {
      this.writing = null;
    }
  }

  private fail(e: unknown): void {
    const full = isStorageFullError(e);
    const message = messageOf(e);
    if (full) this.storing = false;
    if (this.stateNow !== 'error') {
      this.stateNow = 'error';
      this.errorText = full ? message : `The run stopped: ${message}`;
      this.version++;
    }
  }

  private makeProtocol(schema: Schema) {
    return protocolIndexer(
      schema.columns.map((c) => c.name),
      categoriesOf(schema),
    );
  }
}

function adaptiveFrom(pipeline: FittedPipeline, options: AdaptiveThresholdOptions): AdaptiveThreshold {
  const t = pipeline.threshold;
  return new AdaptiveThreshold(t.value, t.benignMedian ?? NaN, { ...(t.spec.kind === 'percentile' && { p: t.spec.p }), ...options });
}

function categoriesOf(schema: Schema): Record<string, string[]> | undefined {
  const out: Record<string, string[]> = {};
  let any = false;
  for (const c of schema.columns) {
    if (c.categories) {
      out[c.name] = c.categories;
      any = true;
    }
  }
  return any ? out : undefined;
}

/** the names of the verdict model's inputs where its detector can say each one's part in a score */
function contributionNames(pipeline: FittedPipeline): string[] | null {
  return pipeline.detector.scoreWithContributions ? pipeline.preprocessor.outputNames : null;
}
