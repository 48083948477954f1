/**
 * Packets in, one flow row out: the simulator draws every packet of a window (its
 * protocol, transport header, TCP flags, application protocol, size, TTL and the time
 * since the previous packet) and extracts the CICIoMT2024 newer-release features from
 * them the way that release's rows relate to their packets:
 *
 * - `Number` packets per row (10 on WiFi/MQTT, 100 in the TCP_IP floods);
 * - `Header_Length`, `Time_To_Live`, `IAT` are per-packet means; `Rate` is the mean of the
 *   per-packet rates 1/IAT, so one packet with no gap makes it `inf` (as in the data);
 * - flag and protocol columns are the share of packets with that flag or protocol, the
 *   `*_count` columns the number of them; `IPv` = `LLC` = the share of IP packets;
 * - `Protocol Type` is the most common IP protocol number of the window (0 for ARP);
 * - `Tot sum`, `Min`, `Max` are the sum and extremes of packet sizes, `AVG` = `Tot size` =
 *   `Tot sum` / `Number`, `Std` is the sample standard deviation and `Variance` = `Std`².
 *
 * These identities hold on every row of the real sample. Nothing here allocates per packet
 * or per row.
 */

import { normalTable } from './rng';

export type Protocol = 'tcp' | 'udp' | 'icmp' | 'igmp' | 'arp';
export type AppProtocol = 'HTTP' | 'HTTPS' | 'DNS' | 'Telnet' | 'SMTP' | 'SSH' | 'IRC' | 'DHCP';

/**
 * A packet size: a fixed number; `[lo, hi]` uniform per packet; `{ w: [lo, hi] }` drawn once
 * per window (a stream's message size); `{ pick: [...] }` / `{ wpick: [...] }` one of the
 * values per packet / per window; `{ log: [lo, hi] }` / `{ wlog: [lo, hi] }` log-uniform.
 */
export type SizeSpec =
  | number
  | [number, number]
  | { w: [number, number] }
  | { pick: number[] }
  | { wpick: number[] }
  | { log: [number, number] }
  | { wlog: [number, number] };

/** One kind of packet in a window's mix. */
export interface PacketSpec {
  /** weight in the mix */
  p: number;
  /** the weight is drawn uniformly in [lo, hi] for each window instead (windows of one stream differ in their mix) */
  pw?: [number, number];
  proto: Protocol;
  /** transport header length in bytes (default: TCP 20, UDP 8, otherwise 0) */
  hl?: number;
  /** TCP flags as letters: F(in) S(yn) R(st) P(sh) A(ck) E(ce) C(wr) */
  flags?: string;
  app?: AppProtocol;
  size: SizeSpec;
  /** probability the packet comes from the far end (it then carries the window's remote TTL) */
  inbound?: number;
}

/**
 * Packet timing of a window: a base gap drawn log-uniformly in [lo, hi] per window, each
 * packet's gap the base times a log-normal jitter; `gap` = [p, lo, hi] mixes in other gaps
 * (a burst inside a periodic stream); `zero` is the per-packet chance of no gap (same
 * timestamp), `zeroAll` the per-window chance that every packet shares one timestamp.
 */
export interface IatSpec {
  lo: number;
  hi: number;
  jitter: number;
  gap?: [number, number, number];
  zero?: number;
  zeroAll?: number;
}

/** A kind of window (one conversation seen over `packets` packets). */
export interface WindowSpec {
  name: string;
  /** weight among the windows of its profile */
  weight: number;
  packets: number;
  mix: PacketSpec[];
  /** per-packet chance that a packet of the ward's background traffic lands in the window */
  background?: number;
  /**
   * `random` (default): each packet's kind is drawn by weight; `cycle`: the kinds take turns
   * in the listed order from a random starting point (request, reply, request, …).
   */
  order?: 'random' | 'cycle';
  iat: IatSpec;
  /** TTL of the sender (`local`) and of the far end (`remote`), one value per window (default 64) */
  ttl?: { local?: number[]; remote?: number[] };
}

