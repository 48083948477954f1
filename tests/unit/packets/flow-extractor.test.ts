import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { CaptureReading, F, FLOW_COLUMNS, FLOW_WIDTH, flowCsvRows, FLOW_CSV_HEADER, type PacketFlows } from '../../../src/core/packets';
import { simulateCapture } from '../../../src/core/sim';
import { frame, pcapFile, streamOf } from './capture-bytes';

async function flowsOf(bytes: Uint8Array, window = 10, idleS?: number): Promise<{ rows: PacketFlows[]; names: readonly string[]; reading: CaptureReading }> {
  const reading = new CaptureReading([{ name: 'x.pcap', stream: () => streamOf(bytes) }], { window, idleS });
  const rows: PacketFlows[] = [];
  let names: readonly string[] = [];
  for await (const r of reading.flows()) {
    rows.push(r.rows);
    names = r.names;
  }
  return { rows, names, reading };
}

function row(b: PacketFlows, i: number): Float32Array {
  return b.data.subarray(i * b.d, (i + 1) * b.d);
}

const SYN_1S = FLOW_COLUMNS.indexOf('host_syn_1s');
const SYN_10S = FLOW_COLUMNS.indexOf('host_syn_10s');

describe('flow extractor', () => {
  it("windows each device's packets and computes the features from them", async () => {
    const a = 0x0200000000aa;
    const b = 0x0200000000bb;
    const T = 1_700_000_000;
    const bytes = pcapFile(
      [
        { link: 1, sec: T, ns: 0, bytes: frame({ srcMac: a, size: 60, ttl: 64, flags: 0x02 }) },
        { link: 1, sec: T, ns: 100, bytes: frame({ srcMac: b, proto: 'udp', size: 100, ttl: 128, dport: 53 }) },
        { link: 1, sec: T + 1, ns: 0, bytes: frame({ srcMac: a, size: 70, ttl: 64, flags: 0x10, hl: 32 }) },
        { link: 1, sec: T + 1, ns: 500_000_000, bytes: frame({ srcMac: a, proto: 'arp', size: 80 }) },
        { link: 1, sec: T + 2, ns: 0, bytes: frame({ srcMac: a, size: 60 }) },
      ],
      { nanos: true },
    );
    const { rows, names, reading } = await flowsOf(bytes, 3);
    expect(rows).toHaveLength(1);
    const [batch] = rows;
    expect(batch.n).toBe(3); // a's full window, then the two open windows closed at the end
    const first = row(batch, 0);
    expect(names[batch.device[0]]).toBe('02:00:00:00:00:aa');
    expect(batch.time[0]).toBeCloseTo(T + 1.5, 6);
    expect(first[F.Number]).toBe(3);
    expect([first[F.TotSum], first[F.Min], first[F.Max], first[F.AVG], first[F.Std]]).toEqual([210, 60, 80, 70, 10]);
    expect(first[F.Time_To_Live]).toBeCloseTo(128 / 3, 5); // ARP counts as TTL 0
    expect(first[F.Header_Length]).toBeCloseTo(52 / 3, 5);
    expect(first[F.IAT]).toBeCloseTo(0.75, 6); // the device's first packet has no gap
    expect(first[F.Rate]).toBeCloseTo(1.5, 6);
    expect([first[F.syn], first[F.ack], first[F.syn_count], first[F.ack_count]]).toEqual([Math.fround(1 / 3), Math.fround(1 / 3), 1, 1]);
    expect([first[F.TCP], first[F.ARP], first[F.IPv], first[F.ProtocolType]]).toEqual([Math.fround(2 / 3), Math.fround(1 / 3), Math.fround(2 / 3), 6]);
    // its SYN 1.5 s before the window's last packet, in counts halving every 1 s and every 10 s
    expect([first[SYN_1S], first[SYN_10S]]).toEqual([Math.fround(2 ** -1.5), Math.fround(2 ** -0.15)]);
    const udp = row(batch, 2);
    expect(names[batch.device[2]]).toBe('02:00:00:00:00:bb');
    expect([udp[F.Number], udp[F.UDP], udp[F.DNS], udp[F.Header_Length], udp[F.ProtocolType], udp[F.IAT], udp[F.Rate]]).toEqual([1, 1, 1, 8, 17, 0, 0]);
    expect(reading.counters.flows).toBe(3);
    expect(Array.from(batch.cut)).toEqual([0, 1, 1]); // the last two: cut by the end of the capture
  });

  it("counts a host's SYNs over 1 s and 10 s across its windows (Kitsune's damped counts): a flood's pace, not a reconnect's", async () => {
    const T = 1_700_000_000;
    // one window of 2 packets every 0.1 s, each a connection: SYN, then FIN
    const packets = Array.from({ length: 40 }, (_, k) => ({
      link: 1,
      sec: T + Math.floor(k / 20),
      ns: (k % 20) * 50_000_000,
      bytes: frame({ flags: k % 2 ? 0x01 : 0x02 }),
    }));
    const { rows } = await flowsOf(pcapFile(packets, { nanos: true }), 2);
    const [b] = rows;
    expect(b.n).toBe(20);
    // after k+1 SYNs 0.1 s apart, read 0.05 s after the last: Σ 2^(−λ(0.05 + 0.1 j)), j < k+1
    const damped = (lambda: number, k: number) => Array.from({ length: k + 1 }, (_, j) => 2 ** (-lambda * (0.05 + 0.1 * j))).reduce((a, x) => a + x);
    for (const k of [0, 9, 19]) {
      expect(row(b, k)[SYN_1S]).toBeCloseTo(damped(1, k), 4);
      expect(row(b, k)[SYN_10S]).toBeCloseTo(damped(0.1, k), 4);
    }
    expect(row(b, 19)[SYN_10S]).toBeGreaterThan(15); // twenty connections in two seconds; a monitor's reconnect reads about 1
  });

  it('a SYN stamped earlier than the one before it (two interfaces, a clock step) does not turn the clock back: the earlier SYN is not decayed twice', async () => {
    const T = 1_700_000_000;
    const syn = frame({ flags: 0x02 });
    // SYN at 1.0 s, a SYN stamped 0.5 s, a plain packet at 1.0 s closes the window of 3
    const packets = [
      { link: 1, sec: T + 1, ns: 0, bytes: syn },
      { link: 1, sec: T, ns: 500_000_000, bytes: syn },
      { link: 1, sec: T + 1, ns: 0, bytes: frame({}) },
    ];
    const { rows } = await flowsOf(pcapFile(packets, { nanos: true }), 3);
    // as Kitsune's AfterImage: the late SYN counts 1 at the newest time; the one at 1.0 s is read where it was sent
    expect([row(rows[0], 0)[SYN_1S], row(rows[0], 0)[SYN_10S]]).toEqual([2, 2]);
  });

  it('a device silent for the idle time is forgotten whether or not other devices spoke meanwhile: its next windows do not depend on them', async () => {
    const T = 1_700_000_000;
    const a = (s: number, flags: number) => ({ link: 1, sec: T + Math.floor(s), ns: Math.round((s % 1) * 1e9), bytes: frame({ flags }) });
    const ownPackets = [...Array.from({ length: 10 }, (_, k) => a(k / 10, 0x02)), ...Array.from({ length: 10 }, (_, k) => a(40 + k / 10, 0x18))];
    const b = { link: 1, sec: T + 35, ns: 0, bytes: frame({ srcMac: 0x0200000000bb }) };
    const alone = (await flowsOf(pcapFile(ownPackets, { nanos: true }), 10, 30)).rows[0];
    const withOther = (await flowsOf(pcapFile([...ownPackets.slice(0, 10), b, ...ownPackets.slice(10)], { nanos: true }), 10, 30)).rows[0];
    // the device's second window: after its 40 s silence, in both captures
    const second = (rows: PacketFlows) => row(rows, Array.from(rows.device).lastIndexOf(rows.device[0]));
    expect(Array.from(second(withOther))).toEqual(Array.from(second(alone)));
    expect([second(alone)[SYN_1S], second(alone)[SYN_10S]]).toEqual([0, 0]);
  });

  it('closes a window early when its device has been silent for the idle time', async () => {
    const T = 1_700_000_000;
    const p = (s: number) => ({ link: 1, sec: T + s, ns: 0, bytes: frame({}) });
    const { rows } = await flowsOf(pcapFile([p(0), p(1), p(100), p(101), p(102)]), 3, 30);
    const numbers = rows.flatMap((b) => Array.from({ length: b.n }, (_, i) => row(b, i)[F.Number]));
    expect(numbers).toEqual([2, 3]);
    // the device's silence closed the first, a full window the second: neither was cut by the capture's end
    expect(rows.flatMap((b) => Array.from(b.cut))).toEqual([0, 0]);
  });
});

