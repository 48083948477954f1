/**
 * What traffic looks like, as packet mixes per kind of window. Calibrated against the
 * newer CICIoMT2024 release's rows (see docs/calibration.md): the constants below are
 * packet sizes, header lengths, TTLs and packet gaps read off that sample's summary
 * statistics, never its rows.
 */
import type { PacketSpec, WindowSpec } from './packets';

// ---- packet helpers ----------------------------------------------------------------
type Extra = Partial<Omit<PacketSpec, 'p' | 'proto' | 'size' | 'flags'>>;
const tcp = (p: number, flags: string, size: PacketSpec['size'], extra: Extra = {}): PacketSpec => ({ p, proto: 'tcp', flags, size, hl: 32, ...extra });
const udp = (p: number, size: PacketSpec['size'], extra: Extra = {}): PacketSpec => ({ p, proto: 'udp', size, ...extra });
const arp = (p: number, size: PacketSpec['size'] = 60): PacketSpec => ({ p, proto: 'arp', size });
const icmp = (p: number, size: PacketSpec['size'] = 60, extra: Extra = {}): PacketSpec => ({ p, proto: 'icmp', size, ...extra });

/** MQTT messages a device publishes (PUBLISH with payload) */
const MQTT_PUBLISH_SIZES = [68, 74, 85, 90, 95, 95, 96, 98, 101, 104, 110, 111, 111, 111, 111, 111, 246];
/** remote peers' TTLs seen on a hospital LAN (Linux 64, Windows 128, appliances 255, routed hosts 56–60) */
const REMOTE_TTLS = [64, 64, 64, 56, 60, 128, 255];

