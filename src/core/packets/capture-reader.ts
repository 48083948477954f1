/**
 * Capture files (classic pcap and pcapng, either byte order, optionally gzipped) → packet
 * records, streamed: only the block being parsed is ever held, so several GB work.
 *
 * Classic pcap: microsecond (a1b2c3d4) and nanosecond (a1b23c4d) magic. pcapng: section
 * headers (each may switch byte order), interface descriptions with their own link type,
 * snap length, `if_tsresol` and `if_tsoffset`; enhanced, simple and the obsolete packet
 * blocks; every other block is passed over and counted.
 */
import { InputError } from '../util';
import { countPacketSkip, type CaptureCounters } from './capture-counters';

/**
 * Called for every packet: its link type, its captured bytes `data[off .. off+capLen)`,
 * its length on the wire, and its time as whole seconds plus nanoseconds. `data` is only
 * valid during the call.
 */
export type PacketHandler = (link: number, data: Uint8Array, off: number, capLen: number, origLen: number, sec: number, ns: number) => void;

const PCAP_US = 0xa1b2c3d4;
const PCAP_NS = 0xa1b23c4d;
const PCAP_US_SWAPPED = 0xd4c3b2a1;
const PCAP_NS_SWAPPED = 0x4d3cb2a1;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER = 0x1a2b3c4d;
const GZIP = [0x1f, 0x8b];

/** a record or block longer than this is a corrupt length, not a packet */
const MAX_RECORD = 1 << 26;
/** the most a classic pcap packet may hold beyond its file's snap length (tools write up to 262144) */
const MAX_SNAP = 262144;

const BLOCK_NAMES: Record<number, string> = {
  4: 'name resolution',
  5: 'interface statistics',
  9: 'systemd journal export',
  0x0a: 'decryption secrets',
  0x0bad: 'custom',
  0x40000bad: 'custom',
  0x80000001: 'process information',
};

/** What kind of file the first bytes say this is. */
export function captureKind(head: Uint8Array): 'pcap' | 'pcapng' | 'gzip' | null {
  if (head.length >= 2 && head[0] === GZIP[0] && head[1] === GZIP[1]) return 'gzip';
  if (head.length < 4) return null;
  const be = ((head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3]) >>> 0;
  if (be === PCAPNG_SHB) return 'pcapng';
  if (be === PCAP_US || be === PCAP_NS || be === PCAP_US_SWAPPED || be === PCAP_NS_SWAPPED) return 'pcap';
  return null;
}

/** Whether a file name says it is a capture (`.pcap`, `.pcapng`, `.cap`, also gzipped). */
export function isCaptureName(name: string): boolean {
  return /\.(pcap|pcapng|cap)(\.gz)?$/i.test(name);
}

interface Iface {
  link: number;
  snap: number;
  /** timestamp units per second */
  units: number;
  /** seconds added to every timestamp */
  offset: number;
}

/**
 * Reads one capture stream to its end, calling `onPacket` for each packet, and yielding
 * after each chunk (so a caller can hand on what the packets made). Counts packets read,
 * the ones the file itself loses (a truncated last record), and pcapng blocks passed over;
 * problems that stop the reading (a corrupt length) become one sentence in
 * `counters.problems`, and the packets before them stay read.
 */
