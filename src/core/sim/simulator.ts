import type { Batch } from '../ingest';
import { CICIOMT_V2_COLUMNS, ciciomtV2, type Schema, ClassVocabulary } from '../schema';
import { ATTACKS, attackFamily, SIM_CLASSES, type AttackClass } from './attacks';
import { FEATURE_COUNT } from '../packets';
import { WindowMix, type PacketSink } from './packets';
import { ATTACK_WINDOWS, BENIGN_WINDOWS, type BenignWindow, type DeviceType } from './profiles';
import { SimRandom } from './rng';
import { checkEpisode, checkScenario, type EpisodeSpec, type Scenario } from './scenario';

/** Receives the packets of each row as it is drawn, then the row's device, time and class. */
export interface RowPackets extends PacketSink {
  endRow(device: number, time: number, classIndex: number): void;
}

/** A batch of simulated flow rows: the reader's columns plus the device each row came from. */
export interface SimBatch extends Batch {
  /** index into `Simulator.devices` */
  device: Uint16Array;
}

export interface SimOptions {
  /** the same seed and scenario (and the same calls) give the same rows, in Node and in the browser */
  seed?: number;
}

/** An attack started now from outside the scenario (the Live view's "inject"). */
export interface Injection {
  attack: AttackClass;
  source: string | string[];
  targets: string[];
  durationS: number;
  intensity?: number;
}

/** What is going on at the current simulated time, for a classroom. */
export interface Caption {
  attack: AttackClass;
  family: string;
  sources: string[];
  targets: string[];
  /** simulated seconds */
  startS: number;
  endS: number;
  intensity: number;
  /** e.g. "ARP spoofing from wearable-7 against pump-3" */
  text: string;
}

/** the schema a DatasetReader gives a CICIoMT2024 v2 file: its 39 features, in file order */
function simSchema(): Schema {
  return { dialect: ciciomtV2.id, columns: CICIOMT_V2_COLUMNS.map((name) => ({ name, kind: 'numeric' as const })) };
}

interface Source {
  mix: WindowMix;
  /** rows per second at full load */
  rate: number;
  classIndex: number;
  /** device index per row: one device, or several taking turns at random */
  devices: Uint16Array;
  pace: number;
  /** benign devices: how much the night lowers their traffic */
  diurnal: number;
}

interface ActiveEpisode {
  spec: EpisodeSpec;
  start: number;
  end: number;
}

/** how often (simulated seconds) the day/night load is re-evaluated */
const LOAD_STEP = 60;

/**
 * The simulated hospital network. `next(n)` returns the next n flow rows in time order,
 * as a columnar batch in the CICIoMT2024 v2 schema, each with its class, device and
 * simulated time. Deterministic: a seed, a scenario and a sequence of calls give the same
 * rows every time, in any host.
 *
 *   const sim = new Simulator(SCENARIOS['mixed-day'], { seed: 1 });
 *   const b = sim.next(4096);
 *   sim.inject({ attack: 'ARP_Spoofing', source: 'wearable-7', targets: ['pump-3'], durationS: 60, intensity: 0.5 });
 *   sim.captions(); // [{ text: 'ARP spoofing from wearable-7 against pump-3', … }]
 */
export class Simulator {
  readonly scenario: Scenario;
  readonly schema: Schema = simSchema();
  /** the v2 dialect's classes: Benign first, then every attack the simulator stages */
  readonly vocabulary = new ClassVocabulary(ciciomtV2);
  /** device names; `SimBatch.device` indexes this list */
  readonly devices: string[];
  /** simulated seconds since the start of the scenario */
  time = 0;
  /** rows made so far */
  rows = 0;

  private readonly rng: SimRandom;
  private readonly benign: Source[];
  private readonly attackMixes = new Map<AttackClass, WindowMix>();
  private readonly injected: ActiveEpisode[] = [];
  private active: Source[] = [];
  private cum = new Float64Array(0);
  private total = 0;
  private segmentEnd = 0;

