/**
 * How a benchmark script hands its headline figures to `npm run bench` (bench/run.ts):
 * the runner starts the script with `--report <file>` (and `--quick` for a smoke run with
 * tiny sizes), and the script calls `report({...})` once with its figures. Run by hand,
 * without `--report`, the script only prints.
 */
import { writeFileSync } from 'node:fs';

/** a headline figure; null when it could not be measured */
export type Figures = Record<string, number | null>;

const argv = process.argv.slice(2);

/** true when the runner asks for a smoke run: tiny sizes, figures meaningless */
export const QUICK = argv.includes('--quick');

/** the script's positional arguments (the runner's flags taken out) */
export const positional: string[] = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--report');

export function report(figures: Figures): void {
  const i = argv.indexOf('--report');
  if (i >= 0 && argv[i + 1]) writeFileSync(argv[i + 1], JSON.stringify(figures));
}
