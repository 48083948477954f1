/**
 * One packet's bytes → the fields the features need, written into a reused `Decoded`
 * (nothing is allocated per packet on the IPv4 path). Link layers: Ethernet with any
 * number of 802.1Q / 802.1ad tags, raw IPv4/IPv6, Linux cooked capture v1 and v2, BSD
 * and OpenBSD loopback. Network: IPv4 (options, fragments), IPv6 (extension headers,
 * fragments), ARP. Transport: TCP (flags, header length), UDP, ICMP, ICMPv6, IGMP.
 * Applications by port (`app-ports.ts`).
 */
import { appOf, APPS } from './app-ports';
import type { PacketSkipReason } from './capture-counters';
import { LINK } from './link-types';
import { F, shareBit } from './window-stats';

/** IP protocol numbers */
export const IPPROTO = { ICMP: 1, IGMP: 2, TCP: 6, UDP: 17, ICMPV6: 58 } as const;

const ETH_IPV4 = 0x0800;
const ETH_ARP = 0x0806;
const ETH_IPV6 = 0x86dd;
const ETH_VLAN = new Set([0x8100, 0x88a8, 0x9100]);

const BIT = {
  TCP: shareBit(F.TCP),
  UDP: shareBit(F.UDP),
  ICMP: shareBit(F.ICMP),
  IGMP: shareBit(F.IGMP),
  ARP: shareBit(F.ARP),
};
/** TCP flags byte → its share bits (FIN, SYN, RST, PSH, ACK, ECE, CWR; URG has no column) */
const FLAG_BITS = new Uint32Array(256);
{
  const byFlag: [number, number][] = [
    [0x01, F.fin],
    [0x02, F.syn],
    [0x04, F.rst],
    [0x08, F.psh],
    [0x10, F.ack],
    [0x40, F.ece],
    [0x80, F.cwr],
  ];
  for (let f = 0; f < 256; f++) for (const [flag, column] of byFlag) if (f & flag) FLAG_BITS[f] |= shareBit(column);
}
/** app code (1 + index into APPS) → its share bit (MQTT has no column) */
const APP_BITS = Uint32Array.from([0, ...APPS.map((a) => (a === 'MQTT' ? 0 : shareBit(F[a])))]);

/** The fields of one decoded packet. */
export class Decoded {
  /** the device: source MAC (48 bits) when the link layer has a non-zero one, else the source IP */
  hasMac = false;
  mac = 0;
  /** 0 (not IP), 4 or 6 */
  ipVersion = 0;
  /** IPv4 addresses as unsigned 32-bit numbers */
  src4 = 0;
  dst4 = 0;
  /** IPv6 addresses as text (only made for IPv6 packets) */
  src6 = '';
  dst6 = '';
  ttl = 0;
  /** IP protocol number after any IPv6 extension headers (0 for ARP and other non-IP) */
  ipProto = 0;
  arp = false;
  /** TCP flags byte (0 when not TCP, or a later fragment) */
  flags = 0;
  /** transport header length (TCP data offset, 8 for UDP, 0 otherwise) */
  hl = 0;
  sport = 0;
  dport = 0;
  /** 1 + index into APPS, 0 for none */
  app = 0;
  /** the share columns this packet counts in, as a bit mask (see window-stats.ts) */
  mask = 0;
  /** true when the headers were read but the snap length cut the payload */
  cut = false;

  private reset(): void {
    this.hasMac = this.arp = this.cut = false;
    this.mac = this.ipVersion = this.src4 = this.dst4 = this.ttl = this.ipProto = this.flags = this.hl = this.sport = this.dport = this.app = this.mask = 0;
    this.src6 = this.dst6 = '';
  }

