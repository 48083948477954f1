import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deflateRawSync } from 'node:zlib';
import { binaryMessageBytes, encodeBinaryFlows, WireReader, wireFraming, wrapCompressed } from '../../src/core/ingest';
import { LiveQueue } from '../../src/core/replay';
import { SHARED } from './sources';

const enc = (s: string) => new TextEncoder().encode(s);
const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

const lines = readFileSync(SHARED + 'ciciomt2024_v2_39feat_sample.csv', 'utf8')
  .split(/\r?\n/)
  .filter(Boolean);
const header = lines[0].split(',');
const features = header.slice(0, -1);
const rows = lines.slice(1, 201).map((l) => l.split(','));

/** real sample rows as one binary message: features as float32, the label column as labels */
function binary(from: number, to: number, seq?: number): Uint8Array {
  const part = rows.slice(from, to);
  const values = new Float32Array(part.length * features.length);
  part.forEach((r, i) => features.forEach((_, j) => (values[i * features.length + j] = r[j] === 'inf' ? Infinity : Number(r[j]))));
  return encodeBinaryFlows({ columns: features, values, texts: [{ column: 'attack_type', of: part.map((r) => r.at(-1)!) }], seq });
}

describe('live wire format, binary form', () => {
  it('reads real CICIoMT2024 rows to the same values and classes as their CSV', () => {
    const csv = new WireReader().read(enc(`${lines[0]}\n${lines.slice(1, 201).join('\n')}\n`), 'flows')!;
    const w = new WireReader();
    const bin = w.read(binary(0, 200, 0), 'flows')!;
    expect(w.reader.dialect!.id).toBe('ciciomt2024-v2');
    expect(bin.n).toBe(200);
    expect(bin.d).toBe(csv.d);
    // float32 on the wire, float32 in the batch: the same numbers
    expect(Array.from(bin.data)).toEqual(Array.from(csv.data));
    expect(Array.from(bin.classIndex)).toEqual(Array.from(csv.classIndex));
    expect(w.records).toBe(200);
    expect(w.reader.counters.cells.Rate?.infinite ?? 0).toBeGreaterThan(0);
  });

  it('frames by its header: sequence and count; sequence gaps count as lost', () => {
    const m = binary(0, 10, 40);
    expect(wireFraming(m)).toMatchObject({ binary: true, seq: 40, records: 10 });
    expect(wireFraming(binary(0, 3)).seq).toBeNull();
    const q = new LiveQueue({ capacity: 1000 });
    q.push('t', binary(0, 10, 0));
    q.push('t', binary(10, 20, 30)); // 20 flows never arrived
    expect(q.takeLost()).toBe(20);
    // about 160 bytes a flow: 23 v2 flows with labels fit a 4 KB message, where CSV fits 12
    expect(binaryMessageBytes(features, 23, ['attack_type'])).toBeLessThan(4096);
    expect(binary(0, 23).length).toBeLessThanOrEqual(binaryMessageBytes(features, 23, ['attack_type']) + 200);
  });

  it("carries text columns: a device column names the flows' devices as a CSV device column does", () => {
    const values = new Float32Array(features.length * 3).fill(2);
    const w = new WireReader();
    const b = w.read(
      encodeBinaryFlows({
        columns: features,
        values,
        texts: [
          { column: 'attack_type', of: ['WiFi_and_MQTT_test_Benign_test.pcap', null, 'WiFi_and_MQTT_test_Benign_test.pcap'] },
          { column: 'device', of: ['aa:bb:cc:00:00:01', '10.0.0.7', 'aa:bb:cc:00:00:01'] },
        ],
      }),
      'f',
    )!;
    expect(b.n).toBe(3);
    expect(Array.from(b.device!, (k) => w.reader.devices.names[k])).toEqual(['aa:bb:cc:00:00:01', '10.0.0.7', 'aa:bb:cc:00:00:01']);
    expect(Array.from(b.classIndex).map((k) => k >= 0)).toEqual([true, false, true]);
  });

  it('keeps missing values and unlabelled records as the cell policy has them', () => {
    const values = new Float32Array(features.length * 2).fill(1);
    values[0] = NaN;
    values[features.length + 3] = -Infinity;
    const w = new WireReader();
    const b = w.read(
      encodeBinaryFlows({ columns: features, values, texts: [{ column: 'attack_type', of: [null, 'WiFi_and_MQTT_test_Benign_test.pcap'] }] }),
      'f',
    )!;
    expect(b.n).toBe(2);
    expect(b.classIndex[0]).toBe(-1);
    expect(Number.isNaN(b.data[0])).toBe(true);
    expect(w.reader.counters.cells[features[0]]?.empty).toBe(1);
    expect(w.reader.counters.cells[features[3]]?.infinite).toBe(1);
  });

  it('skips a cut, unknown or foreign binary message whole, with one sentence, every record counted', () => {
    const w = new WireReader();
    w.read(binary(0, 5), 'flows');
    const whole = binary(5, 15);
    // cut short: its header's count cannot be trusted, so it is one record that is not a flow
    expect(w.read(whole.subarray(0, whole.length - 100), 'flows')).toBeNull();
    expect(w.lastProblem).toMatch(/binary flow message on flows is cut short/);
    const future = whole.slice();
    future[4] = 9;
    expect(w.read(future, 'flows')).toBeNull();
    expect(w.lastProblem).toMatch(/version 9/);
    // a dialect other than the first message's: its 3 records are skipped as such
    const iot = readFileSync(SHARED + 'ciciot2023_sample.csv', 'utf8')
      .split(/\r?\n/)[0]
      .split(',')
      .slice(0, -1);
    const other = encodeBinaryFlows({ columns: iot, values: new Float32Array(3 * iot.length) });
    expect(w.read(other, 'flows')).toBeNull();
    const skipped = w.takeSkipped();
    expect(skipped['not a flow record']).toBe(1 + 10);
    expect(skipped['another dialect or columns']).toBe(3);
    expect(w.lastProblem).toMatch(/CICIoT2023/);
    expect(w.records).toBe(w.reader.counters.accepted + sum(skipped));
    expect(w.records).toBe(5 + 1 + 10 + 3);
  });

  it('refuses to write what it could not read back', () => {
    expect(() => encodeBinaryFlows({ columns: ['a,b'], values: new Float32Array(1) })).toThrow(/commas/);
    expect(() => encodeBinaryFlows({ columns: ['a', 'b'], values: new Float32Array(3) })).toThrow(/whole records/);
    expect(() => encodeBinaryFlows({ columns: ['a'], values: new Float32Array(1), texts: [{ column: 'l', of: ['x\ny'] }] })).toThrow(/line break/);
  });
});