// ---- benign windows ----------------------------------------------------------------
export const BENIGN_WINDOWS = {
  /** an MQTT client talking to the broker: PUBLISH + ACK, bursts of keep-alive and QoS traffic */
  mqttSession: {
    name: 'mqtt-session',
    weight: 1,
    packets: 10,
    background: 0.03,
    order: 'cycle',
    mix: [tcp(0.5, 'PA', { wpick: MQTT_PUBLISH_SIZES }), tcp(0.5, 'A', 66, { inbound: 1 })],
    iat: { lo: 1e-5, hi: 3e-3, jitter: 0.3, gap: [0.04, 1e-3, 0.05] },
  },
  /** the broker acknowledging a burst of messages */
  mqttAcks: {
    name: 'mqtt-acks',
    weight: 1,
    packets: 10,
    mix: [tcp(0.9, 'A', 66), tcp(0.1, 'PA', 68)],
    iat: { lo: 6e-6, hi: 3e-4, jitter: 0.2 },
  },
  /** periodic vital-sign telemetry at 10 Hz, with an occasional burst (retransmission, batch) */
  telemetry: {
    name: 'telemetry-10hz',
    weight: 1,
    packets: 10,
    background: 0.02,
    order: 'cycle',
    mix: [tcp(0.5, 'PA', { wpick: [85, 90, 95, 98, 101, 104, 111, 111, 120, 140, 260] }), tcp(0.5, 'A', 66, { inbound: 1 })],
    iat: { lo: 0.0995, hi: 0.1008, jitter: 0.002, gap: [0.1, 3e-4, 0.03] },
    ttl: { remote: REMOTE_TTLS },
  },
  /** telemetry with a larger UDP report (an alarm, a waveform chunk) in the window */
  telemetryReport: {
    name: 'telemetry-with-report',
    weight: 1,
    packets: 10,
    background: 0.03,
    mix: [tcp(0.45, 'PA', { wpick: [85, 95, 101, 111, 111, 140] }), tcp(0.45, 'A', 66, { inbound: 1 }), udp(0.1, { log: [214, 932] }, { inbound: 1 })],
    iat: { lo: 0.0995, hi: 0.1008, jitter: 0.002, gap: [0.1, 3e-4, 0.03] },
    ttl: { remote: REMOTE_TTLS },
  },
  /** a nurse station downloading a record or an image over HTTP */
  httpDownload: {
    name: 'http-download',
    weight: 1,
    packets: 10,
    mix: [tcp(0.9, 'A', 1514, { app: 'HTTP', inbound: 1 }), tcp(0.1, 'PA', 1514, { app: 'HTTP', inbound: 1 })],
    iat: { lo: 9e-5, hi: 1.45e-4, jitter: 0.1 },
    ttl: { remote: [56] },
  },
  /** a wearable's sensor stream relayed over UDP at about 50–60 Hz */
  udpStream: {
    name: 'udp-sensor-stream',
    weight: 1,
    packets: 10,
    background: 0.01,
    mix: [udp(0.8, 100), udp(0.2, { log: [103, 214] })],
    iat: { lo: 0.0165, hi: 0.0205, jitter: 0.05, gap: [0.03, 1e-3, 9e-3] },
  },
  /** web sessions (HTTPS) of staff workstations */
  https: {
    name: 'https-session',
    weight: 1,
    packets: 10,
    background: 0.05,
    mix: [
      tcp(0.25, 'PA', { wlog: [100, 1400] }, { app: 'HTTPS' }),
      tcp(0.2, 'A', 66, { app: 'HTTPS', inbound: 1 }),
      tcp(0.3, 'PA', { wlog: [100, 1400] }),
      tcp(0.15, 'A', 66, { inbound: 1 }),
      udp(0.1, { log: [74, 600] }, { inbound: 0.5 }),
    ],
    iat: { lo: 1e-3, hi: 0.1, jitter: 0.5 },
    ttl: { remote: REMOTE_TTLS },
  },
  /** the LAN's housekeeping: ARP, DNS, DHCP, with some MQTT */
  housekeeping: {
    name: 'lan-housekeeping',
    weight: 1,
    packets: 10,
    mix: [
      arp(0.15, { pick: [42, 60] }),
      udp(0.08, [74, 110], { app: 'DNS', inbound: 0.5 }),
      udp(0.07, { log: [100, 400] }),
      udp(0.05, 342, { app: 'DHCP' }),
      tcp(0.35, 'PA', { wpick: MQTT_PUBLISH_SIZES }),
      tcp(0.3, 'A', 66, { inbound: 1 }),
    ],
    iat: { lo: 5e-3, hi: 0.1, jitter: 0.5 },
    ttl: { remote: REMOTE_TTLS },
  },
  /** a TCP connection opened or closed inside the window (handshake, teardown, a refused port) */
  connectionSetup: {
    name: 'connection-setup',
    weight: 1,
    packets: 10,
    background: 0.05,
    mix: [
      tcp(0.1, 'S', 74, { hl: 40 }),
      tcp(0.1, 'SA', 74, { hl: 40, inbound: 1 }),
      tcp(0.08, 'FA', 66),
      tcp(0.04, 'RA', 60, { hl: 20, inbound: 1 }),
      tcp(0.38, 'A', 66, { inbound: 0.5 }),
      tcp(0.3, 'PA', { wlog: [100, 1400] }, { inbound: 0.5 }),
    ],
    iat: { lo: 2e-4, hi: 0.05, jitter: 0.5 },
    ttl: { remote: REMOTE_TTLS },
  },
  /** link-layer chatter only: ARP requests and announcements, the odd DNS query */
  arpChatter: {
    name: 'arp-chatter',
    weight: 1,
    packets: 10,
    mix: [arp(0.85, { pick: [42, 60] }), udp(0.05, [74, 110], { app: 'DNS', inbound: 0.5 }), udp(0.1, { log: [90, 300] })],
    iat: { lo: 5e-3, hi: 0.5, jitter: 0.6 },
  },
} satisfies Record<string, WindowSpec>;

export type BenignWindow = keyof typeof BENIGN_WINDOWS;

/** Kinds of device on the ward and the share of each kind of window they send. */
export interface DeviceType {
  id: string;
  description: string;
  windows: Partial<Record<BenignWindow, number>>;
  /** flow rows per second at full load */
  rowsPerSecond: number;
  /** 0: the same day and night; 1: idle at night */
  diurnal: number;
}

