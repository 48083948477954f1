/**
 * The tallies of one reading. Every data row read is either accepted or skipped for one
 * named reason, so `read === accepted + Σ skipped` always holds.
 */
import { displayText } from '../text';

/** `window cut by the end of its capture`: a capture's last, partial window of a device, which a test reading does not score */
export type SkipReason = 'malformed row' | 'missing label' | 'no feature values' | 'repeated header' | 'window cut by the end of its capture';

export interface ColumnIssues {
  empty: number;
  infinite: number;
  notANumber: number;
  text: number;
  /** a few offending cells as written, for the message */
  examples: string[];
}

export interface IngestCounters {
  read: number;
  accepted: number;
  skipped: Partial<Record<SkipReason, number>>;
  /** per feature column, cells that were not plain numbers (see cells.ts for the policy) */
  cells: Record<string, ColumnIssues>;
  /** the first few skipped rows, with file, row number and reason */
  skippedExamples: { file: string; row: number; reason: SkipReason; detail: string }[];
}

const MAX_EXAMPLES = 5;
const EXAMPLE_MAX = 40;

export function newCounters(): IngestCounters {
  return { read: 0, accepted: 0, skipped: {}, cells: {}, skippedExamples: [] };
}

export function countSkip(c: IngestCounters, reason: SkipReason, file: string, row: number, detail: string): void {
  c.skipped[reason] = (c.skipped[reason] ?? 0) + 1;
  if (c.skippedExamples.length < MAX_EXAMPLES) c.skippedExamples.push({ file, row, reason, detail });
}

export function totalSkipped(c: IngestCounters): number {
  let n = 0;
  for (const v of Object.values(c.skipped)) n += v ?? 0;
  return n;
}

export function columnIssues(c: IngestCounters, column: string): ColumnIssues {
  return (c.cells[column] ??= { empty: 0, infinite: 0, notANumber: 0, text: 0, examples: [] });
}

export function noteExample(issues: ColumnIssues, cell: string): void {
  if (issues.examples.length >= MAX_EXAMPLES) return;
  // a cell may be megabytes long: an example is a short excerpt of it
  const shown = displayText(cell, EXAMPLE_MAX);
  if (!issues.examples.includes(shown)) issues.examples.push(shown);
}
