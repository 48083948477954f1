import { describe, expect, it } from 'vitest';
import { CaptureReading, Decoded, newCaptureCounters, packetsSkipped, readCapture, type CaptureCounters } from '../../../src/core/packets';
import { frame, gzip, pcapFile, pcapngFile, streamOf, type TestPacket } from './capture-bytes';

interface Seen {
  link: number;
  sec: number;
  ns: number;
  capLen: number;
  origLen: number;
  first: number;
}

async function packetsOf(bytes: Uint8Array, chunk = 1 << 16, name = 'x.pcap'): Promise<{ seen: Seen[]; counters: CaptureCounters }> {
  const counters = newCaptureCounters();
  const seen: Seen[] = [];
  for await (const _ of readCapture(streamOf(bytes, chunk), name, counters, (link, data, off, capLen, origLen, sec, ns) =>
    seen.push({ link, sec, ns, capLen, origLen, first: data[off] }),
  )) {
    // packets are handed over as they are read
  }
  return { seen, counters };
}

async function countersOf(bytes: Uint8Array, name = 'x.pcap', window = 10): Promise<CaptureCounters> {
  const r = new CaptureReading([{ name, stream: () => streamOf(bytes, 7) }], { window });
  for await (const _ of r.flows()) {
    // drain
  }
  return r.counters;
}

function addsUp(c: CaptureCounters): void {
  expect(c.packets).toBe(c.used + packetsSkipped(c));
}

const T0 = 1_700_000_000;
const PACKETS: TestPacket[] = [0, 1, 2, 3, 4].map((i) => ({
  link: 1,
  sec: T0 + i,
  ns: 123_456_000 + i * 1000,
  bytes: frame({ size: 60 + i * 10, ttl: 60 + i }),
}));

describe('capture reader: containers', () => {
  it('reads classic pcap in both byte orders, microseconds and nanoseconds, in any chunking', async () => {
    for (const little of [true, false]) {
      for (const nanos of [true, false]) {
        for (const chunk of [1, 5, 1 << 16]) {
          const { seen, counters } = await packetsOf(pcapFile(PACKETS, { little, nanos }), chunk);
          expect(seen.map((s) => [s.sec, s.ns, s.capLen, s.first])).toEqual(PACKETS.map((p) => [p.sec, p.ns, p.bytes.length, 0x02]));
          expect(counters.packets).toBe(5);
        }
      }
    }
  });

  it('reads pcapng: both byte orders, several interfaces with their own link type and if_tsresol, EPB, SPB and the obsolete PB; other blocks counted', async () => {
    const raw = frame({ size: 74 }).slice(14); // the same packet without its Ethernet header
    for (const little of [true, false]) {
      const bytes = pcapngFile(
        [{ link: 1, tsresol: 9 }, { link: 101 }, { link: 1, tsresol: 0x80 | 20 }],
        [
          { iface: 0, link: 1, sec: T0, ns: 987_654_321, bytes: PACKETS[0].bytes },
          { iface: 1, link: 101, sec: T0 + 1, ns: 5_000, bytes: raw },
          { iface: 2, link: 1, sec: T0 + 2, ns: 500_000_000, bytes: PACKETS[1].bytes },
          { iface: 0, link: 1, sec: T0 + 3, ns: 1, bytes: PACKETS[2].bytes, kind: 'pb' },
          { iface: 0, link: 1, sec: 0, ns: 0, bytes: PACKETS[3].bytes, kind: 'spb' },
        ],
        { little, extraBlocks: [4, 5, 0x0bad] },
      );
      for (const chunk of [3, 1 << 16]) {
        const { seen, counters } = await packetsOf(bytes, chunk, 'x.pcapng');
        expect(seen.map((s) => [s.link, s.sec, s.ns, s.capLen])).toEqual([
          [1, T0, 987_654_321, 60],
          [101, T0 + 1, 5_000, 60],
          [1, T0 + 2, 500_000_000, 70],
          [1, T0 + 3, 1, 80],
          [1, 0, 0, 90],
        ]);
        expect(counters.blocksSkipped).toEqual({ 'name resolution': 1, 'interface statistics': 1, custom: 1 });
      }
    }
  });

  it('undoes gzip (by magic bytes) and reads the same packets', async () => {
    const plain = pcapFile(PACKETS, { nanos: true });
    const { seen } = await packetsOf(await gzip(plain), 100, 'x.pcap.gz');
    expect(seen.map((s) => s.ns)).toEqual(PACKETS.map((p) => p.ns));
  });
});

