/**
 * Names the protocol of a flow from its raw feature values, for the dashboards' traffic
 * by protocol and for the `protocol` tag of line-protocol exports.
 *
 * - CIC releases (CICIoMT2024, CICIoT2023) carry per-flow indicator fractions: `TCP`,
 *   `UDP`, `ICMP`, `ARP` and application protocols (`HTTP`, `HTTPS`, `DNS`, …, TCP or
 *   UDP underneath). The largest fraction names the flow; ties go to the first of
 *   TCP, UDP, ICMP, ARP. An `MQTT` indicator column, where a source has one, names the
 *   flow MQTT when it exceeds one half (MQTT is TCP underneath; no CIC feature names it).
 * - Where every indicator is 0 or missing, `Protocol Type` (or a numeric `proto` /
 *   `protocol` column) is read as an IP protocol number: 6 TCP, 17 UDP, 1 and 58 ICMP.
 *   CIC averages it over a window, so the nearest whole number is taken.
 * - BoT-IoT's categorical `proto` is named from its category names (`tcp`, `udp`,
 *   `icmp`, `ipv6-icmp`, `arp`, `rarp`, …) when they are given.
 * - Anything else is "Other".
 */

/** The protocol names, in the order the live summary lists them. */
export const PROTOCOLS = ['TCP', 'UDP', 'ICMP', 'ARP', 'MQTT', 'Other'] as const;
export type ProtocolName = (typeof PROTOCOLS)[number];

const TCP = 0;
const UDP = 1;
const ICMP = 2;
const ARP = 3;
const MQTT = 4;
const OTHER = 5;

/** indicator columns and the protocol each one counts for */
const INDICATORS: Record<string, number> = {
  TCP,
  HTTP: TCP,
  HTTPS: TCP,
  Telnet: TCP,
  SMTP: TCP,
  SSH: TCP,
  IRC: TCP,
  UDP,
  DNS: UDP,
  DHCP: UDP,
  ICMP,
  ARP,
};

const IP_PROTOCOL_COLUMNS = ['Protocol Type', 'protocol_type', 'proto', 'Proto', 'protocol', 'Protocol'];

/** IANA protocol number → protocol index */
function fromIpNumber(v: number): number {
  if (!(v === v) || !Number.isFinite(v)) return OTHER;
  const k = Math.round(v);
  if (k === 6) return TCP;
  if (k === 17) return UDP;
  if (k === 1 || k === 58) return ICMP;
  return OTHER;
}

/** a category name (BoT-IoT `proto`) → protocol index */
function protocolOfName(name: string): number {
  const s = name.trim().toLowerCase();
  if (s === 'tcp') return TCP;
  if (s === 'udp') return UDP;
  if (s === 'icmp' || s === 'ipv6-icmp' || s === 'icmpv6' || s === 'icmp6') return ICMP;
  if (s === 'arp' || s === 'rarp') return ARP;
  if (s === 'mqtt') return MQTT;
  return OTHER;
}

/**
 * A function naming row `row` of a row-major feature matrix with these columns, as an
 * index into `PROTOCOLS`. Build it once per schema; per row it reads a few columns.
 * `categories` gives the category names of categorical columns (codes index them).
 */
export function protocolIndexer(
  columns: readonly string[],
  categories?: Readonly<Record<string, readonly string[]>>,
): (features: ArrayLike<number>, row: number) => number {
  const d = columns.length;
  const indicatorCols: number[] = [];
  const indicatorProto: number[] = [];
  columns.forEach((name, j) => {
    const p = INDICATORS[name];
    if (p !== undefined) {
      indicatorCols.push(j);
      indicatorProto.push(p);
    }
  });
  const mqttCol = columns.indexOf('MQTT');
  let ipCol = -1;
  let ipNames: number[] | null = null;
  for (const name of IP_PROTOCOL_COLUMNS) {
    const j = columns.indexOf(name);
    if (j === -1) continue;
    ipCol = j;
    const cats = categories?.[name];
    if (cats) ipNames = cats.map(protocolOfName);
    break;
  }
  const best = new Float64Array(4);

  return (x, row) => {
    const base = row * d;
    if (mqttCol >= 0 && x[base + mqttCol] > 0.5) return MQTT;
    if (indicatorCols.length) {
      best.fill(0);
      for (let k = 0; k < indicatorCols.length; k++) {
        const v = x[base + indicatorCols[k]];
        const p = indicatorProto[k];
        if (v > best[p]) best[p] = v; // NaN compares false: missing counts as 0
      }
      let pick = -1;
      let top = 0;
      for (let p = 0; p < 4; p++) {
        if (best[p] > top) {
          top = best[p];
          pick = p;
        }
      }
      if (pick >= 0) return pick;
    }
    if (ipCol >= 0) {
      const v = x[base + ipCol];
      if (ipNames) return v >= 0 && v < ipNames.length && Number.isInteger(v) ? ipNames[v] : OTHER;
      return fromIpNumber(v);
    }
    return OTHER;
  };
}

/** The protocol name of one flow, given its feature values in column order. */
export function flowProtocol(columns: readonly string[], values: ArrayLike<number>, categories?: Readonly<Record<string, readonly string[]>>): ProtocolName {
  return PROTOCOLS[protocolIndexer(columns, categories)(values, 0)];
}
