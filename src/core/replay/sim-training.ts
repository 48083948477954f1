import type { SourceFile } from '../ingest';
import { simulationSource } from '../sim';

/** rows of a scenario an on-the-spot model learns from when there is no stored model for simulated flows */
export const SIM_TRAINING_ROWS = 20_000;

/**
 * The first rows of a scenario as a CSV file to train on (streamed as it is generated,
 * with a seed of its own so the replay's flows are not the training rows).
 */
export function simulatedTrainingFile(scenario: string, seed: number, rows = SIM_TRAINING_ROWS): SourceFile {
  return simulationSource(scenario, seed + 1, rows, `simulated ${scenario} (seed ${seed + 1}).csv`);
}