/** The feature columns in the order of the newer CICIoMT2024 release. */
export const FEATURE_COUNT = 39;
export const F = {
  Header_Length: 0, ProtocolType: 1, Time_To_Live: 2, Rate: 3,
  fin: 4, syn: 5, rst: 6, psh: 7, ack: 8, ece: 9, cwr: 10,
  ack_count: 11, syn_count: 12, fin_count: 13, rst_count: 14,
  HTTP: 15, HTTPS: 16, DNS: 17, Telnet: 18, SMTP: 19, SSH: 20, IRC: 21,
  TCP: 22, UDP: 23, DHCP: 24, ARP: 25, ICMP: 26, IGMP: 27, IPv: 28, LLC: 29,
  TotSum: 30, Min: 31, Max: 32, AVG: 33, Std: 34, TotSize: 35, IAT: 36, Number: 37, Variance: 38,
} as const;

/** the share column each TCP flag, application and protocol counts in */
const FLAG_COLUMN: Record<string, number> = { F: F.fin, S: F.syn, R: F.rst, P: F.psh, A: F.ack, E: F.ece, C: F.cwr };
const APP_COLUMN: Record<AppProtocol, number> = {
  HTTP: F.HTTP, HTTPS: F.HTTPS, DNS: F.DNS, Telnet: F.Telnet, SMTP: F.SMTP, SSH: F.SSH, IRC: F.IRC, DHCP: F.DHCP,
};
const PROTO_COLUMN: Record<Protocol, number> = { tcp: F.TCP, udp: F.UDP, icmp: F.ICMP, arp: F.ARP, igmp: F.IGMP };
/** the columns that hold a share of the window's packets (flags, applications, protocols) */
const SHARE_COLUMNS = Uint8Array.of(
  F.fin, F.syn, F.rst, F.psh, F.ack, F.ece, F.cwr,
  F.HTTP, F.HTTPS, F.DNS, F.Telnet, F.SMTP, F.SSH, F.IRC, F.TCP, F.UDP, F.DHCP, F.ARP, F.ICMP, F.IGMP,
);
/** `Protocol Type`: the protocols' columns in tie-break order, and their IP protocol numbers (0 for ARP) */
const PROTO_ORDER = Uint8Array.of(F.TCP, F.UDP, F.ICMP, F.ARP, F.IGMP);
const PROTO_NUMBER = Uint8Array.of(6, 17, 1, 0, 2);

const enum SizeMode { Fixed, Uniform, WindowUniform, Pick, WindowPick, Log, WindowLog }

/** A packet spec made ready for the hot path. */
class Kind {
  cum = 0;
  /** weight, and per-window weight range when it varies */
  readonly p: number;
  readonly pwLo: number;
  readonly pwHi: number;
  readonly arp: boolean;
  readonly hl: number;
  /** the share columns this packet counts in: its protocol, each of its flags, its application */
  readonly columns: Uint8Array;
  readonly mode: SizeMode;
  readonly a: number;
  readonly b: number;
  readonly values: Float64Array;
  readonly inbound: number;
  /** this window's size for the per-window modes */
  current = 0;

