import { InputError } from '../ingest/text-stream';
import { SCENARIOS, Simulator } from '../sim';
import type { RunRecord } from '../store/records';
import { blobFile } from '../util/files';
import { FileFlowSource } from './file-source';
import type { FlowSource } from './flow-source';
import { SimFlowSource } from './sim-source';

/**
 * Where a run's flows come from, as the page (or a command line) names it. A new kind of
 * source (packet captures, an MQTT feed) is one more member here, one more case in
 * `openFlowSource` and in `sourceRecord`, and a `FlowSource` that reads it.
 */
export type SourceSpec = { kind: 'simulation'; scenario: string; seed: number } | { kind: 'files'; files: File[] };

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
  }
}

/** how a run record remembers its source (names, never the bytes) */
export function sourceRecord(spec: SourceSpec, dataset: string): RunRecord['source'] {
  return spec.kind === 'simulation'
    ? { kind: 'simulation', scenario: spec.scenario, seed: spec.seed }
    : { kind: 'files', files: spec.files.map((f) => f.name), dataset };
}

/** a plain copy of a spec (views hand over reactive proxies, which cannot cross to a worker) */
export function plainSource(spec: SourceSpec): SourceSpec {
  return spec.kind === 'simulation' ? { kind: 'simulation', scenario: String(spec.scenario), seed: Number(spec.seed) } : { kind: 'files', files: [...spec.files] };
}
