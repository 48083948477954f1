import { ctganBalance, randomOversample, smote } from '../balance';
import type { FitOptions } from '../util';
import type { Matrix } from '../ingest';

export type BalanceMethod = 'none' | 'oversample' | 'smote' | 'ctgan';
export const BALANCE_METHODS: readonly BalanceMethod[] = ['none', 'oversample', 'smote', 'ctgan'];

export interface BalancedTraining {
  x: Matrix;
  y: Int32Array;
  /** rows the method added */
  synthetic: number;
  notes: string[];
}

/** The training rows balanced by `method` (the test rows are never touched). */
export async function balance(
  method: BalanceMethod,
  x: Matrix,
  y: Int32Array,
  k: number,
  seed: number,
  options: FitOptions & { ctganEpochs?: number },
): Promise<BalancedTraining> {
  switch (method) {
    case 'none':
      return { x, y, synthetic: 0, notes: [] };
    case 'oversample':
      return withNotes(randomOversample(x, y, k, { random_state: seed }));
    case 'smote':
      return withNotes(smote(x, y, k, { random_state: seed }));
    case 'ctgan':
      return withNotes(await ctganBalance(x, y, k, { random_state: seed, epochs: options.ctganEpochs ?? defaultCtganEpochs(x.n) }, options));
  }
}

/** about CTGAN_STEPS generator steps in all (batches of 500 rows, 5–300 epochs): minutes, not hours, in one worker; --ctgan-epochs overrides */
const CTGAN_STEPS = 1000;
function defaultCtganEpochs(rows: number): number {
  const stepsPerEpoch = Math.max(1, Math.floor(rows / 500));
  return Math.min(300, Math.max(5, Math.ceil(CTGAN_STEPS / stepsPerEpoch)));
}

function withNotes(b: { x: Matrix; y: Int32Array; synthetic: number; notes?: string[] }): BalancedTraining {
  return { x: b.x, y: b.y, synthetic: b.synthetic, notes: b.notes ?? [] };
}
