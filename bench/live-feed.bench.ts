/**
 * Live feeds with real servers on this machine (Debian's mosquitto and influxd on free
 * 127.0.0.1 ports, as the tests start them):
 * - monitor: `npm run monitor` (a separate process, the isolation forest) subscribed to
 *   Mosquitto while this process publishes the newer CICIoMT2024 sample's rows as CSV
 *   messages of 2,000 flows as fast as it can; flows/s from the first publish until the
 *   monitor has received them all (publisher, broker and monitor share the machine's cores);
 * - InfluxDB sink: scored chunks of 5,000 flows × 39 features encoded as line protocol and
 *   written to influxd 1.x (a fresh server each) in batches of 5,000 points, two requests at
 *   once; points/s until the last is acknowledged: the sink's default points (the verdict:
 *   score, row and tags) and, with `features`, points that carry all 39 features as well.
 * Prints its figures; asserts nothing.
 *   npx tsx bench/live-feed.bench.ts [flows]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MqttConnection } from '../src/core/mqtt';
import { InfluxSink, type FlowChunk, type RunRecord } from '../src/core/store';
import { startInfluxd, startMosquitto } from '../tests/support/servers';
import { positional, QUICK, report } from './report';
import { V2_SAMPLE } from './samples';

const FLOWS = Number(positional[0] ?? (QUICK ? 20_000 : 400_000));
const PER_MESSAGE = 2000;
const [header, ...lines] = readFileSync(V2_SAMPLE, 'utf8').trimEnd().split(/\r?\n/);
const columns = header.split(',').slice(0, -1);

/** waits for `check`, at most `ms`: a monitor that died or hangs ends the benchmark with one sentence, not a wait without end */
async function waitFor(check: () => boolean, what: string, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`the benchmark gave up waiting for ${what} after ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function monitorFlowsPerSecond(): Promise<{ perSecond: number; skipped: number }> {
  const broker = await startMosquitto();
  const dir = mkdtempSync(join(tmpdir(), 'iomt-bench-'));
  const json = join(dir, 'counters.json');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/monitor.ts',
      '--mqtt',
      broker.url,
      '--topic',
      'bench/flows',
      '--status-every',
      '0.1',
      '--capacity',
      String(FLOWS + 1),
      '--json',
      json,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise((r) => child.on('exit', r));
  const publisher = new MqttConnection({ url: broker.url });
  try {
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    const received = () => Math.max(0, ...[...out.matchAll(/received ([\d,]+)/g)].map((m) => Number(m[1].replace(/,/g, ''))));
    await waitFor(() => /waiting for the first flows/.test(out) || child.exitCode !== null, 'the monitor to subscribe');
    await publisher.connect();
    const payloads: string[] = [];
    for (let seq = 0; seq < FLOWS; seq += PER_MESSAGE) {
      const rows: string[] = [];
      for (let k = 0; k < PER_MESSAGE && seq + k < FLOWS; k++) rows.push(lines[(seq + k) % lines.length]);
      payloads.push(`#seq=${seq}\n${header}\n${rows.join('\n')}\n`);
    }
    const t0 = performance.now();
    for (const p of payloads) await publisher.publish('bench/flows', p);
    await waitFor(() => received() >= FLOWS || child.exitCode !== null, 'every flow to be received');
    const seconds = (performance.now() - t0) / 1000;
    child.kill('SIGTERM');
    await exited;
    const counters = JSON.parse(readFileSync(json, 'utf8')) as Record<string, number>;
    // the status lines come every 0.1 s: the time is over-counted by up to that much
    return { perSecond: counters.scored / seconds, skipped: counters.skipped };
  } finally {
    // stopped by pid and removed whatever happened above
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await publisher.end();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function influxPointsPerSecond(withFeatures: boolean): Promise<number> {
  const influx = await startInfluxd();
  const run: RunRecord = {
    id: 'bench',
    name: 'bench',
    createdAt: 0,
    updatedAt: 0,
    source: { kind: 'mqtt', url: 'mqtt://127.0.0.1', topic: 'bench', dataset: 'v2' },
    modelId: 'm',
    detector: 'iforest',
    threshold: 0.6,
    columns,
    classes: [],
    devices: [],
    summary: null,
    droppedRows: 0,
  };
  const n = 5000;
  const features = new Float32Array(n * columns.length);
  for (let i = 0; i < n; i++)
    lines[i % lines.length]
      .split(',')
      .slice(0, columns.length)
      .forEach((c, j) => (features[i * columns.length + j] = Number(c)));
  const chunk = (seq: number): FlowChunk => ({
    runId: run.id,
    seq,
    n,
    features,
    time: new Float64Array(n),
    rowNumber: Float64Array.from({ length: n }, (_, i) => seq * n + i + 1),
    classIndex: new Int32Array(n).fill(-1),
    device: new Uint16Array(n).fill(0xffff),
    score: Float32Array.from({ length: n }, (_, i) => (i % 100) / 100),
    verdict: Uint8Array.from({ length: n }, (_, i) => (i % 100 > 97 ? 1 : 0)),
  });
  const sink = new InfluxSink({ url: `${influx.url}/write?db=bench` }, { batchPoints: 5000, features: withFeatures, tags: { monitor: 'bench' } });
  // the database is made by the first write: not timed
  sink.add(run, [chunk(0)]);
  await sink.flush();
  const chunks = Math.ceil(FLOWS / n);
  const t0 = performance.now();
  for (let s = 1; s <= chunks; s++) {
    sink.add(run, [chunk(s)]);
    // keep the encoder at most a few batches ahead of the server
    if (sink.pending > 4 * n) await sink.flush();
  }
  await sink.close();
  const seconds = (performance.now() - t0) / 1000;
  const written = sink.written - n;
  if (sink.failed) console.log(`influx: ${sink.failed} points failed: ${sink.lastProblem}`);
  await influx.close();
  return written / seconds;
}

const monitor = await monitorFlowsPerSecond();
console.log(
  `monitor: ${FLOWS.toLocaleString('en-US')} flows through mosquitto, ${Math.round(monitor.perSecond).toLocaleString('en-US')} flows/s (isolation forest; skipped ${monitor.skipped})`,
);
const points = await influxPointsPerSecond(false);
console.log(`InfluxDB sink: ${Math.round(points).toLocaleString('en-US')} points/s into influxd 1.x (the verdict: score + row, 3 tags)`);
const featurePoints = await influxPointsPerSecond(true);
console.log(`InfluxDB sink with --influx-features: ${Math.round(featurePoints).toLocaleString('en-US')} points/s (39 features + score + row per point)`);
report({
  monitor_flows_per_s: Math.round(monitor.perSecond),
  influx_points_per_s: Math.round(points),
  influx_feature_points_per_s: Math.round(featurePoints),
});
