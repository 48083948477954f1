/**
 * Packets → flow rows: each device's packets (its source MAC, or its source IP where the
 * link layer has no MAC) are cut into windows of `window` packets, in arrival order, and
 * every window becomes one row of the CICIoMT2024 newer-release features through the one
 * window arithmetic (`WindowStats`), then the device's SYN counts over horizons longer than
 * a window (`HostCounts`). A packet's gap is the time since the same device's previous
 * packet. A window left open closes early (a row with fewer packets) when its
 * device has been silent for `idleS` seconds of capture time, and at the end of the input,
 * so no packet is lost; the silent device is forgotten (its next packet has no gap, its SYN
 * counts start from 0). A window the end of the input closed is marked `cut`: where the
 * capture stopped, not the device, so its counts and sizes describe a fragment of a window.
 */
import { CICIOMT_V2_COLUMNS, HOST_COUNT_COLUMNS } from '../schema';
import { ipv4Text, macText, type Decoded } from './decode';
import { HostCounts } from './host-counts';
import { FEATURE_COUNT, WindowStats } from './window-stats';

/** a flow row's feature columns: the release's 39, then the host's SYN counts */
export const FLOW_COLUMNS: readonly string[] = [...CICIOMT_V2_COLUMNS, ...HOST_COUNT_COLUMNS];
export const FLOW_WIDTH = FLOW_COLUMNS.length;

/** packets per window by default: the dataset's WiFi/MQTT rows (see README, "Packet captures") */
export const DEFAULT_WINDOW = 10;
/** a device silent this long (capture seconds) has its open window closed */
export const DEFAULT_IDLE_S = 60;

export interface ExtractOptions {
  /** packets per window */
  window?: number;
  /** seconds of silence after which a device's open window is closed */
  idleS?: number;
  /** rows per batch handed to `onRows` */
  batchSize?: number;
}

/** Flow rows made from packets, columnar. Addresses are indices into the extractor's `names`. */
export interface PacketFlows {
  n: number;
  d: number;
  /** n × FLOW_WIDTH features (FLOW_COLUMNS), row-major */
  data: Float32Array;
  /** seconds (Unix time) of the window's last packet */
  time: Float64Array;
  /** the class of the window's packets (the most common one), -1 when unlabelled */
  classIndex: Int32Array;
  /** the device (its MAC or IP) */
  device: Uint32Array;
  /** source and destination address and ports of the window's first packet */
  src: Uint32Array;
  dst: Uint32Array;
  sport: Uint16Array;
  dport: Uint16Array;
  /** 1 where the end of the input closed the window before it filled (the capture stopped, not the device) */
  cut: Uint8Array;
}

/** one device's open window, and its SYN counts (kept from window to window until the device is forgotten) */
class OpenWindow {
  readonly stats = new WindowStats();
  readonly hosts = new HostCounts();
  lastSec = 0;
  lastNs = 0;
  seen = false;
  device = 0;
  src = 0;
  dst = 0;
  sport = 0;
  dport = 0;
  label = -1;
  /** packets per class, once the window holds more than one class */
  labels: Map<number, number> | null = null;
}

export class FlowExtractor {
  readonly window: number;
  readonly idleS: number;
  /** flow rows made so far */
  flows = 0;
  /** device and address texts; `PacketFlows` columns index this list */
  readonly names: string[] = [];
  private readonly nameIndex = new Map<number | string, number>();
  private readonly open = new Map<number | string, OpenWindow>();
  private readonly batchSize: number;
  private table: PacketFlows;
  private size = 0;
  /** capture second of the last sweep for silent devices */
  private sweptAt = -Infinity;

  constructor(
    private readonly onRows: (rows: PacketFlows) => void,
    options: ExtractOptions = {},
  ) {
    const window = options.window ?? DEFAULT_WINDOW;
    if (!(Number.isInteger(window) && window >= 1)) throw new RangeError(`the window must be a whole number of packets, 1 or more, not ${window}`);
    this.window = window;
    this.idleS = options.idleS ?? DEFAULT_IDLE_S;
    this.batchSize = options.batchSize ?? 8192;
    this.table = this.allocate();
  }

