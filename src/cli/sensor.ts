import { spawn } from 'node:child_process';
import { MqttConnection, type QoS } from '../core/mqtt';
import { parseRate, type RateSpec } from '../core/rate';
import { captureClass, CaptureReading, formatCaptureCounters, type CaptureFile } from '../core/packets';
import { numberArg, one, UsageError } from './args';
import { sourceFiles } from './files';
import { runCommand } from './run-command';
import { webStream } from './web-stream';
import { FlowMessages } from './sensor-messages';

const USAGE = `usage: npm run sensor -- (--pcap <captures or folders> | --interface <name>) --mqtt mqtt://host:port --topic <t>
         [--rate max|x<N>|<flows/s>] [--window N] [--batch N] [--max-bytes N] [--format csv|binary] [--label <Class>]

Turns packets into flow records (the lab's windowed extractor, CICIoMT2024 v2 columns) and
publishes them to an MQTT broker in the live wire format (README: "Live wire format"),
each message numbered (#seq).

  --pcap <files>      pcap/pcapng captures (also .gz), or - for standard input, e.g. a live pipe:
                        tcpdump -i eth0 -U -w - | npm run sensor -- --pcap - --mqtt … --topic …
  --interface <name>  the same, with tcpdump started here (tcpdump -i <name> -U -w -; needs the
                      right to capture); Ctrl-C stops it
  --rate              max (default), x<N>: N times the captures' own pace, or a number of flows/s
  --window N          packets per flow window, per device (default 10)
  --format            csv (default): text with its header and every column (also addresses, time);
                      binary: the binary form, version 1 (41 float32 features, label and device:
                      about 170 bytes a flow where CSV takes about 250; no number formatting)
  --batch N           flows per message at most (default 1000)
  --max-bytes N       bytes per message at most: browsers behind Mosquitto's WebSocket listener
                      need 4000 (it stalls on larger messages); about 21 binary or 12 CSV flows
  --compress          deflate each message (the \\0FLZ envelope, raw DEFLATE): 3.5 to 7 times the
                      flows in the same bytes (80 to 150 binary flows in 4,000 bytes)
  --qos 0|1|2         publish QoS (default 0);  --user <name> (password: MQTT_PASSWORD)`;

const OPTIONS = {
  pcap: 'many',
  interface: 'one',
  mqtt: 'one',
  topic: 'one',
  rate: 'one',
  window: 'one',
  batch: 'one',
  'max-bytes': 'one',
  format: 'one',
  compress: 'switch',
  label: 'one',
  qos: 'one',
  user: 'one',
} as const;

/** publishes in flight at most */
const IN_FLIGHT = 64;

function parsePace(text: string | undefined): RateSpec {
  const pace = parseRate(text ?? 'max');
  if (!pace) throw new UsageError(`--rate must be max, x<N> or a number of flows/s, not "${text}"`);
  return pace;
}

