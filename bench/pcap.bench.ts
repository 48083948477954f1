/**
 * Packet captures: parse + feature extraction (the lab's reader, decoder and windowed
 * extractor, no CSV written) against tshark reading the same file to the fields the
 * features need, in one run on one machine; and the reader's memory over the file.
 *
 *   npx tsx bench/pcap.bench.ts [packets]      (default 2,000,000; the capture is the simulator's)
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CaptureReading } from '../src/core/packets';
import { simulateCapture } from '../src/core/sim';
import { positional, QUICK, report } from './report';

const target = QUICK ? 20_000 : Number(positional[0] ?? 2_000_000);
const dir = mkdtempSync(join(tmpdir(), 'pcap-bench-'));
const file = join(dir, 'bench.pcap');

// the simulator's packets: about 29 packets per simulated row
const out = createWriteStream(file);
for (const chunk of simulateCapture('mixed-day', Math.ceil(target / 29), 5)) for (const b of chunk.pcap) out.write(b);
await new Promise<void>((resolve) => out.end(resolve));
const bytes = statSync(file).size;

async function labRead(): Promise<{ packets: number; flows: number; seconds: number; rssGrowthMB: number }> {
  const stream = () => Readable.toWeb(createReadStream(file, { highWaterMark: 1 << 20 })) as ReadableStream<Uint8Array>;
  const reading = new CaptureReading([{ name: file, stream }], { window: 10 });
  const started = performance.now();
  let rssAtTenth = 0;
  let rssMax = 0;
  for await (const _ of reading.flows()) {
    const rss = process.memoryUsage().rss;
    if (!rssAtTenth && reading.files[0].counters.bytes > bytes / 10) rssAtTenth = rss;
    if (rss > rssMax) rssMax = rss;
  }
  const seconds = (performance.now() - started) / 1000;
  return { packets: reading.counters.packets, flows: reading.counters.flows, seconds, rssGrowthMB: (rssMax - (rssAtTenth || rssMax)) / 2 ** 20 };
}

await labRead(); // warm-up (JIT)
const lab = await labRead();
const labRate = lab.packets / lab.seconds;
console.log(`capture: ${(bytes / 1e6).toFixed(0)} MB, ${lab.packets.toLocaleString('en-US')} packets (simulated mixed-day)`);
console.log(
  `lab   parse + extraction: ${lab.seconds.toFixed(2)} s, ${Math.round(labRate).toLocaleString('en-US')} packets/s, ${lab.flows.toLocaleString('en-US')} flows; RSS growth after the first tenth ${lab.rssGrowthMB.toFixed(1)} MB`,
);

let tsharkRate: number | null = null;
const fields = [
  'frame.time_epoch',
  'frame.len',
  'eth.src',
  'ip.src',
  'ip.dst',
  'ip.ttl',
  'ip.proto',
  'tcp.flags',
  'tcp.hdr_len',
  'tcp.srcport',
  'tcp.dstport',
  'udp.srcport',
  'udp.dstport',
];
// tshark's TCP sequence analysis and reassembly are switched off (the lab does neither), and it reads at
// most the first 100,000 packets (it is slow: its rate is what is compared)
const tsharkPackets = Math.min(lab.packets, 100_000);
const t0 = performance.now();
const t = spawnSync(
  'sh',
  [
    '-c',
    `tshark -r '${file}' -c ${tsharkPackets} -n -o tcp.analyze_sequence_numbers:FALSE -o tcp.desegment_tcp_streams:FALSE -o ip.defragment:FALSE -T fields ${fields.map((f) => `-e ${f}`).join(' ')} > /dev/null`,
  ],
  { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 600_000 },
);
if (t.status === 0) {
  const seconds = (performance.now() - t0) / 1000;
  tsharkRate = tsharkPackets / seconds;
  console.log(
    `tshark to fields:        ${seconds.toFixed(2)} s for ${tsharkPackets.toLocaleString('en-US')} packets, ${Math.round(tsharkRate).toLocaleString('en-US')} packets/s  → the lab is ${(labRate / tsharkRate).toFixed(1)}× tshark`,
  );
} else console.log(`tshark could not be run (${t.stderr.trim() || 'not installed: apt-get install tshark'}); no comparison`);
rmSync(dir, { recursive: true, force: true });

report({ pcap_packets_per_s: labRate, pcap_vs_tshark: tsharkRate ? labRate / tsharkRate : null, pcap_rss_growth_mb: lab.rssGrowthMB });