  /**
   * Decodes `data[off .. off+capLen)` of a packet `origLen` long on link type `link`;
   * returns null, or why the packet cannot be used.
   */
  decode(link: number, data: Uint8Array, off: number, capLen: number, origLen: number): PacketSkipReason | null {
    this.reset();
    const end = off + capLen;
    const short: PacketSkipReason = capLen < origLen ? 'cut by the snap length inside its headers' : 'malformed header';
    let at = off;
    let type: number;
    switch (link) {
      case LINK.ETHERNET:
        if (capLen < 14) return short;
        this.setMac(data, off + 6);
        type = (data[off + 12] << 8) | data[off + 13];
        at = off + 14;
        while (ETH_VLAN.has(type)) {
          if (at + 4 > end) return short;
          type = (data[at + 2] << 8) | data[at + 3];
          at += 4;
        }
        break;
      case LINK.LINUX_SLL:
        if (capLen < 16) return short;
        if (((data[off + 4] << 8) | data[off + 5]) === 6) this.setMac(data, off + 6);
        type = (data[off + 14] << 8) | data[off + 15];
        at = off + 16;
        break;
      case LINK.LINUX_SLL2:
        if (capLen < 20) return short;
        if (data[off + 11] === 6) this.setMac(data, off + 12);
        type = (data[off + 0] << 8) | data[off + 1];
        at = off + 20;
        break;
      case LINK.NULL:
      case LINK.LOOP: {
        if (capLen < 4) return short;
        // NULL: the capturing host's byte order, so either; LOOP: network order
        const family = link === LINK.LOOP || data[off] === 0 ? (data[off + 2] << 8) | data[off + 3] : data[off] | (data[off + 1] << 8);
        type = family === 2 ? ETH_IPV4 : family === 24 || family === 28 || family === 30 ? ETH_IPV6 : -1;
        at = off + 4;
        break;
      }
      case LINK.RAW:
      case LINK.RAW_BSD:
      case LINK.RAW_OPENBSD:
        if (capLen < 1) return short;
        type = data[off] >> 4 === 6 ? ETH_IPV6 : ETH_IPV4;
        break;
      case LINK.IPV4:
        type = ETH_IPV4;
        break;
      case LINK.IPV6:
        type = ETH_IPV6;
        break;
      default:
        return 'link type not decoded';
    }
    let reason: PacketSkipReason | null = null;
    if (type === ETH_IPV4) reason = this.ipv4(data, at, end, short);
    else if (type === ETH_IPV6) reason = this.ipv6(data, at, end, short);
    else if (type === ETH_ARP) reason = this.arpPacket(data, at, end, short);
    if (reason) return reason;
    if (!this.hasMac && this.ipVersion === 0) return 'no source address';
    this.cut = capLen < origLen;
    return null;
  }

  private setMac(data: Uint8Array, at: number): void {
    const hi = (data[at] << 8) | data[at + 1];
    const lo = ((data[at + 2] << 24) | (data[at + 3] << 16) | (data[at + 4] << 8) | data[at + 5]) >>> 0;
    this.mac = hi * 4294967296 + lo;
    this.hasMac = this.mac !== 0; // loopback frames carry all-zero addresses
  }

  private ipv4(data: Uint8Array, at: number, end: number, short: PacketSkipReason): PacketSkipReason | null {
    if (at + 20 > end) return short;
    if (data[at] >> 4 !== 4) return 'malformed header';
    const ihl = (data[at] & 0x0f) * 4;
    if (ihl < 20) return 'malformed header';
    if (at + ihl > end) return short;
    this.ipVersion = 4;
    this.ttl = data[at + 8];
    this.src4 = ((data[at + 12] << 24) | (data[at + 13] << 16) | (data[at + 14] << 8) | data[at + 15]) >>> 0;
    this.dst4 = ((data[at + 16] << 24) | (data[at + 17] << 16) | (data[at + 18] << 8) | data[at + 19]) >>> 0;
    // a later fragment carries no transport header
    const laterFragment = (((data[at + 6] & 0x1f) << 8) | data[at + 7]) !== 0;
    return this.transport(data[at + 9], data, at + ihl, end, short, laterFragment);
  }

