import { createWriteStream, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { captureClass, CaptureReading, FLOW_CSV_HEADER, flowCsvRows, formatCaptureCounters, isCaptureName } from '../core/packets';
import { numberArg, one, UsageError } from './args';
import { sourceFiles } from './files';
import { runCommand } from './run-command';

const USAGE = `usage: npm run features -- <captures or folders> --out <flows.csv> [--window <packets>] [--label <Class>]

Reads packet captures (pcap, pcapng, also .gz) and writes their flow rows as a CSV in the newer
CICIoMT2024 layout (39 features, host_syn_1s, host_syn_10s, attack_type, device, time, src, dst, sport, dport) that every
other command and the lab read. A folder stands for the captures in it.

options:
  --out <flows.csv>     where to write
  --window <packets>    packets per flow window, per device (default 10)
  --label <Class>       the class of every row (e.g. Benign); otherwise a file named like a CICIoMT2024
                        capture gets its class, and other rows are unlabelled
  --idle <seconds>      close a device's open window after this much silence (default 60)`;

const OPTIONS = { '': 'many', out: 'one', window: 'one', label: 'one', idle: 'one' } as const;

runCommand(USAGE, OPTIONS, async (args) => {
  const inputs = args.get('') ?? [];
  if (inputs.length === 0) throw new UsageError('name at least one capture or folder');
  const out = one(args, 'out');
  if (!out) throw new UsageError('give --out <flows.csv>');
  if (!existsSync(dirname(out))) throw new Error(`the folder ${dirname(out)} does not exist`);
  const window = numberArg(args, 'window', (v) => Number.isInteger(v) && v >= 1, 'a whole number of packets, 1 or more');
  const idleS = numberArg(args, 'idle', (v) => v > 0, 'a number of seconds above 0');
  const label = one(args, 'label');
  const files = sourceFiles(inputs);
  const notCaptures = files.filter((f) => !isCaptureName(f.name));
  if (notCaptures.length)
    throw new UsageError(
      `${notCaptures.map((f) => f.name).join(', ')} ${notCaptures.length === 1 ? 'is' : 'are'} not named like a capture (.pcap, .pcapng, .cap, also .gz)`,
    );
  const classes: string[] = [];
  const reading = new CaptureReading(files, {
    window,
    idleS,
    labelOf: (name) => {
      const c = captureClass(name, label);
      if (c === null) return -1;
      if (!classes.includes(c)) classes.push(c);
      return classes.indexOf(c);
    },
  });
  const started = performance.now();
  const csv = createWriteStream(out);
  const write = (text: string) => new Promise<void>((resolve, reject) => csv.write(text, (err) => (err ? reject(err) : resolve())));
  await write(FLOW_CSV_HEADER + '\n');
  try {
    for await (const { rows, names } of reading.flows()) await write(flowCsvRows(rows, names, classes));
  } finally {
    await new Promise<void>((resolve) => csv.end(resolve));
  }
  const c = reading.counters;
  const seconds = (performance.now() - started) / 1000;
  for (const f of reading.files) if (files.length > 1) console.log(`${f.name}: ${formatCaptureCounters(f.counters)}`);
  console.log(
    `${formatCaptureCounters(c)}; written to ${out} in ${seconds.toFixed(1)} s (${Math.round(c.packets / Math.max(seconds, 1e-3)).toLocaleString('en-US')} packets/s)`,
  );
  for (const p of c.problems) console.log(`note: ${p}`);
  if (c.packets === 0) console.log(`note: ${inputs.join(', ')} ${inputs.length === 1 ? 'holds' : 'hold'} no packets`);
  if (classes.length === 0) console.log('the rows are unlabelled (give --label <Class> to label them)');
  return 0;
});
