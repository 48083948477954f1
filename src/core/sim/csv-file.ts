import type { SourceFile } from '../ingest';
import { simulateCsv } from './defaults';
import { scenarioById } from './scenarios';

/** flows simulated for training when the request does not say */
export const DEFAULT_SIM_ROWS = 50_000;

/**
 * A scenario's first `rows` flows as a file the reader streams like any dropped CSV
 * (written in the newer CICIoMT2024 layout, as `npm run simulate` writes it), so training
 * on the simulator goes through the same reading, split and fit as training on files.
 * Nothing is held: each read makes the rows again, identically, from the seed.
 */
export function simulationSource(scenario: string, seed: number, rows = DEFAULT_SIM_ROWS, name = `${scenario}-seed-${seed}.csv`): SourceFile {
  scenarioById(scenario); // an unknown name fails here, in one sentence
  if (!(Number.isInteger(rows) && rows > 0)) throw new Error(`the number of simulated flows must be a whole number above 0, not ${rows}`);
  return {
    name,
    stream: () => {
      const chunks = simulateCsv(scenario, rows, seed);
      const encoder = new TextEncoder();
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        },
      });
    },
  };
}