describe("one extractor: the simulator's capture reads back as its own flow rows", () => {
  for (const [scenario, window] of [
    ['mixed-day', 10],
    ['mqtt-broker-ddos', 25],
  ] as const) {
    it(`${scenario}, windows of ${window}`, async () => {
      const pcap: Uint8Array[] = [];
      let csv = '';
      for (const chunk of simulateCapture(scenario, 1500, 11, { window })) {
        pcap.push(...chunk.pcap);
        csv += chunk.csv;
      }
      const bytes = new Uint8Array(pcap.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of pcap) bytes.set(c, (at += c.length) - c.length);
      const reading = new CaptureReading([{ name: 'sim.pcap', stream: () => streamOf(bytes, 100_000) }], { window });
      let back = FLOW_CSV_HEADER + '\n';
      for await (const { rows, names } of reading.flows()) back += flowCsvRows(rows, names, []);
      // the capture carries no labels: every other cell is the same
      const unlabelled = (text: string) =>
        text.split('\n').map((line) =>
          line
            .split(',')
            .filter((_, j) => j !== FLOW_WIDTH)
            .join(','),
        );
      expect(unlabelled(back)).toEqual(unlabelled(csv));
      expect(csv.split('\n').length).toBeGreaterThan(500);
      expect(reading.counters.packets).toBe(reading.counters.used);
    });
  }
});

describe('flow CSV', () => {
  it('a class name typed with a comma or a quote stays one cell', () => {
    const rows: PacketFlows = {
      n: 1,
      d: FLOW_WIDTH,
      data: new Float32Array(FLOW_WIDTH),
      time: new Float64Array([1]),
      classIndex: new Int32Array([0]),
      device: new Uint32Array([0]),
      src: new Uint32Array([0]),
      dst: new Uint32Array([1]),
      sport: new Uint16Array([1]),
      dport: new Uint16Array([2]),
      cut: new Uint8Array(1),
    };
    const line = flowCsvRows(rows, ['aa:bb', '10.0.0.1'], ['Odd, "quoted" class']).trimEnd();
    const cells = Papa.parse<string[]>(line).data[0];
    expect(cells.length).toBe(FLOW_CSV_HEADER.split(',').length);
    expect(cells[FLOW_WIDTH]).toBe('WiFi_and_MQTT_test_Odd, "quoted" class_test.pcap');
  });
});
