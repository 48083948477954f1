/**
 * Long jobs that one `cancel` stops together (a worker serves one person's clicks: a new
 * reading or training makes the old one moot only when they say so).
 */
export class Jobs {
  private readonly running = new Set<AbortController>();

  /**
   * Runs `work` with its own cancel signal; `before` (the scoring backend loading) runs
   * first, already counted as running, so a cancel while it loads stops the job too.
   */
  async run<T>(work: (signal: AbortSignal) => Promise<T>, before?: () => Promise<unknown>): Promise<T> {
    const controller = new AbortController();
    this.running.add(controller);
    try {
      if (before) await before();
      controller.signal.throwIfAborted();
      return await work(controller.signal);
    } finally {
      this.running.delete(controller);
    }
  }

  cancelAll(): void {
    for (const c of this.running) c.abort();
  }
}
