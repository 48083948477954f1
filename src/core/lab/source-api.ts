import type { ConnectionState } from '../mqtt';
import type { RateSpec, SourceMeta, SourcePort, SourceSpec } from '../replay';

/** An attack episode for the simulated network, starting now. */
export interface AttackInjection {
  /** a CICIoMT2024 v2 class, e.g. "ARP_Spoofing", "MQTT-DDoS-Connect_Flood" */
  attack: string;
  /** 0–1 */
  intensity: number;
  durationS: number;
  source?: string;
  targets?: string[];
}

export interface OpenResult {
  meta: SourceMeta;
  /** the dialect's name as people know it, and the scenario for simulations */
  dataset: string;
}

/** A live feed as its user sees it: the connection, what waits, what was lost. */
export interface FeedStatus {
  connection: ConnectionState;
  /** the broker acknowledged the subscription: the connection is 'live' at CONNACK, a moment before what is published reaches the feed */
  subscribed: boolean;
  /** flows received and waiting to be scored */
  queued: number;
  /** flows the producer published that never arrived, since the feed opened */
  lost: number;
  /** why the newest message was skipped whole (another dialect, not flow records), one sentence */
  problem: string | null;
}

export interface ScenarioList {
  /** scenario names with their one-line descriptions */
  scenarios: { name: string; description: string }[];
  /** the attack classes that can be injected */
  attacks: string[];
  /** the simulated devices (of the open simulation, else of the default scenario) */
  devices: string[];
  default: string;
}

/**
 * The source worker's face (`workers/source.worker.ts` exposes a `SourceService`, the page
 * wraps this type): opens a source and replays its flows into the run's port, only ever
 * with credit.
 */
export interface SourceWorkerApi {
  /** opens a source (reading just enough to know its schema); a bad one rejects with one sentence */
  open(spec: SourceSpec, port: SourcePort): Promise<OpenResult>;
  /** starts replaying the opened source; batches flow once the detect side grants credit */
  play(rate: RateSpec, repeat: boolean): void;
  pause(): void;
  resume(): void;
  /** one batch of flows, while paused */
  step(): void;
  /** 0–1 of the source (files: bytes; simulation: its timeline) */
  seek(fraction: number): void;
  setRate(rate: RateSpec): void;
  setLoop(repeat: boolean): void;
  stop(): Promise<void>;
  /** simulation only: an attack episode starting now */
  inject(attack: AttackInjection): void;
  scenarios(): ScenarioList;
  /** a live feed's connection and queue now; null for files and the simulation */
  feed(): FeedStatus | null;
  /** a live feed: stop receiving, score what waits, then end as a file ends */
  finish(): Promise<void>;
}
