import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MqttConnection } from '../../src/core/mqtt';
import { MqttFlowSource } from '../../src/core/replay';
import { freePort, startMosquitto, type Mosquitto } from '../support/servers';
import { SHARED } from './sources';

const lines = readFileSync(SHARED + 'ciciomt2024_v2_39feat_sample.csv', 'utf8')
  .split(/\r?\n/)
  .filter(Boolean);
const header = lines[0];
/** `n` flows from row `from` as one message, with the producer's sequence number */
const message = (seq: number, from: number, n: number) => `#seq=${seq}\n${header}\n${lines.slice(1 + from, 1 + from + n).join('\n')}\n`;
const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

/** a client nobody here wrote publishes */
function pub(url: string, topic: string, payload: string): void {
  const { port } = new URL(url);
  execFileSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', port, '-t', topic, '-s'], { input: payload });
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('MQTT flow source (real mosquitto)', () => {
  let broker: Mosquitto;
  let locked: Mosquitto;
  beforeAll(async () => {
    [broker, locked] = await Promise.all([startMosquitto(), startMosquitto({ users: { lab: 'right' } })]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([broker?.close(), locked?.close()]);
  });

  it('reads what mosquitto_pub publishes, counts sequence gaps as lost and overflow as skipped; received = scored + skipped', async () => {
    const source = new MqttFlowSource({ url: broker.url, topic: 'ward/+/flows', capacity: 150 });
    const opening = source.open();
    // the source waits for its first flows: publish once it has subscribed
    await until(() => source.connection.state.state === 'live', 'the subscription');
    await new Promise((r) => setTimeout(r, 200));
    pub(broker.url, 'ward/a/flows', message(0, 0, 100));
    await opening;
    expect(source.meta().dataset).toMatch(/CICIoMT2024/);
    expect(source.meta().hasOwnTime).toBe(false);
    // flows 100–149 never sent (lost), then 100 more, then 120 that do not fit the queue of 150 while 100 wait
    pub(broker.url, 'ward/a/flows', message(150, 150, 100));
    pub(broker.url, 'ward/a/flows', message(250, 250, 120));
    pub(broker.url, 'ward/a/flows', 'this is not a flow record');
    await until(() => source.queue.size >= 100, 'the queued messages');
    await new Promise((r) => setTimeout(r, 200));
    let scored = 0;
    const skipped: Record<string, number> = {};
    for (let k = 0; k < 4; k++) {
      const rows = await source.next(8192);
      scored += rows!.n;
      for (const [reason, n] of Object.entries(source.takeSkipped())) skipped[reason] = (skipped[reason] ?? 0) + n;
    }
    expect(scored).toBe(200);
    expect(skipped).toEqual({ 'live queue full': 120, 'not a flow record': 1 });
    expect(source.takeLost()).toBe(50);
    expect(source.wire.records + 120).toBe(scored + sum(skipped));
    source.close();
  });

  it('says in one sentence when nothing listens, the credentials are refused, or the address is wrong', async () => {
    const nobody = new MqttFlowSource({ url: `mqtt://127.0.0.1:${await freePort()}`, topic: 'flows' });
    await expect(nobody.open()).rejects.toThrow(/Nothing accepts connections at mqtt:\/\/127\.0\.0\.1:\d+/);
    expect(nobody.connection.state).toMatchObject({ state: 'closed' });
    const wrong = new MqttFlowSource({ url: locked.url, topic: 'flows', username: 'lab', password: 'wrong' });
    await expect(wrong.open()).rejects.toThrow(/refused: not authorised \(a wrong user name or password/);
    const typedWrong = new MqttFlowSource({ url: locked.url.replace('//', '//lab:wrong@'), topic: 'flows' });
    await expect(typedWrong.open()).rejects.toThrow(/refused: not authorised/);
    expect(() => new MqttFlowSource({ url: 'http://127.0.0.1:1883', topic: 'flows' })).toThrow(/starts with mqtt:\/\//);
    expect(() => new MqttFlowSource({ url: broker.url, topic: 'flows', share: 'a/b' })).toThrow(/shared-subscription group/);
  });

  it('uses a user name and password typed into the broker address, and never shows them', async () => {
    const source = new MqttFlowSource({ url: locked.url.replace('//', '//lab:right@'), topic: 'typed/flows' });
    const opening = source.open();
    await until(() => source.connection.state.state === 'live', 'the subscription');
    expect(source.label).not.toMatch(/right|lab@/);
    expect(JSON.stringify(source.connection.state)).not.toMatch(/right/);
    await new Promise((r) => setTimeout(r, 200));
    execFileSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', new URL(locked.url).port, '-u', 'lab', '-P', 'right', '-t', 'typed/flows', '-s'], {
      input: message(0, 0, 5),
    });
    await opening;
    expect((await source.next(8192))!.n).toBe(5);
    source.close();
  });

  it('reconnects by itself with back-off after the broker restarts, and counts the flows published meanwhile as lost', async () => {
    const states: string[] = [];
    const source = new MqttFlowSource({ url: broker.url, topic: 'restart/flows', minBackoffMs: 100, maxBackoffMs: 400, onState: (s) => states.push(s.state) });
    const opening = source.open();
    await until(() => source.connection.state.state === 'live', 'the subscription');
    await new Promise((r) => setTimeout(r, 200));
    pub(broker.url, 'restart/flows', message(0, 0, 10));
    await opening;
    await broker.stop();
    await until(() => source.connection.state.state === 'reconnecting', 'reconnecting');
    await broker.start();
    await until(() => source.connection.state.state === 'live', 'the reconnection', 15_000);
    await new Promise((r) => setTimeout(r, 200));
    // flows 10–39 were published while the broker was away
    pub(broker.url, 'restart/flows', message(40, 40, 10));
    let scored = 0;
    for (let k = 0; k < 20 && scored < 20; k++) scored += (await source.next(8192))!.n;
    expect(scored).toBe(20);
    expect(source.takeLost()).toBe(30);
    expect(states).toEqual(expect.arrayContaining(['connecting', 'live', 'reconnecting']));
    source.close();
  });

  it("a TCP connection switches Nagle's algorithm off (small messages leave at once), also after the broker came back", async () => {
    const noDelay = vi.spyOn(Socket.prototype, 'setNoDelay');
    const connection = new MqttConnection({ url: broker.url, minBackoffMs: 50 });
    try {
      await connection.connect();
      expect(noDelay).toHaveBeenCalledWith(true);
      noDelay.mockClear();
      await broker.stop();
      await broker.start();
      await vi.waitFor(() => expect(connection.state.state).toBe('live'), { timeout: 10_000, interval: 50 });
      expect(noDelay).toHaveBeenCalledWith(true);
    } finally {
      noDelay.mockRestore();
      await connection.end();
    }
  }, 30_000);
});
