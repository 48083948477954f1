/**
 * The attacks the simulator can stage: every WiFi/MQTT class of the newer CICIoMT2024
 * release, named exactly as its v2 dialect names them (TCP_IP file parts folded), with how
 * a caption says it and how many flow rows per second it makes at intensity 1.
 */
import { ciciomtV2 } from '../schema';
import { ATTACK_WINDOWS } from './profiles';

export type AttackClass =
  | 'ARP_Spoofing'
  | 'MQTT-DDoS-Connect_Flood'
  | 'MQTT-DDoS-Publish_Flood'
  | 'MQTT-DoS-Connect_Flood'
  | 'MQTT-DoS-Publish_Flood'
  | 'MQTT-Malformed_Data'
  | 'Recon-OS_Scan'
  | 'Recon-Ping_Sweep'
  | 'Recon-Port_Scan'
  | 'Recon-VulScan'
  | 'TCP_IP-DDoS-ICMP'
  | 'TCP_IP-DDoS-SYN'
  | 'TCP_IP-DDoS-TCP'
  | 'TCP_IP-DDoS-UDP'
  | 'TCP_IP-DoS-ICMP'
  | 'TCP_IP-DoS-SYN'
  | 'TCP_IP-DoS-TCP'
  | 'TCP_IP-DoS-UDP';

export interface AttackInfo {
  /** what a caption calls it */
  label: string;
  /** flow rows per second at intensity 1 */
  rowsPerSecond: number;
}

export const ATTACKS: Record<AttackClass, AttackInfo> = {
  ARP_Spoofing: { label: 'ARP spoofing', rowsPerSecond: 6 },
  'MQTT-DDoS-Connect_Flood': { label: 'MQTT connect flood (DDoS)', rowsPerSecond: 30 },
  'MQTT-DDoS-Publish_Flood': { label: 'MQTT publish flood (DDoS)', rowsPerSecond: 30 },
  'MQTT-DoS-Connect_Flood': { label: 'MQTT connect flood (DoS)', rowsPerSecond: 12 },
  'MQTT-DoS-Publish_Flood': { label: 'MQTT publish flood (DoS)', rowsPerSecond: 15 },
  'MQTT-Malformed_Data': { label: 'malformed MQTT data', rowsPerSecond: 4 },
  'Recon-OS_Scan': { label: 'OS fingerprinting scan', rowsPerSecond: 6 },
  'Recon-Ping_Sweep': { label: 'ping sweep', rowsPerSecond: 2 },
  'Recon-Port_Scan': { label: 'port scan', rowsPerSecond: 8 },
  'Recon-VulScan': { label: 'vulnerability scan', rowsPerSecond: 3 },
  'TCP_IP-DDoS-ICMP': { label: 'ICMP flood (DDoS)', rowsPerSecond: 40 },
  'TCP_IP-DDoS-SYN': { label: 'SYN flood (DDoS)', rowsPerSecond: 40 },
  'TCP_IP-DDoS-TCP': { label: 'TCP flood (DDoS)', rowsPerSecond: 40 },
  'TCP_IP-DDoS-UDP': { label: 'UDP flood (DDoS)', rowsPerSecond: 40 },
  'TCP_IP-DoS-ICMP': { label: 'ICMP flood (DoS)', rowsPerSecond: 15 },
  'TCP_IP-DoS-SYN': { label: 'SYN flood (DoS)', rowsPerSecond: 15 },
  'TCP_IP-DoS-TCP': { label: 'TCP flood (DoS)', rowsPerSecond: 15 },
  'TCP_IP-DoS-UDP': { label: 'UDP flood (DoS)', rowsPerSecond: 15 },
};

/** Every attack class, in the v2 dialect's order. */
export const ATTACK_CLASSES = ciciomtV2.classes.filter((c) => c in ATTACKS) as AttackClass[];

/** Benign and the attack classes: what the simulator's class vocabulary holds, in this order. */
export const SIM_CLASSES: readonly string[] = ['Benign', ...ATTACK_CLASSES];

export function isAttackClass(name: string): name is AttackClass {
  return Object.prototype.hasOwnProperty.call(ATTACKS, name);
}

/** attack family as the v2 dialect reports it (DDoS, DoS, MQTT, Recon, Spoofing) */
export function attackFamily(name: AttackClass): string {
  return ciciomtV2.category(name).family;
}

// every attack has packet profiles
for (const c of Object.keys(ATTACKS)) if (!ATTACK_WINDOWS[c]) throw new Error(`no traffic profile for ${c}`);
