import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/ingest';
import { buildFrame, CaptureReading, packetsSkipped, PcapWriter } from '../../src/core/packets';

/**
 * Whatever bytes a capture holds (random, or a real pcap with bytes flipped, cut short or
 * spliced), the capture reader gives flow rows or one clear error, never another
 * exception, and every packet record it read is used or skipped for a reason.
 */
function stream(bytes: Uint8Array, chunk: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}

async function readAll(bytes: Uint8Array, name: string, chunk: number) {
  const reading = new CaptureReading([{ name, stream: () => stream(bytes, chunk) }], { window: 3 });
  let rows = 0;
  let error: unknown = null;
  try {
    for await (const r of reading.flows()) rows += r.rows.n;
  } catch (e) {
    error = e;
  }
  const c = reading.counters;
  const perFile = reading.files.map((f) => f.counters);
  for (const k of [c, ...perFile]) expect(k.packets).toBe(k.used + packetsSkipped(k));
  if (error === null) {
    expect(rows).toBe(c.flows);
  } else {
    expect(error, String((error as Error)?.stack)).toBeInstanceOf(InputError);
    expect((error as Error).message).not.toMatch(/[\r\n]/);
    expect((error as Error).message.length).toBeLessThan(400);
  }
  return { rows, error };
}

/** a small, valid pcap: `n` TCP/UDP/ARP frames between a few hosts */
function validPcap(n: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const w = new PcapWriter((chunk) => parts.push(chunk.slice()), 1, 262144, 4096);
  const protos = ['tcp', 'udp', 'arp', 'icmp'] as const;
  for (let i = 0; i < n; i++) {
    const proto = protos[i % protos.length];
    const size = 60 + (i % 7) * 10;
    const at = w.record(1_700_000_000 + i, i * 1000, size);
    buildFrame(
      { srcMac: 1 + (i % 3), dstMac: 9, proto, src4: 0x0a000001 + (i % 3), dst4: 0x0a000009, ttl: 64, sport: 1000 + i, dport: 1883, flags: 0x18, hl: 20, size },
      w.bytes,
      at,
    );
  }
  w.close();
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe('the capture reader on any input (property-based)', () => {
  const base = validPcap(40);

  it('reads the valid capture whole', async () => {
    const { rows, error } = await readAll(base, 'ok.pcap', 100);
    expect(error).toBeNull();
    expect(rows).toBeGreaterThan(0);
  });

  it('any byte string gives flows or one clear error, and packets = used + skipped', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 1, max: 97 }), async (bytes, chunk) => {
        await readAll(bytes, 'any.pcap', chunk);
      }),
      { numRuns: 300 },
    );
  });

  it('a real capture with bytes flipped, cut short or spliced gives flows or one clear error, and packets = used + skipped', async () => {
    const mutated = fc
      .tuple(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }),
        fc.nat(base.length),
        fc.uint8Array({ maxLength: 40 }),
      )
      .map(([flips, cut, tail]) => {
        const b = base.slice(0, Math.max(24, cut));
        for (const [at, v] of flips) if (at < b.length) b[at] = v;
        const out = new Uint8Array(b.length + tail.length);
        out.set(b);
        out.set(tail, b.length);
        return out;
      });
    await fc.assert(
      fc.asyncProperty(mutated, fc.integer({ min: 1, max: 257 }), async (bytes, chunk) => {
        await readAll(bytes, 'mangled.pcap', chunk);
      }),
      { numRuns: 300 },
    );
  });
});
