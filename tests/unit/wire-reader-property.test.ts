import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deflateRawSync } from 'node:zlib';
import { encodeBinaryFlows, WireReader, wrapCompressed } from '../../src/core/ingest';
import { SHARED } from './sources';

/**
 * Whatever a live feed sends (junk bytes, binary, cut or oversized CSV, broken NDJSON,
 * markup in labels, damaged binary-form or compressed messages), the wire reader never throws: each message gives flows or is
 * skipped with one sentence, and every record received is accepted or skipped.
 */
const v2 = readFileSync(SHARED + 'ciciomt2024_v2_39feat_sample.csv', 'utf8')
  .split(/\r?\n/)
  .filter(Boolean);
const enc = (s: string) => new TextEncoder().encode(s);

const csvMessage = fc
  .tuple(fc.integer({ min: 0, max: 40 }), fc.nat(v2.length - 2), fc.boolean(), fc.array(fc.tuple(fc.nat(2000), fc.string({ maxLength: 6 })), { maxLength: 4 }))
  .map(([rows, from, seq, edits]) => {
    let text = `${seq ? `#seq=${from}\n` : ''}${v2[0]}\n${v2.slice(1 + from, 1 + from + rows).join('\n')}\n`;
    for (const [at, s] of edits) text = text.slice(0, at) + s + text.slice(at + s.length);
    return enc(text);
  });
const ndjsonMessage = fc
  .array(fc.oneof(fc.json(), fc.constant('{"Rate":1,"attack_type":"<img src=x onerror=1>"}'), fc.string({ maxLength: 20 })), { maxLength: 8 })
  .map((lines) => enc(lines.join('\n')));
// the binary form, with bytes changed here and there, sometimes cut short
const names = v2[0].split(',');
const binaryMessage = fc
  .tuple(fc.integer({ min: 1, max: 30 }), fc.nat(v2.length - 40), fc.array(fc.tuple(fc.nat(6000), fc.nat(255)), { maxLength: 4 }), fc.nat(6000))
  .map(([rows, from, edits, cut]) => {
    const part = v2.slice(1 + from, 1 + from + rows).map((l) => l.split(','));
    const d = names.length - 1;
    const values = new Float32Array(part.length * d);
    part.forEach((r, i) => r.slice(0, d).forEach((c, j) => (values[i * d + j] = Number(c))));
    const m = encodeBinaryFlows({ columns: names.slice(0, d), values, texts: [{ column: names[d], of: part.map((r) => r[d]) }] });
    for (const [at, b] of edits) if (at < m.length) m[at] = b;
    return cut < m.length && cut % 3 === 0 ? m.subarray(0, cut) : m;
  });
// any message deflated into the envelope, its stream sometimes damaged
const compressedMessage = fc.tuple(fc.oneof(binaryMessage, csvMessage), fc.nat(40)).map(([m, k]) => {
  const z = wrapCompressed(deflateRawSync(m));
  if (k < 10) z[4 + ((k * 7) % (z.length - 4))] ^= 0x55;
  return z;
});
// an oversized message: a header line of a megabyte
const huge = fc.constant(enc(`${'H'.repeat(1_000_000)},label\n1,x\n`));
const message = fc.oneof(
  { weight: 5, arbitrary: csvMessage },
  { weight: 5, arbitrary: ndjsonMessage },
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  { weight: 4, arbitrary: binaryMessage },
  { weight: 3, arbitrary: compressedMessage },
  { weight: 1, arbitrary: huge },
);

describe('the live wire reader on any messages (property-based)', () => {
  it('never throws, says why a message was skipped in one sentence, and received = accepted + skipped', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 6 }), (messages) => {
        const w = new WireReader();
        let skipped = 0;
        for (const m of messages) {
          w.read(m, 'lab/flows');
          skipped += Object.values(w.takeSkipped()).reduce((a, b) => a + b, 0);
          if (w.lastProblem !== null) {
            expect(w.lastProblem).not.toMatch(/[\r\n]/);
            expect(w.lastProblem.length).toBeLessThan(400);
          }
        }
        expect(w.records).toBe(w.reader.counters.accepted + skipped);
      }),
      { numRuns: 200 },
    );
  });
});