  constructor(scenario: Scenario, options: SimOptions = {}) {
    this.scenario = scenario;
    const wardDevices = checkScenario(scenario);
    this.devices = wardDevices.map((d) => d.name);
    this.rng = new SimRandom(options.seed ?? 0);
    for (const c of SIM_CLASSES) this.vocabulary.indexOf(c);
    const benignIndex = this.vocabulary.indexOf('Benign');
    const mixes = new Map<DeviceType, WindowMix>();
    this.benign = [];
    wardDevices.forEach((d, i) => {
      if (d.type.rowsPerSecond <= 0) return;
      let mix = mixes.get(d.type);
      if (!mix) {
        const specs = Object.entries(d.type.windows).map(([w, weight]) => ({ ...BENIGN_WINDOWS[w as BenignWindow], weight: weight as number }));
        mixes.set(d.type, (mix = new WindowMix(specs)));
      }
      this.benign.push({
        mix,
        rate: d.type.rowsPerSecond * (scenario.load ?? 1),
        classIndex: benignIndex,
        devices: Uint16Array.of(i),
        pace: 1,
        diurnal: d.type.diurnal,
      });
    });
    this.refresh();
  }

  /**
   * The next `n` flow rows. A `capture` gets every packet drawn, and each row's device,
   * time and class once the row is made (to write the packets to a capture).
   */
  next(n: number, capture?: RowPackets): SimBatch {
    if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`rows must be a whole number, not ${n}`);
    const d = FEATURE_COUNT;
    const data = new Float32Array(n * d);
    const classIndex = new Int32Array(n);
    const time = new Float64Array(n);
    const rowNumber = new Float64Array(n);
    const device = new Uint16Array(n);
    const rng = this.rng;
    for (let r = 0; r < n; r++) {
      // the next row's time: a Poisson process whose rate changes at segment ends
      for (;;) {
        const t = this.total > 0 ? this.time + rng.exponential() / this.total : Infinity;
        if (t < this.segmentEnd) {
          this.time = t;
          break;
        }
        this.time = this.segmentEnd;
        this.refresh();
      }
      const src = this.pick(rng.next() * this.total);
      src.mix.emit(rng, data, r * d, src.pace, capture);
      classIndex[r] = src.classIndex;
      time[r] = this.time;
      rowNumber[r] = ++this.rows;
      device[r] = src.devices.length === 1 ? src.devices[0] : src.devices[rng.int(src.devices.length)];
      capture?.endRow(device[r], this.time, src.classIndex);
    }
    return { n, d, data, classIndex, time, rowNumber, fileIndex: new Uint16Array(n), device };
  }

  /** Starts an attack now; it shows in captions and rows until it ends. */
  inject(injection: Injection): Caption {
    const spec: EpisodeSpec = { ...injection, startS: 0 };
    checkEpisode(spec, this.devices, 'inject');
    const episode = { spec, start: this.time, end: this.time + injection.durationS };
    this.injected.push(episode);
    this.refresh();
    return caption(episode);
  }

  /** What is going on now: one caption per running attack (none in quiet times). */
  captions(): Caption[] {
    return this.episodesAt(this.time).map(caption);
  }

  /** Jumps to simulated time `t` (seconds) without making the rows in between. */
  seek(t: number): void {
    if (!(Number.isFinite(t) && t >= 0)) throw new RangeError(`time must be a finite number of seconds, 0 or later, not ${t}`);
    this.time = t;
    this.refresh();
  }

  /** share of benign traffic at this time of day (0.. 1), before each device's own day/night swing */
  dayFactor(t = this.time): number {
    const hour = (this.scenario.startHour + t / 3600) % 24;
    return 0.5 - 0.5 * Math.cos((2 * Math.PI * (hour - 3)) / 24);
  }

  /**
   * The episodes of this lap of the timeline and of the lap before (one may run past the end
   * of the timeline into the next lap), and the injected ones, timed in simulated seconds.
   */
  private episodesAround(t: number): ActiveEpisode[] {
    const s = this.scenario;
    const cycle = Math.floor(t / s.durationS) * s.durationS;
    const out: ActiveEpisode[] = [];
    for (const spec of s.episodes) {
      for (const base of [cycle, cycle - s.durationS]) {
        if (base >= 0) out.push({ spec, start: base + spec.startS, end: base + spec.startS + spec.durationS });
      }
    }
    out.push(...this.injected);
    return out;
  }

  private episodesAt(t: number): ActiveEpisode[] {
    return this.episodesAround(t).filter((e) => e.start <= t && t < e.end);
  }

  /** Rebuilds the table of sources and their rates for the segment starting now. */
  private refresh(): void {
    const t = this.time;
    const s = this.scenario;
    const day = this.dayFactor(t);
    const sources: Source[] = [];
    const rates: number[] = [];
    for (const b of this.benign) {
      sources.push(b);
      rates.push(b.rate * (1 - b.diurnal * (1 - day)));
    }
    // the segment ends at the next load step, the end of this lap, or an episode's start or end
    // (the next lap's episodes are seen when it starts)
    const lapEnd = Math.floor(t / s.durationS) * s.durationS + s.durationS;
    let end = Math.min((Math.floor(t / LOAD_STEP) + 1) * LOAD_STEP, lapEnd);
    for (const e of this.episodesAround(t)) {
      if (e.start > t) end = Math.min(end, e.start);
      if (e.end > t) end = Math.min(end, e.end);
    }
    for (const e of this.episodesAt(t)) {
      const src = this.attackSource(e);
      sources.push(src);
      rates.push(src.rate);
    }
    this.active = sources;
    this.cum = new Float64Array(rates.length);
    let c = 0;
    for (let i = 0; i < rates.length; i++) this.cum[i] = c += rates[i];
    this.total = c;
    this.segmentEnd = end > t ? end : t + LOAD_STEP;
  }

  private attackSource(e: ActiveEpisode): Source {
    const attack = e.spec.attack;
    let mix = this.attackMixes.get(attack);
    if (!mix) this.attackMixes.set(attack, (mix = new WindowMix(ATTACK_WINDOWS[attack])));
    const intensity = e.spec.intensity ?? 1;
    const sources = Array.isArray(e.spec.source) ? e.spec.source : [e.spec.source];
    return {
      mix,
      rate: ATTACKS[attack].rowsPerSecond * intensity,
      classIndex: this.vocabulary.indexOf(attack),
      devices: Uint16Array.from(sources, (name) => this.devices.indexOf(name)),
      pace: Math.sqrt(intensity),
      diurnal: 0,
    };
  }

  private pick(u: number): Source {
    const cum = this.cum;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (u < cum[mid]) hi = mid;
      else lo = mid + 1;
    }
    return this.active[lo];
  }
}

