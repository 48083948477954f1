import type { Scenario } from '../scenario';

const bots = ['wearable-1', 'wearable-2', 'wearable-3', 'wearable-4', 'wearable-5', 'wearable-6', 'wearable-7', 'wearable-8'];

export const mqttBrokerDdos: Scenario = {
  id: 'mqtt-broker-ddos',
  name: 'DDoS on the MQTT broker',
  description: 'Compromised wearables flood the MQTT broker with CONNECT and PUBLISH packets, after a single-host warm-up and malformed messages.',
  startHour: 14,
  durationS: 600,
  ward: { monitors: 12, pumps: 12, wearables: 8, nurseStations: 3 },
  episodes: [
    { attack: 'MQTT-DoS-Connect_Flood', source: 'wearable-7', targets: ['mqtt-broker'], startS: 60, durationS: 40, intensity: 0.6 },
    { attack: 'MQTT-Malformed_Data', source: 'wearable-7', targets: ['mqtt-broker'], startS: 130, durationS: 40 },
    { attack: 'MQTT-DoS-Publish_Flood', source: 'wearable-7', targets: ['mqtt-broker'], startS: 200, durationS: 40, intensity: 0.8 },
    { attack: 'MQTT-DDoS-Connect_Flood', source: bots, targets: ['mqtt-broker'], startS: 300, durationS: 90 },
    { attack: 'MQTT-DDoS-Publish_Flood', source: bots, targets: ['mqtt-broker'], startS: 420, durationS: 120 },
  ],
};
