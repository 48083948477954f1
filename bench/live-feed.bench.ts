/**
 * Live feeds with real servers on this machine (Debian's mosquitto and influxd on free
 * 127.0.0.1 ports, as the tests start them):
 * - monitor: `npm run monitor` (a separate process, the isolation forest) subscribed to
 *   Mosquitto while this process publishes the newer CICIoMT2024 sample's rows in messages
 *   of 2,000 flows as fast as it can, as CSV and then in the binary form the sensor
 *   publishes; flows/s from the first publish until the monitor has received them all
 *   (publisher, broker and monitor share the machine's cores), and the monitor's CPU time
 *   per flow over that span (/proc; it does not depend on what else the machine runs);
 * - InfluxDB sink: scored chunks of 5,000 flows × 39 features encoded as line protocol and
 *   written to influxd 1.x (a fresh server each) in batches of 5,000 points, two requests at
 *   once; points/s until the last is acknowledged: the sink's default points (the verdict:
 *   score, row and tags) and, with `features`, points that carry all 39 features as well.
 * Prints its figures; asserts nothing.
 *   npx tsx bench/live-feed.bench.ts [flows] [--monitor-only] [--profile dir]
 * --monitor-only  skips the InfluxDB figures; --profile writes the monitor's V8 CPU profiles to dir
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeBinaryFlows } from '../src/core/ingest';
import { MqttConnection } from '../src/core/mqtt';
import { InfluxSink, type FlowChunk, type RunRecord } from '../src/core/store';
import { startInfluxd, startMosquitto } from '../tests/support/servers';
import { positional, QUICK, report } from './report';
import { V2_SAMPLE } from './samples';

const argv = process.argv.slice(2);
const PROFILE = argv.includes('--profile') ? argv[argv.indexOf('--profile') + 1] : null;
const MONITOR_ONLY = argv.includes('--monitor-only');
const FLOWS = Number(positional.find((a) => a !== PROFILE) ?? (QUICK ? 20_000 : 400_000));
const PER_MESSAGE = 2000;
const [header, ...lines] = readFileSync(V2_SAMPLE, 'utf8').trimEnd().split(/\r?\n/);
const columns = header.split(',').slice(0, -1);
/** the sample's rows as the binary form's values (float32, 'inf' as Infinity, empty as NaN) and labels */
const sampleRows = lines.map((line) => {
  const cells = line.split(',');
  return { values: cells.slice(0, columns.length).map(cellValue), label: cells[columns.length] || null };
});

function cellValue(cell: string): number {
  const t = cell.trim().toLowerCase();
  return t === '' ? NaN : t === 'inf' || t === 'infinity' ? Infinity : t === '-inf' || t === '-infinity' ? -Infinity : Number(cell);
}

/** the bench's messages of PER_MESSAGE flows: CSV with its header, or the binary form (the label as its text column) */
function messages(form: 'csv' | 'binary'): (string | Uint8Array)[] {
  const out: (string | Uint8Array)[] = [];
  for (let seq = 0; seq < FLOWS; seq += PER_MESSAGE) {
    const n = Math.min(PER_MESSAGE, FLOWS - seq);
    const picked = Array.from({ length: n }, (_, k) => (seq + k) % lines.length);
    if (form === 'csv') {
      out.push(`#seq=${seq}\n${header}\n${picked.map((i) => lines[i]).join('\n')}\n`);
      continue;
    }
    const values = new Float32Array(n * columns.length);
    picked.forEach((i, k) => values.set(sampleRows[i].values, k * columns.length));
    const labelColumn = header.split(',')[columns.length];
    out.push(encodeBinaryFlows({ columns, values, texts: [{ column: labelColumn, of: picked.map((i) => sampleRows[i].label) }], seq }));
  }
  return out;
}

/** CPU seconds (user + system) a live process has used, from /proc; null where there is none */
function cpuSeconds(pid: number): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** waits for `check`, at most `ms`: a monitor that died or hangs ends the benchmark with one sentence, not a wait without end */
async function waitFor(check: () => boolean, what: string, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`the benchmark gave up waiting for ${what} after ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function monitorFlowsPerSecond(form: 'csv' | 'binary'): Promise<{ perSecond: number; skipped: number; cpuUsPerFlow: number | null }> {
  const broker = await startMosquitto();
  const dir = mkdtempSync(join(tmpdir(), 'iomt-bench-'));
  const json = join(dir, 'counters.json');
  const child = spawn(
    process.execPath,
    [
      ...(PROFILE ? ['--cpu-prof', '--cpu-prof-dir', join(PROFILE, form)] : []),
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
    const payloads = messages(form);
    const cpu0 = cpuSeconds(child.pid!);
    const t0 = performance.now();
    for (const p of payloads) await publisher.publish('bench/flows', p);
    await waitFor(() => received() >= FLOWS || child.exitCode !== null, 'every flow to be received');
    const seconds = (performance.now() - t0) / 1000;
    const cpu1 = cpuSeconds(child.pid!);
    child.kill('SIGTERM');
    await exited;
    const counters = JSON.parse(readFileSync(json, 'utf8')) as Record<string, number>;
    // the status lines come every 0.1 s: the time is over-counted by up to that much
    const cpuUsPerFlow = cpu0 !== null && cpu1 !== null ? ((cpu1 - cpu0) * 1e6) / counters.scored : null;
    return { perSecond: counters.scored / seconds, skipped: counters.skipped, cpuUsPerFlow };
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

const monitor: Record<string, Awaited<ReturnType<typeof monitorFlowsPerSecond>>> = {};
for (const form of ['csv', 'binary'] as const) {
  const m = (monitor[form] = await monitorFlowsPerSecond(form));
  const cpu =
    m.cpuUsPerFlow === null
      ? ''
      : `; monitor CPU ${m.cpuUsPerFlow.toFixed(2)} µs/flow, ${Math.round(1e6 / m.cpuUsPerFlow).toLocaleString('en-US')} flows per CPU-second`;
  console.log(
    `monitor (${form} messages of ${PER_MESSAGE.toLocaleString('en-US')} flows): ${FLOWS.toLocaleString('en-US')} flows through mosquitto, ${Math.round(m.perSecond).toLocaleString('en-US')} flows/s (isolation forest; skipped ${m.skipped}${cpu})`,
  );
}
const points = MONITOR_ONLY ? NaN : await influxPointsPerSecond(false);
if (!MONITOR_ONLY) console.log(`InfluxDB sink: ${Math.round(points).toLocaleString('en-US')} points/s into influxd 1.x (the verdict: score + row, 3 tags)`);
const featurePoints = MONITOR_ONLY ? NaN : await influxPointsPerSecond(true);
if (!MONITOR_ONLY)
  console.log(`InfluxDB sink with --influx-features: ${Math.round(featurePoints).toLocaleString('en-US')} points/s (39 features + score + row per point)`);
const rounded = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? null : Math.round(x));
report({
  monitor_flows_per_s: rounded(monitor.csv.perSecond),
  monitor_binary_flows_per_s: rounded(monitor.binary.perSecond),
  monitor_cpu_flows_per_s: rounded(monitor.csv.cpuUsPerFlow && 1e6 / monitor.csv.cpuUsPerFlow),
  monitor_binary_cpu_flows_per_s: rounded(monitor.binary.cpuUsPerFlow && 1e6 / monitor.binary.cpuUsPerFlow),
  influx_points_per_s: rounded(points),
  influx_feature_points_per_s: rounded(featurePoints),
});
