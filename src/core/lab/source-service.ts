import { ReplayLoop, type FlowSource, type RateSpec, type SourcePort, SimFlowSource, openFlowSource, type SourceSpec, MqttFlowSource } from '../replay';
import { ATTACK_CLASSES, DEFAULT_SCENARIO, isAttackClass, SCENARIOS, Simulator } from '../sim';
import type { AttackInjection, FeedStatus, OpenResult, ScenarioList, SourceWorkerApi } from './source-api';

/**
 * The source side of a run, DOM-free: opens the source a spec names and replays it into
 * the run's port (a MessagePort in the browser, `linkedPorts()` in Node). One run at a time.
 */
export class SourceService implements SourceWorkerApi {
  private loop: ReplayLoop | null = null;
  private source: FlowSource | null = null;
  private port: SourcePort | null = null;

  async open(spec: SourceSpec, port: SourcePort): Promise<OpenResult> {
    await this.stop();
    this.port = port;
    const source = (this.source = openFlowSource(spec));
    try {
      await source.open();
    } catch (e) {
      // nothing half-open stays behind (a broker connection whose subscription was refused)
      if (this.source === source) this.source = null;
      source.close();
      throw e;
    }
    const meta = source.meta();
    return { meta, dataset: meta.dataset };
  }

  play(rate: RateSpec, repeat: boolean): void {
    const { source, port } = this;
    if (!source || !port) throw new Error('open a source first');
    const loop = (this.loop = new ReplayLoop(source, (message, transfer) => port.postMessage(message, transfer), { rate, loop: repeat }));
    port.onmessage = (e) => {
      if (e.data.type === 'credit') loop.grant(e.data.batches);
    };
    void loop.start();
  }

  pause(): void {
    this.loop?.pause();
  }

  resume(): void {
    this.loop?.resume();
  }

  step(): void {
    this.loop?.step();
  }

  seek(fraction: number): void {
    this.loop?.seek(fraction);
  }

  setRate(rate: RateSpec): void {
    this.loop?.setRate(rate);
  }

  setLoop(repeat: boolean): void {
    this.loop?.setLoop(repeat);
  }

  async stop(): Promise<void> {
    // forget this run at once: an `open` for the next one may come while it winds down
    const { loop, source, port } = this;
    this.loop = null;
    this.source = null;
    this.port = null;
    if (loop) await loop.stop();
    else source?.close();
    port?.close();
  }

  inject(attack: AttackInjection): void {
    const source = this.source;
    if (!(source instanceof SimFlowSource)) throw new Error('attacks can only be injected into the simulated network');
    const name = attack.attack;
    if (!isAttackClass(name)) throw new Error(`the simulator cannot stage "${attack.attack}"`);
    const sim = source.sim;
    const devices = sim.devices;
    const from = attack.source ?? devices.find((d) => d === 'rogue-laptop') ?? devices[devices.length - 1];
    const targets = attack.targets?.length ? attack.targets : [devices.find((d) => d.startsWith('pump')) ?? devices[0]];
    sim.inject({ attack: name, source: from, targets, durationS: attack.durationS, intensity: attack.intensity });
  }

  feed(): FeedStatus | null {
    const source = this.source;
    if (!(source instanceof MqttFlowSource)) return null;
    return {
      connection: source.connection.state,
      subscribed: source.subscribed,
      queued: source.queue.size,
      lost: source.queue.lostFlows,
      problem: source.lastProblem,
    };
  }

  async finish(): Promise<void> {
    const source = this.source;
    if (source instanceof MqttFlowSource) await source.finish();
  }

  scenarios(): ScenarioList {
    const scenarios = Object.values(SCENARIOS).map((s) => ({ name: s.id, description: s.description }));
    const first = SCENARIOS[DEFAULT_SCENARIO as keyof typeof SCENARIOS];
    const devices = this.source instanceof SimFlowSource ? [...this.source.sim.devices] : new Simulator(first, { seed: 0 }).devices;
    return { scenarios, attacks: [...ATTACK_CLASSES], devices, default: DEFAULT_SCENARIO };
  }
}
