/**
 * At most one call per `ms`, but always passing on a change of `stageOf` (so a progress
 * listener across a worker boundary sees every phase, not a flood of ticks).
 */
export function throttle<T>(fn: (p: T) => void, ms: number, stageOf: (p: T) => string, now: () => number = Date.now): (p: T) => void {
  let last = 0;
  let lastStage = '';
  return (p) => {
    const t = now();
    const stage = stageOf(p);
    if (t - last >= ms || stage !== lastStage) {
      last = t;
      lastStage = stage;
      fn(p);
    }
  };
}
