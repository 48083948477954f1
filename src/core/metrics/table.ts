/** Plain-text tables for terminals and logs, and the number formats they use. */
import { displayText } from '../text';

/** widest cell: a class name from a file may be any length */
const CELL_MAX = 80;

export type Align = 'left' | 'right';

/**
 * Columns padded to their widest cell and separated by two spaces, a dashed rule under
 * the header. The first column is left-aligned and the rest right-aligned (names, then
 * numbers) unless `align` says otherwise.
 */
export function formatTable(header: readonly string[], untrusted: readonly (readonly string[])[], align?: readonly Align[]): string {
  // cells may hold names from a file: no terminal control sequences, no line breaks, bounded width
  const rows = untrusted.map((r) => r.map((cell) => displayText(cell, CELL_MAX)));
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    widths
      .map((w, c) => {
        const cell = cells[c] ?? '';
        return (align?.[c] ?? (c === 0 ? 'left' : 'right')) === 'left' ? cell.padEnd(w) : cell.padStart(w);
      })
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** NaN (undefined rates, see BinaryRates) */
const UNDEFINED = 'n/a';

/** 0.1234 → "12.34 %" */
export function formatPercent(v: number, digits = 2): string {
  return Number.isFinite(v) ? `${(100 * v).toFixed(digits)} %` : UNDEFINED;
}

/** fixed decimals, e.g. an AUC to 4 */
export function formatFixed(v: number, digits = 4): string {
  return Number.isFinite(v) ? v.toFixed(digits) : UNDEFINED;
}

/** a score of any magnitude: 4 decimals, or 3 significant digits in exponent form when that would hide it */
export function formatScore(v: number): string {
  if (Number.isNaN(v)) return UNDEFINED;
  if (v === 0 || !Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toFixed(4);
}
