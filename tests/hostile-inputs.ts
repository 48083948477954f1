import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { frame, pcapFile, pcapngFile, type TestPacket } from './unit/packets/capture-bytes';
import { SHARED } from './unit/sources';

/**
 * Hostile and broken inputs, the same for the browser suite (tests/e2e/hostile.spec.ts)
 * and the command line (tests/unit/hostile-cli.test.ts): labels that are markup or
 * spreadsheet formulas, thousands of classes, a 10 MB header line, rows that are all
 * skipped, text that is not UTF-8, a cut gzip stream, packet captures that are junk, damaged,
 * lying or undecodable. Built in memory (the CSVs from the shared CICIoMT2024 sample, which is
 * read in place).
 */

/** an address no test may ever reach: a request to it means markup got through */
export const TRAP_HOST = 'hostile.invalid';

/** labels that would be markup in a tooltip, or formulas in a spreadsheet, or paths */
export const HOSTILE_LABELS = [
  `<img src=http://${TRAP_HOST}/x.png onerror=alert(1)>`,
  '<style>body{display:none!important}</style>',
  `=HYPERLINK("http://${TRAP_HOST}","click")`,
  "+cmd|' /C calc'!A0",
  '@SUM(1+1)',
  'Recon/Port\\Scan',
  'bell\u0007\u001b[2Jcleared',
];

export interface HostileFile {
  name: string;
  buffer: Buffer;
}

/** the sample's header and `rows` of its lines, taken evenly through the file so that every class (benign too) is in */
function sample(rows: number): { header: string; lines: string[] } {
  const text = readFileSync(SHARED + 'ciciomt2024_v2_39feat_sample.csv', 'utf8');
  const all = text.split('\n').filter(Boolean);
  const body = all.length - 1;
  const stride = Math.max(1, Math.floor(body / Math.max(1, rows)));
  return { header: all[0], lines: Array.from({ length: Math.min(rows, body) }, (_, i) => all[1 + ((i * stride) % body)]) };
}

/** `label` in place of the last cell (the v2 release's attack_type) */
const relabel = (line: string, label: string) => `${line.slice(0, line.lastIndexOf(',') + 1)}${csvQuote(label)}`;
const csvQuote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** a CICIoMT2024 v2 file where every fifth row carries one of the hostile labels */
export function hostileLabels(rows = 600): HostileFile {
  const { header, lines } = sample(rows);
  const out = lines.map((l, i) => (i % 5 === 0 ? relabel(l, HOSTILE_LABELS[(i / 5) % HOSTILE_LABELS.length]) : l));
  return { name: 'hostile-labels.csv', buffer: Buffer.from([header, ...out].join('\n') + '\n') };
}

/** a CICIoMT2024 v2 file with `classes` distinct labels */
export function manyClasses(classes = 5000): HostileFile {
  const { header, lines } = sample(classes);
  const out = Array.from({ length: classes }, (_, i) => relabel(lines[i % lines.length], `class-${i}`));
  return { name: 'many-classes.csv', buffer: Buffer.from([header, ...out].join('\n') + '\n') };
}

/** a header line of 10 MB (one cell) */
export function hugeHeader(bytes = 10 * 1024 * 1024): HostileFile {
  return { name: 'huge-header.csv', buffer: Buffer.from(`${'H'.repeat(bytes)},label\n1,benign\n`) };
}

/** a v2 header and rows that all have the wrong number of fields */
export function allSkipped(rows = 7): HostileFile {
  const { header } = sample(0);
  return { name: 'all-skipped.csv', buffer: Buffer.from(`${header}\n${'1,2\n'.repeat(rows)}`) };
}

/** a v2 file whose labels are Latin-1 bytes, not UTF-8 */
export function notUtf8(rows = 1000): HostileFile {
  const { header, lines } = sample(rows);
  const text = [header, ...lines.map((l, i) => (i % 3 === 0 ? relabel(l, 'Caf\u00e9-attack') : l))].join('\n') + '\n';
  return { name: 'latin1.csv', buffer: Buffer.from(text, 'latin1') };
}

/** a gzip stream cut in the middle */
export function truncatedGzip(rows = 500): HostileFile {
  const { header, lines } = sample(rows);
  const gz = gzipSync([header, ...lines].join('\n'));
  return { name: 'cut.csv.gz', buffer: gz.subarray(0, Math.floor(gz.length / 2)) };
}

/** a CSV that is not a flow dataset: one numeric column among text */
export function people(): HostileFile {
  return { name: 'people.csv', buffer: Buffer.from('name,age,city\nann,31,Oslo\nbob,40,Rome\ncid,22,Nice\n') };
}

/** packets of one MQTT conversation, 10 a second, every 13th a SYN: enough for 40 flow windows */
function capturePackets(count = 400): TestPacket[] {
  return Array.from({ length: count }, (_, i) => ({
    link: 1,
    sec: 1_700_000_000 + Math.floor(i / 10),
    ns: (i % 10) * 100_000_000,
    bytes: frame({ sport: 40000 + (i % 7), flags: i % 13 === 0 ? 0x02 : 0x18 }),
  }));
}

/** bytes that start with no capture header, named as a capture */
export function junkCapture(): HostileFile {
  const bytes = Buffer.alloc(100_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
  return { name: 'junk.pcap', buffer: bytes };
}

/** a pcapng file whose 201st packet block has a corrupt length: the 200 packets before it are readable */
export function corruptBlockCapture(): HostileFile {
  const ng = Buffer.from(
    pcapngFile(
      [{ link: 1 }],
      capturePackets().map((p) => ({ ...p, iface: 0 })),
    ),
  );
  // section header 28 bytes, interface description 20, each enhanced packet block 32 + 80
  ng.writeUInt32LE(0x7ffffff0, 28 + 20 + 112 * 200 + 4);
  return { name: 'corrupt-block.pcapng', buffer: ng };
}

/** a pcap whose every other packet claims an IPv4 header longer than the packet, and whose last packet is cut off */
export function lyingCapture(): HostileFile {
  const packets = capturePackets().map((p, i) => {
    const bytes = p.bytes.slice();
    if (i % 2) bytes[14] = 0x4f; // IPv4, header length 60 bytes
    return { ...p, bytes };
  });
  const pcap = pcapFile(packets);
  return { name: 'lying-headers.pcap', buffer: Buffer.from(pcap.subarray(0, pcap.length - 37)) };
}

/** a pcap of a link type nobody decodes (147, "user 0"): no packet can become a flow */
export function undecodableCapture(): HostileFile {
  return { name: 'user-link.pcap', buffer: Buffer.from(pcapFile(capturePackets(), { link: 147 })) };
}
