import { describe, expect, it } from 'vitest';
import { CellKind } from '../../src/core/ingest/cells';
import { PlainRowCursor } from '../../src/core/ingest/row-cells';

function rows(block: string): { texts: string[]; values: number[]; kinds: number[] }[] {
  const cursor = new PlainRowCursor();
  cursor.reset(block);
  const out = [];
  while (cursor.next()) {
    const texts = [],
      values = [],
      kinds = [];
    for (let j = 0; j < cursor.count; j++) {
      texts.push(cursor.text(j));
      const cell = cursor.numeric(j);
      values.push(cell.value);
      kinds.push(cell.kind);
    }
    out.push({ texts, values, kinds });
  }
  return out;
}

describe('reading a quote-free block in place', () => {
  it('cuts rows and fields, skipping empty lines and CRs of CRLF files', () => {
    const r = rows('a,b,,c\r\n\n1,2\n');
    expect(r.map((x) => x.texts)).toEqual([
      ['a', 'b', '', 'c'],
      ['1', '2'],
    ]);
  });

  it('reads every plain decimal exactly as Number() does', () => {
    const cells: string[] = [];
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let k = 0; k < 5000; k++) {
      const digits = 1 + Math.floor(rand() * 17);
      let t = '';
      for (let i = 0; i < digits; i++) t += Math.floor(rand() * 10);
      const dot = Math.floor(rand() * (digits + 1));
      cells.push((rand() < 0.3 ? '-' : '') + t.slice(0, dot) + (rand() < 0.8 ? '.' : '') + t.slice(dot));
    }
    cells.push('204.41260800342167', '1e-05', '6', '.25', '5.', '-0', '0.0');
    const [row] = rows(cells.join(',') + '\n');
    row.texts.forEach((t, j) => expect(Object.is(row.values[j], Number(t)), t).toBe(true));
  });

  it('reads the commonest cells (a digit, then ".0") and their look-alikes as Number() does, at either end of a row', () => {
    const cells = ['1.0', '-0.0', '0.0', '9.0', '-7.0', '1.00', '1.05', '10.0', '1.0e1', '1.0x', '.0', '0.', '00.0', '1.', '-', ''];
    for (const row of [cells, [...cells].reverse()]) {
      const [read] = rows(`${row.join(',')}\r\n`);
      expect(read.texts).toEqual(row);
      read.texts.forEach((t, j) => {
        const want = t === '' ? CellKind.Empty : Number.isNaN(Number(t)) || t === '-' ? CellKind.Text : CellKind.Number;
        expect(read.kinds[j], t).toBe(want);
        if (want === CellKind.Number) expect(Object.is(read.values[j], Number(t)), t).toBe(true);
      });
    }
    expect(rows('1.0\n2.0,\n').map((r) => r.values)).toEqual([[1], [2, NaN]]);
  });

  it('hands anything else to the cell policy', () => {
    const [row] = rows('inf,-Infinity,,nan,abc,-,1.2.3\n');
    expect(row.values.slice(0, 2)).toEqual([Infinity, -Infinity]);
    expect(row.kinds).toEqual([CellKind.Infinite, CellKind.Infinite, CellKind.Empty, CellKind.NotANumber, CellKind.Text, CellKind.Text, CellKind.Text]);
  });
});
