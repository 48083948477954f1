import { InputError } from '../ingest';
import { SCENARIOS, Simulator } from '../sim';
import type { RunRecord } from '../store';
import { blobFile, withoutCredentials } from '../util';
import { FileFlowSource } from './file-source';
import type { FlowSource } from './flow-source';
import { SimFlowSource } from './sim-source';
import { MqttFlowSource } from './mqtt-source';
import { brokerUrl, type QoS } from '../mqtt';
import { dialectById, type DialectId } from '../schema';

/**
 * Where a run's flows come from, as the page (or a command line) names it. A new kind of
 * source (packet captures, an MQTT feed) is one more member here, one more case in
 * `openFlowSource` and in `sourceRecord`, and a `FlowSource` that reads it.
 */
export type SourceSpec = { kind: 'simulation'; scenario: string; seed: number } | { kind: 'files'; files: File[] } | MqttSpec;

/** a live MQTT feed in the live wire format (see the README) */
export interface MqttSpec {
  kind: 'mqtt';
  /** mqtt://, mqtts:// (Node), ws://, wss:// (browsers too) */
  url: string;
  /** topic filter; with `share`, joined as `$share/<share>/<topic>` */
  topic: string;
  qos: QoS;
  username?: string;
  password?: string;
  share?: string;
  /** read the flows in this dialect (a chosen model's) instead of detecting it */
  dialect?: DialectId;
  /** flows held waiting at most (default `DEFAULT_LIVE_CAPACITY`) */
  capacity?: number;
}

/** the source a spec names, not yet opened; an unknown scenario is one sentence */
export function openFlowSource(spec: SourceSpec): FlowSource {
  switch (spec.kind) {
    case 'simulation': {
      const scenario = SCENARIOS[spec.scenario as keyof typeof SCENARIOS];
      if (!scenario) throw new InputError(`there is no scenario "${spec.scenario}": choose one of ${Object.keys(SCENARIOS).join(', ')}`);
      return new SimFlowSource(new Simulator(scenario, { seed: spec.seed }), spec.seed);
    }
    case 'files':
      return new FileFlowSource(spec.files.map(blobFile));
    case 'mqtt': {
      const dialect = spec.dialect ? dialectById(spec.dialect) : undefined;
      return new MqttFlowSource({ ...spec, dialect });
    }
  }
}

/** how a run record remembers its source (names, never the bytes) */
export function sourceRecord(spec: SourceSpec, dataset: string): RunRecord['source'] {
  switch (spec.kind) {
    case 'simulation':
      return { kind: 'simulation', scenario: spec.scenario, seed: spec.seed };
    case 'files':
      return { kind: 'files', files: spec.files.map((f) => f.name), dataset };
    case 'mqtt':
      // never the password
      return { kind: 'mqtt', url: shownBrokerUrl(spec.url), topic: spec.share ? `$share/${spec.share}/${spec.topic}` : spec.topic, dataset };
  }
}

/** the source as a page names it before it opens (an error before the run had a summary) */
export function sourceLabel(spec: SourceSpec): string {
  switch (spec.kind) {
    case 'simulation':
      return `Simulated hospital — ${spec.scenario}`;
    case 'files':
      return spec.files.map((f) => f.name).join(', ');
    case 'mqtt':
      return `MQTT ${shownBrokerUrl(spec.url)} ${spec.share ? `$share/${spec.share}/${spec.topic}` : spec.topic}`;
  }
}

/** a broker address as shown and stored: the checked address without credentials, or the text without them */
function shownBrokerUrl(text: string): string {
  try {
    return brokerUrl(text).href.replace(/\/$/, '');
  } catch {
    return withoutCredentials(text);
  }
}

/** a plain copy of a spec (views hand over reactive proxies, which cannot cross to a worker) */
export function plainSource(spec: SourceSpec): SourceSpec {
  switch (spec.kind) {
    case 'simulation':
      return { kind: 'simulation', scenario: String(spec.scenario), seed: Number(spec.seed) };
    case 'files':
      return { kind: 'files', files: [...spec.files] };
    case 'mqtt':
      return JSON.parse(JSON.stringify(spec)) as MqttSpec;
  }
}