describe('live wire format, compressed envelope', () => {
  const deflated = (message: Uint8Array | string) => wrapCompressed(deflateRawSync(typeof message === 'string' ? enc(message) : message));

  it('inflates binary and CSV messages to the same flows, framed (sequence, count) once inflated in the queue', () => {
    const plain = new WireReader().read(binary(0, 200), 'flows')!;
    const w = new WireReader();
    const b = w.read(deflated(binary(0, 200)), 'flows')!;
    expect(Array.from(b.data)).toEqual(Array.from(plain.data));
    expect(w.read(deflated(`${lines[0]}\n${lines.slice(1, 11).join('\n')}\n`), 'flows')!.n).toBe(10);
    expect(w.records).toBe(210);
    const q = new LiveQueue();
    q.push('t', deflated(binary(0, 10, 0)));
    q.push('t', deflated(binary(10, 20, 25))); // 15 never arrived
    expect(q.size).toBe(20);
    expect(q.takeLost()).toBe(15);
    expect(wireFraming(q.take(10)[0].payload)).toMatchObject({ binary: true, records: 10 });
    // about 4 times fewer bytes for real rows
    expect(deflated(binary(0, 200)).length * 3).toBeLessThan(binary(0, 200).length);
  });

  it('a cut or corrupt envelope is one record that is not a flow, with one sentence; one that inflates past the limit is too large', () => {
    const w = new WireReader();
    w.read(binary(0, 5), 'flows');
    const whole = deflated(binary(5, 100));
    expect(w.read(whole.subarray(0, whole.length >> 1), 'flows')).toBeNull();
    expect(w.lastProblem).toMatch(/compressed message on flows (is cut short|does not inflate)/);
    expect(w.read(wrapCompressed(new Uint8Array([0xff, 0xff, 0xff, 0xff])), 'flows')).toBeNull();
    expect(w.takeSkipped()).toEqual({ 'not a flow record': 2 });
    expect(w.records).toBe(5 + 2);
    const q = new LiveQueue({ maxMessageBytes: 100_000 });
    q.push('t', deflated(new Uint8Array(5_000_000)));
    expect(q.takeSkipped()).toEqual({ 'message too large': 1 });
  });

  it('refuses an envelope inside an envelope, in the reader and through the queue, with one sentence', () => {
    const nested = deflated(deflated(binary(0, 10)));
    const w = new WireReader();
    expect(w.read(nested, 'flows')).toBeNull();
    expect(w.lastProblem).toBe('a compressed message on flows holds another compressed message; the wire format allows one envelope');
    expect(w.takeSkipped()).toEqual({ 'not a flow record': 1 });
    const q = new LiveQueue({ maxMessageBytes: 100_000 });
    q.push('t', nested);
    const held = q.take(100);
    expect(held.length).toBe(1);
    const r = new WireReader();
    expect(r.read(held[0].payload, 't')).toBeNull();
    expect(r.takeSkipped()).toEqual({ 'not a flow record': 1 });
  });
});
