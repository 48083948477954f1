import { describe, expect, it } from 'vitest';
import { FileFlowSource, ReplayPacer } from '../../../src/core/replay';
import { packetsSkipped } from '../../../src/core/packets';
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
