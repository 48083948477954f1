import { CellKind, parseNumericCell, type ParsedCell } from './cells';
import { decimalValue } from './decimal';
import { NO_TEXT, type TextColumn } from './wire-binary';

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
  /**
   * The fast path of a row whose fields `index[j]` are all plain finite numbers: writes them
   * to `out[at + j]`; false as soon as one is not (`out` is then partly written and the
   * caller goes through the cells one by one, counting what each is). Absent: no fast path.
   */
  plainInto?(index: Int32Array, out: Float32Array, at: number): boolean;
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

/**
 * The records of a binary message (wire-binary.ts) as rows: `columns` float32 values each,
 * then the text columns (label, device …) as the last fields. Values are numbers already, so the cell policy
 * only sorts them: NaN is an empty (missing) cell, ±Infinity an infinite one.
 */
export class FloatRowCells implements RowCells {
  readonly count: number;
  private row = -1;
  private readonly cell: ParsedCell = { value: 0, kind: CellKind.Number };

  constructor(
    private readonly values: Float32Array,
    private readonly columns: number,
    readonly rows: number,
    private readonly texts: readonly TextColumn[],
  ) {
    this.count = columns + texts.length;
  }

  /** moves to the next record; false after the last */
  next(): boolean {
    return ++this.row < this.rows;
  }

  /** back before the first record */
  rewind(): void {
    this.row = -1;
  }

  text(j: number): string {
    if (j >= this.columns) {
      const { table, index } = this.texts[j - this.columns];
      const i = index[this.row];
      return i === NO_TEXT ? '' : table[i];
    }
    const v = this.values[this.row * this.columns + j];
    return v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v === v ? String(v) : '';
  }

  is(j: number, s: string): boolean {
    // a number field can only equal a text that reads as the same number (a header name never does)
    if (j < this.columns && s !== '' && +s !== this.values[this.row * this.columns + j]) return false;
    return this.text(j) === s;
  }

  numeric(j: number): ParsedCell {
    if (j >= this.columns) return parseNumericCell(this.text(j));
    const v = this.values[this.row * this.columns + j];
    this.cell.value = v;
    this.cell.kind = v !== v ? CellKind.Empty : v === Infinity || v === -Infinity ? CellKind.Infinite : CellKind.Number;
    return this.cell;
  }

  plainInto(index: Int32Array, out: Float32Array, at: number): boolean {
    const { values, columns } = this;
    const base = this.row * columns;
    for (let j = 0; j < index.length; j++) {
      const k = index[j];
      if (k >= columns) return false; // a feature among the text columns
      const v = values[base + k];
      if (v - v !== 0) return false; // NaN or ±Infinity
      out[at + j] = v;
    }
    return true;
  }
}

/**
 * Walks the rows of a block of whole records with no quote character in it. One pass over
 * a row's characters finds its fields and reads each plain decimal (`-12.5`, `6`, `.25`,
 * `2.9e-05`) as it goes (decimal.ts rounds it as `Number` does); anything else (`inf`,
 * text, more than 19 significant digits) is left to the cell policy when asked for.
 */
export class PlainRowCursor implements RowCells {
  count = 0;
  private block = '';
  private at = 0;
  /** field j spans [starts[j], starts[j + 1] - 1) of the block */
  private starts = new Int32Array(64);
  /** field j's value where it was a plain decimal, else NaN */
  private values = new Float64Array(64);

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
      this.count = this.readFields(s, start, stop);
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
    const v = this.values[j];
    if (v === v) {
      plain.value = v;
      return plain;
    }
    return parseNumericCell(this.text(j));
  }

  /**
   * Writes fields `index[j]` of the row, all plain decimals, to `out[at + j]`; false as soon
   * as one is not (`out` is then partly written: the caller goes through the cells one by one)
   */
  plainInto(index: Int32Array, out: Float32Array, at: number): boolean {
    const values = this.values;
    for (let j = 0; j < index.length; j++) {
      const v = values[index[j]];
      if (v !== v) return false;
      out[at + j] = v;
    }
    return true;
  }

  /** the fields of the row [start, stop): their offsets and plain decimal values; returns their count */
  private readFields(s: string, start: number, stop: number): number {
    let count = 0;
    let i = start;
    let { starts, values } = this;
    for (;;) {
      if (count + 1 >= starts.length) ({ starts, values } = this.grow());
      starts[count] = i;
      let negative = false;
      if (i < stop && s.charCodeAt(i) === 45) {
        negative = true;
        i++;
      }
      // the commonest field of flow CSVs (a flag or a share printed as a float): one digit, then ".0"
      let d0 = 0;
      if (
        i + 3 <= stop &&
        (d0 = s.charCodeAt(i) - 48) >>> 0 <= 9 &&
        s.charCodeAt(i + 1) === 46 &&
        s.charCodeAt(i + 2) === 48 &&
        (i + 3 === stop || s.charCodeAt(i + 3) === 44)
      ) {
        values[count++] = negative ? -d0 : d0;
        i += 3;
        if (i >= stop) break;
        i++; // past the comma
        continue;
      }
      // significant digits: the first 15 in hi, up to 4 more in lo; digits counts all, leading zeros too
      // prettier-ignore
      let hi = 0, lo = 0, loDigits = 0, significant = 0;
      // prettier-ignore
      let digits = 0, dotAt = -1, c = 0;
      let plainNumber = true;
      for (; i < stop; i++) {
        c = s.charCodeAt(i);
        const d = c - 48;
        if (d >>> 0 <= 9) {
          digits++;
          if (significant < 15) {
            hi = hi * 10 + d;
            if (hi !== 0) significant++;
          } else if (significant < 19) {
            lo = lo * 10 + d;
            loDigits++;
            significant++;
          } else plainNumber = false;
        } else if (c === 46 && dotAt < 0) dotAt = i;
        else break;
      }
      const fraction = dotAt < 0 ? 0 : i - dotAt - 1;
      let exponent = 0;
      if (i < stop && (c === 101 || c === 69) && digits > 0) {
        // an exponent: e, an optional sign, at least one digit
        i++;
        const sign = i < stop && (s.charCodeAt(i) === 45 || s.charCodeAt(i) === 43) ? s.charCodeAt(i++) : 43;
        let expDigits = 0;
        for (; i < stop; i++) {
          const d = s.charCodeAt(i) - 48;
          if (d < 0 || d > 9) break;
          if (exponent < 10_000) exponent = exponent * 10 + d;
          expDigits++;
        }
        if (expDigits === 0) plainNumber = false;
        if (sign === 45) exponent = -exponent;
      }
      if (i < stop && s.charCodeAt(i) !== 44) {
        plainNumber = false;
        const comma = s.indexOf(',', i);
        i = comma === -1 || comma > stop ? stop : comma;
      }
      values[count] = plainNumber && digits > 0 ? decimalValue(negative, hi, lo, loDigits, exponent - fraction) : NaN;
      count++;
      if (i >= stop) break;
      i++; // past the comma
    }
    starts[count] = stop + 1;
    return count;
  }

  private grow(): { starts: Int32Array<ArrayBuffer>; values: Float64Array<ArrayBuffer> } {
    const starts = new Int32Array(this.starts.length * 2);
    starts.set(this.starts);
    this.starts = starts;
    const values = new Float64Array(this.values.length * 2);
    values.set(this.values);
    this.values = values;
    return { starts, values };
  }
}

const plain: ParsedCell = { value: 0, kind: CellKind.Number };