  private ipv6(data: Uint8Array, at: number, end: number, short: PacketSkipReason): PacketSkipReason | null {
    if (at + 40 > end) return short;
    if (data[at] >> 4 !== 6) return 'malformed header';
    this.ipVersion = 6;
    this.ttl = data[at + 7];
    this.src6 = ipv6Text(data, at + 8);
    this.dst6 = ipv6Text(data, at + 24);
    let next = data[at + 6];
    let p = at + 40;
    let laterFragment = false;
    // hop-by-hop, routing, fragment, destination options, authentication, mobility, HIP, shim6
    for (;;) {
      if (next === 0 || next === 43 || next === 60 || next === 135 || next === 139 || next === 140) {
        if (p + 8 > end) return short;
        const n = data[p];
        p += 8 + data[p + 1] * 8;
        next = n;
      } else if (next === 44) {
        if (p + 8 > end) return short;
        laterFragment = ((data[p + 2] << 5) | (data[p + 3] >> 3)) !== 0;
        next = data[p];
        p += 8;
      } else if (next === 51) {
        if (p + 8 > end) return short;
        const n = data[p];
        p += (data[p + 1] + 2) * 4;
        next = n;
      } else break;
    }
    return this.transport(next, data, p, end, short, laterFragment);
  }

  private transport(proto: number, data: Uint8Array, at: number, end: number, short: PacketSkipReason, laterFragment: boolean): PacketSkipReason | null {
    this.ipProto = proto;
    if (proto === IPPROTO.TCP) {
      this.mask = BIT.TCP;
      if (laterFragment) return null;
      if (at + 20 > end) return short;
      const hl = (data[at + 12] >> 4) * 4;
      if (hl < 20) return 'malformed header';
      if (at + hl > end) return short;
      this.sport = (data[at] << 8) | data[at + 1];
      this.dport = (data[at + 2] << 8) | data[at + 3];
      this.flags = data[at + 13];
      this.hl = hl;
      this.app = appOf(false, this.sport, this.dport);
      this.mask |= FLAG_BITS[this.flags] | APP_BITS[this.app];
    } else if (proto === IPPROTO.UDP) {
      this.mask = BIT.UDP;
      if (laterFragment) return null;
      if (at + 8 > end) return short;
      this.sport = (data[at] << 8) | data[at + 1];
      this.dport = (data[at + 2] << 8) | data[at + 3];
      this.hl = 8;
      this.app = appOf(true, this.sport, this.dport);
      this.mask |= APP_BITS[this.app];
    } else if (proto === IPPROTO.ICMP || proto === IPPROTO.ICMPV6) this.mask = BIT.ICMP;
    else if (proto === IPPROTO.IGMP) this.mask = BIT.IGMP;
    return null;
  }

  private arpPacket(data: Uint8Array, at: number, end: number, short: PacketSkipReason): PacketSkipReason | null {
    if (at + 8 > end) return short;
    const hlen = data[at + 4];
    const plen = data[at + 5];
    if (at + 8 + 2 * hlen + 2 * plen > end) return short;
    this.arp = true;
    this.mask = BIT.ARP;
    if (!this.hasMac && hlen === 6) this.setMac(data, at + 8);
    if (plen === 4) {
      const s = at + 8 + hlen;
      this.src4 = ((data[s] << 24) | (data[s + 1] << 16) | (data[s + 2] << 8) | data[s + 3]) >>> 0;
      const d = s + 4 + hlen;
      this.dst4 = ((data[d] << 24) | (data[d + 1] << 16) | (data[d + 2] << 8) | data[d + 3]) >>> 0;
    }
    return null;
  }
}

/** an IPv4 address (unsigned 32-bit number) as dotted text */
export function ipv4Text(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
}

/** a MAC (48-bit number) as colon-separated hex */
export function macText(mac: number): string {
  const hex = mac.toString(16).padStart(12, '0');
  return hex.replace(/(..)(?!$)/g, '$1:');
}

/** an IPv6 address as RFC 5952 text (the longest run of zero groups shortened to ::) */
function ipv6Text(data: Uint8Array, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((data[at + 2 * i] << 8) | data[at + 2 * i + 1]);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
