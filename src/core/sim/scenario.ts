/**
 * Scenarios are data: a ward (how many devices of each kind), the hour the day starts at,
 * and a timeline of attack episodes. The timeline repeats after `durationS`, so a live
 * replay can run without end.
 */
import { ATTACKS, isAttackClass, type AttackClass } from './attacks';
import { DEVICE_TYPES, type DeviceType } from './profiles';

export interface WardSpec {
  monitors: number;
  pumps: number;
  wearables: number;
  nurseStations: number;
}

export interface EpisodeSpec {
  attack: AttackClass;
  /** the device the attack comes from; several for a distributed attack */
  source: string | string[];
  targets: string[];
  /** seconds after the start of the timeline */
  startS: number;
  durationS: number;
  /** 0–1 (default 1): scales the attack's rows per second, and its packets' pace */
  intensity?: number;
}

export interface Scenario {
  id: string;
  name: string;
  /** one line, for lists */
  description: string;
  /** hour of day (0–24) at simulated time 0 */
  startHour: number;
  /** length of the timeline in seconds; it then repeats */
  durationS: number;
  ward: WardSpec;
  /** scale of the benign traffic (default 1) */
  load?: number;
  episodes: EpisodeSpec[];
}

export interface Device {
  name: string;
  type: DeviceType;
}

/** The ward's devices, in a fixed order: monitors, pumps, wearables, nurse stations, broker, gateway, an intruder. */
function wardDevices(ward: WardSpec): Device[] {
  const out: Device[] = [];
  const add = (prefix: string, type: DeviceType, k: number) => {
    for (let i = 1; i <= k; i++) out.push({ name: `${prefix}-${i}`, type });
  };
  add('monitor', DEVICE_TYPES.monitor, ward.monitors);
  add('pump', DEVICE_TYPES.pump, ward.pumps);
  add('wearable', DEVICE_TYPES.wearable, ward.wearables);
  add('nurse-station', DEVICE_TYPES.nurseStation, ward.nurseStations);
  out.push({ name: 'mqtt-broker', type: DEVICE_TYPES.broker });
  out.push({ name: 'gateway', type: DEVICE_TYPES.gateway });
  out.push({ name: 'rogue-laptop', type: DEVICE_TYPES.intruder });
  return out;
}

/** Throws a one-sentence error for the first thing wrong with an episode. */
export function checkEpisode(e: EpisodeSpec, deviceNames: readonly string[], where: string): void {
  if (!isAttackClass(e.attack)) throw new Error(`${where}: unknown attack "${e.attack}" (known: ${Object.keys(ATTACKS).join(', ')})`);
  const known = new Set(deviceNames);
  const sources = Array.isArray(e.source) ? e.source : [e.source];
  if (sources.length === 0) throw new Error(`${where}: the attack needs a source device`);
  for (const d of [...sources, ...e.targets]) {
    if (!known.has(d)) throw new Error(`${where}: there is no device "${d}" on this ward`);
  }
  if (!(Number.isFinite(e.durationS) && e.durationS > 0)) throw new Error(`${where}: the duration must be a finite number of seconds above 0`);
  if (!(e.startS >= 0)) throw new Error(`${where}: the start must be 0 seconds or later`);
  const intensity = e.intensity ?? 1;
  if (!(intensity > 0 && intensity <= 1)) throw new Error(`${where}: the intensity must be above 0 and at most 1`);
}

export function checkScenario(s: Scenario): Device[] {
  const w = s.ward;
  for (const [k, v] of Object.entries(w)) if (!(Number.isInteger(v) && v >= 0)) throw new Error(`scenario ${s.id}: ward.${k} must be a whole number`);
  if (w.monitors + w.pumps + w.wearables + w.nurseStations === 0) throw new Error(`scenario ${s.id}: the ward has no devices`);
  if (!(s.durationS > 0)) throw new Error(`scenario ${s.id}: durationS must be above 0`);
  if (!(s.startHour >= 0 && s.startHour < 24)) throw new Error(`scenario ${s.id}: startHour must be in 0–24`);
  const devices = wardDevices(w);
  const names = devices.map((d) => d.name);
  s.episodes.forEach((e, i) => {
    checkEpisode(e, names, `scenario ${s.id}, episode ${i + 1}`);
    if (e.startS >= s.durationS) throw new Error(`scenario ${s.id}, episode ${i + 1}: it starts after the timeline ends (${s.durationS} s)`);
  });
  return devices;
}
