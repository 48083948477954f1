/**
 * Credit-based flow control between the source and the detect worker.
 *
 * The sink (detect) opens with a window of `window` batches and grants one credit back
 * each time it has finished a batch (scored and stored). The source spends a credit per
 * batch and never sends without one. So at most `window` batches are in flight or
 * queued at any time, whatever the rates: a slow consumer slows the replay, and nothing
 * is dropped or buffered without bound.
 */

/** Source side: the credits it holds, and a way to wait for more. */
export class CreditGate {
  private credits = 0;
  private waiters: (() => void)[] = [];

  get available(): number {
    return this.credits;
  }

  /** spends one credit; false (and nothing spent) when there is none */
  take(): boolean {
    if (this.credits <= 0) return false;
    this.credits--;
    return true;
  }

  grant(n: number): void {
    if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`credits are granted in positive whole numbers, not ${n}`);
    this.credits += n;
    const waiting = this.waiters;
    this.waiters = [];
    for (const wake of waiting) wake();
  }

  /** resolves once a credit is available (at once if one is) or `interrupt` is called */
  wait(): Promise<void> {
    if (this.credits > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** wakes every waiter without granting anything (pause, stop, seek) */
  interrupt(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const wake of waiting) wake();
  }

  /** forgets all credits (a new run starts with the sink's fresh window) */
  reset(): void {
    this.credits = 0;
    this.interrupt();
  }
}

/** Sink side: how many batches it has taken in and not yet finished. */
export class CreditLedger {
  private outstanding = 0;

  constructor(
    readonly window: number,
    private readonly send: (batches: number) => void,
  ) {
    if (!(Number.isInteger(window) && window >= 1)) throw new RangeError(`a credit window is at least one batch, not ${window}`);
  }

  /** the opening grant of a run */
  open(): void {
    this.outstanding = 0;
    this.send(this.window);
  }

  /** a batch arrived; throws if the source sent one without credit */
  received(): void {
    if (this.outstanding >= this.window) throw new Error('the source sent a batch without credit');
    this.outstanding++;
  }

  /** `n` batches are done: their credits go back to the source */
  finished(n = 1): void {
    if (n <= 0) return;
    if (n > this.outstanding) throw new Error(`finished ${n} batches but only ${this.outstanding} were outstanding`);
    this.outstanding -= n;
    this.send(n);
  }

  get inFlight(): number {
    return this.outstanding;
  }
}
