import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deflateRawSync } from 'node:zlib';
import { encodeBinaryFlows, NO_DEVICE, WireReader, wireFraming, wrapCompressed } from '../../src/core/ingest';
import { SHARED } from './sources';

const enc = (s: string) => new TextEncoder().encode(s);
const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

const v2Lines = readFileSync(SHARED + 'ciciomt2024_v2_39feat_sample.csv', 'utf8')
  .split(/\r?\n/)
  .filter(Boolean);
const v2Header = v2Lines[0];
const iot2023 = readFileSync(SHARED + 'ciciot2023_sample.csv', 'utf8')
  .split(/\r?\n/)
  .filter(Boolean);

describe('live wire format', () => {
  it('frames a message: sequence line, records, NDJSON or CSV', () => {
    expect(wireFraming(enc(`#seq=41\n${v2Header}\n${v2Lines[1]}\n${v2Lines[2]}\n`))).toMatchObject({ seq: 41, ndjson: false, records: 2 });
    expect(wireFraming(enc('{"a":1}\n\n{"a":2}'))).toMatchObject({ seq: null, ndjson: true, records: 2 });
    expect(wireFraming(enc('#seq=x\n{"a":1}')).seq).toBeNull();
    expect(wireFraming(new Uint8Array([0, 1, 2])).records).toBe(1);
  });

  it('reads real CICIoMT2024 rows as CSV and as NDJSON, unlabelled, every record counted', () => {
    const w = new WireReader();
    const csv = w.read(enc(`#seq=0\r\n${v2Header}\r\n${v2Lines.slice(1, 101).join('\r\n')}\r\n`), 'flows');
    expect(csv!.n).toBe(100);
    expect(w.reader.dialect!.id).toBe('ciciomt2024-v2');
    // the sample's label column is read; NDJSON flows below carry none and stay unlabelled
    expect(csv!.classIndex[0]).toBeGreaterThanOrEqual(0);
    const names = v2Header.split(',');
    const objects = v2Lines.slice(101, 111).map((l) =>
      JSON.stringify(
        Object.fromEntries(
          l
            .split(',')
            .slice(0, -1)
            .map((c, j) => [names[j], Number(c)]),
        ),
      ),
    );
    const nd = w.read(enc(objects.join('\n') + '\nnot json\n[1,2]\n'), 'flows');
    expect(nd!.n).toBe(10);
    expect(Array.from(nd!.classIndex.slice(0, 3))).toEqual([-1, -1, -1]);
    // same columns, same values as the CSV reading would give
    expect(nd!.data[0]).toBeCloseTo(Number(v2Lines[101].split(',')[names.indexOf(w.reader.schema!.columns[0].name)]), 4);
    const skipped = w.takeSkipped();
    expect(skipped).toEqual({ 'not a flow record': 2 });
    expect(w.records).toBe(100 + 10 + 2);
  });

  it('skips whole messages of another dialect, binary junk and headers alone, with one sentence, and counts their records', () => {
    const w = new WireReader();
    w.read(enc(`${v2Header}\n${v2Lines[1]}\n`), 'flows');
    expect(w.read(enc(iot2023.slice(0, 6).join('\n')), 'flows')).toBeNull();
    expect(w.lastProblem).toMatch(/CICIoT2023/);
    expect(w.read(new Uint8Array([0x89, 0x50, 0, 0, 0xff, 10, 1]), 'flows')).toBeNull();
    expect(w.lastProblem).toMatch(/binary/);
    // non-UTF-8 bytes in a cell are a text cell (missing value), not a crash
    const latin = new Uint8Array([...enc(`${v2Header}\n`), ...enc(v2Lines[2].replace(/^[^,]*/, 'X')), 10]);
    latin[v2Header.length + 1] = 0xe9;
    expect(w.read(latin, 'flows')!.n).toBe(1);
    const skipped = w.takeSkipped();
    expect(skipped['another dialect or columns']).toBe(5);
    expect(skipped['not a flow record']).toBe(1);
    expect(w.records).toBe(1 + 5 + 1 + 1);
    expect(w.records).toBe(w.reader.counters.accepted + sum(skipped));
  });

  it('gathers many messages into one batch: the rows, classes, devices and counters of reading them one by one', () => {
    const names = v2Header.split(',');
    const d = names.length - 1;
    const csv = (from: number, to: number) => enc(`${v2Header}\n${v2Lines.slice(from, to).join('\n')}\n`);
    const binary = (from: number, to: number, device: boolean) => {
      const rows = v2Lines.slice(from, to).map((l) => l.split(','));
      const values = Float32Array.from(rows.flatMap((r) => r.slice(0, d).map((c) => (c === 'inf' ? Infinity : Number(c)))));
      const texts = [{ column: names[d], of: rows.map((r) => r[d]) }];
      if (device) texts.push({ column: 'device', of: rows.map((_, i) => `10.0.0.${i % 3}`) });
      return encodeBinaryFlows({ columns: names.slice(0, d), values, texts });
    };
    const messages = [
      csv(1, 41),
      binary(41, 81, true),
      enc(iot2023.slice(0, 4).join('\n')), // another dialect: skipped whole
      wrapCompressed(deflateRawSync(binary(81, 141, false))),
      new Uint8Array([0, 1, 2, 3, 4]), // junk
      csv(141, 151),
    ];
    const single = new WireReader();
    const parts = messages.map((m) => single.read(m, 'flows')).filter((b) => b !== null);
    const gathering = new WireReader();
    // a bound that is too small: the batch grows
    gathering.reader.gather(7);
    for (const m of messages) expect(gathering.read(m, 'flows')).toBeNull();
    expect(gathering.reader.gathered).toBe(150);
    const batch = gathering.reader.takeGathered()!;
    expect(gathering.reader.gathered).toBe(0);
    expect(batch.n).toBe(150);
    expect(Array.from(batch.data)).toEqual(parts.flatMap((p) => Array.from(p.data)));
    expect(Array.from(batch.classIndex)).toEqual(parts.flatMap((p) => Array.from(p.classIndex)));
    // rows of messages without a device column name none
    const devices = Array.from(batch.device!, (k) => (k === NO_DEVICE ? null : gathering.reader.devices.names[k]));
    expect(devices.slice(0, 40).every((x) => x === null)).toBe(true);
    expect(devices.slice(40, 43)).toEqual(['10.0.0.0', '10.0.0.1', '10.0.0.2']);
    expect(devices.slice(80).every((x) => x === null)).toBe(true);
    expect(gathering.takeSkipped()).toEqual(single.takeSkipped());
    expect(gathering.records).toBe(single.records);
    expect(gathering.reader.counters.accepted).toBe(150);
    // after taking, reading is one batch a message again
    expect(gathering.read(csv(1, 6), 'flows')!.n).toBe(5);
    expect(gathering.reader.takeGathered()).toBeNull();
  });
});
