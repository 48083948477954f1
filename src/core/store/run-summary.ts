import type { CaptureCounters } from '../packets';
import type { OutputsStatus } from './output-types';
/**
 * The aggregated figures the detect worker sends the page a few times a second. Sized by
 * the number of time buckets and classes, never by the number of flows, so charts stay
 * smooth at any replay rate. Also stored with a run, so the history view can reopen it.
 */
export interface LiveSummary {
  runId: string;
  state: RunState;
  /** what is playing: "Simulated hospital — mixed-day (seed 1)" or the file names */
  source: string;
  detector: string;
  threshold: number;
  /** every flow read is scored or skipped; every scored flow is stored or dropped by retention */
  counters: FlowCounters;
  skippedReasons: Record<string, number>;
  /** flows scored per second of wall-clock time, over the last second or so */
  flowsPerSecond: number;
  /** ms from a flow's emission by the source to its verdict being stored */
  latencyMs: { p50: number; p99: number; max: number };
  /** share of scored flows flagged */
  anomalyRate: number;
  /** present when the flows carry labels */
  labelled: boolean;
  recall: number | null;
  falsePositiveRate: number | null;
  confusion: { tp: number; fp: number; tn: number; fn: number };
  /** time series over the flows' own time, in equal buckets, the newest `MAX_BUCKETS` kept */
  series: LiveSeries;
  /** detection per class (labelled data): flows and flagged flows */
  perClass: { name: string; benign: boolean; family: string; flows: number; flagged: number }[];
  /** the newest alerts, newest first, at most a few dozen */
  recentAlerts: AlertSample[];
  /** packet captures: packets read = decoded + skipped by reason, link types, flows made (absent for other sources) */
  packets?: CaptureCounters;
  /** what the simulator says is going on ("ARP spoofing from wearable-7 against pump-3") */
  captions: string[];
  /** where the replay is: for the seek bar */
  position: { rows: number; fraction: number | null; flowTime: number };
  /** set when state is 'error': one sentence */
  error?: string;
  /** the threshold follows recent benign scores (drift-aware) instead of staying where it was calibrated */
  adaptiveThreshold?: boolean;
  /** present when the run began with a learning period: how far it is */
  learning?: LearningStatus;
  /** present when verdicts also go to a broker topic or InfluxDB: what became of them */
  outputs?: OutputsStatus;
}

export type LearningState = 'learning' | 'training' | 'done';

/** how far a run's learning period is (see `LearningPeriod` in replay), for the Live view */
export interface LearningStatus {
  state: LearningState;
  /** flows or seconds so far, of `total` */
  done: number;
  total: number;
  unit: 'flows' | 'seconds';
  /** flows learned from */
  flows: number;
}

/** `interrupted`: the page closed while the run played; its figures were recomputed from the store */
export type RunState = 'idle' | 'loading' | 'playing' | 'paused' | 'ended' | 'interrupted' | 'error';

export interface FlowCounters {
  read: number;
  scored: number;
  stored: number;
  skipped: number;
  /** flows flagged as anomalous */
  alerts: number;
  /** stored flows later dropped by the retention limit (shown, never silent) */
  dropped: number;
  /** live feeds: flows the producer published that never arrived (gaps in its sequence numbers); not part of `read` */
  lost?: number;
}

export interface LiveSeries {
  /** bucket width in seconds of flow time */
  bucketSeconds: number;
  /** bucket start times (flow time, seconds) */
  t: number[];
  flows: number[];
  flagged: number[];
  /** per bucket: the highest score and the 50th/99th percentile (downsampled, not per flow) */
  scoreMax: number[];
  scoreP50: number[];
  scoreP99: number[];
  /** per protocol ("TCP", "UDP", "ICMP", "ARP", "MQTT", "Other"): flows and flagged flows per bucket */
  byProtocol: { name: string; flows: number[]; flagged: number[] }[];
  /** class × bucket counts of flows (labelled data): rows follow `classes` */
  heatmap: { classes: string[]; counts: number[][] };
}

/** One flagged flow, kept with its raw features so the alert view can say why. */
export interface AlertSample {
  runId: string;
  /** flow time, seconds */
  time: number;
  rowNumber: number;
  device: string | null;
  /** the true class where labelled, else null */
  className: string | null;
  /** the class the model named the alert and its probability (classifiers and hybrids), else absent */
  predictedClass?: string;
  confidence?: number;
  score: number;
  threshold: number;
  /** raw feature values by column name */
  features: Record<string, number>;
  /** each model input's share of the reconstruction error (autoencoders), summing to 1; null for other detectors */
  contributions: Record<string, number> | null;
}

export const MAX_BUCKETS = 300;

/**
 * A summary with nothing counted yet: every counter at zero, no series, no latency
 * measured (NaN). What the Live view shows before the first run; `fields` replace
 * top-level fields (a run that failed to start: its state, source and error).
 */
export function emptySummary(fields: Partial<LiveSummary> = {}): LiveSummary {
  return {
    runId: '',
    state: 'idle',
    source: '',
    detector: '',
    threshold: 0,
    counters: { read: 0, scored: 0, stored: 0, skipped: 0, alerts: 0, dropped: 0 },
    skippedReasons: {},
    flowsPerSecond: 0,
    latencyMs: { p50: NaN, p99: NaN, max: NaN },
    anomalyRate: 0,
    labelled: false,
    recall: null,
    falsePositiveRate: null,
    confusion: { tp: 0, fp: 0, tn: 0, fn: 0 },
    series: { bucketSeconds: 0, t: [], flows: [], flagged: [], scoreMax: [], scoreP50: [], scoreP99: [], byProtocol: [], heatmap: { classes: [], counts: [] } },
    perClass: [],
    recentAlerts: [],
    captions: [],
    position: { rows: 0, fraction: null, flowTime: 0 },
    ...fields,
  };
}
