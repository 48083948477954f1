import { describe, expect, it } from 'vitest';
import { CreditGate, CreditLedger, ReplayPacer, UNTIMED_RATE } from '../../src/core/replay';

const ordinal = (n: number) => Float64Array.from({ length: n }, (_, i) => i + 1);

/** drives the pacer on a simulated clock: returns [emit time, rows] pairs */
function drive(pacer: ReplayPacer, times: Float64Array, hasOwnTime: boolean, untilMs: number) {
  const out: [number, number][] = [];
  let now = 1000;
  let at = 0;
  while (now < 1000 + untilMs && at < times.length) {
    const plan = pacer.plan(now, times, at, times.length - at, hasOwnTime);
    if (plan.rows > 0) {
      out.push([now - 1000, plan.rows]);
      pacer.emitted(plan.rows);
      at += plan.rows;
    } else now += plan.waitMs;
  }
  return out;
}

describe('replay pacer', () => {
  it('sends one flow exactly when due at 100 flows/s', () => {
    const pacer = new ReplayPacer({ kind: 'flows', perSecond: 100 });
    const sent = drive(pacer, ordinal(1000), false, 1000);
    expect(sent.every(([, rows]) => rows === 1)).toBe(true);
    // flow k is due at 10·k ms and leaves then, not later
    sent.forEach(([t], k) => expect(t).toBeCloseTo(10 * k, 6));
    expect(sent.length).toBe(100);
  });

  it('sends at 1 flow/s', () => {
    const sent = drive(new ReplayPacer({ kind: 'flows', perSecond: 1 }), ordinal(10), false, 5000);
    expect(sent.map(([t]) => t)).toEqual([0, 1000, 2000, 3000, 4000]);
  });

  it('groups rows per tick at high rates and keeps the average rate', () => {
    const pacer = new ReplayPacer({ kind: 'flows', perSecond: 50_000 }, { minTickMs: 4 });
    const sent = drive(pacer, ordinal(200_000), false, 1000);
    const rows = sent.reduce((a, [, r]) => a + r, 0);
    expect(rows).toBeGreaterThanOrEqual(49_000);
    expect(rows).toBeLessThanOrEqual(50_400);
    // ticks are at least 4 ms apart
    for (let i = 1; i < sent.length; i++) expect(sent[i][0] - sent[i - 1][0]).toBeGreaterThanOrEqual(4 - 1e-9);
  });

  it('sends big batches at max and never more than maxBatch', () => {
    const pacer = new ReplayPacer({ kind: 'max' }, { maxBatch: 8192 });
    expect(pacer.plan(0, ordinal(20_000), 0, 20_000, false)).toEqual({ rows: 8192, waitMs: 0 });
    expect(pacer.plan(0, ordinal(20_000), 16_384, 3616, false).rows).toBe(3616);
  });

  it('follows the file’s own timestamps times a multiplier', () => {
    const times = Float64Array.from([10, 10.5, 11, 13, 13]);
    const pacer = new ReplayPacer({ kind: 'speed', multiplier: 2 });
    const sent = drive(pacer, times, true, 10_000);
    // flow time 0, 0.5, 1, 3, 3 s at ×2 → 0, 250, 500, 1500 ms (the last two together)
    expect(sent).toEqual([
      [0, 1],
      [250, 1],
      [500, 1],
      [1500, 2],
    ]);
  });

  it('skips long silences in a capture', () => {
    const times = Float64Array.from([0, 3600, 3601]);
    const sent = drive(new ReplayPacer({ kind: 'speed', multiplier: 1 }, { maxGapMs: 5000 }), times, true, 20_000);
    expect(sent.map(([, r]) => r).reduce((a, b) => a + b)).toBe(3);
    expect(sent[sent.length - 1][0]).toBeLessThan(20_000);
  });

  it('plays untimed sources in speed mode at multiplier × the nominal rate', () => {
    const sent = drive(new ReplayPacer({ kind: 'speed', multiplier: 2 }), ordinal(10_000), false, 1000);
    expect(sent.reduce((a, [, r]) => a + r, 0)).toBeCloseTo(2 * UNTIMED_RATE, -1);
  });

  it('pauses, resumes without a burst, and steps', () => {
    const pacer = new ReplayPacer({ kind: 'flows', perSecond: 10 });
    const t = ordinal(100);
    expect(pacer.plan(0, t, 0, 100, false).rows).toBe(1);
    pacer.emitted(1);
    pacer.pause();
    expect(pacer.plan(5000, t, 1, 99, false)).toEqual({ rows: 0, waitMs: Infinity });
    expect(pacer.stepRows()).toBe(1);
    pacer.resume();
    // five seconds passed while paused: still one row now, not fifty
    expect(pacer.plan(5000, t, 1, 99, false).rows).toBe(1);
  });

  it('does not run up a debt when the consumer held it back', () => {
    const pacer = new ReplayPacer({ kind: 'flows', perSecond: 1000 }, { maxLagMs: 1000 });
    const t = ordinal(100_000);
    pacer.plan(0, t, 0, 100_000, false);
    pacer.emitted(1);
    // ten seconds of no credit: the clock restarts instead of sending 10,000 rows at once
    expect(pacer.plan(10_000, t, 1, 99_999, false).rows).toBe(1);
  });

  it('refuses rates below 1 flow/s', () => {
    expect(() => new ReplayPacer({ kind: 'flows', perSecond: 0.5 })).toThrow(/at least 1/);
    expect(() => new ReplayPacer({ kind: 'speed', multiplier: 0 })).toThrow(/positive/);
  });
});

describe('credits', () => {
  it('the source never sends more than the window, and resumes as credits return', async () => {
    const gate = new CreditGate();
    const ledger = new CreditLedger(3, (n) => gate.grant(n));
    ledger.open();
    let sent = 0;
    while (gate.take()) {
      ledger.received();
      sent++;
    }
    expect(sent).toBe(3);
    expect(ledger.inFlight).toBe(3);
    let woke = false;
    const waiting = gate.wait().then(() => (woke = true));
    await Promise.resolve();
    expect(woke).toBe(false);
    ledger.finished(1);
    await waiting;
    expect(gate.available).toBe(1);
    expect(ledger.inFlight).toBe(2);
  });

  it('a batch without credit is an error on the sink side', () => {
    const ledger = new CreditLedger(1, () => {});
    ledger.open();
    ledger.received();
    expect(() => ledger.received()).toThrow(/without credit/);
    expect(() => ledger.finished(2)).toThrow(/outstanding/);
  });
});
