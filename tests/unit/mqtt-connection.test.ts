import { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MqttConnection } from '../../src/core/mqtt';
import { startMosquitto, type Mosquitto } from '../support/servers';

describe('MqttConnection over TCP (real mosquitto)', () => {
  let broker: Mosquitto;
  beforeAll(async () => {
    broker = await startMosquitto();
  }, 30_000);
  afterAll(async () => {
    await broker?.close();
  });

  it("switches Nagle's algorithm off, also after the broker came back", async () => {
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
