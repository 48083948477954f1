/**
 * The one piece of window arithmetic: packets in, one CICIoMT2024 newer-release row out.
 * The simulator feeds it the packets it draws, the capture extractor the packets it
 * decodes; nothing else computes these features.
 *
 * How the release's rows relate to their packets (these identities hold on every row of
 * the real sample):
 * - `Number` packets per row (10 on WiFi/MQTT, 100 in the TCP_IP floods);
 * - `Header_Length`, `Time_To_Live` are per-packet means (a packet without an IP header
 *   counts as TTL 0); `IAT` is the mean gap before each packet and `Rate` the mean of the
 *   per-packet rates 1/gap, so one packet with no gap makes it `inf` (as in the data);
 * - flag and protocol columns are the share of packets with that flag or protocol, the
 *   `*_count` columns the number of them; `IPv` = `LLC` = the share of IP packets;
 * - `Protocol Type` is the most common protocol of the window (ties: TCP, UDP, ICMP, ARP,
 *   IGMP) as its IP protocol number (0 for ARP);
 * - `Tot sum`, `Min`, `Max` are the sum and extremes of packet sizes, `AVG` = `Tot size` =
 *   `Tot sum` / `Number`, `Std` is the sample standard deviation and `Variance` = `Std`².
 */

/** The feature columns in the order of the newer CICIoMT2024 release. */
export const FEATURE_COUNT = 39;
export const F = {
  Header_Length: 0,
  ProtocolType: 1,
  Time_To_Live: 2,
  Rate: 3,
  fin: 4,
  syn: 5,
  rst: 6,
  psh: 7,
  ack: 8,
  ece: 9,
  cwr: 10,
  ack_count: 11,
  syn_count: 12,
  fin_count: 13,
  rst_count: 14,
  HTTP: 15,
  HTTPS: 16,
  DNS: 17,
  Telnet: 18,
  SMTP: 19,
  SSH: 20,
  IRC: 21,
  TCP: 22,
  UDP: 23,
  DHCP: 24,
  ARP: 25,
  ICMP: 26,
  IGMP: 27,
  IPv: 28,
  LLC: 29,
  TotSum: 30,
  Min: 31,
  Max: 32,
  AVG: 33,
  Std: 34,
  TotSize: 35,
  IAT: 36,
  Number: 37,
  Variance: 38,
} as const;

/**
 * The columns that hold a share of the window's packets (flags, applications, protocols).
 * A packet names the ones it counts in as a bit mask over this list (bit i = SHARE_COLUMNS[i]).
 */
export const SHARE_COLUMNS = Uint8Array.of(
  F.fin,
  F.syn,
  F.rst,
  F.psh,
  F.ack,
  F.ece,
  F.cwr,
  F.HTTP,
  F.HTTPS,
  F.DNS,
  F.Telnet,
  F.SMTP,
  F.SSH,
  F.IRC,
  F.TCP,
  F.UDP,
  F.DHCP,
  F.ARP,
  F.ICMP,
  F.IGMP,
);
/** the bit of a share column in a packet's mask */
export function shareBit(column: number): number {
  const i = SHARE_COLUMNS.indexOf(column);
  if (i < 0) throw new Error(`column ${column} is not a share column`);
  return 1 << i;
}

/** `Protocol Type`: the protocols' columns in tie-break order, and their IP protocol numbers (0 for ARP) */
const PROTO_ORDER = Uint8Array.of(F.TCP, F.UDP, F.ICMP, F.ARP, F.IGMP);
const PROTO_NUMBER = Uint8Array.of(6, 17, 1, 0, 2);

/**
 * Sums over one window's packets. `add` each packet, `write` the row, `reset` for the
 * next window. Allocation-free: one instance serves any number of windows.
 */
export class WindowStats {
  /** packets per share column */
  private readonly counts = new Float64Array(FEATURE_COUNT);
  n = 0;
  private ip = 0;
  private hl = 0;
  private ttl = 0;
  /** gaps known (a stream's first packet has none) and their sums */
  private gaps = 0;
  private sumIat = 0;
  private sumRate = 0;
  private sum = 0;
  private sumSq = 0;
  private min = Infinity;
  private max = -Infinity;

  reset(): void {
    this.counts.fill(0);
    this.n = this.ip = this.hl = this.ttl = this.gaps = this.sumIat = this.sumRate = this.sum = this.sumSq = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }

  /**
   * One packet: its size in bytes (on the wire), transport header length, TTL (0 without
   * IP), the share columns it counts in (`mask`), whether it is IP, and the gap in
   * seconds since the stream's previous packet (NaN when there was none).
   */
  add(size: number, hl: number, ttl: number, mask: number, ip: boolean, gap: number): void {
    this.n++;
    this.sum += size;
    this.sumSq += size * size;
    if (size < this.min) this.min = size;
    if (size > this.max) this.max = size;
    this.hl += hl;
    this.ttl += ttl;
    if (ip) this.ip++;
    const counts = this.counts;
    for (let m = mask, i = 0; m !== 0; m >>>= 1, i++) if (m & 1) counts[SHARE_COLUMNS[i]]++;
    if (gap === gap) {
      this.gaps++;
      this.sumIat += gap;
      this.sumRate += gap > 0 ? 1 / gap : Infinity;
    }
  }

  /** Writes the window's 39 features at `out[off..off+39)`. */
  write(out: Float32Array, off: number): void {
    const n = this.n;
    const counts = this.counts;
    const inv = 1 / n;
    const mean = this.sum * inv;
    const variance = n > 1 ? Math.max(0, (this.sumSq - this.sum * mean) / (n - 1)) : 0;
    let best = 0;
    for (let p = 1; p < PROTO_ORDER.length; p++) if (counts[PROTO_ORDER[p]] > counts[PROTO_ORDER[best]]) best = p;
    for (let c = 0; c < SHARE_COLUMNS.length; c++) out[off + SHARE_COLUMNS[c]] = counts[SHARE_COLUMNS[c]] * inv;
    const invGaps = this.gaps > 0 ? 1 / this.gaps : 0;
    out[off + F.Header_Length] = this.hl * inv;
    out[off + F.ProtocolType] = PROTO_NUMBER[best];
    out[off + F.Time_To_Live] = this.ttl * inv;
    out[off + F.Rate] = this.gaps > 0 ? this.sumRate * invGaps : 0;
    out[off + F.ack_count] = counts[F.ack];
    out[off + F.syn_count] = counts[F.syn];
    out[off + F.fin_count] = counts[F.fin];
    out[off + F.rst_count] = counts[F.rst];
    out[off + F.IPv] = this.ip * inv;
    out[off + F.LLC] = this.ip * inv;
    out[off + F.TotSum] = this.sum;
    out[off + F.Min] = this.min;
    out[off + F.Max] = this.max;
    out[off + F.AVG] = mean;
    out[off + F.Std] = Math.sqrt(variance);
    out[off + F.TotSize] = mean;
    out[off + F.IAT] = this.sumIat * invGaps;
    out[off + F.Number] = n;
    out[off + F.Variance] = variance;
  }
}
