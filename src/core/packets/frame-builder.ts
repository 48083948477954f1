/**
 * Ethernet frames made from fields: what the simulator writes to a capture, and what tests
 * use to make packets of every shape. The frame is `size` bytes long (headers, then zero
 * payload), so sizes below the headers' length are refused.
 */
import { IPPROTO } from './decode';

export interface FrameFields {
  srcMac: number;
  dstMac: number;
  proto: 'tcp' | 'udp' | 'icmp' | 'igmp' | 'arp';
  src4: number;
  dst4: number;
  ttl: number;
  sport: number;
  dport: number;
  /** TCP flags byte */
  flags: number;
  /** TCP header length (20–60, a multiple of 4; options are NOPs) */
  hl: number;
  /** frame length in bytes */
  size: number;
}

const PROTO_NUMBER = { tcp: IPPROTO.TCP, udp: IPPROTO.UDP, icmp: IPPROTO.ICMP, igmp: IPPROTO.IGMP } as const;

/** the shortest frame of a protocol (with this TCP header length) */
export function minFrameSize(proto: FrameFields['proto'], hl = 20): number {
  return proto === 'arp' ? 42 : 34 + (proto === 'tcp' ? hl : 8);
}

/** Writes the frame at `out[off..off+size)` (which must be zeroed). */
export function buildFrame(f: FrameFields, out: Uint8Array, off: number): void {
  if (f.size < minFrameSize(f.proto, f.hl)) throw new RangeError(`a ${f.proto} frame needs at least ${minFrameSize(f.proto, f.hl)} bytes, not ${f.size}`);
  writeMac(out, off, f.dstMac);
  writeMac(out, off + 6, f.srcMac);
  if (f.proto === 'arp') {
    out.set([0x08, 0x06, 0, 1, 0x08, 0x00, 6, 4, 0, 1], off + 12); // Ethernet/IPv4 request
    writeMac(out, off + 22, f.srcMac);
    write32(out, off + 28, f.src4);
    write32(out, off + 38, f.dst4);
    return;
  }
  const ip = off + 14;
  const ipLength = f.size - 14;
  out.set([0x08, 0x00], off + 12);
  out[ip] = 0x45;
  out[ip + 2] = ipLength >> 8;
  out[ip + 3] = ipLength & 255;
  out[ip + 6] = 0x40; // don't fragment
  out[ip + 8] = f.ttl;
  out[ip + 9] = PROTO_NUMBER[f.proto];
  write32(out, ip + 12, f.src4);
  write32(out, ip + 16, f.dst4);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += (out[ip + i] << 8) | out[ip + i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  const check = ~sum & 0xffff;
  out[ip + 10] = check >> 8;
  out[ip + 11] = check & 255;
  const t = ip + 20;
  if (f.proto === 'tcp' || f.proto === 'udp') {
    out[t] = f.sport >> 8;
    out[t + 1] = f.sport & 255;
    out[t + 2] = f.dport >> 8;
    out[t + 3] = f.dport & 255;
  }
  if (f.proto === 'tcp') {
    out[t + 12] = (f.hl / 4) << 4;
    out[t + 13] = f.flags;
    out[t + 14] = 0xff; // window
    out.fill(1, t + 20, t + f.hl); // NOP options
  } else if (f.proto === 'udp') {
    const len = ipLength - 20;
    out[t + 4] = len >> 8;
    out[t + 5] = len & 255;
  } else if (f.proto === 'icmp')
    out[t] = 8; // echo request
  else out[t] = 0x16; // IGMPv2 membership report
}

function writeMac(out: Uint8Array, at: number, mac: number): void {
  const hi = Math.floor(mac / 4294967296);
  out[at] = hi >> 8;
  out[at + 1] = hi & 255;
  write32(out, at + 2, mac % 4294967296);
}

function write32(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 24;
  out[at + 1] = (v >>> 16) & 255;
  out[at + 2] = (v >>> 8) & 255;
  out[at + 3] = v & 255;
}
