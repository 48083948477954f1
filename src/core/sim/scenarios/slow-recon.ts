import type { Scenario } from '../scenario';

const ward = ['monitor-1', 'monitor-2', 'monitor-3', 'pump-1', 'pump-2', 'pump-3', 'gateway'];

export const slowRecon: Scenario = {
  id: 'slow-recon',
  name: 'A slow reconnaissance',
  description:
    'An unknown laptop maps the ward at low intensity over an hour: ping sweep, port scan, OS fingerprinting, vulnerability scan, then ARP spoofing.',
  startHour: 2,
  durationS: 3600,
  ward: { monitors: 12, pumps: 12, wearables: 8, nurseStations: 3 },
  episodes: [
    { attack: 'Recon-Ping_Sweep', source: 'rogue-laptop', targets: ward, startS: 300, durationS: 240, intensity: 0.3 },
    { attack: 'Recon-Port_Scan', source: 'rogue-laptop', targets: ward, startS: 900, durationS: 300, intensity: 0.2 },
    { attack: 'Recon-OS_Scan', source: 'rogue-laptop', targets: ['monitor-3', 'pump-3', 'gateway'], startS: 1600, durationS: 300, intensity: 0.2 },
    { attack: 'Recon-VulScan', source: 'rogue-laptop', targets: ['pump-3', 'gateway'], startS: 2300, durationS: 400, intensity: 0.3 },
    { attack: 'ARP_Spoofing', source: 'rogue-laptop', targets: ['pump-3', 'gateway'], startS: 3000, durationS: 400, intensity: 0.3 },
  ],
};
