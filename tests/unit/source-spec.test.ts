import { describe, expect, it } from 'vitest';
import { sourceLabel, sourceRecord, type MqttSpec } from '../../src/core/replay';

describe('an MQTT source spec as shown and stored', () => {
  const spec: MqttSpec = { kind: 'mqtt', url: 'mqtt://lab:s3cret@127.0.0.1:1883', topic: 'ward/+/flows', qos: 0, password: 'other' };

  it('never carries a password typed into the broker address', () => {
    expect(sourceLabel(spec)).not.toMatch(/s3cret|lab:/);
    expect(sourceLabel(spec)).toBe('MQTT mqtt://127.0.0.1:1883 ward/+/flows');
    expect(JSON.stringify(sourceRecord(spec, 'CICIoMT2024'))).not.toMatch(/s3cret|other/);
  });

  it('shows an address that is not one as it was typed (the error says what is wrong)', () => {
    expect(sourceLabel({ ...spec, url: 'not a url', share: 'g' })).toBe('MQTT not a url $share/g/ward/+/flows');
  });
});
