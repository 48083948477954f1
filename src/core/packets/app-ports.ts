/**
 * Application protocols by port, as the CIC feature columns name them (plus MQTT, which
 * has no column but which a hospital's IoMT traffic is mostly made of). A packet is of an
 * application when its destination port, else its source port, is one of the application's.
 */
export const APPS = ['HTTP', 'HTTPS', 'DNS', 'Telnet', 'SMTP', 'SSH', 'IRC', 'DHCP', 'MQTT'] as const;
export type App = (typeof APPS)[number];

const TCP_PORTS: Record<App, number[]> = {
  HTTP: [80, 8080],
  HTTPS: [443],
  DNS: [53],
  Telnet: [23],
  SMTP: [25, 465, 587],
  SSH: [22],
  // the first port of each list is the one a simulated packet uses
  IRC: [6667, 194, 6660, 6661, 6662, 6663, 6664, 6665, 6666, 6668, 6669, 6697],
  DHCP: [],
  MQTT: [1883, 8883],
};
const UDP_PORTS: Partial<Record<App, number[]>> = { DNS: [53], DHCP: [67, 68], HTTPS: [443] };

function table(ports: Partial<Record<App, number[]>>): Uint8Array {
  const t = new Uint8Array(65536);
  APPS.forEach((app, i) => {
    for (const p of ports[app] ?? []) t[p] = i + 1;
  });
  return t;
}

/** port → 1 + index into APPS (0: none), for TCP and for UDP */
export const TCP_APP = table(TCP_PORTS);
export const UDP_APP = table(UDP_PORTS);

/** The application of a TCP or UDP packet by its ports: 1 + index into APPS, 0 for none. */
export function appOf(udp: boolean, sport: number, dport: number): number {
  const t = udp ? UDP_APP : TCP_APP;
  return t[dport] || t[sport];
}

/** The port a simulated packet of an application uses: its first on that transport, else on the other. */
export function portOf(app: App, udp: boolean): number {
  const [first, other] = udp ? [UDP_PORTS[app], TCP_PORTS[app]] : [TCP_PORTS[app], UDP_PORTS[app]];
  return first?.[0] ?? other![0];
}