export const DEVICE_TYPES = {
  monitor: {
    id: 'monitor',
    description: 'bedside patient monitor publishing vital signs',
    windows: { telemetry: 0.54, telemetryReport: 0.2, mqttSession: 0.24, connectionSetup: 0.02 },
    rowsPerSecond: 0.5,
    diurnal: 0.1,
  },
  pump: {
    id: 'pump',
    description: 'infusion pump reporting its state',
    windows: { telemetry: 0.54, telemetryReport: 0.2, mqttSession: 0.24, connectionSetup: 0.02 },
    rowsPerSecond: 0.25,
    diurnal: 0.2,
  },
  wearable: {
    id: 'wearable',
    description: 'wearable sensor streaming through the gateway',
    windows: { udpStream: 0.6, telemetry: 0.25, mqttSession: 0.15 },
    rowsPerSecond: 0.2,
    diurnal: 0.3,
  },
  broker: {
    id: 'mqtt-broker',
    description: 'MQTT broker all devices publish to',
    windows: { mqttSession: 0.85, mqttAcks: 0.15 },
    rowsPerSecond: 2.2,
    diurnal: 0.2,
  },
  gateway: {
    id: 'gateway',
    description: 'IoMT gateway and router',
    windows: { housekeeping: 0.45, udpStream: 0.2, arpChatter: 0.3, connectionSetup: 0.05 },
    rowsPerSecond: 0.6,
    diurnal: 0.3,
  },
  nurseStation: {
    id: 'nurse-station',
    description: 'nurse station workstation (records, images, web)',
    windows: { httpDownload: 0.5, https: 0.28, housekeeping: 0.12, connectionSetup: 0.06, arpChatter: 0.04 },
    rowsPerSecond: 1,
    diurnal: 0.6,
  },
  intruder: { id: 'intruder', description: 'a device that should not be on the network (sends nothing of its own)', windows: {}, rowsPerSecond: 0, diurnal: 0 },
} satisfies Record<string, DeviceType>;

// ---- attack windows ----------------------------------------------------------------
/** SYN probes as nmap sends them (MSS option: 24-byte header), and the replies */
const SYN_PROBE = (p: number, extra: Extra = {}) => tcp(p, 'S', 60, { hl: 24, ...extra });
const RST_REPLY = (p: number, extra: Extra = {}) => tcp(p, 'RA', 60, { hl: 20, inbound: 1, ...extra });
/** a scanner's TTLs (nmap varies them; some probes cross a router) */
const SCANNER_TTLS = [64, 64, 64, 64, 41, 44, 46, 48, 49, 50, 52, 255];

/** Background-like windows that sit in every attack capture (the victim's own traffic, relayed or disturbed). */
const collateral = (weight: number): WindowSpec => ({
  ...BENIGN_WINDOWS.mqttSession,
  name: 'collateral-mqtt',
  weight,
  iat: { lo: 2e-4, hi: 0.1, jitter: 0.4 },
});

