import { execFileSync, spawnSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startInfluxd, startMosquitto, type Influx, type Mosquitto } from '../support/servers';
import { SHARED } from './sources';
import { CaptureReading } from '../../src/core/packets';

const lines = readFileSync(SHARED + 'ciciomt2024_v2_39feat_sample.csv', 'utf8')
  .split(/\r?\n/)
  .filter(Boolean);
const dir = mkdtempSync(join(tmpdir(), 'iomt-monitor-'));
/** every process a test here started: those a failed test left running are stopped by pid at the end */
const started: ChildProcess[] = [];

interface Monitor {
  child: ChildProcess;
  out: () => string;
  /** the --json counters after a SIGTERM */
  stop(): Promise<{ code: number | null; counters: Record<string, number> }>;
}

/** the flows the extractor makes of a capture, and how many of them its end cut short */
async function flowsMade(file: string): Promise<{ made: number; cut: number }> {
  const bytes = readFileSync(file);
  const reading = new CaptureReading([{ name: file, stream: () => new Blob([bytes]).stream() }]);
  let cut = 0;
  for await (const { rows } of reading.flows()) cut += rows.cut.reduce((a, c) => a + c, 0);
  return { made: reading.counters.flows, cut };
}

function monitor(name: string, args: string[]): Monitor {
  const json = join(dir, `${name}.json`);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/monitor.ts', ...args, '--json', json, '--status-every', '0.2'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    out: () => out,
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      return { code, counters: JSON.parse(readFileSync(json, 'utf8')) as Record<string, number> };
    },
  };
}

async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** mosquitto_pub publishes `messages` messages of `per` flows each, numbered; `skip` flows are never sent after the first message */
function publish(broker: Mosquitto, topic: string, messages: number, per: number, skip = 0): number {
  let seq = 0;
  for (let k = 0; k < messages; k++) {
    const rows = lines.slice(1 + k * per, 1 + (k + 1) * per);
    execFileSync('mosquitto_pub', ['-p', String(broker.port), '-t', topic, '-s'], { input: `#seq=${seq}\n${lines[0]}\n${rows.join('\n')}\n` });
    seq += rows.length + (k === 0 ? skip : 0);
  }
  return messages * per;
}

const received = (m: Monitor) => Math.max(0, ...[...m.out().matchAll(/received ([\d,]+)/g)].map((x) => Number(x[1].replace(/,/g, ''))));

