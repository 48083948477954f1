import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBackend } from '../../src/core/detectors';
import { LEARNING_REASON, LearningPeriod } from '../../src/core/replay';
import { AdaptiveThreshold } from '../../src/core/threshold';
import { Random } from '../../src/core/util';
import { nodeDetectService, openRun } from './node-lab';

beforeAll(() => ensureBackend('wasm'), 60_000);

describe('drift-aware threshold', () => {
  it('follows benign scores that drift up slowly, and an attack burst does not carry it away', () => {
    const random = new Random(1);
    const t = new AdaptiveThreshold(1, 0, { window: 500 });
    const batch = (shift: number, n = 100) => Float32Array.from({ length: n }, () => shift + Math.abs(gaussian(random)) * 0.4);
    let flaggedBenign = 0;
    let benign = 0;
    for (let k = 0; k < 200; k++) {
      const shift = k * 0.005; // one calibrated spread in 200 batches
      const v = t.judge(batch(shift));
      flaggedBenign += v.reduce((a, b) => a + b, 0);
      benign += v.length;
    }
    // a fixed threshold at 1 would flag most of the late benign rows
    expect(flaggedBenign / benign).toBeLessThan(0.03);
    expect(t.value).toBeGreaterThan(1.5);
    const before = t.value;
    const attacks = t.judge(Float32Array.from({ length: 2000 }, () => before + 5));
    expect(attacks.every((v) => v === 1)).toBe(true);
    expect(t.value).toBe(before);
    expect(t.leftOut).toBeGreaterThanOrEqual(2000);
  });

  it('is not pulled up by a burst of attacks that stand out by less than the margin', () => {
    const random = new Random(2);
    const t = new AdaptiveThreshold(1, 0);
    const benign = () => Float32Array.from({ length: 100 }, () => Math.abs(gaussian(random)) * 0.4);
    for (let k = 0; k < 40; k++) t.judge(benign());
    const before = t.value;
    // 0.3 calibrated spreads above the threshold: inside the margin, so only the burst keeps them out
    const burst = t.judge(Float32Array.from({ length: 3000 }, () => before + 0.3 * before));
    expect(burst.reduce((a, b) => a + b, 0)).toBe(3000);
    // the few rows before the burst shows may enter (a tenth of a spread); without the guard it would rise to the burst's level
    expect(t.value).toBeLessThan(before + 0.1);
    // benign traffic afterwards is judged as before the burst
    let flagged = 0;
    for (let k = 0; k < 10; k++) flagged += t.judge(benign()).reduce((a, b) => a + b, 0);
    expect(flagged / 1000).toBeLessThan(0.03);
  });

  it('refuses a window too small to take a percentile of', () => {
    expect(() => new AdaptiveThreshold(1, 0, { window: 3 })).toThrow(RangeError);
  });
});

describe('learning period', () => {
  it('is a number of flows or of seconds, with enough flows', () => {
    expect(() => new LearningPeriod({})).toThrow(RangeError);
    expect(() => new LearningPeriod({ flows: 10 })).toThrow(/at least 50 flows/);
    expect(() => new LearningPeriod({ flows: 100, seconds: 5 })).toThrow(RangeError);
  });

  it('a run learns the network first: the first flows train an isolation forest and are counted as skipped with that reason, then flows are scored by it with a drift-aware threshold', async () => {
    const detect = await nodeDetectService('learning-run');
    const spec = { kind: 'simulation' as const, scenario: 'quiet-ward', seed: 2 };
    const { run, summaries, playUntilStored } = await openRun(detect, spec, { learning: { flows: 3000 }, adaptive: { window: 1000 } });
    // paced, so that summaries are taken during the learning period too
    const last = await playUntilStored(3000, { kind: 'flows', perSecond: 20_000 });
    expect(summaries.some((s) => s.learning?.state === 'learning' && s.learning.done < 3000)).toBe(true);
    // the position moves while the network is learned, though nothing is scored yet
    expect(summaries.some((s) => s.learning?.state === 'learning' && s.counters.scored === 0 && s.position.flowTime > 0)).toBe(true);
    expect(last.learning).toMatchObject({ state: 'done', unit: 'flows', total: 3000 });
    expect(last.skippedReasons[LEARNING_REASON]).toBe(last.learning!.flows);
    expect(last.learning!.flows).toBeGreaterThanOrEqual(3000);
    const c = last.counters;
    expect(c.read).toBe(c.scored + c.skipped);
    expect(c.scored).toBe(c.stored + c.dropped);
    expect(last.adaptiveThreshold).toBe(true);
    expect(last.detector).toMatch(/learned on site/);
    expect((await detect.getRun(run.id))?.detector).toMatch(/iforest \(learned on site\)/);
  }, 120_000);
});

function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}