runCommand(USAGE, OPTIONS, async (args) => {
  const url = one(args, 'mqtt');
  const topic = one(args, 'topic');
  const pcaps = args.get('pcap');
  const iface = one(args, 'interface');
  if (!url || !topic) throw new UsageError('give the broker and topic: --mqtt mqtt://host:port --topic <t>');
  if (!pcaps === !iface) throw new UsageError('give either --pcap <captures> or --interface <name>');
  if (/[+#]/.test(topic)) throw new UsageError(`"${topic}" cannot be published to: a topic has no + or # wildcards`);
  const pace = parsePace(one(args, 'rate'));
  const window = numberArg(args, 'window', (v) => Number.isInteger(v) && v >= 1, 'a whole number of packets, 1 or more');
  const batch = numberArg(args, 'batch', (v) => Number.isInteger(v) && v >= 1, 'a whole number of flows, 1 or more') ?? 1000;
  const qos = (numberArg(args, 'qos', (v) => v === 0 || v === 1 || v === 2, '0, 1 or 2') ?? 0) as QoS;
  const maxBytes = numberArg(args, 'max-bytes', (v) => Number.isInteger(v) && v >= 100, 'a whole number of bytes, 100 or more') ?? Infinity;
  const form = one(args, 'format') ?? 'csv';
  if (form !== 'csv' && form !== 'binary') throw new UsageError(`--format must be csv or binary, not "${form}"`);
  const label = one(args, 'label');

  // connect first: a refused broker must not leave a tcpdump running behind us
  const connection = new MqttConnection({ url, username: one(args, 'user'), password: process.env.MQTT_PASSWORD });
  await connection.connect();
  let tcpdump: ReturnType<typeof spawn> | null = null;
  let files: CaptureFile[];
  if (iface) {
    tcpdump = spawn('tcpdump', ['-i', iface, '-U', '-w', '-'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let said = '';
    tcpdump.stderr!.on('data', (d) => (said += d));
    tcpdump.on('error', (e) => console.error(`error: tcpdump could not be started: ${e.message}`));
    tcpdump.on('exit', (code) => code && console.error(`tcpdump stopped (${code}): ${said.trim().split('\n').pop()}`));
    files = [{ name: `interface ${iface}`, stream: () => webStream(tcpdump!.stdout!) }];
  } else if (pcaps!.length === 1 && pcaps![0] === '-') {
    files = [{ name: 'standard input', stream: () => webStream(process.stdin) }];
  } else files = sourceFiles(pcaps!);
  const stopLive = () => tcpdump?.kill('SIGTERM');
  process.once('SIGINT', stopLive);
  process.once('SIGTERM', stopLive);

  const classes: string[] = [];
  const reading = new CaptureReading(files, {
    window,
    labelOf: (name) => {
      const c = captureClass(name, label);
      if (c === null) return -1;
      if (!classes.includes(c)) classes.push(c);
      return classes.indexOf(c);
    },
  });

  let seq = 0;
  let failed = 0;
  let messages = 0;
  /** one-flow messages that still passed --max-bytes (a form's header alone can pass a small limit) */
  let oversized = 0;
  let smallest = Infinity;
  const pending = new FlowMessages(form, classes, batch, maxBytes, args.has('compress'));
  const started = performance.now();
  let firstFlowTime = NaN;
  /** publishes under way: up to IN_FLIGHT at once, so small messages are not one round trip each */
  const inFlight = new Set<Promise<void>>();
  const send = async () => {
    if (pending.size === 0) return;
    const { payload, flows } = pending.take(seq);
    const bytes = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
    if (bytes > maxBytes) {
      oversized++;
      smallest = Math.min(smallest, bytes);
    }
    const p: Promise<void> = connection
      .publish(topic, payload, qos)
      .then(
        () => void messages++,
        (e: unknown) => {
          failed += flows;
          console.error(`${flows} flows were not published: ${(e as Error).message}`);
        },
      )
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    seq += flows;
    while (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  };
  /** waits until flow `count` (with its own time `t`, s) is due at the chosen pace */
  const due = async (count: number, t: number) => {
    let at = 0;
    if (pace.kind === 'flows') at = (count / pace.perSecond) * 1000;
    else if (pace.kind === 'speed') at = ((t - firstFlowTime) / pace.multiplier) * 1000;
    const wait = started + at - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  };

  /** windows the end of a capture cut short: not sent, as a replay or an evaluation of the file does not score them */
  let cut = 0;
  for await (const { rows, names } of reading.flows()) {
    pending.prepare(rows, names);
    for (let i = 0; i < rows.n; i++) {
      if (rows.cut[i]) {
        cut++;
        continue;
      }
      if (Number.isNaN(firstFlowTime)) firstFlowTime = rows.time[i];
      // a message leaves when the next flow would not fit, or at once when pacing: flows go out when due
      if (!pending.fits(i, seq)) await send();
      pending.add(i);
      if (pace.kind !== 'max') {
        await due(seq + pending.size, rows.time[i]);
        while (pending.size > 0) await send();
      }
    }
    if (tcpdump) while (pending.size > 0) await send(); // live: nothing waits for a full message
  }
  while (pending.size > 0) await send();
  await Promise.all(inFlight);
  await connection.end();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage();
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(`${formatCaptureCounters(reading.counters)}`);
  console.log(
    `published ${(seq - failed).toLocaleString('en-US')} flows in ${messages.toLocaleString('en-US')} messages to ${topic} in ${seconds.toFixed(1)} s (${Math.round((seq - failed) / Math.max(seconds, 1e-3)).toLocaleString('en-US')} flows/s)${failed ? `; ${failed} not published` : ''}; CPU ${cpuSeconds.toFixed(1)} s since start (${((cpuSeconds * 1e6) / Math.max(1, seq)).toFixed(1)} µs a flow)${cut ? `; ${cut.toLocaleString('en-US')} windows cut by the end of their capture not published` : ''}`,
  );
  if (oversized > 0)
    console.error(
      `${oversized.toLocaleString('en-US')} messages of one flow were larger than --max-bytes ${maxBytes} (the smallest ${smallest} bytes: the ${form} form's header alone needs about that); give --max-bytes ${smallest} or more, or --compress`,
    );
  return failed ? 1 : 0;
});
