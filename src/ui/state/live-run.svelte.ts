/**
 * The page's one replay run: starts, steers and follows it through the ReplayApi, and
 * keeps the newest summary for the views. Summaries are handed on at most four times a
 * second, so the charts redraw at a calm rate whatever the replay speed, and less often
 * when drawing one takes long or a replay at max rate has the cores (summary-spacing.ts).
 * It outlives the views (switching tabs does not lose the run).
 */
import type { QoS } from '../../core/mqtt';
import type { AttackInjection, BackendInfo, FeedStatus, RateSpec, ReplayApi, RunRecord, SourceSpec, StartRequest } from '../lab/lab-api';
import { checkOutputs, type LiveSummary, type OutputsSpec } from '../../core/store';
import { type LearningOptions, plainSource, sourceRecord } from '../../core/replay';
import { message } from '../components/format';
import { noCoreToSpare, PUBLISH_MS, summarySpacing } from './summary-spacing';

export type Catalog = Awaited<ReturnType<ReplayApi['scenarios']>>;

/** how a run judges flows besides the model: a drift-aware threshold, a learning period first */
export interface Judging {
  adaptive?: boolean;
  learning?: LearningOptions | null;
}

/** this tab, in its InfluxDB points' `monitor` tag */
const TAB_ID = Math.random().toString(36).slice(2, 8);

export class LiveRun {
  /** the newest summary of the current run (null before the first run) */
  summary: LiveSummary | null = $state.raw(null);
  /** the run started last */
  run: RunRecord | null = $state.raw(null);
  /** one sentence: why the last action failed */
  error = $state('');
  /** a start is under way (models loading, workers starting) */
  starting = $state(false);
  catalog: Catalog | null = $state.raw(null);
  /** the source shown in the Live view: a scenario (from the URL) or files (never in the URL) */
  kind: SourceSpec['kind'] = $state('simulation');
  files: File[] = $state.raw([]);
  /** an MQTT feed's credentials and QoS (its address and topic are in the page's settings, and so in the URL; these never are) */
  mqtt = $state({ username: '', password: '', qos: 0 as QoS });
  /**
   * Where verdicts go besides this tab (opt-in, addresses the user typed; never in the URL):
   * alerts (or every verdict) published back to the feed's broker, and InfluxDB.
   */
  outputs = $state({
    publish: false,
    alertsTopic: '',
    everyVerdict: false,
    influx: false,
    influxUrl: '',
    influxToken: '',
    influxUser: '',
    influxPassword: '',
    influxFeatures: false,
  });
  /** the live feed's connection and losses, while one is open */
  feed: FeedStatus | null = $state.raw(null);
  private feedTimer: ReturnType<typeof setInterval> | null = null;
  backend: BackendInfo | null = $state.raw(null);
  /** the stored classifier or hybrid that names every alert ('' : the detector itself, where it names classes) */
  namerId = $state('');
  /** stored models that can name alerts */
  namers: Awaited<ReturnType<ReplayApi['listNamers']>> = $state.raw([]);

  private latest: LiveSummary | null = null;
  private lastPublished = 0;
  /** ms from handing on the last summary to the frame that showed it (views, charts, layout, paint) */
  private drawMs = 0;
  /** the run is a replay (not a feed, which goes at its producer's pace) at max rate on a machine whose cores its workers take */
  private saturating = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private unsubscribe: () => void;

  constructor(readonly replay: ReplayApi) {
    this.unsubscribe = replay.onSummary((s) => this.receive(s));
  }

  /** scenarios and backend; errors end up in `error` */
  async load(): Promise<void> {
    const [catalog, backend] = await Promise.allSettled([this.replay.scenarios(), this.replay.backend()]);
    if (catalog.status === 'fulfilled') this.catalog = catalog.value;
    else this.error = `The simulator's scenarios could not be loaded: ${message(catalog.reason)}`;
    if (backend.status === 'fulfilled') this.backend = backend.value;
    await this.loadNamers();
  }

  /** the stored classifiers and hybrids, for the "names alerts" choice; a failure leaves the list as it was */
  async loadNamers(): Promise<void> {
    try {
      this.namers = await this.replay.listNamers();
    } catch (e) {
      this.error = `The stored classifiers could not be listed: ${message(e)}`;
    }
  }