export async function* readCapture(
  stream: ReadableStream<Uint8Array>,
  name: string,
  counters: CaptureCounters,
  onPacket: PacketHandler,
  signal?: AbortSignal,
): AsyncGenerator<void> {
  let reader = stream.getReader();
  let first = await nextChunk(reader, name);
  if (!first) throw new InputError(`${name} is empty`);
  const gzipped = captureKind(first) === 'gzip';
  if (gzipped) {
    const rest = reader;
    const compressed = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(first!);
      },
      async pull(controller) {
        const r = await rest.read();
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      },
      cancel: (reason) => rest.cancel(reason),
    });
    reader = compressed.pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>).getReader();
    first = await nextChunk(reader, name, true);
    if (!first) throw new InputError(`${name} is empty once decompressed`);
  }
  const parser = new CaptureParser(name, counters, onPacket);
  let buf = first;
  let pos = 0;
  try {
    for (;;) {
      if (signal?.aborted) throw abortError();
      pos = parser.parse(buf, pos);
      yield;
      if (parser.stopped) break;
      const chunk = await nextChunk(reader, name, gzipped);
      if (!chunk) break;
      const left = buf.length - pos;
      if (left === 0) buf = chunk;
      else {
        const joined = new Uint8Array(left + chunk.length);
        joined.set(buf.subarray(pos));
        joined.set(chunk, left);
        buf = joined;
      }
      pos = 0;
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  parser.finish(buf.length - pos);
}

async function nextChunk(reader: ReadableStreamDefaultReader<Uint8Array>, name: string, gzipped = false): Promise<Uint8Array | null> {
  for (;;) {
    let r: ReadableStreamReadResult<Uint8Array>;
    try {
      r = await reader.read();
    } catch (err) {
      throw new InputError(`${name} could not be ${gzipped ? 'decompressed' : 'read'}: ${(err as Error).message}`);
    }
    if (r.done) return null;
    if (r.value.length) return r.value;
  }
}

/** The format state machine: fed contiguous bytes, it parses every whole record and says where it stopped. */
class CaptureParser {
  stopped = false;
  private format: 'pcap' | 'pcapng' | null = null;
  private little = true;
  // classic pcap
  private link = 0;
  private snap = 0;
  private nanos = false;
  // pcapng
  private ifaces: Iface[] = [];
  private consumed = 0;

  constructor(
    private readonly name: string,
    private readonly counters: CaptureCounters,
    private readonly onPacket: PacketHandler,
  ) {}

  /** Parses from `pos`; returns the first byte not yet parsed. */
  parse(buf: Uint8Array, pos: number): number {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const start = pos;
    if (this.format === null) {
      if (buf.length - pos < 4) return pos;
      const kind = captureKind(buf.subarray(pos, pos + 4));
      if (kind === null || kind === 'gzip') throw new InputError(`${this.name} is not a packet capture: it starts with neither a pcap nor a pcapng header`);
      if (kind === 'pcapng') this.format = 'pcapng';
      else if (buf.length - pos < 24) return pos;
      else pos = this.openPcap(view, pos);
    }
    pos = this.format === 'pcap' ? this.parsePcap(buf, view, pos) : this.parsePcapng(buf, view, pos);
    this.consumed += pos - start;
    this.counters.bytes += pos - start;
    return pos;
  }

  /** The stream ended with `left` bytes not parsed. */
  finish(left: number): void {
    if (this.stopped) return;
    if (this.format === null) {
      throw new InputError(`${this.name} is not a packet capture: it is too short (${left} bytes) to hold a capture header`);
    }
    if (left > 0) {
      // a record header was (at least partly) there: one packet the file lost
      this.counters.packets++;
      countPacketSkip(this.counters, 'truncated at the end of the file');
      this.counters.bytes += left;
      this.counters.problems.push(
        `${this.name} ends in the middle of a record (its last ${left} bytes): the file was cut short, so its last packet is counted as skipped`,
      );
    }
  }

  private openPcap(view: DataView, pos: number): number {
    const magic = view.getUint32(pos, false);
    this.little = magic === PCAP_US_SWAPPED || magic === PCAP_NS_SWAPPED;
    this.nanos = magic === PCAP_NS || magic === PCAP_NS_SWAPPED;
    this.snap = view.getUint32(pos + 16, this.little);
    this.link = view.getUint32(pos + 20, this.little) & 0xffff;
    this.format = 'pcap';
    return pos + 24;
  }

  private parsePcap(buf: Uint8Array, view: DataView, pos: number): number {
    const little = this.little;
    const end = buf.length;
    const link = this.link;
    const maxLen = Math.max(this.snap, MAX_SNAP);
    const mul = this.nanos ? 1 : 1000;
    const c = this.counters;
    const onPacket = this.onPacket;
    while (end - pos >= 16) {
      const capLen = view.getUint32(pos + 8, little);
      if (capLen > maxLen) {
        this.corrupt(
          `a packet record at byte ${this.consumed + pos} claims ${capLen} captured bytes, more than the file's snap length (${this.snap})`,
          end - pos,
        );
        return end;
      }
      if (end - pos < 16 + capLen) break;
      const sec = view.getUint32(pos, little);
      const frac = view.getUint32(pos + 4, little);
      const origLen = view.getUint32(pos + 12, little);
      c.packets++;
      onPacket(link, buf, pos + 16, capLen, origLen < capLen ? capLen : origLen, sec, frac * mul);
      pos += 16 + capLen;
    }
    return pos;
  }

  private parsePcapng(buf: Uint8Array, view: DataView, pos: number): number {
    const end = buf.length;
    while (end - pos >= 12) {
      // a section header may switch byte order: its length is read once the order is known
      const type = view.getUint32(pos, this.little);
      if (type === PCAPNG_SHB || view.getUint32(pos, !this.little) === PCAPNG_SHB) {
        const order = view.getUint32(pos + 8, true);
        if (order === PCAPNG_BYTE_ORDER) this.little = true;
        else if (order === 0x4d3c2b1a) this.little = false;
        else {
          this.corrupt(`the section header at byte ${this.consumed + pos} has no valid byte-order mark`, end - pos);
          return end;
        }
      }
      const little = this.little;
      const length = view.getUint32(pos + 4, little);
      if (length < 12 || length % 4 !== 0 || length > MAX_RECORD) {
        this.corrupt(`the block at byte ${this.consumed + pos} has a corrupt length (${length})`, end - pos);
        return end;
      }
      if (end - pos < length) break;
      if (view.getUint32(pos + length - 4, little) !== length) {
        this.corrupt(
          `the block at byte ${this.consumed + pos} has a corrupt length (${length}: its trailer says ${view.getUint32(pos + length - 4, little)})`,
          end - pos,
        );
        return end;
      }
      this.block(view.getUint32(pos, little), buf, view, pos, length);
      pos += length;
    }
    return pos;
  }

  private block(type: number, buf: Uint8Array, view: DataView, pos: number, length: number): void {
    const little = this.little;
    const c = this.counters;
    const bodyEnd = pos + length - 4;
    if (type === PCAPNG_SHB) {
      this.ifaces = []; // interfaces are numbered per section
      return;
    }
    if (type === 1) {
      const iface: Iface = { link: view.getUint16(pos + 8, little), snap: view.getUint32(pos + 12, little), units: 1e6, offset: 0 };
      for (let o = pos + 16; o + 4 <= bodyEnd;) {
        const code = view.getUint16(o, little);
        const len = view.getUint16(o + 2, little);
        if (code === 0) break;
        if (code === 9 && len >= 1) {
          const v = buf[o + 4];
          iface.units = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** v;
        } else if (code === 14 && len >= 8) {
          iface.offset = Number(view.getBigInt64(o + 4, little));
        }
        o += 4 + ((len + 3) & ~3);
      }
      this.ifaces.push(iface);
      return;
    }
    if (type === 6 || type === 2) {
      const enhanced = type === 6;
      const id = enhanced ? view.getUint32(pos + 8, little) : view.getUint16(pos + 8, little);
      const iface = this.ifaces[id];
      let capLen = view.getUint32(pos + 20, little);
      const origLen = view.getUint32(pos + 24, little);
      c.packets++;
      if (!iface || capLen > length - 32) {
        countPacketSkip(c, 'malformed header');
        return;
      }
      this.timed(iface, view.getUint32(pos + 12, little), view.getUint32(pos + 16, little), buf, pos + 28, capLen, Math.max(origLen, capLen));
      return;
    }
    if (type === 3) {
      const iface = this.ifaces[0];
      const origLen = view.getUint32(pos + 8, little);
      c.packets++;
      if (!iface) {
        countPacketSkip(c, 'malformed header');
        return;
      }
      let capLen = Math.min(origLen, length - 16);
      if (iface.snap > 0) capLen = Math.min(capLen, iface.snap);
      // a simple packet block has no time: the packet sits at the epoch
      this.onPacket(iface.link, buf, pos + 12, capLen, origLen, 0, 0);
      return;
    }
    const kind = BLOCK_NAMES[type] ?? `type 0x${type.toString(16)}`;
    c.blocksSkipped[kind] = (c.blocksSkipped[kind] ?? 0) + 1;
  }

  /** A pcapng timestamp (64 bits in the interface's units) as seconds and nanoseconds, exactly. */
  private timed(iface: Iface, high: number, low: number, buf: Uint8Array, off: number, capLen: number, origLen: number): void {
    const u = iface.units;
    let sec: number;
    let frac: number;
    if (high === 0) {
      sec = Math.floor(low / u);
      frac = low - sec * u;
    } else {
      // long division of the 64-bit count by `u` in base 2^16 (every step stays below 2^53)
      let rem = 0;
      sec = 0;
      const digits = [high >>> 16, high & 0xffff, low >>> 16, low & 0xffff];
      for (const d of digits) {
        const x = rem * 65536 + d;
        const q = Math.floor(x / u);
        rem = x - q * u;
        sec = sec * 65536 + q;
      }
      frac = rem;
    }
    const ns = u === 1e9 ? frac : u === 1e6 ? frac * 1000 : Math.round((frac * 1e9) / u);
    this.onPacket(iface.link, buf, off, capLen, origLen, sec + iface.offset, ns);
  }

  private corrupt(what: string, left: number): void {
    this.stopped = true;
    this.counters.bytes += left;
    this.counters.problems.push(`${this.name}: ${what}; the ${this.counters.packets} packets before it were read, the last ${left} bytes could not be`);
  }
}

function abortError(): Error {
  const e = new Error('reading was cancelled');
  e.name = 'AbortError';
  return e;
}
