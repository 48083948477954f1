import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PlainRowCursor } from '../../src/core/ingest/row-cells';

/** every cell of one row as the in-place reader reads it, against Number(text) bit for bit */
function expectAsNumber(cells: string[]) {
  const cursor = new PlainRowCursor();
  cursor.reset(cells.join(',') + '\n');
  expect(cursor.next()).toBe(true);
  expect(cursor.count).toBe(cells.length);
  for (let j = 0; j < cells.length; j++) {
    const want = Number(cells[j]);
    const got = cursor.numeric(j).value;
    if (!Object.is(got, want) && !(Number.isNaN(want) && Number.isNaN(got))) expect.fail(`${cells[j]}: read ${got}, Number() gives ${want}`);
  }
}

const digitString = (max: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: max }).map((d) => d.join(''));

/** decimals as CSV writers print them: sign, digits, a point anywhere, an exponent sometimes */
const decimal = fc
  .tuple(fc.boolean(), digitString(24), fc.nat(), fc.boolean(), fc.option(fc.integer({ min: -30, max: 30 }), { nil: undefined }), fc.boolean())
  .map(([negative, digits, at, point, exponent, upper]) => {
    const cut = at % (digits.length + 1);
    const body = point ? `${digits.slice(0, cut)}.${digits.slice(cut)}` : digits;
    return `${negative ? '-' : ''}${body}${exponent === undefined ? '' : `${upper ? 'E' : 'e'}${exponent}`}`;
  });

/** doubles printed the ways programs print them: shortest round trip, 16 and 17 digits, fixed */
const printedDouble = fc
  .tuple(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 4 }))
  .map(([x, how]) => [String(x), x.toPrecision(16), x.toPrecision(17), x.toFixed(6), x.toExponential(15)][how]);

/** integers from 2^53 to 10^19 (where doubles are spaced 2 to 2048 apart), some exactly half-way between two, with a point put in */
const largeInteger = fc.tuple(fc.bigInt({ min: 2n ** 53n, max: 10n ** 19n - 1n }), fc.boolean(), fc.integer({ min: 0, max: 19 })).map(([n, tie, at]) => {
  let m = n;
  if (tie) {
    // a half-way point: the double's spacing at n, times an odd half
    const spacing = 2n ** BigInt(Math.max(0, n.toString(2).length - 53));
    m = (n / spacing) * spacing + spacing / 2n;
  }
  const t = m.toString();
  const cut = Math.min(at, t.length);
  return at === 0 ? t : `${t.slice(0, cut)}.${t.slice(cut)}`;
});

describe('decimals read in place equal Number(text) exactly', () => {
  it('for arbitrary decimal strings', () => {
    fc.assert(fc.property(fc.array(decimal, { minLength: 1, maxLength: 20 }), expectAsNumber), { numRuns: 2000 });
  });

  it('for printed doubles (the 16–17 digit decimals of perturbed captures)', () => {
    fc.assert(fc.property(fc.array(printedDouble, { minLength: 1, maxLength: 20 }), expectAsNumber), { numRuns: 2000 });
  });

  it('for integers above 2^53, half-way points included', () => {
    fc.assert(fc.property(fc.array(largeInteger, { minLength: 1, maxLength: 20 }), expectAsNumber), { numRuns: 2000 });
  });

  it('for hand-picked edges', () => {
    expectAsNumber([
      '9007199254740993', // 2^53 + 1: a tie, rounds to even
      '9007199254740995',
      '9007199254740992.5',
      '18446744073709551615',
      '9999999999999999999',
      '1000000000000000000',
      '0.1',
      '0.30000000000000004',
      '2.968311309814453e-05',
      '34155.57003257329',
      '1e22',
      '1e23',
      '1.7976931348623157e308',
      '5e-324',
      '-0',
      '-0.0e10',
      '0000000000000000000000012.5',
      '1.',
      '.5',
      '-.5',
      '1e',
      '1e+',
      '1e+5',
      '.',
      '-',
      '1.2.3',
      '12a',
      '1E400',
      '123456789012345678901234567890',
    ]);
  });
});