function caption(e: ActiveEpisode): Caption {
  const sources = Array.isArray(e.spec.source) ? e.spec.source : [e.spec.source];
  const info = ATTACKS[e.spec.attack];
  const from = sources.length <= 2 ? sources.join(' and ') : `${sources[0]} and ${sources.length - 1} other devices`;
  const against = e.spec.targets.length <= 3 ? e.spec.targets.join(', ') : `${e.spec.targets.slice(0, 2).join(', ')} and ${e.spec.targets.length - 2} more`;
  return {
    attack: e.spec.attack,
    family: attackFamily(e.spec.attack),
    sources,
    targets: [...e.spec.targets],
    startS: e.start,
    endS: e.end,
    intensity: e.spec.intensity ?? 1,
    text: `${info.label[0].toUpperCase()}${info.label.slice(1)} from ${from} against ${against}`,
  };
}

/**
 * `n` rows of one class, drawn straight from its traffic profile (benign: the ward's device
 * mix over a whole day): what the calibration compares with the real rows.
 */
export function sampleClass(className: string, n: number, seed = 0): Float32Array {
  const out = new Float32Array(n * FEATURE_COUNT);
  if (className === 'Benign') {
    const sim = new Simulator(
      {
        id: 'calibration',
        name: 'calibration',
        description: '',
        startHour: 0,
        durationS: 86400,
        ward: { monitors: 12, pumps: 12, wearables: 8, nurseStations: 3 },
        episodes: [],
      },
      { seed },
    );
    // spread over a day so the day/night mix is in
    const step = 86400 / n;
    for (let i = 0; i < n; i++) {
      sim.seek(i * step);
      out.set(sim.next(1).data, i * FEATURE_COUNT);
    }
    return out;
  }
  const windows = ATTACK_WINDOWS[className];
  if (!windows) throw new Error(`the simulator has no class "${className}"`);
  const mix = new WindowMix(windows);
  const rng = new SimRandom(seed);
  for (let i = 0; i < n; i++) mix.emit(rng, out, i * FEATURE_COUNT);
  return out;
}
