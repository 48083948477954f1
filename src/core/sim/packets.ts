/**
 * Packets in, one flow row out: the simulator draws every packet of a window (its
 * protocol, transport header, TCP flags, application protocol, size, TTL and the time
 * since the previous packet) and hands them to the one window arithmetic the capture
 * extractor uses too (`packets/window-stats.ts`, where the feature definitions live).
 * Nothing here allocates per packet or per row.
 */

import { F, shareBit, WindowStats, type App } from '../packets';
import { normalTable } from './rng';

export type Protocol = 'tcp' | 'udp' | 'icmp' | 'igmp' | 'arp';
/** the applications that have a CIC feature column (MQTT has none) */
export type AppProtocol = Exclude<App, 'MQTT'>;

/**
 * A packet size: a fixed number; `[lo, hi]` uniform per packet; `{ w: [lo, hi] }` drawn once
 * per window (a stream's message size); `{ pick: [...] }` / `{ wpick: [...] }` one of the
 * values per packet / per window; `{ log: [lo, hi] }` / `{ wlog: [lo, hi] }` log-uniform.
 */
export type SizeSpec =
  number | [number, number] | { w: [number, number] } | { pick: number[] } | { wpick: number[] } | { log: [number, number] } | { wlog: [number, number] };

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

/** the share column each TCP flag, application and protocol counts in */
const FLAG_COLUMN: Record<string, number> = { F: F.fin, S: F.syn, R: F.rst, P: F.psh, A: F.ack, E: F.ece, C: F.cwr };
const APP_COLUMN: Record<AppProtocol, number> = {
  HTTP: F.HTTP,
  HTTPS: F.HTTPS,
  DNS: F.DNS,
  Telnet: F.Telnet,
  SMTP: F.SMTP,
  SSH: F.SSH,
  IRC: F.IRC,
  DHCP: F.DHCP,
};
const PROTO_COLUMN: Record<Protocol, number> = { tcp: F.TCP, udp: F.UDP, icmp: F.ICMP, arp: F.ARP, igmp: F.IGMP };

const enum SizeMode {
  Fixed,
  Uniform,
  WindowUniform,
  Pick,
  WindowPick,
  Log,
  WindowLog,
}

/** A packet spec made ready for the hot path. */
class Kind {
  cum = 0;
  /** weight, and per-window weight range when it varies */
  readonly p: number;
  readonly pwLo: number;
  readonly pwHi: number;
  readonly arp: boolean;
  readonly hl: number;
  /** the spec it was made from (a packet writer needs its protocol, flags and application) */
  readonly spec: PacketSpec;
  /** the share columns this packet counts in (its protocol, each of its flags, its application), as a bit mask */
  readonly mask: number;
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
    this.spec = spec;
    let mask = shareBit(PROTO_COLUMN[spec.proto]);
    for (const ch of spec.flags ?? '') {
      if (ch === ' ') continue;
      const column = FLAG_COLUMN[ch];
      if (column === undefined) throw new Error(`unknown TCP flag "${ch}" (use F S R P A E C)`);
      mask |= shareBit(column);
    }
    if (spec.app) mask |= shareBit(APP_COLUMN[spec.app]);
    this.mask = mask;
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
  for (let i = 0; i < kinds.length; i++) kinds[i].cum = c += mix[i].p / total;
  return kinds;
}

/** Draws this window's per-window weights (if any kind has them) and sizes. */
function startWindow(kinds: Kind[], varying: boolean, rng: Draw) {
  if (varying) {
    let total = 0;
    for (const k of kinds) total += k.pwLo >= 0 ? (k.cum = k.pwLo + (k.pwHi - k.pwLo) * rng.next()) : (k.cum = k.p);
    let c = 0;
    for (const k of kinds) k.cum = c += k.cum / total;
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
  /** the window being drawn */
  private readonly stats = new WindowStats();

  constructor(spec: WindowSpec) {
    this.name = spec.name;
    if (!(spec.packets >= 1)) throw new Error(`${spec.name}: packets per window must be at least 1`);
    this.packets = spec.packets;
    this.kinds = compileMix(spec.mix, spec.name);
    this.varying = spec.mix.some((m) => m.pw);
    this.cycle = spec.order === 'cycle';
    this.background = compileMix(BACKGROUND, 'background');
    this.bg = spec.background ?? 0;
    this.bgPerWindow =
      this.bg > 0 && this.background.some((k) => k.mode === SizeMode.WindowUniform || k.mode === SizeMode.WindowPick || k.mode === SizeMode.WindowLog);
    const g = spec.iat.gap ?? [0, 0, 0];
    this.iat = {
      lo: spec.iat.lo,
      hi: spec.iat.hi,
      jitter: spec.iat.jitter,
      zero: spec.iat.zero ?? 0,
      zeroAll: spec.iat.zeroAll ?? 0,
      gapP: g[0],
      gapLo: g[1],
      gapHi: g[2],
    };
    this.jitter = normalTable((z) => Math.exp(spec.iat.jitter * z));
    this.logMissBg = Math.log1p(-this.bg);
    this.logMissZero = Math.log1p(-this.iat.zero);
    this.logMissGap = Math.log1p(-this.iat.gapP);
    this.local = Float64Array.from(spec.ttl?.local ?? [64]);
    this.remote = Float64Array.from(spec.ttl?.remote ?? [64]);
  }

  /**
   * Draws one window of packets and writes its 39 features at `out[off..off+39)`.
   * `pace` divides every gap (2 = packets twice as fast). A `sink` also gets every packet
   * (to write them to a capture).
   */
  emit(rng: Draw, out: Float32Array, off: number, pace = 1, sink?: PacketSink): void {
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

    const stats = this.stats;
    stats.reset();
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
      const inbound = !k.arp && k.inbound > 0 && (k.inbound >= 1 || rng.next() < k.inbound);
      const ttl = k.arp ? 0 : inbound ? remoteTtl : localTtl;
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
      stats.add(size, k.hl, ttl, k.mask, !k.arp, gap);
      sink?.packet(k.spec, k.hl, size, ttl, inbound, gap);
    }
    stats.write(out, off);
  }
}

/** Receives the packets of the windows drawn (see `WindowModel.emit`). */
export interface PacketSink {
  packet(spec: PacketSpec, hl: number, size: number, ttl: number, inbound: boolean, gap: number): void;
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
    for (let i = 0; i < specs.length; i++) this.cum[i] = c += specs[i].weight / total;
  }

  emit(rng: Draw, out: Float32Array, off: number, pace = 1, sink?: PacketSink): void {
    const u = rng.next();
    const last = this.models.length - 1;
    let i = 0;
    while (i < last && u >= this.cum[i]) i++;
    this.models[i].emit(rng, out, off, pace, sink);
  }
}
