/**
 * Time left in a phase of known size, from the pace so far: elapsed × (1 − f) / f.
 * Restarts when the phase changes; undefined until a little of the phase is done.
 */
export class Eta {
  private phase = '';
  private started = 0;

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** seconds left in `phase`, `fraction` (0–1) of it being done */
  update(phase: string, fraction: number | null): number | undefined {
    const t = this.now();
    if (phase !== this.phase) {
      this.phase = phase;
      this.started = t;
    }
    if (fraction === null || !(fraction > 0.02)) return undefined;
    if (fraction >= 1) return 0;
    const elapsed = (t - this.started) / 1000;
    if (elapsed < 0.2) return undefined;
    return Math.max(0, (elapsed * (1 - fraction)) / fraction);
  }
}
