import type { Scenario } from '../scenario';

const bots = ['wearable-2', 'wearable-4', 'wearable-6', 'wearable-8'];

/**
 * Every attack family within the first two minutes (so a class sees attacks at once), then
 * every class of the newer CICIoMT2024 release once in fifteen minutes of a working day.
 */
export const mixedDay: Scenario = {
  id: 'mixed-day',
  name: 'A mixed day',
  description: 'Fifteen minutes of a busy ward with every attack class: all five families in the first two minutes, then one class after another.',
  startHour: 10,
  durationS: 900,
  load: 0.6,
  ward: { monitors: 12, pumps: 12, wearables: 8, nurseStations: 3 },
  episodes: [
    // the five families, in the first two minutes
    { attack: 'Recon-Port_Scan', source: 'rogue-laptop', targets: ['monitor-1', 'monitor-2', 'pump-1', 'gateway'], startS: 15, durationS: 20 },
    { attack: 'ARP_Spoofing', source: 'wearable-7', targets: ['pump-3'], startS: 40, durationS: 20 },
    { attack: 'MQTT-DDoS-Publish_Flood', source: bots, targets: ['mqtt-broker'], startS: 65, durationS: 15 },
    { attack: 'TCP_IP-DoS-SYN', source: 'rogue-laptop', targets: ['nurse-station-1'], startS: 85, durationS: 15 },
    { attack: 'TCP_IP-DDoS-ICMP', source: bots, targets: ['gateway'], startS: 105, durationS: 12 },
    // then every other class
    { attack: 'Recon-Ping_Sweep', source: 'rogue-laptop', targets: ['monitor-4', 'monitor-5', 'monitor-6', 'pump-4'], startS: 150, durationS: 30 },
    { attack: 'MQTT-Malformed_Data', source: 'wearable-5', targets: ['mqtt-broker'], startS: 190, durationS: 25 },
    { attack: 'Recon-OS_Scan', source: 'rogue-laptop', targets: ['monitor-3', 'pump-3'], startS: 230, durationS: 20 },
    { attack: 'TCP_IP-DoS-UDP', source: 'rogue-laptop', targets: ['gateway'], startS: 270, durationS: 15 },
    { attack: 'MQTT-DoS-Connect_Flood', source: 'wearable-3', targets: ['mqtt-broker'], startS: 310, durationS: 20 },
    { attack: 'TCP_IP-DDoS-SYN', source: bots, targets: ['nurse-station-2'], startS: 350, durationS: 12 },
    { attack: 'Recon-VulScan', source: 'rogue-laptop', targets: ['pump-5', 'gateway'], startS: 390, durationS: 30 },
    { attack: 'TCP_IP-DoS-ICMP', source: 'rogue-laptop', targets: ['monitor-7'], startS: 440, durationS: 15 },
    { attack: 'MQTT-DDoS-Connect_Flood', source: bots, targets: ['mqtt-broker'], startS: 480, durationS: 15 },
    { attack: 'TCP_IP-DDoS-TCP', source: bots, targets: ['nurse-station-3'], startS: 530, durationS: 12 },
    { attack: 'MQTT-DoS-Publish_Flood', source: 'wearable-1', targets: ['mqtt-broker'], startS: 580, durationS: 15 },
    { attack: 'TCP_IP-DoS-TCP', source: 'rogue-laptop', targets: ['monitor-9'], startS: 630, durationS: 15 },
    { attack: 'TCP_IP-DDoS-UDP', source: bots, targets: ['gateway'], startS: 680, durationS: 12 },
    { attack: 'ARP_Spoofing', source: 'rogue-laptop', targets: ['monitor-10', 'gateway'], startS: 730, durationS: 30, intensity: 0.5 },
    { attack: 'Recon-Port_Scan', source: 'wearable-7', targets: ['pump-8', 'pump-9'], startS: 800, durationS: 30, intensity: 0.4 },
  ],
};
