import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DatasetReader, type Batch } from '../../src/core/ingest';
import {
  ATTACK_CLASSES,
  csvRows,
  DEFAULT_DATASET,
  DEFAULT_SCENARIO,
  formatFloat32,
  SCENARIO_LIST,
  SCENARIOS,
  SIM_CSV_HEADER,
  simulateCsv,
  Simulator,
  type Scenario,
} from '../../src/core/sim';
import { memoryFile, shared } from './sources';

const mixed = SCENARIOS['mixed-day'];

function hash(b: Batch & { device: Uint16Array }) {
  const h = createHash('sha256');
  for (const a of [b.data, b.classIndex, b.time, b.device]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex');
}

async function readAll(text: string) {
  const reader = new DatasetReader([memoryFile('simulated.csv', text, 4093)]);
  const batches: Batch[] = [];
  for await (const b of reader.batches()) batches.push(b);
  return { reader, batches };
}

describe('the simulated hospital network', () => {
  it('is deterministic: same seed and scenario give the same rows, however they are asked for', () => {
    const a = new Simulator(mixed, { seed: 7 }).next(5000);
    const b = new Simulator(mixed, { seed: 7 }).next(5000);
    expect(hash(a)).toBe(hash(b));
    const c = new Simulator(mixed, { seed: 7 });
    const parts = [c.next(1234), c.next(3766)];
    const joined = new Float32Array(5000 * 39);
    joined.set(parts[0].data);
    joined.set(parts[1].data, 1234 * 39);
    expect(joined).toEqual(a.data);
    expect(hash(new Simulator(mixed, { seed: 8 }).next(5000))).not.toBe(hash(a));
  });

  it('has the schema a DatasetReader gives the real newer-release file', async () => {
    const reader = new DatasetReader(shared('ciciomt2024_v2_39feat_sample.csv'));
    for await (const _ of reader.batches()) break;
    const sim = new Simulator(mixed);
    expect(sim.schema).toEqual(reader.schema);
    expect(sim.vocabulary.names[0]).toBe('Benign');
    // the v2 dialect's class names, so benign/family come out right
    for (const c of ATTACK_CLASSES) expect(sim.vocabulary.info[sim.vocabulary.indexOf(c)].benign).toBe(false);
    expect(new Set(ATTACK_CLASSES.map((c) => sim.vocabulary.family(sim.vocabulary.indexOf(c))))).toEqual(new Set(['DDoS', 'DoS', 'MQTT', 'Recon', 'Spoofing']));
  });

  it('rows obey the identities of the real release (AVG = Tot sum / Number = Tot size, Variance = Std², counts = Number × share)', () => {
    const b = new Simulator(mixed, { seed: 3 }).next(20000);
    const col = (r: number, j: number) => b.data[r * 39 + j];
    for (let r = 0; r < b.n; r++) {
      const n = col(r, 37);
      expect(n === 10 || n === 100).toBe(true);
      expect(col(r, 33)).toBeCloseTo(col(r, 30) / n, 3);
      expect(col(r, 35)).toBe(col(r, 33));
      expect(Math.abs(col(r, 34) ** 2 - col(r, 38))).toBeLessThanOrEqual(1e-3 * Math.max(1, col(r, 38)));
      expect(col(r, 11)).toBeCloseTo(n * col(r, 8), 3);
      expect(col(r, 28)).toBe(col(r, 29));
      expect(col(r, 31)).toBeLessThanOrEqual(col(r, 32));
      if (col(r, 36) === 0) expect(col(r, 3)).toBe(Infinity);
    }
  });

  it('writes a CSV that reads back as ciciomt2024-v2 with no skipped rows, the same values, classes and times', async () => {
    const sim = new Simulator(mixed, { seed: 11 });
    const batch = sim.next(6000);
    const text = SIM_CSV_HEADER + '\n' + csvRows(batch, sim.vocabulary.names, sim.devices);
    expect(text.split('\n')[1].split(',').at(-3)).toMatch(/^WiFi_and_MQTT_test_.+_test\.pcap$/);
    const { reader, batches } = await readAll(text);
    expect(reader.dialect!.id).toBe('ciciomt2024-v2');
    expect(reader.counters.read).toBe(6000);
    expect(reader.counters.accepted).toBe(6000);
    expect(reader.counters.skipped).toEqual({});
    expect(reader.counters.accepted + Object.values(reader.counters.skipped).reduce((a, b) => a + b, 0)).toBe(reader.counters.read);
    let r0 = 0;
    for (const b of batches) {
      expect(b.data).toEqual(batch.data.subarray(r0 * 39, (r0 + b.n) * 39));
      for (let i = 0; i < b.n; i++) {
        expect(reader.classes.names[b.classIndex[i]]).toBe(sim.vocabulary.names[batch.classIndex[r0 + i]]);
        expect(b.time[i]).toBeCloseTo(batch.time[r0 + i], 5);
      }
      r0 += b.n;
    }
    expect(r0).toBe(6000);
  });

  it('formats floats as the release does, and inf as inf', () => {
    expect(formatFloat32(20)).toBe('20.0');
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat32(Math.fround(2.5e-5))).toBe('2.5e-05');
    expect(formatFloat32(Infinity)).toBe('inf');
  });

  it('produces every attack class of the v2 release, and nothing else', () => {
    const sim = new Simulator(mixed, { seed: 5 });
    const seen = new Set<string>();
    while (sim.time < mixed.durationS) {
      const b = sim.next(4096);
      for (const c of b.classIndex) seen.add(sim.vocabulary.names[c]);
    }
    expect([...seen].sort()).toEqual(['Benign', ...ATTACK_CLASSES].sort());
  });

  it('honours the timeline: attack rows only inside episodes, from the episode source, every family within two minutes', () => {
    const sim = new Simulator(mixed, { seed: 9 });
    const families = new Set<string>();
    while (sim.time < mixed.durationS) {
      const b = sim.next(2048);
      for (let i = 0; i < b.n; i++) {
        const t = b.time[i] % mixed.durationS;
        const name = sim.vocabulary.names[b.classIndex[i]];
        if (name === 'Benign') continue;
        const ep = mixed.episodes.filter((e) => e.attack === name && e.startS <= t && t < e.startS + e.durationS);
        expect(ep.length, `${name} at ${t}`).toBeGreaterThan(0);
        const sources = ep.flatMap((e) => (Array.isArray(e.source) ? e.source : [e.source]));
        expect(sources).toContain(sim.devices[b.device[i]]);
        if (b.time[i] < 120) families.add(sim.vocabulary.family(b.classIndex[i]));
      }
    }
    expect([...families].sort()).toEqual(['DDoS', 'DoS', 'MQTT', 'Recon', 'Spoofing']);
  });

  it('injects an attack now, with a caption, and stops it when it ends', () => {
    const quiet = SCENARIOS['quiet-ward'];
    const sim = new Simulator(quiet, { seed: 1 });
    sim.next(500);
    expect(sim.captions()).toEqual([]);
    const start = sim.time;
    const caption = sim.inject({ attack: 'ARP_Spoofing', source: 'wearable-7', targets: ['pump-3'], durationS: 60, intensity: 0.5 });
    expect(caption.text).toBe('ARP spoofing from wearable-7 against pump-3');
    expect(sim.captions().map((c) => c.text)).toEqual(['ARP spoofing from wearable-7 against pump-3']);
    expect(sim.captions()[0].family).toBe('Spoofing');
    const b = sim.next(3000);
    let attacks = 0;
    for (let i = 0; i < b.n; i++) {
      if (b.classIndex[i] === sim.vocabulary.indexOf('ARP_Spoofing')) {
        attacks++;
        expect(b.time[i]).toBeGreaterThanOrEqual(start);
        expect(b.time[i]).toBeLessThan(start + 60);
        expect(sim.devices[b.device[i]]).toBe('wearable-7');
      }
    }
    expect(attacks).toBeGreaterThan(50);
    expect(sim.time).toBeGreaterThan(start + 60);
    expect(sim.captions()).toEqual([]);
    expect(() => sim.inject({ attack: 'ARP_Spoofing', source: 'toaster-1', targets: ['pump-3'], durationS: 5 })).toThrow(/no device "toaster-1"/);
  });

  it('ends an episode that runs past the end of the timeline on time in the next lap, and seeks only to finite times', () => {
    const spill: Scenario = {
      ...SCENARIOS['quiet-ward'],
      id: 'spill',
      durationS: 900,
      episodes: [{ attack: 'TCP_IP-DDoS-SYN', source: 'rogue-laptop', targets: ['gateway'], startS: 850, durationS: 100 }],
    };
    const sim = new Simulator(spill, { seed: 1 });
    let intoNextLap = 0;
    while (sim.time < 2000) {
      const b = sim.next(4096);
      for (let i = 0; i < b.n; i++) {
        if (b.classIndex[i] === 0) continue;
        const t = b.time[i] % 900;
        expect(t >= 850 || t < 50, `attack row at ${b.time[i]}`).toBe(true);
        if (b.time[i] >= 900 && b.time[i] < 950) intoNextLap++;
      }
    }
    expect(intoNextLap).toBeGreaterThan(0);
    expect(() => sim.seek(Infinity)).toThrow(RangeError);
  });

  it('checks scenarios and lists them with a description, the default first', () => {
    expect(SCENARIO_LIST[0].id).toBe(DEFAULT_SCENARIO);
    expect(SCENARIO_LIST.map((s) => s.id).sort()).toEqual(['mixed-day', 'mqtt-broker-ddos', 'quiet-ward', 'slow-recon']);
    for (const s of SCENARIO_LIST) expect(s.description.length).toBeGreaterThan(20);
    for (const s of Object.values(SCENARIOS)) expect(() => new Simulator(s)).not.toThrow();
    const bad: Scenario = { ...mixed, episodes: [{ attack: 'Nope' as never, source: 'gateway', targets: [], startS: 0, durationS: 1 }] };
    expect(() => new Simulator(bad)).toThrow(/unknown attack "Nope"/);
    const quiet = new Simulator(SCENARIOS['quiet-ward'], { seed: 2 }).next(3000);
    expect(quiet.classIndex.every((c) => c === 0)).toBe(true);
  });

  it('the shipped dataset is what the recorded seed makes (first rows, by hash)', () => {
    const N = 2000;
    const lines = readFileSync(new URL(`../../public/datasets/${DEFAULT_DATASET.file}`, import.meta.url), 'utf8').split('\n');
    const text = [...simulateCsv(DEFAULT_DATASET.scenario, N, DEFAULT_DATASET.seed)].join('');
    const digest = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(digest(lines.slice(0, N + 1).join('\n') + '\n')).toBe(digest(text));
    expect(lines.length - 2).toBe(DEFAULT_DATASET.rows); // header + rows + final empty line
  });
});