  get state(): LiveSummary['state'] {
    if (this.starting) return 'loading';
    return this.summary?.state ?? 'idle';
  }

  get active(): boolean {
    const s = this.state;
    return s === 'playing' || s === 'paused' || s === 'loading';
  }

  /** the scenario a run would play: the one named, else the first the simulator offers */
  scenarioName(named: string | null): string {
    return named ?? this.catalog?.scenarios[0]?.name ?? '';
  }

  /** starts the source shown (a scenario or the files) with the page's settings */
  startWith(
    settings: {
      dataset: string | null;
      seed: number;
      detector: string;
      rate: RateSpec;
      threshold: number | null;
      broker?: string | null;
      topic?: string | null;
    },
    loop: boolean,
    judging: Judging = {},
  ): Promise<boolean> {
    if (this.kind === 'mqtt') {
      if (!settings.broker || !settings.topic) {
        this.error = 'Give the broker address (ws:// or wss://) and the topic to watch first.';
        return Promise.resolve(false);
      }
      const { username, password, qos } = this.mqtt;
      const source: SourceSpec = {
        kind: 'mqtt',
        url: settings.broker,
        topic: settings.topic,
        qos,
        ...(username && { username }),
        ...(password && { password }),
      };
      const outputs = this.outputsSpec(source);
      try {
        // before anything connects: a wrong address or an alert topic inside the feed's
        if (outputs) checkOutputs(outputs, source.topic);
      } catch (e) {
        this.error = message(e);
        return Promise.resolve(false);
      }
      // a feed cannot be slowed: its flows are scored as they come
      return this.start(source, { ...settings, ...judging, rate: { kind: 'max' }, loop: false, outputs });
    }
    if (this.kind === 'files') {
      if (this.files.length === 0) {
        this.error = 'Choose or drop the files to replay first.';
        return Promise.resolve(false);
      }
      return this.start({ kind: 'files', files: this.files }, { ...settings, ...judging, loop, outputs: this.outputsSpec(null) });
    }
    const scenario = this.scenarioName(settings.dataset);
    if (!scenario) {
      this.error = 'No scenario to play: the simulator offered none.';
      return Promise.resolve(false);
    }
    return this.start({ kind: 'simulation', scenario, seed: settings.seed }, { ...settings, ...judging, loop, outputs: this.outputsSpec(null) });
  }

  /** the outputs chosen, as plain data: alerts go back to the feed's broker (`feed`), InfluxDB to the address typed */
  private outputsSpec(feed: Extract<SourceSpec, { kind: 'mqtt' }> | null): OutputsSpec | undefined {
    const o = this.outputs;
    const spec: OutputsSpec = {};
    if (feed && o.publish)
      spec.alerts = {
        url: feed.url,
        topic: o.alertsTopic.trim(),
        everyVerdict: o.everyVerdict,
        qos: feed.qos,
        ...(feed.username && { username: feed.username }),
        ...(feed.password && { password: feed.password }),
      };
    if (o.influx)
      spec.influx = {
        url: o.influxUrl.trim(),
        features: o.influxFeatures,
        // points of this tab apart from a monitor's or another tab's on the same server
        tags: { monitor: `lab-${TAB_ID}` },
        ...(o.influxToken && { token: o.influxToken }),
        ...(o.influxUser && { username: o.influxUser, password: o.influxPassword }),
      };
    return spec.alerts || spec.influx ? spec : undefined;
  }

