import type { FeedStatus } from '../core/lab';
import type { LiveSummary } from '../core/replay';

/** The monitor's counters, with exactly the keys its `--json` file promises. */
export function monitorCounters(s: LiveSummary | null): Record<string, number> {
  const c = s?.counters;
  const influx = s?.outputs?.influx;
  return {
    received: c?.read ?? 0,
    scored: c?.scored ?? 0,
    skipped: c?.skipped ?? 0,
    lost: c?.lost ?? 0,
    alerts: c?.alerts ?? 0,
    influx_written: influx?.written ?? 0,
    influx_failed: influx?.failed ?? 0,
  };
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

/** one line: connection, rate (`perSecond`: scored since the previous line), counters (skips by reason), alerts published, InfluxDB */
export function statusLine(s: LiveSummary, perSecond: number, feed: FeedStatus | null): string {
  const c = s.counters;
  const influx = s.outputs?.influx;
  const alerts = s.outputs?.alerts;
  const reasons = Object.entries(s.skippedReasons)
    .map(([reason, k]) => `${reason} ${n(k)}`)
    .join(', ');
  const parts = [
    feed ? feed.connection.state : s.state,
    `${n(perSecond)} flows/s`,
    `received ${n(c.read)}`,
    `scored ${n(c.scored)}`,
    `skipped ${n(c.skipped)}${reasons ? ` (${reasons})` : ''}`,
    `lost ${n(c.lost ?? 0)}`,
    `alerts ${n(c.alerts)}`,
  ];
  if (feed?.queued) parts.push(`queued ${n(feed.queued)}`);
  if (alerts) parts.push(`published ${n(alerts.published)}${alerts.failed ? `, ${n(alerts.failed)} not` : ''}`);
  if (influx) parts.push(`influx ${n(influx.written)} written, ${n(influx.failed)} failed${influx.pending ? `, ${n(influx.pending)} pending` : ''}`);
  return parts.join(' | ');
}
