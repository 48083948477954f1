import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceService } from '../../src/core/lab';
import { linkedPorts } from '../../src/core/replay';
import { startMosquitto, type Mosquitto } from '../support/servers';

describe('a source that fails to open', () => {
  let broker: Mosquitto;
  beforeAll(async () => {
    broker = await startMosquitto();
  }, 30_000);
  afterAll(async () => {
    await broker?.close();
  });

  it('is closed at once: no broker connection is left behind', async () => {
    const service = new SourceService();
    const [port] = linkedPorts();
    // connects, then the subscription is refused: '#' must be the last level
    await expect(service.open({ kind: 'mqtt', url: broker.url, topic: 'ward/#/flows', qos: 0 }, port)).rejects.toThrow(/ward\/#\/flows/);
    expect(service.feed()).toBeNull();
  }, 30_000);
});
