import type { LiveSummary } from '../../../core/replay/live-summary';

/** What the Live view shows before the first run: every counter at zero, no series. */
export function emptySummary(): LiveSummary {
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
  };
}