  /** One decoded packet of `size` bytes on the wire, at `sec` + `ns`·1e-9, of class `label` (-1: none). */
  add(p: Decoded, size: number, sec: number, ns: number, label = -1): void {
    const key: number | string = p.hasMac ? p.mac : p.ipVersion === 4 || p.arp ? 2 ** 48 + p.src4 : p.src6;
    let w = this.open.get(key);
    // a device back from `idleS` of silence starts afresh, as it does when a sweep forgot it first: its rows must not depend on whether other devices spoke meanwhile
    if (w !== undefined && sec - w.lastSec >= this.idleS) w = this.forget(key, w);
    if (w === undefined) {
      w = new OpenWindow();
      w.device = this.name(key, p);
      this.open.set(key, w);
    }
    const gap = w.seen ? Math.max(0, sec - w.lastSec + (ns - w.lastNs) * 1e-9) : NaN;
    if (w.stats.n === 0) {
      w.src = p.ipVersion === 6 ? this.nameOf(p.src6) : this.nameOf(p.src4);
      w.dst = p.ipVersion === 6 ? this.nameOf(p.dst6) : this.nameOf(p.dst4);
      w.sport = p.sport;
      w.dport = p.dport;
      w.label = label;
      w.labels = null;
    } else if (label !== w.label || w.labels) this.countLabel(w, label);
    w.stats.add(size, p.hl, p.ttl, p.mask, p.ipVersion !== 0, gap);
    w.hosts.add(p.flags, sec, ns);
    w.seen = true;
    w.lastSec = sec;
    w.lastNs = ns;
    if (w.stats.n === this.window) this.close(w, sec + ns * 1e-9);
    if (sec - this.sweptAt >= 1) this.sweep(sec);
  }

  /** Closes every open window (the end of the input). */
  flush(): void {
    for (const w of this.open.values()) if (w.stats.n > 0) this.close(w, w.lastSec + w.lastNs * 1e-9, true);
    this.open.clear();
    this.emit();
  }

  private countLabel(w: OpenWindow, label: number): void {
    if (!w.labels) w.labels = new Map([[w.label, w.stats.n]]);
    w.labels.set(label, (w.labels.get(label) ?? 0) + 1);
  }

  /** closes the windows of devices silent for `idleS` and forgets them, their SYN counts too (a 10 s count has then decayed to 1/64 of itself or less at the default 60 s) */
  private sweep(sec: number): void {
    this.sweptAt = sec;
    for (const [key, w] of this.open) if (sec - w.lastSec >= this.idleS) this.forget(key, w);
  }

  /** closes a silent device's open window and forgets the device (its gap and SYN counts) */
  private forget(key: number | string, w: OpenWindow): undefined {
    if (w.stats.n > 0) this.close(w, w.lastSec + w.lastNs * 1e-9);
    this.open.delete(key);
    return undefined;
  }

  private close(w: OpenWindow, time: number, cut = false): void {
    const t = this.table;
    const r = this.size;
    w.stats.write(t.data, r * FLOW_WIDTH);
    w.hosts.write(t.data, r * FLOW_WIDTH + FEATURE_COUNT, w.lastSec, w.lastNs);
    t.time[r] = time;
    t.classIndex[r] = w.labels ? mostCommon(w.labels) : w.label;
    t.device[r] = w.device;
    t.src[r] = w.src;
    t.dst[r] = w.dst;
    t.sport[r] = w.sport;
    t.dport[r] = w.dport;
    t.cut[r] = cut ? 1 : 0;
    w.stats.reset();
    this.flows++;
    if (++this.size === this.batchSize) this.emit();
  }

  private emit(): void {
    const n = this.size;
    if (n === 0) return;
    const t = this.table;
    this.onRows(
      n === this.batchSize
        ? t
        : {
            n,
            d: FLOW_WIDTH,
            data: t.data.slice(0, n * FLOW_WIDTH),
            time: t.time.slice(0, n),
            classIndex: t.classIndex.slice(0, n),
            device: t.device.slice(0, n),
            src: t.src.slice(0, n),
            dst: t.dst.slice(0, n),
            sport: t.sport.slice(0, n),
            dport: t.dport.slice(0, n),
            cut: t.cut.slice(0, n),
          },
    );
    this.table = this.allocate();
    this.size = 0;
  }

  private allocate(): PacketFlows {
    const n = this.batchSize;
    return {
      n,
      d: FLOW_WIDTH,
      data: new Float32Array(n * FLOW_WIDTH),
      time: new Float64Array(n),
      classIndex: new Int32Array(n),
      device: new Uint32Array(n),
      src: new Uint32Array(n),
      dst: new Uint32Array(n),
      sport: new Uint16Array(n),
      dport: new Uint16Array(n),
      cut: new Uint8Array(n),
    };
  }

  /** the device's name: its MAC, else its IP */
  private name(key: number | string, p: Decoded): number {
    if (p.hasMac) return this.intern(-1 - p.mac, macText(p.mac)); // negative: apart from IPv4 numbers
    return typeof key === 'string' ? this.nameOf(key) : this.nameOf(p.src4);
  }

  private nameOf(ip: number | string): number {
    return typeof ip === 'string' ? this.intern(ip, ip) : this.intern(ip, ipv4Text(ip));
  }

  private intern(key: number | string, text: string): number {
    let i = this.nameIndex.get(key);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(text);
      this.nameIndex.set(key, i);
    }
    return i;
  }
}

function mostCommon(counts: Map<number, number>): number {
  let best = -1;
  let most = -1;
  for (const [label, n] of counts) if (n > most) [best, most] = [label, n];
  return best;
}