describe('capture reader: bad input, one sentence, nothing lost', () => {
  it('refuses a text file named .pcap and an empty file', async () => {
    await expect(countersOf(new TextEncoder().encode('Header_Length,Rate\n1,2\n'))).rejects.toThrow(
      'x.pcap is not a packet capture: it starts with neither a pcap nor a pcapng header',
    );
    await expect(countersOf(new Uint8Array(0))).rejects.toThrow('x.pcap is empty');
    await expect(countersOf(new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1, 2, 0]))).rejects.toThrow('too short');
  });

  it('reads a capture with a header and no packets as no packets and no flows', async () => {
    const c = await countersOf(pcapFile([], { link: 1 }));
    expect([c.packets, c.flows, c.problems]).toEqual([0, 0, []]);
  });

  it('counts a truncated last packet as skipped and keeps the ones before', async () => {
    const whole = pcapFile(PACKETS);
    const c = await countersOf(whole.slice(0, whole.length - 7));
    expect(c.packets).toBe(5);
    expect(c.used).toBe(4);
    expect(c.skipped).toEqual({ 'truncated at the end of the file': 1 });
    expect(c.flows).toBe(1);
    expect(c.problems[0]).toMatch(/ends in the middle of a record/);
    addsUp(c);
  });

  it('uses packets the snap length cut after their headers, skips the ones cut inside them', async () => {
    const cutPayload = { ...PACKETS[4], bytes: PACKETS[4].bytes.slice(0, 54), origLen: 100 };
    const cutHeader = { ...PACKETS[3], bytes: PACKETS[3].bytes.slice(0, 40), origLen: 90 };
    const c = await countersOf(pcapFile([PACKETS[0], cutPayload, cutHeader], { snap: 54 }));
    expect(c.used).toBe(2);
    expect(c.snapCut).toBe(1);
    expect(c.skipped).toEqual({ 'cut by the snap length inside its headers': 1 });
    addsUp(c);
  });

  it('stops at a corrupt pcapng block length with one sentence, keeping the packets before', async () => {
    const bytes = pcapngFile(
      [{ link: 1 }],
      PACKETS.map((p) => ({ ...p, iface: 0 })),
    );
    // the third packet block's length field: section (28) + interface (20) + two blocks
    const epb = (p: TestPacket) => 32 + ((p.bytes.length + 3) & ~3);
    const at = 28 + 20 + epb(PACKETS[0]) + epb(PACKETS[1]);
    const broken = bytes.slice();
    new DataView(broken.buffer).setUint32(at + 4, 13, true);
    const c = await countersOf(broken, 'x.pcapng');
    expect(c.packets).toBe(2);
    expect(c.problems).toEqual([
      expect.stringMatching(
        /^x\.pcapng: the block at byte \d+ has a corrupt length \(13\); the 2 packets before it were read, the last \d+ bytes could not be$/,
      ),
    ]);
    addsUp(c);
  });

  it('skips packets of a link type it does not decode, naming it', async () => {
    const c = await countersOf(
      pcapFile(
        PACKETS.map((p) => ({ ...p, link: 105 })),
        { link: 105 },
      ),
    );
    expect(c.skipped).toEqual({ 'link type not decoded': 5 });
    expect(c.undecodedLinkTypes).toEqual({ 'IEEE 802.11 (105)': 5 });
    expect(c.flows).toBe(0);
    addsUp(c);
  });

  it('counts the file being read while it is read, not only once it ends (a paced Live replay shows them)', async () => {
    const many: TestPacket[] = Array.from({ length: 4000 }, (_, i) => ({ link: 1, sec: T0 + i, ns: 0, bytes: frame({ size: 60 + (i % 7) }) }));
    const r = new CaptureReading([{ name: 'x.pcap', stream: () => streamOf(pcapFile(many), 512) }], { window: 10, batchSize: 50 });
    const during: number[] = [];
    for await (const _ of r.flows()) {
      const c = r.counters;
      addsUp(c);
      during.push(c.packets);
    }
    expect(during[0]).toBeGreaterThan(0);
    expect(during[0]).toBeLessThan(4000);
    expect(r.counters.packets).toBe(4000);
    expect(r.counters.flows).toBe(400);
  });
});

