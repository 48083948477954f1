/**
 * The source worker: a thin shell around the core's replay loop. It opens dropped files
 * (streamed through the core's DatasetReader, never whole in memory) or the simulated
 * hospital, and replays their flows to the detect worker over a MessagePort the page
 * hands it for each run, batch by batch as transferables, only ever with credit.
 */
import * as Comlink from 'comlink';
import { InputError } from '../src/core/ingest/text-stream';
import { blobFile, FileFlowSource } from '../src/core/replay/file-source';
import type { SinkMessage, SourceMeta } from '../src/core/replay/flow-batch';
import type { FlowSource } from '../src/core/replay/flow-source';
import type { RateSpec } from '../src/core/replay/pacer';
import { ReplayLoop } from '../src/core/replay/replay-loop';
import { SimFlowSource } from '../src/core/replay/sim-source';
import { ATTACK_CLASSES, type AttackClass } from '../src/core/sim/attacks';
import { DEFAULT_SCENARIO, SCENARIOS, Simulator } from '../src/core/sim';

export type OpenSpec = { kind: 'simulation'; scenario: string; seed: number } | { kind: 'files'; files: File[] };

export interface OpenResult {
  meta: SourceMeta;
  /** the dialect's name as people know it, and the scenario for simulations */
  dataset: string;
}

let loop: ReplayLoop | null = null;
let source: FlowSource | null = null;
let port: MessagePort | null = null;

const api = {
  /** opens a source (reading just enough to know its schema); a bad file rejects with one sentence */
  async open(spec: OpenSpec, runPort: MessagePort): Promise<OpenResult> {
    await api.stop();
    port = runPort;
    if (spec.kind === 'simulation') {
      const scenario = SCENARIOS[spec.scenario as keyof typeof SCENARIOS];
      if (!scenario) throw new InputError(`there is no scenario "${spec.scenario}": choose one of ${Object.keys(SCENARIOS).join(', ')}`);
      source = new SimFlowSource(new Simulator(scenario, { seed: spec.seed }), spec.seed);
    } else {
      source = new FileFlowSource(spec.files.map(blobFile));
    }
    await source.open();
    const meta = source.meta();
    return { meta, dataset: meta.dataset };
  },

  /** starts replaying the opened source; batches flow once the detect worker grants credit */
  play(rate: RateSpec, repeat: boolean): void {
    if (!source || !port) throw new Error('open a source first');
    const runPort = port;
    const l = (loop = new ReplayLoop(source, (message, transfer) => runPort.postMessage(message, transfer), { rate, loop: repeat }));
    runPort.onmessage = (e: MessageEvent<SinkMessage>) => {
      if (e.data.type === 'credit') l.grant(e.data.batches);
    };
    void l.start();
  },

  pause() {
    loop?.pause();
  },
  resume() {
    loop?.resume();
  },
  step() {
    loop?.step();
  },
  seek(fraction: number) {
    loop?.seek(fraction);
  },
  setRate(rate: RateSpec) {
    loop?.setRate(rate);
  },
  setLoop(repeat: boolean) {
    loop?.setLoop(repeat);
  },

  async stop() {
    // forget this run at once: an `open` for the next one may come while it winds down
    const l = loop;
    const s = source;
    const p = port;
    loop = null;
    source = null;
    port = null;
    if (l) await l.stop();
    else s?.close();
    p?.close();
  },

  /** simulation only: an attack episode starting now */
  inject(attack: { attack: string; intensity: number; durationS: number; source?: string; targets?: string[] }) {
    if (!(source instanceof SimFlowSource)) throw new Error('attacks can only be injected into the simulated network');
    if (!ATTACK_CLASSES.includes(attack.attack as AttackClass)) throw new Error(`the simulator cannot stage "${attack.attack}"`);
    const sim = source.sim;
    const devices = sim.devices;
    const from = attack.source ?? devices.find((d) => d === 'rogue-laptop') ?? devices[devices.length - 1];
    const targets = attack.targets?.length ? attack.targets : [devices.find((d) => d.startsWith('pump')) ?? devices[0]];
    sim.inject({ attack: attack.attack as AttackClass, source: from, targets, durationS: attack.durationS, intensity: attack.intensity });
  },

  scenarios() {
    const scenarios = Object.values(SCENARIOS).map((s) => ({ name: s.id, description: s.description }));
    const first = SCENARIOS[DEFAULT_SCENARIO as keyof typeof SCENARIOS];
    const devices = source instanceof SimFlowSource ? [...source.sim.devices] : new Simulator(first, { seed: 0 }).devices;
    return { scenarios, attacks: [...ATTACK_CLASSES], devices, default: DEFAULT_SCENARIO };
  },

  /** rows replayed so far (for tests and benchmarks) */
  rows(): number {
    return loop?.rows ?? 0;
  },
};

export type SourceWorker = typeof api;

Comlink.expose(api);