  constructor(spec: PacketSpec) {
    this.p = spec.p;
    this.pwLo = spec.pw ? spec.pw[0] : -1;
    this.pwHi = spec.pw ? spec.pw[1] : -1;
    this.arp = spec.proto === 'arp';
    this.hl = spec.hl ?? (spec.proto === 'tcp' ? 20 : spec.proto === 'udp' ? 8 : 0);
    const columns = new Set([PROTO_COLUMN[spec.proto]]);
    for (const ch of spec.flags ?? '') {
      if (ch === ' ') continue;
      const column = FLAG_COLUMN[ch];
      if (column === undefined) throw new Error(`unknown TCP flag "${ch}" (use F S R P A E C)`);
      columns.add(column);
    }
    if (spec.app) columns.add(APP_COLUMN[spec.app]);
    this.columns = Uint8Array.from(columns);
    this.inbound = spec.inbound ?? 0;
    const s = spec.size;
    let values = new Float64Array(0);
    let a = 0;
    let b = 0;
    let mode: SizeMode;
    if (typeof s === 'number') {
      mode = SizeMode.Fixed;
      a = s;
    } else if (Array.isArray(s)) {
      mode = SizeMode.Uniform;
      [a, b] = s;
    } else if ('w' in s) {
      mode = SizeMode.WindowUniform;
      [a, b] = s.w;
    } else if ('pick' in s) {
      mode = SizeMode.Pick;
      values = Float64Array.from(s.pick);
    } else if ('wpick' in s) {
      mode = SizeMode.WindowPick;
      values = Float64Array.from(s.wpick);
    } else if ('log' in s) {
      mode = SizeMode.Log;
      [a, b] = s.log;
    } else {
      mode = SizeMode.WindowLog;
      [a, b] = s.wlog;
    }
    this.mode = mode;
    this.a = a;
    this.b = b;
    this.values = values;
  }
}

interface Draw {
  u32(): number;
  next(): number;
  geometric(logMiss: number): number;
  normal(): number;
  logUniform(lo: number, hi: number): number;
}

/** Picks a kind from cumulative weights (few kinds: a linear scan is fastest). */
function pickKind(kinds: Kind[], u: number): Kind {
  const n = kinds.length - 1;
  for (let i = 0; i < n; i++) if (u < kinds[i].cum) return kinds[i];
  return kinds[n];
}

function compileMix(mix: readonly PacketSpec[], where: string): Kind[] {
  if (mix.length === 0) throw new Error(`${where}: a window needs at least one kind of packet`);
  const kinds = mix.map((m) => new Kind(m));
  const total = mix.reduce((s, m) => s + m.p, 0);
  if (!(total > 0)) throw new Error(`${where}: packet weights must add up to more than 0`);
  let c = 0;
  for (let i = 0; i < kinds.length; i++) kinds[i].cum = (c += mix[i].p / total);
  return kinds;
}

/** Draws this window's per-window weights (if any kind has them) and sizes. */
function startWindow(kinds: Kind[], varying: boolean, rng: Draw) {
  if (varying) {
    let total = 0;
    for (const k of kinds) total += k.pwLo >= 0 ? (k.cum = k.pwLo + (k.pwHi - k.pwLo) * rng.next()) : (k.cum = k.p);
    let c = 0;
    for (const k of kinds) k.cum = (c += k.cum / total);
  }
  for (const k of kinds) {
    if (k.mode === SizeMode.WindowUniform) k.current = k.a + Math.floor(rng.next() * (k.b - k.a + 1));
    else if (k.mode === SizeMode.WindowPick) k.current = k.values[Math.floor(rng.next() * k.values.length)];
    else if (k.mode === SizeMode.WindowLog) k.current = Math.round(rng.logUniform(k.a, k.b));
  }
}

function packetSize(k: Kind, rng: Draw): number {
  switch (k.mode) {
    case SizeMode.Fixed:
      return k.a;
    case SizeMode.Uniform:
      return k.a + Math.floor(rng.next() * (k.b - k.a + 1));
    case SizeMode.Pick:
      return k.values[Math.floor(rng.next() * k.values.length)];
    case SizeMode.Log:
      return Math.round(rng.logUniform(k.a, k.b));
    default:
      return k.current;
  }
}

/** Background packets of a hospital LAN that find their way into any window. */
const BACKGROUND: PacketSpec[] = [
  { p: 3, proto: 'arp', size: { pick: [42, 60] } },
  { p: 2, proto: 'udp', app: 'DNS', size: [74, 110], inbound: 0.5 },
  { p: 3, proto: 'tcp', hl: 32, flags: 'A', app: 'HTTPS', size: 66, inbound: 0.5 },
  { p: 1, proto: 'udp', app: 'DHCP', size: 342 },
  { p: 2, proto: 'udp', size: [100, 214] },
  { p: 0.3, proto: 'igmp', size: 60 },
  { p: 0.6, proto: 'icmp', size: { pick: [60, 98] } },
];

