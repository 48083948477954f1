/**
 * Captures of real traffic (mosquitto, nmap, hping3, curl over loopback, recorded by
 * tcpdump) read by the lab and by tshark, the reference dissector: every window's packet
 * count, protocol shares, TCP flag counts, sizes and mean TTL must agree. Then a detector
 * trained on one benign capture is run on the attack captures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureReading, F, appOf, type CaptureCounters } from '../../../src/core/packets';
import { fitPipeline } from '../../../src/core/pipeline';
import { parseThreshold } from '../../../src/core/threshold';
import { DatasetReader, type Batch } from '../../../src/core/ingest';
import { fileBytes, makeRealCaptures, tsharkPackets, type RealCaptures, type TsharkPacket } from './real-traffic';
import { streamOf } from './capture-bytes';

const WINDOW = 10;
let captures: RealCaptures;

beforeAll(async () => {
  captures = await makeRealCaptures();
}, 180_000);
afterAll(() => captures?.close());

interface Window {
  device: string;
  features: Float32Array;
}

async function labWindows(file: string): Promise<{ windows: Window[]; counters: CaptureCounters }> {
  const bytes = fileBytes(file);
  const reading = new CaptureReading([{ name: file, stream: () => streamOf(bytes, 65536) }], { window: WINDOW });
  const windows: Window[] = [];
  for await (const { rows, names } of reading.flows()) {
    for (let i = 0; i < rows.n; i++) windows.push({ device: names[rows.device[i]], features: rows.data.slice(i * rows.d, (i + 1) * rows.d) });
  }
  return { windows, counters: reading.counters };
}

/** tshark's packets cut into the same windows: per device, in order, `WINDOW` at a time */
function referenceWindows(packets: TsharkPacket[]): Map<string, TsharkPacket[][]> {
  const out = new Map<string, TsharkPacket[][]>();
  for (const p of packets) {
    let list = out.get(p.device);
    if (!list) out.set(p.device, (list = [[]]));
    if (list[list.length - 1].length === WINDOW) list.push([]);
    list[list.length - 1].push(p);
  }
  return out;
}

function expectSame(lab: Float32Array, ref: TsharkPacket[], where: string): void {
  const n = ref.length;
  const count = (pred: (p: TsharkPacket) => boolean) => ref.filter(pred).length;
  const share = (column: number) => Math.round(lab[column] * n);
  const sizes = ref.map((p) => p.len);
  const sum = sizes.reduce((a, b) => a + b, 0);
  const mean = sum / n;
  const std = n > 1 ? Math.sqrt(sizes.reduce((a, s) => a + (s - mean) ** 2, 0) / (n - 1)) : 0;
  const flag = (bit: number) => count((p) => (p.flags & bit) !== 0);
  const app = (name: number) => count((p) => (p.proto === 6 || p.proto === 17) && appOf(p.udp, p.sport, p.dport) === name);
  const actual = {
    n: lab[F.Number],
    tcp: share(F.TCP),
    udp: share(F.UDP),
    icmp: share(F.ICMP),
    igmp: share(F.IGMP),
    arp: share(F.ARP),
    fin: lab[F.fin_count],
    syn: lab[F.syn_count],
    rst: lab[F.rst_count],
    ack: lab[F.ack_count],
    psh: share(F.psh),
    ece: share(F.ece),
    cwr: share(F.cwr),
    http: share(F.HTTP),
    dns: share(F.DNS),
    sum: lab[F.TotSum],
    min: lab[F.Min],
    max: lab[F.Max],
  };
  const expected = {
    n,
    tcp: count((p) => p.proto === 6),
    udp: count((p) => p.proto === 17),
    icmp: count((p) => p.proto === 1 || p.proto === 58),
    igmp: count((p) => p.proto === 2),
    arp: count((p) => p.arp),
    fin: flag(0x01),
    syn: flag(0x02),
    rst: flag(0x04),
    ack: flag(0x10),
    psh: flag(0x08),
    ece: flag(0x40),
    cwr: flag(0x80),
    http: app(1),
    dns: app(3),
    sum,
    min: Math.min(...sizes),
    max: Math.max(...sizes),
  };
  expect(actual, where).toEqual(expected);
  expect(lab[F.AVG], where).toBeCloseTo(Math.fround(mean), 3);
  expect(Math.abs(lab[F.Std] - std), where).toBeLessThanOrEqual(1e-5 * Math.max(1, std));
  expect(lab[F.Time_To_Live], where).toBeCloseTo(ref.reduce((a, p) => a + p.ttl, 0) / n, 4);
}