describe('npm run monitor (real mosquitto and influxd)', () => {
  let broker: Mosquitto;
  let influx: Influx;
  beforeAll(async () => {
    [broker, influx] = await Promise.all([startMosquitto(), startInfluxd()]);
  }, 60_000);
  afterAll(async () => {
    for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all([broker?.close(), influx?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('scores what mosquitto_pub publishes, writes one InfluxDB point per scored flow, publishes alerts, and its counters add up', async () => {
    const alerts = spawn('mosquitto_sub', ['-p', String(broker.port), '-t', 'iomt/alerts', '-v'], { stdio: ['ignore', 'pipe', 'ignore'] });
    started.push(alerts);
    let alertText = '';
    alerts.stdout!.on('data', (d) => (alertText += d));
    // the shipped autoencoder (the default isolation forest flags about 1 % of the sample's attacks: too few to test alert publishing on)
    const m = monitor('main', [
      '--mqtt',
      broker.url,
      '--topic',
      'iomt/flows',
      '--detector',
      'ae',
      '--influx',
      `${influx.url}/write?db=iomt`,
      '--alerts-topic',
      'iomt/alerts',
    ]);
    await until(() => /scoring /.test(m.out()) || /waiting for the first flows/.test(m.out()), 'the monitor to subscribe');
    // 8 messages of 400 flows; 100 flows never sent after the first; then one message that is not flows
    const sent = publish(broker, 'iomt/flows', 8, 400, 100);
    execFileSync('mosquitto_pub', ['-p', String(broker.port), '-t', 'iomt/flows', '-m', 'hello, world']);
    await until(() => received(m) >= sent + 1, 'every flow to be received');
    const { code, counters } = await m.stop();
    alerts.kill('SIGTERM');
    expect(code).toBe(0);
    expect(Object.keys(counters)).toEqual(['received', 'scored', 'skipped', 'lost', 'alerts', 'influx_written', 'influx_failed']);
    expect(counters).toMatchObject({ received: sent + 1, scored: sent, skipped: 1, lost: 100, influx_failed: 0 });
    expect(counters.influx_written).toBe(counters.scored);
    const [[, points]] = await influx.query('iomt', 'SELECT count(score) FROM iomt_flow');
    expect(points).toBe(counters.scored);
    expect(counters.alerts).toBeGreaterThan(0);
    const published = alertText.split('\n').filter((l) => l.includes('"verdict":"anomaly"')).length;
    expect(published).toBe(counters.alerts);
    expect(m.out()).toMatch(/stopped\. .*received 3,201 \| scored 3,200 \| skipped 1 \(not a flow record 1\) \| lost 100/);
  }, 120_000);

  it('two monitors in one shared subscription score every flow once between them', async () => {
    // both write to one database: their monitor tags keep points of the same moment apart
    const influxTo = ['--influx', `${influx.url}/write?db=shared`];
    const a = monitor('a', ['--mqtt', broker.url, '--topic', 'ward/flows', '--share', 'lab', ...influxTo, '--name', 'ward-a']);
    const b = monitor('b', ['--mqtt', broker.url, '--topic', 'ward/flows', '--share', 'lab', ...influxTo]);
    await until(() => /waiting for the first flows/.test(a.out()) && /waiting for the first flows/.test(b.out()), 'both monitors to subscribe');
    const sent = publish(broker, 'ward/flows', 12, 250);
    await until(() => received(a) + received(b) >= sent, 'the flows to be split');
    const [ra, rb] = await Promise.all([a.stop(), b.stop()]);
    expect(ra.counters.scored).toBeGreaterThan(0);
    expect(rb.counters.scored).toBeGreaterThan(0);
    expect(ra.counters.scored + rb.counters.scored).toBe(sent);
    // each saw only a part of the sequence: that is not loss
    expect(ra.counters.lost + rb.counters.lost).toBe(0);
    const [[, points]] = await influx.query('shared', 'SELECT count(score) FROM iomt_flow');
    expect(points).toBe(sent);
    const [[, fromA]] = await influx.query('shared', `SELECT count(score) FROM iomt_flow WHERE monitor = 'ward-a'`);
    expect(fromA).toBe(ra.counters.scored);
  }, 120_000);

  it('a broker that is not there is one sentence and exit 1; an InfluxDB that is down is counted, not fatal', async () => {
    const nobody = monitor('nobody', ['--mqtt', `mqtt://127.0.0.1:${await freePort()}`, '--topic', 'x']);
    const code = await new Promise((resolve) => nobody.child.on('exit', resolve));
    expect(code).toBe(1);
    expect(nobody.out()).toMatch(/error: Nothing accepts connections at mqtt:\/\/127\.0\.0\.1:\d+ \(is the broker running on that port\?\)\./);
    expect(nobody.out()).not.toMatch(/at .*\.ts:\d+/);

    const m = monitor('influx-down', ['--mqtt', broker.url, '--topic', 'down/flows', '--influx', `http://127.0.0.1:${await freePort()}/write?db=iomt`]);
    await until(() => /waiting for the first flows/.test(m.out()), 'the monitor to subscribe');
    const sent = publish(broker, 'down/flows', 2, 100);
    await until(() => received(m) >= sent, 'the flows');
    const { code: downCode, counters } = await m.stop();
    expect(downCode).toBe(0);
    expect(counters).toMatchObject({ scored: sent, influx_written: 0, influx_failed: sent });
    expect(m.out()).toMatch(/InfluxDB at http:\/\/127\.0\.0\.1:\d+\/write\?db=iomt&precision=n cannot be reached/);
  }, 120_000);

  it('the sensor turns a capture into flows and publishes them; the monitor scores every one', async () => {
    const pcap = join(dir, 'ward.pcap');
    execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/simulate.ts', '--pcap', pcap, '--out', join(dir, 'ward.csv'), '--rows', '400', '--seed', '2']);
    const m = monitor('sensor', ['--mqtt', broker.url, '--topic', 'sensor/flows']);
    await until(() => /waiting for the first flows/.test(m.out()), 'the monitor to subscribe');
    const said = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/sensor.ts', '--pcap', pcap, '--mqtt', broker.url, '--topic', 'sensor/flows', '--batch', '300'],
      { encoding: 'utf8' },
    );
    const published = Number(/published ([\d,]+) flows/.exec(said)![1].replace(/,/g, ''));
    // the windows the capture's end cut short are not sent, as a replay of the file does not score them: said, counted
    const { made, cut } = await flowsMade(pcap);
    expect(made).toBeGreaterThan(400);
    expect(cut).toBeGreaterThan(0);
    expect(published).toBe(made - cut);
    expect(said).toContain(`${cut} windows cut by the end of their capture not published`);
    await until(() => received(m) >= published, 'the published flows');
    const { counters } = await m.stop();
    expect(counters).toMatchObject({ received: published, scored: published, skipped: 0, lost: 0 });
  }, 120_000);

  it('the sensor says so when --max-bytes is below what one flow with its header needs', async () => {
    const pcap = join(dir, 'small.pcap');
    execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/simulate.ts', '--pcap', pcap, '--out', join(dir, 'small.csv'), '--rows', '30', '--seed', '3']);
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/sensor.ts', '--pcap', pcap, '--mqtt', broker.url, '--topic', 'sensor/small', '--format', 'binary', '--max-bytes', '200'],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(
      /^[\d,]+ messages of one flow were larger than --max-bytes 200 \(the smallest \d+ bytes: the binary form's header alone needs about that\); give --max-bytes \d+ or more, or --compress$/m,
    );
  }, 60_000);
});
