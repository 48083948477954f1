/**
 * The stated policy for numeric cells. Nothing is dropped for a bad cell; each kind is
 * counted so a reader can see what was repaired:
 * - a number (also `1e-5`, `0x1f`, surrounding spaces) is kept as is;
 * - `inf`, `+inf`, `-inf`, `Infinity` (any case) are kept as ±Infinity: the
 *   preprocessor later puts them at the edge of the range it learned (a rate of
 *   "inf" is a very high rate, not a missing one);
 * - an empty cell, `nan`/`NaN`/`null`/`NA`, or any other text becomes NaN (missing) and is
 *   imputed later with the training median.
 */
export const enum CellKind {
  Number = 0,
  Empty = 1,
  Infinite = 2,
  NotANumber = 3,
  Text = 4,
}

const INFINITIES: Record<string, number> = {
  inf: Infinity,
  '+inf': Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-inf': -Infinity,
  '-infinity': -Infinity,
};
const MISSING = new Set(['nan', '-nan', 'null', 'na', 'n/a', 'none', '?']);

export interface ParsedCell {
  value: number;
  kind: CellKind;
}

const scratch: ParsedCell = { value: 0, kind: CellKind.Number };

/** Parses one numeric cell; returns a shared object, read it before the next call. */
export function parseNumericCell(text: string): ParsedCell {
  const v = +text;
  if (v === v && text.length !== 0) {
    // `+" "` is 0 in JavaScript; a blank cell is missing, not zero
    if (v === 0 && text.trim() === '') return set(NaN, CellKind.Empty);
    if (v === Infinity || v === -Infinity) return set(v, CellKind.Infinite);
    return set(v, CellKind.Number);
  }
  const t = text.trim().toLowerCase();
  if (t === '') return set(NaN, CellKind.Empty);
  const inf = INFINITIES[t];
  if (inf !== undefined) return set(inf, CellKind.Infinite);
  if (MISSING.has(t)) return set(NaN, CellKind.NotANumber);
  return set(NaN, CellKind.Text);
}

function set(value: number, kind: CellKind): ParsedCell {
  scratch.value = value;
  scratch.kind = kind;
  return scratch;
}
