import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ensureBackend } from '../core/detectors';
import { DetectService, SourceService, type FeedStatus } from '../core/lab';
import type { QoS } from '../core/mqtt';
import { linkedPorts, sourceRecord, type LiveSummary, type MqttSpec } from '../core/replay';
import { incompatibility, type DialectId } from '../core/schema';
import { checkOutputs, MemoryStore, type OutputsSpec } from '../core/store';
import { messageOf, withoutCredentials } from '../core/util';
import { numberArg, one, UsageError } from './args';
import { modelRecordOfFolder } from './model-folder';
import { monitorCounters, statusLine } from './monitor-status';
import { useNodeForestThreads } from './node-forest-threads';
import { runCommand } from './run-command';

const USAGE = `usage: npm run monitor -- --mqtt mqtt://host:port --topic <filter> [--model <dir>] [--share <group>]
         [--alerts-topic <topic>] [--influx <url>] [--json <file>]

Subscribes to flow records in the live wire format (README: "Live wire format"), scores them with
the lab's detect session, publishes alerts, writes every verdict to InfluxDB, and prints a status
line a few times a minute. Ctrl-C (SIGINT) or SIGTERM stops it: what was received is scored first,
then the counters are printed (and written to --json: received, scored, skipped, lost, alerts,
influx_written, influx_failed).

options:
  --model <dir>          a saved model folder (npm run evaluate -- --save); default: the shipped
                         default model for the data's dialect (--detector iforest|ae|lstm, default iforest)
  --share <group>        join the MQTT 5 shared subscription $share/<group>/<topic>: monitors of one
                         group split the feed (sequence gaps are then not counted as lost)
  --qos 0|1|2            subscription QoS (default 0)
  --user <name>          broker user name; the password from --password or MQTT_PASSWORD
  --alerts-topic <t>     publish flagged flows there (NDJSON, the export's fields); --every-verdict: all flows
  --influx <url>         InfluxDB 1.x http://host:8086/write?db=<db> or 2.x/3.x .../api/v2/write?org=<o>&bucket=<b>
  --influx-token <t>     2.x/3.x token (or INFLUX_TOKEN);  --influx-user <u> (password: INFLUX_PASSWORD)
  --influx-features      write every feature as a field too (about 40 fields a point: a few times the
                         server's work); default: the verdict (score, row, confidence) and its tags
  --name <name>          the points' monitor tag (default: <host name>-<pid>), so monitors sharing a
                         feed write apart; give one to keep the same series across restarts
  --adaptive             drift-aware threshold: follows slow drift of benign scores, never an attack's
  --learn <N>|<N>s       learn this network first: train on its first N flows (or N seconds of them),
                         calibrate, then score (those flows are skipped as "learning period")
  --capacity <flows>     flows waiting at most before they are skipped as "live queue full" (default 200000)
  --status-every <s>     seconds between status lines (default 15)
  --json <file>          the counters at the stop, as JSON`;

const OPTIONS = {
  mqtt: 'one',
  topic: 'one',
  model: 'one',
  detector: 'one',
  share: 'one',
  qos: 'one',
  user: 'one',
  password: 'one',
  'alerts-topic': 'one',
  'every-verdict': 'switch',
  influx: 'one',
  'influx-token': 'one',
  'influx-user': 'one',
  'influx-features': 'switch',
  name: 'one',
  capacity: 'one',
  'status-every': 'one',
  json: 'one',
  adaptive: 'switch',
  learn: 'one',
} as const;

const MODELS = fileURLToPath(new URL('../../public/models/', import.meta.url));