describe('packet decoder', () => {
  const d = new Decoded();
  const eth = frame({ proto: 'tcp', flags: 0x12, hl: 32, size: 100, ttl: 77, sport: 443, dport: 51000 });

  it('reads Ethernet with 802.1Q and 802.1ad tags', () => {
    const tagged = new Uint8Array(eth.length + 8);
    tagged.set(eth.subarray(0, 12));
    tagged.set([0x88, 0xa8, 0, 10, 0x81, 0x00, 0, 20], 12);
    tagged.set(eth.subarray(12), 20);
    expect(d.decode(1, tagged, 0, tagged.length, tagged.length)).toBeNull();
    expect([d.mac, d.ttl, d.flags, d.hl, d.sport, d.dport, d.app]).toEqual([0x0200000000aa, 77, 0x12, 32, 443, 51000, 2]);
  });

  it('reads Linux cooked v1 and v2, BSD and OpenBSD loopback and raw IP', () => {
    const ip = eth.slice(14);
    const sll = Uint8Array.from([0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 0xcc, 0, 0, 0x08, 0x00, ...ip]);
    const sll2 = Uint8Array.from([0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 4, 6, 2, 0, 0, 0, 0, 0xcc, 0, 0, ...ip]);
    const nullLe = Uint8Array.from([2, 0, 0, 0, ...ip]);
    const nullBe = Uint8Array.from([0, 0, 0, 2, ...ip]);
    for (const [link, bytes, mac] of [
      [113, sll, 0x0200000000cc],
      [276, sll2, 0x0200000000cc],
      [0, nullLe, 0],
      [0, nullBe, 0],
      [108, nullBe, 0],
      [101, ip, 0],
      [228, ip, 0],
    ] as const) {
      expect(d.decode(link, bytes, 0, bytes.length, bytes.length)).toBeNull();
      expect([d.hasMac, d.mac, d.ipVersion, d.src4, d.ttl, d.flags]).toEqual([mac !== 0, mac, 4, 0x0a000001, 77, 0x12]);
    }
  });

  it('reads IPv4 options and treats a later fragment as its protocol without a transport header', () => {
    const withOptions = new Uint8Array(eth.length + 8);
    withOptions.set(eth.subarray(0, 34));
    withOptions[14] = 0x47; // IHL 7: 8 bytes of options
    withOptions.set(eth.subarray(34), 42);
    expect(d.decode(1, withOptions, 0, withOptions.length, withOptions.length)).toBeNull();
    expect([d.flags, d.sport]).toEqual([0x12, 443]);
    const later = eth.slice();
    later[20] = 0x00;
    later[21] = 0x10; // fragment offset 16
    expect(d.decode(1, later, 0, later.length, later.length)).toBeNull();
    expect([d.ipProto, d.flags, d.hl, d.sport]).toEqual([6, 0, 0, 0]);
  });

  it('walks IPv6 extension headers to the transport header', () => {
    const tcp = eth.slice(34);
    // hop-by-hop (8 bytes) → fragment (first, offset 0) → TCP
    const ext = [44, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 1];
    const v6 = Uint8Array.from([0x86, 0xdd]);
    const ip6 = [0x60, 0, 0, 0, 0, ext.length + tcp.length, 0, 33, ...new Array(15).fill(0), 1, 0xfe, 0x80, ...new Array(13).fill(0), 2];
    const bytes = Uint8Array.from([...eth.subarray(0, 12), ...v6, ...ip6, ...ext, ...tcp]);
    expect(d.decode(1, bytes, 0, bytes.length, bytes.length)).toBeNull();
    expect([d.ipVersion, d.ttl, d.ipProto, d.flags, d.sport, d.src6, d.dst6]).toEqual([6, 33, 6, 0x12, 443, '::1', 'fe80::2']);
  });

  it('reads ARP, UDP applications and ICMP', () => {
    expect(d.decode(1, frame({ proto: 'arp', size: 42 }), 0, 42, 42)).toBeNull();
    expect([d.arp, d.ipVersion, d.src4]).toEqual([true, 0, 0x0a000001]);
    expect(d.decode(1, frame({ proto: 'udp', sport: 68, dport: 67, size: 342 }), 0, 342, 342)).toBeNull();
    expect([d.ipProto, d.hl, d.app]).toEqual([17, 8, 8]);
    expect(d.decode(1, frame({ proto: 'icmp', size: 98 }), 0, 98, 98)).toBeNull();
    expect([d.ipProto, d.hl]).toEqual([1, 0]);
  });
});
