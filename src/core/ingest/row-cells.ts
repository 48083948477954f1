import { CellKind, parseNumericCell, type ParsedCell } from './cells';

/**
 * One CSV row as the reader sees it: a field count, each field's text, and each field's
 * number under the cell policy (cells.ts). Two kinds: fields already cut into strings
 * (quoted CSV, via Papa Parse), and a cursor over a quote-free block that reads fields in
 * place, so the common flow CSV never makes a string per cell.
 */
export interface RowCells {
  readonly count: number;
  text(j: number): string;
  /** whether field j is exactly `s` */
  is(j: number, s: string): boolean;
  numeric(j: number): ParsedCell;
}

export class ArrayCells implements RowCells {
  fields: string[] = [];
  get count() {
    return this.fields.length;
  }
  text(j: number) {
    return this.fields[j];
  }
  is(j: number, s: string) {
    return this.fields[j] === s;
  }
  numeric(j: number) {
    return parseNumericCell(this.fields[j]);
  }
}

/** Walks the rows of a block of whole records with no quote character in it. */
export class PlainRowCursor implements RowCells {
  count = 0;
  private block = '';
  private at = 0;
  /** field j spans [starts[j], starts[j + 1] - 1) of the block */
  private starts = new Int32Array(64);

  reset(block: string) {
    this.block = block;
    this.at = 0;
  }

  /** moves to the next non-empty row; false at the end of the block */
  next(): boolean {
    const s = this.block;
    while (this.at < s.length) {
      let nl = s.indexOf('\n', this.at);
      if (nl === -1) nl = s.length;
      const stop = nl > this.at && s.charCodeAt(nl - 1) === 13 ? nl - 1 : nl; // CRLF
      const start = this.at;
      this.at = nl + 1;
      if (stop === start) continue;
      let count = 0;
      this.starts[0] = start;
      for (let i = start; i < stop; i++) {
        if (s.charCodeAt(i) === 44) this.mark(++count, i + 1);
      }
      this.mark(++count, stop + 1);
      this.count = count;
      return true;
    }
    return false;
  }

  text(j: number) {
    return this.block.slice(this.starts[j], this.starts[j + 1] - 1);
  }

  is(j: number, s: string) {
    return this.starts[j + 1] - 1 - this.starts[j] === s.length && this.block.startsWith(s, this.starts[j]);
  }

  numeric(j: number): ParsedCell {
    return parseSpan(this.block, this.starts[j], this.starts[j + 1] - 1);
  }

  private mark(j: number, at: number) {
    if (j >= this.starts.length) {
      const grown = new Int32Array(this.starts.length * 2);
      grown.set(this.starts);
      this.starts = grown;
    }
    this.starts[j] = at;
  }
}

const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);
const plain: ParsedCell = { value: 0, kind: CellKind.Number };

/**
 * A plain decimal (`-12.5`, `6`, `.25`) of at most 15 digits is read in place: an
 * integer below 2^53 divided by an exact power of ten is correctly rounded, so it
 * equals `Number(text)`. Anything else (exponents, long digits, `inf`, text) goes to
 * the general cell policy.
 */
function parseSpan(s: string, a: number, b: number): ParsedCell {
  let i = a;
  const negative = i < b && s.charCodeAt(i) === 45;
  if (negative) i++;
  let m = 0;
  let digits = 0;
  let frac = 0;
  let dot = false;
  for (; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (dot) frac++;
    } else if (c === 46 && !dot) dot = true;
    else break;
  }
  if (i === b && digits > 0 && digits <= 15) {
    plain.value = (negative ? -m : m) / POW10[frac];
    return plain;
  }
  return parseNumericCell(s.slice(a, b));
}
