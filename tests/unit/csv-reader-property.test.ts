import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetReader, InputError, totalSkipped } from '../../src/core/ingest';
import { genericDialect } from '../../src/core/schema';
import { memoryFile } from './sources';

/**
 * Whatever bytes a file holds, the CSV reader gives rows or one clear error, never another
 * exception, and every row it read is either kept or skipped for a reason.
 */
async function readAll(bytes: Uint8Array, name: string, chunk: number, labelled: boolean) {
  const reader = new DatasetReader([memoryFile(name, bytes, chunk)], labelled ? { dialect: genericDialect({ labelColumn: 'label' }) } : {});
  let rows = 0;
  try {
    for await (const b of reader.batches()) rows += b.n;
  } catch (e) {
    return { error: e, rows, counters: reader.counters };
  }
  return { error: null, rows, counters: reader.counters };
}

function expectOutcome({ error, rows, counters }: Awaited<ReturnType<typeof readAll>>) {
  const c = counters;
  expect(c.read).toBe(c.accepted + totalSkipped(c));
  if (error === null) {
    expect(rows).toBe(c.accepted);
    return;
  }
  expect(error, String((error as Error)?.stack)).toBeInstanceOf(InputError);
  const message = (error as Error).message;
  // one clear sentence: one line, short whatever the input held
  expect(message).not.toMatch(/[\r\n]/);
  expect(message.length).toBeLessThan(400);
}

// cells as people and tools write them, and as they break
const oddCell = fc.oneof(
  fc.constantFrom(
    '',
    'inf',
    '-inf',
    'NaN',
    'nan',
    'null',
    ' 3 ',
    'benign',
    'attack',
    'label',
    '"',
    '""',
    '"a,b"',
    '"x\ny"',
    '\r',
    '<img src=x>',
    '=1+1',
    'a/b',
    '\u0000',
    '\uFEFF',
    '\uFFFD',
    '0x1f',
    '1e-5',
  ),
  fc.string({ maxLength: 12 }),
);
const numberCell = fc.oneof(fc.integer({ min: -1000, max: 1000 }).map(String), fc.double({ noNaN: true, min: -1e6, max: 1e6 }).map(String));
const labelCell = fc.constantFrom('benign', 'normal', 'attack', 'DDoS', '<style>*{}</style>', '=HYPERLINK("x")', 'a/b');
const headers = ['a,b,label', 'label,x', 'Header_Length,Rate,attack_type', 'x,y'];
/** mostly well-formed rows of the header's width (numbers, then the label), with odd cells and ragged rows mixed in */
const csvText = fc
  .constantFrom(...headers)
  .chain((header) => {
    const width = header.split(',').length;
    const labelAt = header.split(',').findIndex((h) => h === 'label' || h === 'attack_type');
    const goodRow = fc
      .tuple(
        ...Array.from({ length: width }, (_, j) =>
          j === labelAt ? labelCell : fc.oneof({ weight: 9, arbitrary: numberCell }, { weight: 1, arbitrary: oddCell }),
        ),
      )
      .map((cells) => cells.join(','));
    const badRow = fc.array(oddCell, { maxLength: 6 }).map((cells) => cells.join(','));
    const row = fc.oneof({ weight: 6, arbitrary: goodRow }, { weight: 1, arbitrary: badRow });
    return fc.tuple(fc.constant(header), fc.array(row, { maxLength: 30 }), fc.constantFrom('\n', '\r\n'), fc.boolean());
  })
  .map(([header, rows, nl, trailing]) => [header, ...rows].join(nl) + (trailing ? nl : ''));

describe('the CSV reader on any input (property-based)', () => {
  it('any byte string gives rows or one clear error, and read = kept + skipped', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 64 }), fc.boolean(), async (bytes, chunk, labelled) => {
        expectOutcome(await readAll(bytes, 'any.csv', chunk, labelled));
      }),
      { numRuns: 300 },
    );
  });

  it('any CSV-like text (quotes, CRLF, ragged rows, inf, binary, formulas) gives rows or one clear error, and read = kept + skipped', async () => {
    const outcomes = { rows: 0, errors: 0 };
    await fc.assert(
      fc.asyncProperty(csvText, fc.integer({ min: 1, max: 64 }), fc.boolean(), async (text, chunk, labelled) => {
        const outcome = await readAll(new TextEncoder().encode(text), 'flows.csv', chunk, labelled);
        expectOutcome(outcome);
        if (outcome.rows > 0) outcomes.rows++;
        if (outcome.error) outcomes.errors++;
      }),
      { numRuns: 300, seed: 13 },
    );
    // the inputs reach both outcomes, so both halves of the property are exercised
    expect(outcomes.rows).toBeGreaterThan(10);
    expect(outcomes.errors).toBeGreaterThan(10);
  });

  it('a gzip name on bytes that are not gzip, or a cut gzip stream, gives one clear error', async () => {
    const gz = new Uint8Array(await new Response(new Blob(['a,b,label\n1,2,benign\n']).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: gz.length - 1 }), async (cut) => {
        expectOutcome(await readAll(gz.slice(0, cut), 'flows.csv.gz', 16, true));
      }),
      { numRuns: 40 },
    );
  });
});
