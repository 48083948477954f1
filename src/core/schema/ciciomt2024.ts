import { CICIOMT_V1_COLUMNS, CICIOMT_V2_COLUMNS, CIC_LABEL_COLUMNS, HOST_COUNT_COLUMNS } from './cic-columns';
import { baseName, firstPresent, overlap, type ClassInfo, type Dialect } from './dialect';

/** Classes as CIC names its files, benign first. TCP_IP part numbers (ICMP1/ICMP2) are folded. */
const CLASSES = [
  'Benign',
  'Bluetooth_Benign',
  'ARP_Spoofing',
  'MQTT-DDoS-Connect_Flood',
  'MQTT-DDoS-Publish_Flood',
  'MQTT-DoS-Connect_Flood',
  'MQTT-DoS-Publish_Flood',
  'MQTT-Malformed_Data',
  'Recon-OS_Scan',
  'Recon-Ping_Sweep',
  'Recon-Port_Scan',
  'Recon-VulScan',
  'TCP_IP-DDoS-ICMP',
  'TCP_IP-DDoS-SYN',
  'TCP_IP-DDoS-TCP',
  'TCP_IP-DDoS-UDP',
  'TCP_IP-DoS-ICMP',
  'TCP_IP-DoS-SYN',
  'TCP_IP-DoS-TCP',
  'TCP_IP-DoS-UDP',
  'Bluetooth_DoS',
];

/**
 * The class in a CICIoMT2024 label cell or base file name: `ARP_Spoofing_test.pcap.csv`,
 * `WiFi_and_MQTT_test_Benign_test.pcap`, `TCP_IP-DDoS-ICMP1_train.pcap.csv`, … A label
 * cell is taken whole (`a/b` is the class `a/b`); only file names lose their folders.
 */
export function ciciomtClass(text: string): string | null {
  let name = text
    .trim()
    .replace(/\.gz$/i, '')
    .replace(/\.csv$/i, '')
    .replace(/\.pcap$/i, '')
    .replace(/^(WiFi_and_MQTT|WiFI_and_MQTT|Bluetooth)_(train|test)_/i, (_m, medium: string) => (/^bluetooth$/i.test(medium) ? 'Bluetooth_' : ''))
    .replace(/_(train|test)$/i, '');
  if (!name) return null;
  if (/^TCP_IP-/i.test(name)) name = name.replace(/\d+$/, ''); // file-part number, not another attack
  if (/^Bluetooth_Bluetooth_/i.test(name)) name = name.replace(/^Bluetooth_/i, '');
  if (/^benign$/i.test(name)) return 'Benign';
  return name;
}

function category(className: string): ClassInfo {
  if (/benign/i.test(className)) return { benign: true, family: 'Benign' };
  if (/^TCP_IP-DDoS/i.test(className)) return { benign: false, family: 'DDoS' };
  if (/^TCP_IP-DoS/i.test(className) || /^Bluetooth_DoS/i.test(className)) return { benign: false, family: 'DoS' };
  if (/^MQTT/i.test(className)) return { benign: false, family: 'MQTT' };
  if (/^Recon/i.test(className)) return { benign: false, family: 'Recon' };
  if (/spoof/i.test(className)) return { benign: false, family: 'Spoofing' };
  return { benign: false, family: 'Other' };
}

/** The class in a CICIoMT2024 file name, folders left out. */
export const ciciomtFileClass = (fileName: string) => ciciomtClass(baseName(fileName));

function labelOf(labelCell: string | null, fileName: string): string | null {
  return labelCell === null ? ciciomtFileClass(fileName) : ciciomtClass(labelCell);
}

const LEAKAGE = {
  IAT: 'timestamp-like artefact of this release (bimodal near 1.69e8): a leakage column',
};

/** Distinguishes the release by the columns only it has; the other release's columns count against it. */
function detectRelease(own: readonly string[], other: readonly string[]) {
  return (header: readonly string[], fileName: string): number => {
    if (header.includes('flow_duration')) return 0; // a CICIoT2023 file
    const mine = overlap(header, own);
    const theirs = overlap(
      header,
      other.filter((c) => !own.includes(c)),
    );
    const nameHint = ciciomtFileClass(fileName) && /\.pcap/i.test(fileName) ? 0.05 : 0;
    return Math.max(0, Math.min(1, mine - 0.5 * theirs + nameHint));
  };
}

/** Columns of the header that are among `known`, all numeric, in file order. */
export function knownNumericColumns(known: readonly string[]) {
  return (header: readonly string[]) => header.filter((h) => known.includes(h)).map((name) => ({ name, kind: 'numeric' as const }));
}

export const cicLabelColumn = (header: readonly string[]) => firstPresent(header, CIC_LABEL_COLUMNS);

/** `added`: feature columns read where a file has them, not looked for to recognise the release (the lab's own additions) */
function release(id: Dialect['id'], name: string, own: string[], other: string[], defaultExclusions: Record<string, string>, added: string[] = []): Dialect {
  return {
    id,
    name,
    detect: detectRelease(own, other),
    featureColumns: knownNumericColumns([...own, ...added]),
    labelColumn: cicLabelColumn,
    // the simulator's CSV files (src/core/sim) add the flow's simulated time in seconds
    timeColumn: (header) => (header.includes('time') ? 'time' : null),
    labelOf,
    classes: CLASSES,
    category,
    defaultExclusions,
  };
}

export const ciciomtV1 = release('ciciomt2024-v1', 'CICIoMT2024, first CSV release (45 features)', CICIOMT_V1_COLUMNS, CICIOMT_V2_COLUMNS, LEAKAGE);
// flow rows the lab made from packets (npm run features, the sensor's feeds) add the hosts' SYN counts (host_syn_1s, host_syn_10s)
export const ciciomtV2 = release(
  'ciciomt2024-v2',
  'CICIoMT2024, newer CSV release (39 features, Time_To_Live)',
  CICIOMT_V2_COLUMNS,
  CICIOMT_V1_COLUMNS,
  {},
  HOST_COUNT_COLUMNS,
);
