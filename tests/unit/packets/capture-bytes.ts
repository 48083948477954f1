/** Test captures of every shape, made byte by byte (pcap and pcapng, either byte order). */
import { buildFrame, type FrameFields } from '../../../src/core/packets';

export interface TestPacket {
  link: number;
  sec: number;
  ns: number;
  bytes: Uint8Array;
  /** length on the wire (defaults to the bytes' length) */
  origLen?: number;
}

export function frame(f: Partial<FrameFields>): Uint8Array {
  const full: FrameFields = {
    srcMac: 0x0200000000aa,
    dstMac: 0x0200000000bb,
    proto: 'tcp',
    src4: 0x0a000001,
    dst4: 0x0a000002,
    ttl: 64,
    sport: 40000,
    dport: 1883,
    flags: 0x18,
    hl: 20,
    size: 80,
    ...f,
  };
  const out = new Uint8Array(full.size);
  buildFrame(full, out, 0);
  return out;
}

function u32(v: number, little: boolean): number[] {
  const b = [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
  return little ? b.reverse() : b;
}
function u16(v: number, little: boolean): number[] {
  const b = [v >> 8, v & 255];
  return little ? b.reverse() : b;
}
function pad4(bytes: number[]): number[] {
  while (bytes.length % 4) bytes.push(0);
  return bytes;
}

/** a classic pcap file */
export function pcapFile(packets: TestPacket[], options: { little?: boolean; nanos?: boolean; snap?: number; link?: number } = {}): Uint8Array {
  const little = options.little ?? true;
  const out: number[] = [
    ...u32(options.nanos ? 0xa1b23c4d : 0xa1b2c3d4, little),
    ...u16(2, little),
    ...u16(4, little),
    ...u32(0, little),
    ...u32(0, little),
    ...u32(options.snap ?? 65535, little),
    ...u32(options.link ?? packets[0]?.link ?? 1, little),
  ];
  for (const p of packets) {
    out.push(
      ...u32(p.sec, little),
      ...u32(options.nanos ? p.ns : Math.floor(p.ns / 1000), little),
      ...u32(p.bytes.length, little),
      ...u32(p.origLen ?? p.bytes.length, little),
      ...p.bytes,
    );
  }
  return Uint8Array.from(out);
}

function block(type: number, body: number[], little: boolean): number[] {
  const b = pad4([...body]);
  const len = b.length + 12;
  return [...u32(type, little), ...u32(len, little), ...b, ...u32(len, little)];
}

export interface NgInterface {
  link: number;
  /** if_tsresol byte (6 = µs, 9 = ns, 0x80|n = 2^-n); omitted: the default µs */
  tsresol?: number;
  snap?: number;
}

/** a pcapng file: one section, the interfaces, then each packet as an enhanced (or `kind`) block, with extra blocks in between */
export function pcapngFile(
  ifaces: NgInterface[],
  packets: (TestPacket & { iface: number; kind?: 'epb' | 'spb' | 'pb' })[],
  options: { little?: boolean; extraBlocks?: number[] } = {},
): Uint8Array {
  const little = options.little ?? true;
  const out: number[] = [];
  out.push(
    ...block(0x0a0d0d0a, [...u32(0x1a2b3c4d, little), ...u16(1, little), ...u16(0, little), ...u32(0xffffffff, little), ...u32(0xffffffff, little)], little),
  );
  for (const extra of options.extraBlocks ?? []) out.push(...block(extra, [1, 2, 3, 4, 5, 6, 7, 8], little));
  for (const i of ifaces) {
    const opts: number[] = [];
    if (i.tsresol !== undefined) opts.push(...u16(9, little), ...u16(1, little), ...pad4([i.tsresol]));
    if (opts.length) opts.push(0, 0, 0, 0);
    out.push(...block(1, [...u16(i.link, little), 0, 0, ...u32(i.snap ?? 0, little), ...opts], little));
  }
  for (const p of packets) {
    const i = ifaces[p.iface];
    const r = i.tsresol ?? 6;
    const units = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
    const ts = BigInt(p.sec) * BigInt(units) + (BigInt(p.ns) * BigInt(units)) / 1_000_000_000n;
    const high = Number(ts >> 32n);
    const low = Number(ts & 0xffffffffn);
    const orig = p.origLen ?? p.bytes.length;
    if (p.kind === 'spb') out.push(...block(3, [...u32(orig, little), ...p.bytes], little));
    else if (p.kind === 'pb')
      out.push(
        ...block(
          2,
          [
            ...u16(p.iface, little),
            ...u16(0, little),
            ...u32(high, little),
            ...u32(low, little),
            ...u32(p.bytes.length, little),
            ...u32(orig, little),
            ...p.bytes,
          ],
          little,
        ),
      );
    else
      out.push(
        ...block(
          6,
          [...u32(p.iface, little), ...u32(high, little), ...u32(low, little), ...u32(p.bytes.length, little), ...u32(orig, little), ...p.bytes],
          little,
        ),
      );
  }
  return Uint8Array.from(out);
}

/** bytes as a stream of chunks of `size` bytes (1: every byte its own chunk) */
export function streamOf(bytes: Uint8Array, size = 1 << 16): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, (at += size)));
    },
  });
}

export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const s = streamOf(bytes).pipeThrough(new CompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>);
  return new Uint8Array(await new Response(s as ReadableStream).arrayBuffer());
}
