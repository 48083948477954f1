import { LatencyHistogram } from '../metrics';
import type { ClassInfo } from '../schema';
import { PROTOCOLS, type AlertSample, type FlowCounters, type LiveSummary, type RunState } from '../store';
import type { FlowBatch } from './flow-batch';
import type { CaptureCounters } from '../packets';
import { TimeBuckets } from './time-buckets';

/** the newest alerts a summary carries */
export const RECENT_ALERTS = 30;
/** the window over which flows per second are measured */
const RATE_WINDOW_MS = 1000;

export interface AggregatorSetup {
  runId: string;
  source: string;
  detector: string;
  threshold: number;
  /** the run's time axis: the flows' own timestamps, or else wall-clock seconds since `startedAt` */
  hasOwnTime: boolean;
  /** wall-clock ms the run started (same clock as batches' emittedAt) */
  startedAt: number;
}

/**
 * The live figures of one run, fed batch by batch by the detect worker. Counters always
 * add up:
 *   read = scored + skipped (a flow counts as read when it is scored; rows the source
 *          could not use are skipped, by reason);
 *   scored = stored + dropped + pending (stored: rows held in the store now; dropped:
 *          stored rows later removed by the retention limit; pending: scored rows whose
 *          write has not finished);
 *   alerts ≤ scored: flows flagged.
 * Per batch the cost is O(rows) with small constants; a summary is O(buckets × bins + classes).
 */
export class LiveAggregator {
  readonly counters: FlowCounters = { read: 0, scored: 0, stored: 0, skipped: 0, alerts: 0, dropped: 0 };
  readonly skippedReasons: Record<string, number> = {};
  readonly latency = new LatencyHistogram();
  private written = 0;
  private threshold: number;
  private readonly buckets: TimeBuckets;
  private classes: ({ name: string } & ClassInfo)[] = [];
  private perClassFlows = new Float64Array(0);
  private perClassFlagged = new Float64Array(0);
  /** over the labelled rows only (a class index the run knows) */
  private readonly confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  private recent: AlertSample[] = [];
  private captions: string[] = [];
  private packets: CaptureCounters | null = null;
  private rateMarks: { at: number; scored: number }[] = [];
  /** where the newest scored batch was: its share of the source and its last flow time */
  private fraction: number | null = null;
  private flowTime = 0;
  /** per class index: 1 attack, 0 benign */
  private attack = new Uint8Array(0);

  constructor(private readonly setup: AggregatorSetup) {
    this.threshold = setup.threshold;
    this.buckets = new TimeBuckets(PROTOCOLS.length, setup.threshold);
  }

