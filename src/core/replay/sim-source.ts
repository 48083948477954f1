import { ciciomtV2 } from '../schema';
import type { Simulator } from '../sim';
import type { SourceMeta } from './flow-batch';
import type { FlowRows, FlowSource } from './flow-source';

/**
 * The simulated hospital as a flow source: endless, timestamped in simulated seconds
 * (so the speed multiplier plays it in simulated real time), with captions of the
 * attacks running now. Seeking moves within the scenario's repeating timeline, always
 * forwards (to the same point of the next lap when it lies behind), so flow time keeps
 * increasing.
 */
export class SimFlowSource implements FlowSource {
  readonly metaVersion = 1;
  private readonly info: SourceMeta;
  private lastCaptions = '';

  constructor(
    readonly sim: Simulator,
    seed: number,
    private readonly maxRows = 8192,
  ) {
    const vocab = sim.vocabulary;
    this.info = {
      label: `Simulated hospital — ${sim.scenario.name} (seed ${seed})`,
      dataset: ciciomtV2.name,
      schema: sim.schema,
      classes: vocab.names.map((name, i) => ({ name, ...vocab.info[i] })),
      devices: [...sim.devices],
      hasOwnTime: true,
    };
  }

  async open(): Promise<void> {}

  meta(): SourceMeta {
    return this.info;
  }

  async next(hint: number): Promise<FlowRows> {
    return this.sim.next(Math.max(1, Math.min(this.maxRows, Math.floor(hint))));
  }

  fraction(): number {
    const lap = this.sim.scenario.durationS;
    return (this.sim.time % lap) / lap;
  }

  async seek(fraction: number): Promise<void> {
    if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`seek to a fraction between 0 and 1, not ${fraction}`);
    const lap = this.sim.scenario.durationS;
    const lapStart = Math.floor(this.sim.time / lap) * lap;
    let t = lapStart + fraction * lap;
    if (t < this.sim.time) t += lap;
    this.sim.seek(t);
  }

  async restart(): Promise<void> {}

  takeSkipped(): Record<string, number> {
    return {};
  }

  takeCaptions(): string[] | null {
    const texts = this.sim.captions().map((c) => c.text);
    const key = texts.join('\n');
    if (key === this.lastCaptions) return null;
    this.lastCaptions = key;
    return texts;
  }

  close(): void {}
}