useNodeForestThreads();
runCommand(USAGE, OPTIONS, async (args) => {
  const url = one(args, 'mqtt');
  const topic = one(args, 'topic');
  if (!url) throw new UsageError('give the broker: --mqtt mqtt://host:port');
  if (!topic) throw new UsageError('give the topic (filter) to watch: --topic <t>');
  const qos = (numberArg(args, 'qos', (v) => v === 0 || v === 1 || v === 2, '0, 1 or 2') ?? 0) as QoS;
  const statusMs = (numberArg(args, 'status-every', (v) => v > 0, 'a positive number of seconds') ?? 15) * 1000;
  const capacity = numberArg(args, 'capacity', (v) => Number.isInteger(v) && v > 0, 'a positive whole number');
  const detector = one(args, 'detector') ?? 'iforest';
  const learnText = one(args, 'learn');
  const learnMatch = learnText === undefined ? null : /^(\d+)(s?)$/.exec(learnText);
  if (learnText !== undefined && (!learnMatch || Number(learnMatch[1]) <= 0))
    throw new UsageError(`--learn takes a number of flows (1000) or seconds (60s), not "${learnText}"`);
  const learning = learnMatch ? (learnMatch[2] ? { seconds: Number(learnMatch[1]) } : { flows: Number(learnMatch[1]) }) : undefined;
  const modelDir = one(args, 'model');
  const model = modelDir ? modelRecordOfFolder(modelDir) : null;
  const password = one(args, 'password') ?? process.env.MQTT_PASSWORD;
  const spec: MqttSpec = {
    kind: 'mqtt',
    url,
    topic,
    qos,
    share: one(args, 'share'),
    capacity,
    username: one(args, 'user'),
    password,
    dialect: model?.pipeline.schema.dialect as DialectId | undefined,
  };
  const log = (text: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${text}`);

  const influxUrl = one(args, 'influx');
  const alertsTopic = one(args, 'alerts-topic');
  const outputs: OutputsSpec = {
    ...(influxUrl && {
      influx: {
        url: influxUrl,
        token: one(args, 'influx-token') ?? process.env.INFLUX_TOKEN,
        username: one(args, 'influx-user'),
        password: process.env.INFLUX_PASSWORD,
        tags: { monitor: one(args, 'name') ?? `${hostname()}-${process.pid}` },
        features: args.has('influx-features'),
      },
    }),
    ...(alertsTopic && { alerts: { url, username: spec.username, password, topic: alertsTopic, everyVerdict: args.has('every-verdict') } }),
  };
  // an address that cannot be one, or alerts inside the watched topic, fail now, before any connection
  try {
    checkOutputs(outputs, topic);
  } catch (e) {
    throw new UsageError(messageOf(e));
  }

  const store = new MemoryStore();
  const detect = new DetectService({
    openStore: async () => store,
    backend: async () => ({ ...(await ensureBackend('wasm')), crossOriginIsolated: false }),
    fetchModelFile: model ? undefined : async (path) => (existsSync(MODELS + path) ? new Uint8Array(readFileSync(MODELS + path)) : null),
    summaryMs: 500,
    warn: (text) => log(text),
  });
  const source = new SourceService();
  const [sourcePort, detectPort] = linkedPorts();

  // Ctrl-C before or while it runs: stop cleanly
  let stopRequested: (() => void) | null = null;
  const stopping = new Promise<void>((resolve) => (stopRequested = resolve));
  const onSignal = (signal: string) => {
    log(`${signal}: stopping (scoring what was received)…`);
    stopRequested?.();
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));

  // what the watchers saw last (a holder: closures write it)
  const seen: { summary: LiveSummary | null; feed: FeedStatus | null } = { summary: null, feed: null };
  let told = '';
  const watchFeed = setInterval(() => {
    const feed = (seen.feed = source.feed() ?? seen.feed);
    const c = feed?.connection;
    // "waiting for the first flows" only once the broker acknowledged the subscription: a flow published before then never arrives
    const text =
      !c || c.state === 'connecting' || (c.state === 'live' && !feed?.subscribed)
        ? ''
        : c.state === 'reconnecting'
          ? `reconnecting (attempt ${c.attempt}, in ${c.inMs} ms): ${c.reason}`
          : c.state === 'closed'
            ? `closed: ${c.reason}`
            : c.state;
    if (text && text !== told) log(c!.state === 'live' && !seen.summary ? `connected to ${c!.url}; waiting for the first flows on ${topic}` : text);
    told = text;
  }, 200);

  log(`connecting to ${withoutCredentials(url)} …`);
  const opened = await Promise.race([source.open(spec, sourcePort), stopping.then(() => null)]);
  if (!opened) {
    clearInterval(watchFeed);
    await source.stop();
    log('stopped before any flow arrived.');
    writeCounters(one(args, 'json'), monitorCounters(null));
    return 0;
  }
  if (model) {
    const why = incompatibility(model.pipeline.schema, opened.meta.schema);
    if (why) {
      await source.stop();
      throw new Error(`The model in ${modelDir} cannot score the flows on ${topic}: ${why}.`);
    }
    await store.putModel(model);
  }
  const run = await detect.prepare(
    {
      port: detectPort,
      meta: opened.meta,
      source: sourceRecord(spec, opened.dataset),
      modelId: model?.id,
      detector,
      alongside: [],
      ...(args.has('adaptive') && { adaptive: {} }),
      ...(learning && { learning }),
      outputs,
    },
    (s) => void (seen.summary = s),
  );
  log(
    `scoring ${opened.dataset} flows with ${model ? `the model in ${modelDir}` : `the default ${run.detector} model`} (threshold ${run.threshold.toPrecision(4)})${seen.summary?.outputs?.influx ? `; writing to ${seen.summary.outputs.influx.url}` : ''}${alertsTopic ? `; alerts to ${alertsTopic}` : ''}`,
  );
  source.play({ kind: 'max' }, false);
  let before = { at: performance.now(), scored: 0 };
  const rate = () => {
    const now = { at: performance.now(), scored: seen.summary?.counters.scored ?? 0 };
    const perSecond = ((now.scored - before.scored) * 1000) / Math.max(1, now.at - before.at);
    before = now;
    return perSecond;
  };
  const status = setInterval(() => seen.summary && log(statusLine(seen.summary, rate(), seen.feed)), statusMs);

  // the feed may also end by itself (the broker refused us on a reconnect)
  const ended = (async () => {
    while (seen.summary?.state !== 'ended' && seen.summary?.state !== 'error') await new Promise((r) => setTimeout(r, 100));
  })();
  await Promise.race([stopping, ended]);
  clearInterval(status);
  await source.finish();
  await Promise.race([ended, new Promise((r) => setTimeout(r, 30_000))]);
  await source.stop();
  const last = (await detect.stop()) ?? seen.summary;
  clearInterval(watchFeed);
  const counters = monitorCounters(last);
  log(`stopped. ${statusLine(last!, rate(), null)}`);
  if (last?.error) log(last.error);
  const published = last?.outputs?.alerts;
  if (published?.failed) log(`${published.failed} verdict(s) could not be published: ${published.problem}`);
  writeCounters(one(args, 'json'), counters);
  const closed = seen.feed?.connection;
  return last?.state === 'error' || (closed?.state === 'closed' && closed.reason !== 'stopped') ? 1 : 0;
});

function writeCounters(path: string | undefined, counters: Record<string, number>): void {
  if (path) writeFileSync(path, JSON.stringify(counters, null, 2) + '\n');
}
