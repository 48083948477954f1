import { describe, expect, it } from 'vitest';
import { FileFlowSource, NO_DEVICE, ReplayPacer } from '../../../src/core/replay';
import { FLOW_CSV_HEADER, FLOW_WIDTH, packetsSkipped } from '../../../src/core/packets';
import { bytesFile } from '../sources';
import { frame, pcapFile, type TestPacket } from './capture-bytes';

/**
 * A capture replayed in the lab: its packet counters travel with the flows (and add up over
 * loops), and `speed ×N` paces the flows by the capture's own timestamps.
 */
const T0 = 1_700_000_000;

/** one device sending a packet every 0.1 s (a window of 10 packets closes every second), and one packet too short for its headers */
function capture(): Uint8Array {
  const packets: TestPacket[] = [];
  for (let i = 0; i < 40; i++) packets.push({ link: 1, sec: T0 + Math.floor(i / 10), ns: (i % 10) * 100_000_000, bytes: frame({}) });
  packets.push({ link: 1, sec: T0 + 4, ns: 0, bytes: frame({}).slice(0, 20) });
  return pcapFile(packets);
}

async function drain(source: FileFlowSource) {
  const times: number[] = [];
  for (let rows = await source.next(); rows; rows = await source.next()) times.push(...rows.time);
  return times;
}

describe('a capture as a replay source', () => {
  it('reports its packets read = decoded + skipped and the flows made, summed over a loop', async () => {
    const source = new FileFlowSource([bytesFile('ward.pcap', capture(), 100)]);
    await source.open();
    expect(source.meta().hasOwnTime).toBe(true);
    const times = await drain(source);
    const first = source.takePackets()!;
    expect(first.packets).toBe(41);
    expect(first.used).toBe(40);
    expect(first.skipped).toEqual({ 'malformed header': 1 });
    expect(first.used + packetsSkipped(first)).toBe(first.packets);
    expect(first.flows).toBe(times.length);
    expect(first.linkTypes).toEqual({ Ethernet: 41 });
    // nothing new: nothing sent again
    expect(source.takePackets()).toBeNull();
    await source.restart();
    await drain(source);
    const looped = source.takePackets()!;
    expect(looped.packets).toBe(82);
    expect(looped.flows).toBe(2 * times.length);
    source.close();
  });

  it('does not score the window the end of the capture cut short: skipped with its reason, so read = scored + skipped', async () => {
    const packets: TestPacket[] = Array.from({ length: 45 }, (_, i) => ({
      link: 1,
      sec: T0 + Math.floor(i / 10),
      ns: (i % 10) * 100_000_000,
      bytes: frame({}),
    }));
    const source = new FileFlowSource([bytesFile('ward.pcap', pcapFile(packets))]);
    await source.open();
    expect(await drain(source)).toHaveLength(4);
    expect(source.takeSkipped()).toEqual({ 'window cut by the end of its capture': 1 });
    expect(source.takePackets()!.flows).toBe(5);
    source.close();
  });

  it('names each flow’s device (its source MAC, else its IP), with indices that hold across a loop', async () => {
    const packets: TestPacket[] = [];
    for (let i = 0; i < 20; i++) packets.push({ link: 1, sec: T0, ns: i * 1000, bytes: frame({ srcMac: i % 2 ? 0x0200000000bb : 0x0200000000aa }) });
    // raw IPv4 (link type 101): no MAC, the source address names the device
    for (let i = 0; i < 10; i++) packets.push({ link: 101, sec: T0 + 1, ns: i * 1000, bytes: frame({ src4: 0x0a000007 }).slice(14) });
    const source = new FileFlowSource([
      bytesFile('ward.pcap', pcapFile(packets.slice(0, 20)), 100),
      bytesFile('raw.pcap', pcapFile(packets.slice(20), { link: 101 })),
    ]);
    await source.open();
    const named = async () => {
      const out: string[] = [];
      for (let rows = await source.next(); rows; rows = await source.next()) for (const d of rows.device) out.push(source.meta().devices[d]);
      return out;
    };
    const first = await named();
    expect(first.sort()).toEqual(['02:00:00:00:00:aa', '02:00:00:00:00:bb', '10.0.0.7']);
    await source.restart();
    expect((await named()).sort()).toEqual(first);
    expect(source.meta().devices).toHaveLength(3);
    source.close();
  });

  it('reads the device column of a flow CSV (as npm run features writes it); a CSV without one has none', async () => {
    const row = (device: string) => `${Array(FLOW_WIDTH).fill('1').join(',')},WiFi_and_MQTT_test_Benign_test.pcap,${device},1700000000,10.0.0.1,10.0.0.2,1,2`;
    const csv = [FLOW_CSV_HEADER, row('02:00:00:00:00:aa'), row('02:00:00:00:00:aa'), row('=cmd()'), row('')].join('\n') + '\n';
    const source = new FileFlowSource([bytesFile('flows.csv', new TextEncoder().encode(csv))]);
    await source.open();
    const rows = (await source.next())!;
    const devices = source.meta().devices;
    expect(Array.from(rows.device, (d) => devices[d] ?? null)).toEqual(['02:00:00:00:00:aa', '02:00:00:00:00:aa', '=cmd()', null]);
    source.close();
    const plain = new FileFlowSource([bytesFile('plain.csv', new TextEncoder().encode(csv.replace(/,device,/, ',host,')))]);
    await plain.open();
    expect(new Set((await plain.next())!.device)).toEqual(new Set([NO_DEVICE]));
    expect(plain.meta().devices).toEqual([]);
    plain.close();
  });

  it('plays at the capture’s own pace times N: flows a second apart in the capture leave half a second apart at ×2', async () => {
    const source = new FileFlowSource([bytesFile('ward.pcap', capture())]);
    await source.open();
    const times = Float64Array.from(await drain(source));
    // the flows are stamped with the capture's times (the last packet of each window of 10)
    expect(Array.from(times.slice(0, 4), (t) => +(t - T0).toFixed(3))).toEqual([0.9, 1.9, 2.9, 3.9]);
    const pacer = new ReplayPacer({ kind: 'speed', multiplier: 2 });
    const now = 10_000;
    expect(pacer.plan(now, times, 0, times.length, true)).toEqual({ rows: 1, waitMs: 0 });
    pacer.emitted(1);
    const wait = pacer.plan(now, times, 1, times.length - 1, true);
    expect(wait.rows).toBe(0);
    expect(wait.waitMs).toBeCloseTo(500, 3);
    expect(pacer.plan(now + 500, times, 1, times.length - 1, true).rows).toBe(1);
    source.close();
  });
});
