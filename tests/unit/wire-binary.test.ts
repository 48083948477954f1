import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { constants, deflateRawSync } from 'node:zlib';
import { binaryMessageBytes, encodeBinaryFlows, inflateWire, WireReader, wireFraming, wrapCompressed } from '../../src/core/ingest';
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

  it('a feed of messages: each binary message gives the batch and the counters its CSV gives, damaged cells and rows included', () => {
    // the sample's rows with cells taken out (empty), made infinite, and one row with no feature at all
    const damaged = rows.slice(0, 160).map((r, i) => {
      const cells = [...r];
      if (i % 7 === 0) cells[i % features.length] = '';
      if (i % 11 === 0) cells[(i * 3) % features.length] = i % 2 ? '-inf' : 'inf';
      if (i === 45) features.forEach((_, j) => (cells[j] = ''));
      return cells;
    });
    const value = (cell: string) => (cell === '' ? NaN : cell === 'inf' ? Infinity : cell === '-inf' ? -Infinity : Number(cell));
    const csvFeed = new WireReader();
    const binaryFeed = new WireReader();
    for (let from = 0; from < damaged.length; from += 40) {
      const part = damaged.slice(from, from + 40);
      // line ends as producers write them: \n, and \r\n every other message
      const eol = from % 80 ? '\r\n' : '\n';
      const text = `${lines[0]}${eol}${part.map((r) => r.join(',')).join(eol)}${eol}`;
      const csv = csvFeed.read(enc(text), 'flows')!;
      const values = Float32Array.from(part.flatMap((r) => features.map((_, j) => value(r[j]))));
      const message = encodeBinaryFlows({ columns: features, values, texts: [{ column: 'attack_type', of: part.map((r) => r.at(-1)!) }] });
      // the values read in place where they sit at a multiple of 4, copied where not: the same either way
      const unaligned = new Uint8Array(message.length + 1).subarray(1);
      unaligned.set(message);
      for (const [reader, bytes] of [
        [binaryFeed, message],
        [new WireReader(), unaligned],
      ] as const) {
        const bin = reader.read(bytes, 'flows')!;
        expect(bin.n).toBe(csv.n);
        expect(Array.from(bin.data).every((v, k) => Object.is(v, csv.data[k]))).toBe(true);
        expect(Array.from(bin.classIndex)).toEqual(Array.from(csv.classIndex));
      }
      // a message read after others is read as a reader reading it alone reads it (the feed's layout is kept, not stale)
      const alone = new WireReader().read(enc(text), 'flows')!;
      expect(Array.from(alone.data).every((v, k) => Object.is(v, csv.data[k]))).toBe(true);
    }
    const [c, b] = [csvFeed.reader.counters, binaryFeed.reader.counters];
    expect(b.read).toBe(160);
    expect(b.accepted).toBe(159);
    expect(b.skipped).toEqual({ 'no feature values': 1 });
    expect(c.skipped).toEqual(b.skipped);
    expect(c.accepted).toBe(b.accepted);
    const issues = (x: typeof c) => Object.fromEntries(Object.entries(x.cells).map(([k, v]) => [k, [v.empty, v.infinite, v.notANumber, v.text]]));
    expect(issues(b)).toEqual(issues(c));
    expect(Object.values(b.cells).some((v) => v.empty > 0 && v.infinite > 0)).toBe(true);
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

  it('inflates messages of any size whole: smaller, exactly as large as and larger than the buffer it inflates into, stored blocks too', () => {
    const random = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 2654435761) >>> 24);
    for (const size of [0, 1, 1000, (1 << 18) - 1, 1 << 18, (1 << 18) + 1, 3 << 18]) {
      const message = random(size);
      for (const level of [0, 1, 9]) {
        const out = inflateWire(wrapCompressed(deflateRawSync(message, { level })), 'flows', 64 << 20);
        expect(out.length, `${size} bytes, level ${level}`).toBe(size);
        expect(Buffer.from(out).equals(Buffer.from(message))).toBe(true);
      }
    }
    // what was inflated before is not what comes out next
    const first = inflateWire(deflated(binary(0, 100)), 'flows', 1 << 20);
    const second = inflateWire(deflated(binary(100, 110)), 'flows', 1 << 20);
    expect(Buffer.from(first).equals(Buffer.from(binary(0, 100)))).toBe(true);
    expect(Buffer.from(second).equals(Buffer.from(binary(100, 110)))).toBe(true);
  });

  it('refuses an envelope inside an envelope, in the reader and through the queue, with one sentence', () => {
    const nested = deflated(deflated(binary(0, 10)));
    const w = new WireReader();
    expect(w.read(nested, 'flows')).toBeNull();
    expect(w.lastProblem).toBe('a compressed message on flows holds another compressed message; the wire format allows one envelope');
    expect(w.takeSkipped()).toEqual({ 'not a flow record': 1 });
    // its flows arrived: they are not called lost when the sequence goes on after it
    const q = new LiveQueue({ maxMessageBytes: 100_000 });
    q.push('t', binary(0, 10, 0));
    q.push('t', deflated(deflated(binary(10, 60, 10))));
    q.push('t', binary(60, 70, 60));
    expect(q.takeLost()).toBe(0);
    const r = new WireReader();
    const read = q.take(1000).map((m) => r.read(m.payload, 't'));
    expect(read.map((b) => b?.n ?? null)).toEqual([10, null, 10]);
    expect(r.takeSkipped()).toEqual({ 'not a flow record': 1 });
  });

  it('inflates a valid message whose stored block runs past the kept buffer', () => {
    // repeated rows deflate to little and fill most of the 256 KB buffer; then a final stored block runs past its end
    const text = `${lines[0]}\n${Array.from({ length: 2000 }, () => lines[1]).join('\n')}\n`.slice(0, 255_000);
    const head = deflateRawSync(enc(text.slice(0, text.lastIndexOf('\n') + 1)), { finishFlush: constants.Z_SYNC_FLUSH });
    const tail = enc(`${lines.slice(2, 40).join('\n')}\n`);
    const stored = Uint8Array.of(0x01, tail.length & 255, tail.length >> 8, ~tail.length & 255, (~tail.length >> 8) & 255);
    const message = wrapCompressed(Uint8Array.from([...head, ...stored, ...tail]));
    // small enough to be inflated at once (not step by step), and it inflates past the buffer
    expect(message.length * 1032).toBeLessThan(16 << 20);
    expect(text.length + tail.length).toBeGreaterThan(1 << 18);
    const w = new WireReader();
    const b = w.read(message, 'flows');
    expect(w.lastProblem).toBeNull();
    expect(b!.n).toBe(text.slice(0, text.lastIndexOf('\n') + 1).split('\n').length - 2 + 38);
  });
});