  setClasses(classes: ({ name: string } & ClassInfo)[]): void {
    this.classes = classes;
    const n = classes.length;
    if (n > this.perClassFlows.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(n);
        b.set(a);
        return b;
      };
      this.perClassFlows = grow(this.perClassFlows);
      this.perClassFlagged = grow(this.perClassFlagged);
    }
    this.attack = Uint8Array.from(classes, (c) => (c.benign ? 0 : 1));
  }

  setThreshold(value: number): void {
    this.threshold = value;
  }

  /** packet captures: what the source's captures held so far (it sends the whole run's counters each time) */
  setPackets(counters: CaptureCounters): void {
    this.packets = counters;
  }

  setCaptions(captions: string[]): void {
    this.captions = captions;
  }

  /** flows a live feed never received (they are not read, so not in read = scored + skipped) */
  addLost(flows: number): void {
    this.counters.lost = (this.counters.lost ?? 0) + flows;
  }

  addSkipped(reasons: Record<string, number>): void {
    for (const [reason, n] of Object.entries(reasons)) {
      this.skippedReasons[reason] = (this.skippedReasons[reason] ?? 0) + n;
      this.counters.skipped += n;
      this.counters.read += n;
    }
  }

  /** where the source stands after `batch` (scored or not): its share of the source and its last flow time */
  advance(batch: FlowBatch, fraction: number | null): void {
    this.fraction = fraction;
    if (batch.n > 0) this.flowTime = batch.time[batch.n - 1];
  }

  /**
   * A scored batch: `verdict[i]` 1 where flagged, `protocol(i)` the row's index into
   * PROTOCOLS. `now` is the wall-clock time (ms) it was scored.
   */
  addScored(batch: FlowBatch, scores: Float32Array, verdict: Uint8Array, protocol: (row: number) => number, now: number, fraction: number | null): void {
    const n = batch.n;
    const c = this.counters;
    const { classIndex, time } = batch;
    const attack = this.attack;
    const perFlows = this.perClassFlows;
    const perFlagged = this.perClassFlagged;
    const buckets = this.buckets;
    const own = this.setup.hasOwnTime;
    const wallBucket = own ? 0 : buckets.bucketOf((batch.emittedAt - this.setup.startedAt) / 1000);
    let flagged = 0;
    let tp = 0;
    let fp = 0;
    let tn = 0;
    let fn = 0;
    for (let i = 0; i < n; i++) {
      const v = verdict[i];
      flagged += v;
      const k = classIndex[i];
      if (k >= 0 && k < perFlows.length) {
        perFlows[k]++;
        perFlagged[k] += v;
        if (attack[k]) {
          if (v) tp++;
          else fn++;
        } else if (v) fp++;
        else tn++;
      }
      buckets.add(own ? buckets.bucketOf(time[i]) : wallBucket, scores[i], v === 1, protocol(i), k);
    }
    c.scored += n;
    c.read += n;
    c.alerts += flagged;
    this.confusion.tp += tp;
    this.confusion.fp += fp;
    this.confusion.tn += tn;
    this.confusion.fn += fn;
    this.advance(batch, fraction);
    this.rateMarks.push({ at: now, scored: c.scored });
    while (this.rateMarks.length > 2 && this.rateMarks[1].at < now - RATE_WINDOW_MS) this.rateMarks.shift();
  }

  /** rows written to the store (emitted at `emittedAt`, stored at `now`) */
  addStored(rows: number, emittedAt: number, now: number): void {
    this.written += rows;
    this.counters.stored = this.written - this.counters.dropped;
    this.latency.record(Math.max(0, now - emittedAt), rows);
  }

  /** stored rows removed by the retention limit */
  addDropped(rows: number): void {
    this.counters.dropped += rows;
    this.counters.stored = this.written - this.counters.dropped;
  }

  /** newest first */
  addAlerts(samples: AlertSample[]): void {
    if (samples.length === 0) return;
    this.recent = [...samples.slice(-RECENT_ALERTS).reverse(), ...this.recent].slice(0, RECENT_ALERTS);
  }

  flowsPerSecond(now: number): number {
    const marks = this.rateMarks;
    if (marks.length === 0) return 0;
    const last = marks[marks.length - 1];
    if (now - last.at > RATE_WINDOW_MS) return 0;
    const first = marks[0];
    const span = now - first.at;
    if (marks.length < 2 || span <= 0) return 0;
    return ((last.scored - first.scored) / span) * 1000;
  }

  summary(state: RunState, now: number, error?: string): LiveSummary {
    const c = this.counters;
    const classes = this.classes;
    const s = this.buckets.series(classes.length);
    const { tp, fp, tn, fn } = this.confusion;
    const labelled = tp + fp + tn + fn > 0;
    return {
      runId: this.setup.runId,
      state,
      source: this.setup.source,
      detector: this.setup.detector,
      threshold: this.threshold,
      counters: { ...c },
      skippedReasons: { ...this.skippedReasons },
      flowsPerSecond: this.flowsPerSecond(now),
      latencyMs: {
        p50: this.latency.count ? this.latency.percentile(50) : 0,
        p99: this.latency.count ? this.latency.percentile(99) : 0,
        max: this.latency.count ? this.latency.max : 0,
      },
      anomalyRate: c.scored ? c.alerts / c.scored : 0,
      labelled,
      recall: labelled && tp + fn > 0 ? tp / (tp + fn) : null,
      falsePositiveRate: labelled && fp + tn > 0 ? fp / (fp + tn) : null,
      confusion: { tp, fp, tn, fn },
      series: {
        ...s,
        byProtocol: PROTOCOLS.map((name, p) => ({ name, flows: s.byProtocol[p].flows, flagged: s.byProtocol[p].flagged })),
        heatmap: { classes: classes.map((k) => k.name), counts: s.heatmap },
      },
      perClass: classes.map((k, i) => ({
        name: k.name,
        benign: k.benign,
        family: k.family,
        flows: this.perClassFlows[i] ?? 0,
        flagged: this.perClassFlagged[i] ?? 0,
      })),
      recentAlerts: this.recent.slice(),
      captions: this.captions.slice(),
      ...(this.packets && { packets: this.packets }),
      position: { rows: c.scored, fraction: this.fraction, flowTime: this.flowTime },
      ...(error !== undefined && { error }),
    };
  }
}