const ALL = [
  'benign-telemetry',
  'benign-telemetry-2',
  'benign-telemetry.pcapng',
  'mqtt-publish-flood',
  'mqtt-connect-flood',
  'port-scan',
  'ping-sweep',
  'syn-flood',
  'udp-flood',
  'icmp-flood',
  'http-lo',
  'http-any',
];

describe('real captures, against tshark', () => {
  for (const name of ALL) {
    it(`${name}: every window agrees with tshark's dissection`, async () => {
      const file = captures.files[name];
      const { windows, counters } = await labWindows(file);
      const reference = referenceWindows(tsharkPackets(file));
      expect(counters.packets).toBeGreaterThanOrEqual(20);
      expect(counters.packets).toBe(counters.used);
      expect(counters.packets).toBe([...reference.values()].flat(2).length);
      expect(windows.length).toBe([...reference.values()].reduce((a, w) => a + w.length, 0));
      expect(counters.flows).toBe(windows.length);
      const seen = new Map<string, number>();
      for (const w of windows) {
        const k = seen.get(w.device) ?? 0;
        seen.set(w.device, k + 1);
        const ref = reference.get(w.device)?.[k];
        expect(ref, `${name}: window ${k} of ${w.device}`).toBeDefined();
        expectSame(w.features, ref!, `${name}: window ${k} of ${w.device}`);
      }
    });
  }

  it("reads tcpdump -i lo as Ethernet, -i any as Linux cooked v2, and editcap's pcapng as the same rows as its pcap", async () => {
    expect(Object.keys((await labWindows(captures.files['http-lo'])).counters.linkTypes)).toEqual(['Ethernet']);
    expect(Object.keys((await labWindows(captures.files['http-any'])).counters.linkTypes)).toEqual(['Linux cooked v2']);
    const pcap = await labWindows(captures.files['benign-telemetry']);
    const ng = await labWindows(captures.files['benign-telemetry.pcapng']);
    expect(ng.windows).toEqual(pcap.windows);
  });
});

describe('detection on the real captures', () => {
  // The issue: ≥ 95 % of the SYN, UDP and ICMP floods', the port scan's and the MQTT connect flood's windows flagged, ≤ 2 % of
  // a second benign capture's. Threshold: the 99th percentile (the Train default); the training capture's ~350 windows are
  // too few to hold back the 100 a p99 needs, so it comes from every window scored out of fold (fitBenignRows). The
  // connect flood's windows (SYN, CONNECT, DISCONNECT, FIN in ten packets) are what a monitor's own reconnect looks like;
  // the hosts' damped SYN counts (host_syn_1s, host_syn_10s) tell the pace apart. Windows the end of a capture cut short
  // are not scored, as in an evaluation. Printed (BENCHMARKS.md, "Detection on the real captures" has the runs): the exact
  // shares, the publish flood and the ping sweep (a handful of windows each).
  const attacks = ['syn-flood', 'udp-flood', 'icmp-flood', 'port-scan', 'mqtt-connect-flood'];
  for (const detector of ['ae', 'knn'] as const) {
    it(`${detector}: trained on benign telemetry, flags ≥ 95 % of every flood's and the scan's windows and ≤ 2 % of a second benign capture's (all figures printed)`, async () => {
      const source = (name: string) => ({ name: captures.files[name], stream: () => streamOf(fileBytes(captures.files[name])) });
      const { pipeline } = await fitPipeline([source('benign-telemetry')], { detector, seed: 1, threshold: parseThreshold('p99') });
      expect(pipeline.training.calibration).toBe('out-of-fold');
      const flaggedShare = async (name: string) => {
        const reader = new DatasetReader([source(name)]);
        let flagged = 0;
        let windows = 0;
        for await (const b of reader.batches() as AsyncIterable<Batch>) {
          const { scores } = await pipeline.score(b, reader.schema!);
          scores.forEach((s, i) => {
            if (b.cut![i]) return;
            windows++;
            if (s > pipeline.threshold.value) flagged++;
          });
        }
        return { share: flagged / windows, windows };
      };
      const results: Record<string, { share: number; windows: number }> = {};
      for (const name of ['benign-telemetry-2', ...attacks, 'mqtt-publish-flood', 'ping-sweep']) results[name] = await flaggedShare(name);
      console.log(
        `${detector}: flagged share of windows (threshold from ${pipeline.threshold.calibratedOn} windows scored out of fold):`,
        Object.fromEntries(Object.entries(results).map(([k, v]) => [k, `${(100 * v.share).toFixed(1)} % of ${v.windows}`])),
      );
      for (const attack of attacks) expect(results[attack].share, attack).toBeGreaterThanOrEqual(0.95);
      expect(results['benign-telemetry-2'].share, 'the second benign capture').toBeLessThanOrEqual(0.02);
    }, 180_000); // eleven fits: ten folds to calibrate, then all rows
  }
});
