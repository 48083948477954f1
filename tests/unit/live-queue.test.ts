import { describe, expect, it } from 'vitest';
import { deflateRawSync } from 'node:zlib';
import { wrapCompressed } from '../../src/core/ingest';
import { LiveQueue } from '../../src/core/replay';

const bytes = (s: string) => new TextEncoder().encode(s);
/** a CSV message of `n` flows (each line long enough that the message passes a small byte limit) */
const message = (seq: number, n: number) => bytes(`#seq=${seq}\na,b\n${Array.from({ length: n }, (_, i) => `${i},${'9'.repeat(20)}`).join('\n')}\n`);

describe('LiveQueue', () => {
  it('a message too large arrived: all its flows are skipped, none counted as lost', () => {
    const queue = new LiveQueue({ maxMessageBytes: 200 });
    queue.push('t', message(0, 2));
    queue.push('t', message(2, 40)); // about 1 kB: too large
    queue.push('t', message(42, 3));
    expect(queue.takeSkipped()).toEqual({ 'message too large': 40 });
    expect(queue.takeLost()).toBe(0);
    expect(queue.take(Infinity).reduce((n, m) => n + m.records, 0)).toBe(5);
  });

  it('a deflated message that inflates too large is skipped as one message, and its flows are not counted as lost', () => {
    const queue = new LiveQueue({ maxMessageBytes: 5000 });
    queue.push('t', message(0, 10));
    queue.push('t', wrapCompressed(deflateRawSync(message(10, 5000))));
    queue.push('t', message(5010, 3));
    expect(queue.takeSkipped()).toEqual({ 'message too large': 1 });
    expect(queue.takeLost()).toBe(0);
    expect(queue.take(Infinity).reduce((n, m) => n + m.records, 0)).toBe(13);
  });

  it('a gap in the sequence is lost; a sequence that goes back starts over', () => {
    const queue = new LiveQueue();
    queue.push('t', message(0, 2));
    queue.push('t', message(10, 2));
    queue.push('t', message(0, 2));
    expect(queue.takeLost()).toBe(8);
    expect(queue.takeSkipped()).toEqual({});
  });
});

describe('LiveQueue waiting for a fuller batch', () => {
  it('wakes once the flows asked for wait, not at the first message; after the time given otherwise', async () => {
    const q = new LiveQueue();
    let woke = false;
    const waiting = q.wait(10_000, 25).then(() => (woke = true));
    q.push('t', message(0, 10));
    q.push('t', message(10, 10));
    await Promise.resolve();
    expect(woke).toBe(false);
    q.push('t', message(20, 10));
    await waiting;
    expect(q.size).toBe(30);
    expect(q.arrived).toBe(30);
    // too few arrive: the wait ends after its time with what there is
    const q2 = new LiveQueue();
    q2.push('t', message(0, 3));
    await q2.wait(20, 100);
    expect(q2.take(100).length).toBe(1);
  });
});
