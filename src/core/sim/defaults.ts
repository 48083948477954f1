import { csvRows, SIM_CSV_HEADER } from './csv';
import { scenarioById, DEFAULT_SCENARIO } from './scenarios';
import { Simulator } from './simulator';

/** The dataset shipped in public/datasets/ (`npm run build-defaults` rebuilds it byte for byte). */
export const DEFAULT_DATASET = {
  file: 'mixed-day.csv',
  scenario: DEFAULT_SCENARIO,
  seed: 20240,
  rows: 12_000,
} as const;

/**
 * A scenario's first `rows` flows as CSV text, in chunks (header first), so a caller can
 * stream a big file to disk or hash it without holding it all.
 */
export function* simulateCsv(scenario: string, rows: number, seed: number, chunkRows = 4096): Generator<string> {
  const sim = new Simulator(scenarioById(scenario), { seed });
  yield SIM_CSV_HEADER + '\n';
  for (let done = 0; done < rows;) {
    const n = Math.min(chunkRows, rows - done);
    yield csvRows(sim.next(n), sim.vocabulary.names, sim.devices);
    done += n;
  }
}