  /** starts `source`; `modelId` names a stored model (the Train view's), else the default of `detector` scores */
  async start(
    source: SourceSpec,
    options: { detector: string; modelId?: string; rate: RateSpec; loop: boolean; threshold: number | null; outputs?: OutputsSpec } & Judging,
  ): Promise<boolean> {
    this.error = '';
    this.starting = true;
    // the previous feed's state goes at once: while the old run stops, its "live" would read as this start's
    // "waiting for the first flows", and flows published then would go to no one
    this.followFeed(source.kind === 'mqtt');
    try {
      if (this.summary && (this.summary.state === 'playing' || this.summary.state === 'paused')) await this.replay.stop();
      // plain values: the page's reactive state cannot cross to a worker
      const request: StartRequest = {
        source: plainSource(source),
        detector: options.detector,
        modelId: options.modelId,
        namerId: this.namerId || undefined,
        rate: $state.snapshot(options.rate) as RateSpec,
        loop: options.loop,
        ...(options.adaptive && { adaptive: {} }),
        ...(options.learning && { learning: $state.snapshot(options.learning) as LearningOptions }),
        ...(options.outputs && { outputs: $state.snapshot(options.outputs) as OutputsSpec }),
      };
      this.kind = source.kind;
      this.followRate(options.rate);
      if (source.kind === 'files') this.files = source.files;
      const run = await this.replay.start(request);
      this.run = run;
      // summaries of the run that arrived while it was starting
      this.summary = this.latest?.runId === run.id ? this.latest : null;
      // a threshold set by hand holds; a drift-aware one starts from the calibrated value
      if (options.threshold !== null && !options.adaptive) await this.replay.setThreshold(options.threshold);
      return true;
    } catch (e) {
      this.error = message(e);
      // a feed that failed to open is closed, with why (the last state seen may still say connecting, or none was seen yet)
      const f = this.feed;
      if (source.kind === 'mqtt' && f?.connection.state !== 'closed') {
        this.followFeed(false);
        const shown = sourceRecord(plainSource(source), '');
        const url = f?.connection.url ?? (shown.kind === 'mqtt' ? shown.url : '');
        this.feed = { subscribed: false, queued: 0, lost: 0, problem: null, ...f, connection: { state: 'closed', url, reason: this.error } };
      }
      return false;
    } finally {
      this.starting = false;
      // summaries that came while the start finished (a threshold being set) were held back: the newest goes on now (the run may have ended meanwhile)
      if (this.latest && this.latest !== this.summary) this.receive(this.latest);
    }
  }

  /** runs an action on the replay, reporting its failure as the run's error */
  async act(action: (replay: ReplayApi) => Promise<void>): Promise<void> {
    try {
      await action(this.replay);
    } catch (e) {
      this.error = message(e);
    }
  }

  pause = () => this.act((r) => r.pause());
  resume = () => this.act((r) => r.resume());
  step = () => this.act((r) => r.step());
  stop = () => this.act((r) => r.stop());
  seek = (fraction: number) => this.act((r) => r.seek(fraction));
  setRate = (rate: RateSpec) =>
    this.act(async (r) => {
      await r.setRate(rate);
      this.followRate(rate);
    });

  private followRate(rate: RateSpec): void {
    this.saturating = this.kind !== 'mqtt' && rate.kind === 'max' && noCoreToSpare(navigator.hardwareConcurrency);
  }
  setThreshold = (value: number) => this.act((r) => r.setThreshold(value));
  inject = (attack: AttackInjection) => this.act((r) => r.inject(attack));

  /** asks for the feed's state a few times a second while a feed runs (connecting, live, reconnecting, closed) */
  private followFeed(on: boolean): void {
    if (this.feedTimer) clearInterval(this.feedTimer);
    this.feedTimer = null;
    this.feed = null;
    if (!on) return;
    let asking = false;
    const timer = (this.feedTimer = setInterval(() => {
      if (asking) return;
      asking = true;
      this.replay
        .feed()
        .then((f) => {
          // keep the last state once the feed closed: its reason stays visible; an answer to an earlier run's question is dropped
          if (f && this.feedTimer === timer) this.feed = f;
        })
        .catch(() => {})
        .finally(() => (asking = false));
    }, PUBLISH_MS));
  }

  dispose(): void {
    this.followFeed(false);
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
  }

  private receive(s: LiveSummary): void {
    this.latest = s;
    // while a start is under way, or for another run than the current one, wait
    if (this.starting || (this.run && s.runId !== this.run.id)) return;
    const wait = this.lastPublished + summarySpacing(this.drawMs, this.saturating) - performance.now();
    // a change of state (a pause, the run's end or error) is shown at once
    if (wait <= 0 || s.state !== this.summary?.state || s.state === 'ended' || s.state === 'error') this.publish();
    else if (!this.timer) this.timer = setTimeout(() => this.publish(), wait);
  }

  private publish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const at = (this.lastPublished = performance.now());
    if (this.latest && (!this.run || this.latest.runId === this.run.id)) {
      this.summary = this.latest;
      // the views update in a microtask, the charts in the next frame; a task after that frame sees them drawn
      // (a hidden tab has no frames: the last figure stands)
      requestAnimationFrame(() => setTimeout(() => (this.drawMs = performance.now() - at)));
    }
  }
}