export const ATTACK_WINDOWS: Record<string, WindowSpec[]> = {
  ARP_Spoofing: [
    {
      name: 'relayed-https',
      weight: 0.4,
      packets: 10,
      background: 0.02,
      mix: [
        tcp(0.5, 'PA', { wlog: [1000, 4400] }, { app: 'HTTPS', inbound: 0.5 }),
        tcp(0.4, 'A', { pick: [60, 66] }, { app: 'HTTPS', inbound: 0.5 }),
        tcp(0.05, 'A', 60, { hl: 20 }),
        arp(0.05),
      ],
      iat: { lo: 1.4e-4, hi: 8e-3, jitter: 0.4 },
      ttl: { local: [64], remote: [64, 128, 186, 242, 244, 61] },
    },
    {
      name: 'relayed-udp-media',
      weight: 0.28,
      packets: 10,
      background: 0.02,
      mix: [udp(0.4, { wpick: [86, 118, 214] }), udp(0.55, { w: [486, 1414] }), arp(0.05)],
      iat: { lo: 2e-4, hi: 0.019, jitter: 0.3 },
    },
    {
      name: 'relayed-mqtt',
      weight: 0.18,
      packets: 10,
      background: 0.03,
      mix: [tcp(0.5, 'PA', { wlog: [66, 2960] }), tcp(0.45, 'A', 66, { inbound: 1 }), arp(0.05)],
      iat: { lo: 1.5e-5, hi: 8e-3, jitter: 0.4 },
    },
    {
      name: 'arp-poisoning',
      weight: 0.14,
      packets: 10,
      background: 0.05,
      mix: [
        arp(0.2),
        tcp(0.25, 'PA', { wlog: [66, 1500] }, { app: 'HTTPS' }),
        tcp(0.25, 'A', 66, { inbound: 1 }),
        tcp(0.1, 'S', 74, { hl: 40 }),
        tcp(0.05, 'FA', 66),
        udp(0.15, [74, 110], { app: 'DNS' }),
      ],
      iat: { lo: 1e-4, hi: 0.1, jitter: 0.6 },
      ttl: { remote: REMOTE_TTLS },
    },
  ],
  'MQTT-DDoS-Connect_Flood': [
    {
      name: 'connect-flood',
      weight: 1,
      packets: 10,
      mix: [
        tcp(0.18, 'S', 74, { hl: 40 }),
        tcp(0.25, 'A', 66),
        tcp(0.1, 'PA', 83),
        tcp(0.08, 'PA', 70, { inbound: 1 }),
        tcp(0.17, 'FA', 66),
        tcp(0.07, 'RA', 60, { hl: 20, inbound: 1, pw: [0, 0.45] }),
        tcp(0.1, 'A', 66, { inbound: 1 }),
      ],
      iat: { lo: 1.5e-6, hi: 9e-5, jitter: 0.3, zeroAll: 0.08, zero: 0.002 },
    },
  ],
  'MQTT-DoS-Connect_Flood': [
    {
      name: 'connect-flood',
      weight: 1,
      packets: 10,
      mix: [
        tcp(0.2, 'S', 74, { hl: 40 }),
        tcp(0.25, 'A', 66),
        tcp(0.12, 'PA', 83),
        tcp(0.1, 'PA', 70, { inbound: 1 }),
        tcp(0.05, 'FA', 66),
        tcp(0.12, 'RA', { pick: [60, 66, 66, 66] }, { hl: 32, inbound: 1, pw: [0, 0.25] }),
        tcp(0.1, 'A', 66, { inbound: 1 }),
      ],
      iat: { lo: 3e-5, hi: 3e-3, jitter: 0.3, zeroAll: 0.008, zero: 0.002 },
    },
  ],
  'MQTT-DDoS-Publish_Flood': [
    { name: 'broker-acks', weight: 0.2, packets: 10, mix: [tcp(1, 'A', 66, { inbound: 1 })], iat: { lo: 2e-6, hi: 5e-4, jitter: 0.3, zeroAll: 0.05 } },
    {
      name: 'publish-flood',
      weight: 0.8,
      packets: 10,
      mix: [tcp(0.55, 'PA', { wpick: [175, 175, 284, 502, 720, 876, 938] }), tcp(0.2, 'PA', 1514), tcp(0.35, 'A', 66, { inbound: 1 })],
      iat: { lo: 2e-6, hi: 5e-4, jitter: 0.3, zeroAll: 0.01 },
    },
  ],
  'MQTT-DoS-Publish_Flood': [
    { name: 'broker-acks', weight: 0.28, packets: 10, mix: [tcp(1, 'A', 66, { inbound: 1 })], iat: { lo: 1.5e-6, hi: 5e-4, jitter: 0.3, zeroAll: 0.1 } },
    {
      name: 'publish-flood',
      weight: 0.72,
      packets: 10,
      mix: [tcp(0.6, 'PA', { wpick: [175, 175, 284, 502, 720, 938] }), tcp(0.15, 'PA', 1514), tcp(0.3, 'A', 66, { inbound: 1 })],
      iat: { lo: 1.5e-6, hi: 5e-4, jitter: 0.3, zeroAll: 0.02 },
    },
  ],
  'MQTT-Malformed_Data': [
    {
      name: 'malformed-payloads',
      weight: 0.3,
      packets: 10,
      mix: [tcp(0.03, 'PA', 1494, { app: 'HTTPS' }), tcp(0.97, 'A', 1494, { app: 'HTTPS', inbound: 1 })],
      iat: { lo: 2e-5, hi: 2e-3, jitter: 0.3 },
      ttl: { remote: [64, 248] },
    },
    {
      name: 'malformed-session',
      weight: 0.5,
      packets: 10,
      background: 0.02,
      mix: [tcp(0.33, 'PA', { wpick: [70, 89, 111, 246] }), tcp(0.6, 'A', 66, { inbound: 1 }), tcp(0.05, 'PA', 1494, { app: 'HTTPS' })],
      iat: { lo: 2e-5, hi: 0.1, jitter: 0.4 },
      ttl: { remote: [64, 64, 248] },
    },
    {
      name: 'broker-resets',
      weight: 0.2,
      packets: 10,
      mix: [
        tcp(0.2, 'S', 60, { hl: 24 }),
        tcp(0.2, 'FA', 66),
        tcp(0.2, 'RA', 60, { hl: 20, inbound: 1 }),
        tcp(0.2, 'PA', { wpick: [66, 111] }),
        tcp(0.2, 'A', 66),
      ],
      iat: { lo: 2e-5, hi: 1e-2, jitter: 0.4 },
      ttl: { remote: [64, 248] },
    },
  ],
  'Recon-OS_Scan': [
    {
      name: 'syn-probes',
      weight: 0.41,
      packets: 10,
      mix: [SYN_PROBE(0.97), tcp(0.03, 'SEC', 60, { hl: 24 })],
      iat: { lo: 2e-6, hi: 2e-3, jitter: 0.5, zeroAll: 0.2 },
      ttl: { local: SCANNER_TTLS },
    },
    { name: 'rst-replies', weight: 0.35, packets: 10, mix: [RST_REPLY(1)], iat: { lo: 2e-6, hi: 2e-3, jitter: 0.5, zeroAll: 0.2 } },
    {
      name: 'service-probes',
      weight: 0.06,
      packets: 10,
      background: 0.05,
      mix: [
        tcp(0.3, 'PA', { wlog: [70, 1500] }, { app: 'SSH' }),
        tcp(0.3, 'A', 66),
        SYN_PROBE(0.2),
        RST_REPLY(0.1),
        tcp(0.03, 'S', 60, { app: 'Telnet', hl: 24 }),
        tcp(0.03, 'S', 60, { app: 'SMTP', hl: 24 }),
        tcp(0.03, 'S', 60, { app: 'IRC', hl: 24 }),
      ],
      iat: { lo: 1e-5, hi: 0.1, jitter: 0.5 },
    },
    collateral(0.18),
  ],
  'Recon-Port_Scan': [
    {
      name: 'syn-probes',
      weight: 0.38,
      packets: 10,
      mix: [SYN_PROBE(1)],
      iat: { lo: 1e-6, hi: 1e-3, jitter: 0.5, zeroAll: 0.25 },
      ttl: { local: SCANNER_TTLS },
    },
    { name: 'rst-replies', weight: 0.38, packets: 10, mix: [RST_REPLY(1)], iat: { lo: 1e-6, hi: 1e-3, jitter: 0.5, zeroAll: 0.25 } },
    {
      name: 'probe-and-reply',
      weight: 0.14,
      packets: 10,
      mix: [SYN_PROBE(0.4), RST_REPLY(0.5), udp(0.1, 60)],
      iat: { lo: 1e-6, hi: 4e-3, jitter: 0.5, zeroAll: 0.1 },
      ttl: { local: SCANNER_TTLS },
    },
    { name: 'udp-probes', weight: 0.04, packets: 10, mix: [udp(0.8, { wpick: [60, 86, 486] }), SYN_PROBE(0.2)], iat: { lo: 1e-5, hi: 4e-3, jitter: 0.5 } },
    collateral(0.06),
  ],
  'Recon-Ping_Sweep': [
    { name: 'arp-sweep', weight: 0.55, packets: 10, mix: [arp(0.9), icmp(0.05, 60), tcp(0.05, 'A', 66)], iat: { lo: 1e-4, hi: 0.012, jitter: 0.3 } },
    {
      name: 'echo-sweep',
      weight: 0.1,
      packets: 10,
      mix: [icmp(0.3, { pick: [60, 98] }), arp(0.4), tcp(0.3, 'PA', 111)],
      iat: { lo: 1e-3, hi: 0.1, jitter: 0.3 },
    },
    collateral(0.35),
  ],
  'Recon-VulScan': [
    {
      name: 'http-checks',
      weight: 0.45,
      packets: 10,
      background: 0.04,
      mix: [tcp(0.5, 'PA', { wlog: [100, 1514] }), tcp(0.5, 'A', 66, { inbound: 1 }), tcp(0.05, 'PA', { wlog: [100, 900] }, { app: 'HTTPS' })],
      iat: { lo: 1e-5, hi: 0.34, jitter: 0.5 },
      ttl: { remote: [64, 64, 128, 255, 255] },
    },
    {
      name: 'syn-probes',
      weight: 0.2,
      packets: 10,
      mix: [SYN_PROBE(0.9), RST_REPLY(0.1)],
      iat: { lo: 1e-6, hi: 5e-3, jitter: 0.5, zeroAll: 0.2 },
      ttl: { local: SCANNER_TTLS },
    },
    { name: 'rst-replies', weight: 0.15, packets: 10, mix: [RST_REPLY(0.6), tcp(0.4, 'A', 66, { inbound: 1 })], iat: { lo: 1e-6, hi: 5e-3, jitter: 0.5 } },
    {
      name: 'tls-probes',
      weight: 0.2,
      packets: 10,
      background: 0.05,
      mix: [tcp(0.5, 'PA', { wlog: [100, 900] }, { app: 'HTTPS' }), tcp(0.5, 'A', 66, { app: 'HTTPS', inbound: 1 }), udp(0.1, [74, 110], { app: 'DNS' })],
      iat: { lo: 1e-4, hi: 0.34, jitter: 0.5 },
      ttl: { remote: REMOTE_TTLS },
    },
  ],
  'TCP_IP-DDoS-ICMP': [
    {
      name: 'icmp-flood',
      weight: 1,
      packets: 100,
      background: 0.002,
      mix: [icmp(1), icmp(0, 60, { inbound: 1, pw: [0, 0.004] })],
      iat: { lo: 4.7e-6, hi: 4.6e-5, jitter: 0.05 },
      ttl: { remote: [255] },
    },
  ],
  'TCP_IP-DoS-ICMP': [
    {
      name: 'icmp-flood',
      weight: 1,
      packets: 100,
      background: 0.002,
      mix: [icmp(1), icmp(0, 60, { inbound: 1, pw: [0, 0.0012] })],
      iat: { lo: 3.4e-5, hi: 5.5e-5, jitter: 0.05, gap: [0.01, 1e-5, 3e-5] },
      ttl: { remote: [255] },
    },
  ],
  'TCP_IP-DDoS-SYN': [
    { name: 'syn-flood', weight: 0.55, packets: 100, background: 0.001, mix: [tcp(1, 'S', 60, { hl: 20 })], iat: { lo: 5e-6, hi: 4.3e-5, jitter: 0.05 } },
    {
      name: 'syn-flood-replies',
      weight: 0.45,
      packets: 100,
      background: 0.001,
      mix: [
        tcp(0.5, 'S', 60, { hl: 20, pw: [0.25, 1] }),
        tcp(0.25, 'RA', 60, { hl: 20, inbound: 1, pw: [0, 0.7] }),
        tcp(0.1, 'SA', 60, { hl: 24, inbound: 1, pw: [0, 0.3] }),
      ],
      iat: { lo: 5e-6, hi: 4.3e-5, jitter: 0.05 },
    },
  ],
  'TCP_IP-DoS-SYN': [
    { name: 'syn-flood', weight: 0.095, packets: 100, background: 0.001, mix: [tcp(1, 'S', 60, { hl: 20 })], iat: { lo: 1.7e-5, hi: 9.5e-5, jitter: 0.05 } },
    {
      name: 'syn-and-syn-ack',
      weight: 0.22,
      packets: 100,
      background: 0.001,
      mix: [tcp(0.5, 'S', 60, { hl: 20, pw: [0.3, 0.9] }), tcp(0.5, 'SA', 60, { hl: 24, inbound: 1, pw: [0.1, 0.6] })],
      iat: { lo: 1.7e-5, hi: 9.5e-5, jitter: 0.05 },
    },
    {
      name: 'syn-syn-ack-reset',
      weight: 0.685,
      packets: 100,
      background: 0.001,
      mix: [
        tcp(0.4, 'S', 60, { hl: 20, pw: [0.2, 0.6] }),
        tcp(0.4, 'SA', 60, { hl: 24, inbound: 1, pw: [0.2, 0.6] }),
        tcp(0.2, 'R', 60, { hl: 20, pw: [0.05, 0.5] }),
      ],
      iat: { lo: 1.7e-5, hi: 9.5e-5, jitter: 0.05 },
    },
  ],
  'TCP_IP-DDoS-TCP': [
    { name: 'tcp-flood', weight: 1, packets: 100, background: 0.001, mix: [tcp(1, '', 60, { hl: 20 })], iat: { lo: 9e-6, hi: 3.9e-5, jitter: 0.05 } },
  ],
  'TCP_IP-DoS-TCP': [
    { name: 'tcp-flood', weight: 1, packets: 100, background: 0.001, mix: [tcp(1, '', 60, { hl: 20 })], iat: { lo: 3e-5, hi: 1.2e-4, jitter: 0.05 } },
  ],
  'TCP_IP-DDoS-UDP': [{ name: 'udp-flood', weight: 1, packets: 100, background: 0.001, mix: [udp(1, 60)], iat: { lo: 9e-6, hi: 3.5e-5, jitter: 0.05 } }],
  'TCP_IP-DoS-UDP': [{ name: 'udp-flood', weight: 1, packets: 100, background: 0.001, mix: [udp(1, 60)], iat: { lo: 2.5e-5, hi: 8e-5, jitter: 0.05 } }],
};