/** A window spec made ready to draw rows from. */
export class WindowModel {
  readonly name: string;
  readonly packets: number;
  private readonly kinds: Kind[];
  private readonly varying: boolean;
  private readonly cycle: boolean;
  private readonly background: Kind[];
  private readonly bg: number;
  /** whether a background packet's size is drawn per window (none is, today) */
  private readonly bgPerWindow: boolean;
  private readonly iat: Required<Omit<IatSpec, 'gap'>> & { gapP: number; gapLo: number; gapHi: number };
  private readonly local: Float64Array;
  private readonly remote: Float64Array;
  /** log-normal jitter multipliers at the normal quantiles */
  private readonly jitter: Float64Array;
  /** ln(1 − p) of the per-packet chances, to jump straight to the next such packet */
  private readonly logMissBg: number;
  private readonly logMissZero: number;
  private readonly logMissGap: number;
  /** packets per share column in the window being drawn */
  private readonly counts = new Float64Array(FEATURE_COUNT);

  constructor(spec: WindowSpec) {
    this.name = spec.name;
    if (!(spec.packets >= 1)) throw new Error(`${spec.name}: packets per window must be at least 1`);
    this.packets = spec.packets;
    this.kinds = compileMix(spec.mix, spec.name);
    this.varying = spec.mix.some((m) => m.pw);
    this.cycle = spec.order === 'cycle';
    this.background = compileMix(BACKGROUND, 'background');
    this.bg = spec.background ?? 0;
    this.bgPerWindow = this.bg > 0 && this.background.some((k) => k.mode === SizeMode.WindowUniform || k.mode === SizeMode.WindowPick || k.mode === SizeMode.WindowLog);
    const g = spec.iat.gap ?? [0, 0, 0];
    this.iat = { lo: spec.iat.lo, hi: spec.iat.hi, jitter: spec.iat.jitter, zero: spec.iat.zero ?? 0, zeroAll: spec.iat.zeroAll ?? 0, gapP: g[0], gapLo: g[1], gapHi: g[2] };
    this.jitter = normalTable((z) => Math.exp(spec.iat.jitter * z));
    this.logMissBg = Math.log1p(-this.bg);
    this.logMissZero = Math.log1p(-this.iat.zero);
    this.logMissGap = Math.log1p(-this.iat.gapP);
    this.local = Float64Array.from(spec.ttl?.local ?? [64]);
    this.remote = Float64Array.from(spec.ttl?.remote ?? [64]);
  }

