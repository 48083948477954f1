import { type FitOptions, throwIfAborted, nextTurn } from '../util';

/** how often a long fit reports progress and lets the event loop run */
const INTERVAL_MS = 100;

/**
 * Paces the loop of a long fit: checks the abort signal every step, and a few times a
 * second reports progress and yields to the event loop, so that an abort posted to a
 * worker can arrive at all.
 */
export class FitPacer {
  private last = performance.now();

  constructor(
    private readonly options: FitOptions,
    private readonly what: string,
  ) {}

  async step(stage: string, done: number, total: number, loss?: number): Promise<void> {
    throwIfAborted(this.options.signal, this.what);
    if (done < total && performance.now() - this.last < INTERVAL_MS) return;
    this.options.progress?.({ stage, done, total, ...(loss === undefined ? {} : { loss }) });
    await nextTurn();
    this.last = performance.now();
    throwIfAborted(this.options.signal, this.what);
  }
}
