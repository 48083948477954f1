import { CICIOT2023_COLUMNS, CICIOT2023_TTL_ALIAS } from './cic-columns';
import { cicLabelColumn, knownNumericColumns } from './ciciomt2024';
import { overlap, type ClassInfo, type Dialect } from './dialect';

const CLASSES = [
  'BenignTraffic',
  'DDoS-ACK_Fragmentation',
  'DDoS-HTTP_Flood',
  'DDoS-ICMP_Flood',
  'DDoS-ICMP_Fragmentation',
  'DDoS-PSHACK_Flood',
  'DDoS-RSTFINFlood',
  'DDoS-SlowLoris',
  'DDoS-SynonymousIP_Flood',
  'DDoS-SYN_Flood',
  'DDoS-TCP_Flood',
  'DDoS-UDP_Flood',
  'DDoS-UDP_Fragmentation',
  'DoS-HTTP_Flood',
  'DoS-SYN_Flood',
  'DoS-TCP_Flood',
  'DoS-UDP_Flood',
  'Mirai-greeth_flood',
  'Mirai-greip_flood',
  'Mirai-udpplain',
  'Recon-HostDiscovery',
  'Recon-OSScan',
  'Recon-PingSweep',
  'Recon-PortScan',
  'VulnerabilityScan',
  'DNS_Spoofing',
  'MITM-ArpSpoofing',
  'DictionaryBruteForce',
  'BrowserHijacking',
  'CommandInjection',
  'SqlInjection',
  'XSS',
  'Backdoor_Malware',
  'Uploading_Attack',
];

const FAMILY_BY_PREFIX: [RegExp, string][] = [
  [/^DDoS/i, 'DDoS'],
  [/^DoS/i, 'DoS'],
  [/^Mirai/i, 'Mirai'],
  [/^Recon|^VulnerabilityScan/i, 'Recon'],
  [/Spoofing/i, 'Spoofing'],
  [/BruteForce/i, 'BruteForce'],
  [/Hijacking|Injection|XSS|Backdoor|Uploading/i, 'Web'],
];

function category(className: string): ClassInfo {
  if (/benign/i.test(className)) return { benign: true, family: 'Benign' };
  const hit = FAMILY_BY_PREFIX.find(([re]) => re.test(className));
  return { benign: false, family: hit ? hit[1] : 'Other' };
}

const FEATURES = [...CICIOT2023_COLUMNS, CICIOT2023_TTL_ALIAS];

export const ciciot2023: Dialect = {
  id: 'ciciot2023',
  name: 'CICIoT2023 (46 features + label)',
  detect: (header) => {
    // flow_duration and urg_count are what set it apart from the CICIoMT2024 releases
    if (!header.includes('flow_duration') && !header.includes('urg_count')) return 0;
    const ttlRelease = header.includes(CICIOT2023_TTL_ALIAS) ? 1 : 0;
    return overlap(
      header,
      CICIOT2023_COLUMNS.filter((c) => !(ttlRelease && c === 'Duration')),
    );
  },
  featureColumns: knownNumericColumns(FEATURES),
  labelColumn: cicLabelColumn,
  timeColumn: () => null,
  labelOf: (cell) => (cell === null ? null : cell.trim() || null),
  classes: CLASSES,
  category,
  defaultExclusions: {},
};