  /**
   * Draws one window of packets and writes its 39 features at `out[off..off+39)`.
   * `pace` divides every gap (2 = packets twice as fast).
   */
  emit(rng: Draw, out: Float32Array, off: number, pace = 1): void {
    const n = this.packets;
    const kinds = this.kinds;
    const bgKinds = this.background;
    const bg = this.bg;
    startWindow(kinds, this.varying, rng);
    if (this.bgPerWindow) startWindow(bgKinds, false, rng);
    const localTtl = this.local[Math.floor(rng.next() * this.local.length)];
    const remoteTtl = this.remote[Math.floor(rng.next() * this.remote.length)];
    const iat = this.iat;
    const base = rng.logUniform(iat.lo, iat.hi) / pace;
    const allZero = iat.zeroAll > 0 && rng.next() < iat.zeroAll;
    const cycle = this.cycle;
    let turn = cycle ? Math.floor(rng.next() * kinds.length) : 0;
    const single = kinds.length === 1 && !this.varying ? kinds[0] : null;
    const jitter = this.jitter;
    // the next background packet, gap-less packet and odd gap, as packet indices
    let nextBg = bg > 0 ? rng.geometric(this.logMissBg) : n;
    let nextZero = allZero ? 0 : iat.zero > 0 ? rng.geometric(this.logMissZero) : n;
    let nextGap = iat.gapP > 0 ? rng.geometric(this.logMissGap) : n;

    const counts = this.counts;
    counts.fill(0);
    let hl = 0, ttl = 0, sumIat = 0, sumRate = 0;
    let sum = 0, sumSq = 0, min = Infinity, max = -Infinity;
    for (let i = 0; i < n; i++) {
      let k: Kind;
      if (i === nextBg) {
        k = pickKind(bgKinds, rng.next());
        nextBg += 1 + rng.geometric(this.logMissBg);
      } else if (single !== null) k = single;
      else if (cycle) {
        k = kinds[turn];
        if (++turn === kinds.length) turn = 0;
      } else k = pickKind(kinds, rng.next());
      const size = packetSize(k, rng);
      sum += size;
      sumSq += size * size;
      if (size < min) min = size;
      if (size > max) max = size;
      hl += k.hl;
      if (!k.arp) ttl += k.inbound > 0 && (k.inbound >= 1 || rng.next() < k.inbound) ? remoteTtl : localTtl;
      const columns = k.columns;
      for (let c = 0; c < columns.length; c++) counts[columns[c]]++;
      // the gap before this packet
      let gap: number;
      if (i === nextGap) {
        gap = rng.logUniform(iat.gapLo, iat.gapHi) / pace;
        nextGap += 1 + rng.geometric(this.logMissGap);
      } else gap = base * jitter[rng.u32() >>> 20];
      if (allZero) gap = 0;
      else if (i === nextZero) {
        gap = 0;
        nextZero += 1 + rng.geometric(this.logMissZero);
      }
      sumIat += gap;
      sumRate += gap > 0 ? 1 / gap : Infinity;
    }

    const inv = 1 / n;
    const mean = sum * inv;
    const variance = n > 1 ? Math.max(0, (sumSq - sum * mean) / (n - 1)) : 0;
    // the most common protocol (ties: TCP, UDP, ICMP, ARP, IGMP)
    let best = 0;
    for (let p = 1; p < PROTO_ORDER.length; p++) if (counts[PROTO_ORDER[p]] > counts[PROTO_ORDER[best]]) best = p;
    const ip = n - counts[F.ARP];
    for (let c = 0; c < SHARE_COLUMNS.length; c++) out[off + SHARE_COLUMNS[c]] = counts[SHARE_COLUMNS[c]] * inv;
    out[off + F.Header_Length] = hl * inv;
    out[off + F.ProtocolType] = PROTO_NUMBER[best];
    out[off + F.Time_To_Live] = ttl * inv;
    out[off + F.Rate] = sumRate * inv;
    out[off + F.ack_count] = counts[F.ack];
    out[off + F.syn_count] = counts[F.syn];
    out[off + F.fin_count] = counts[F.fin];
    out[off + F.rst_count] = counts[F.rst];
    out[off + F.IPv] = ip * inv;
    out[off + F.LLC] = ip * inv;
    out[off + F.TotSum] = sum;
    out[off + F.Min] = min;
    out[off + F.Max] = max;
    out[off + F.AVG] = mean;
    out[off + F.Std] = Math.sqrt(variance);
    out[off + F.TotSize] = mean;
    out[off + F.IAT] = sumIat * inv;
    out[off + F.Number] = n;
    out[off + F.Variance] = variance;
  }
}

/** Windows of several kinds, each drawn with its weight. */
export class WindowMix {
  readonly models: WindowModel[];
  private readonly cum: Float64Array;

  constructor(specs: readonly WindowSpec[]) {
    if (specs.length === 0) throw new Error('a traffic profile needs at least one kind of window');
    this.models = specs.map((s) => new WindowModel(s));
    const total = specs.reduce((s, w) => s + w.weight, 0);
    this.cum = new Float64Array(specs.length);
    let c = 0;
    for (let i = 0; i < specs.length; i++) this.cum[i] = (c += specs[i].weight / total);
  }

  emit(rng: Draw, out: Float32Array, off: number, pace = 1): void {
    const u = rng.next();
    const last = this.models.length - 1;
    let i = 0;
    while (i < last && u >= this.cum[i]) i++;
    this.models[i].emit(rng, out, off, pace);
  }
}
