/**
 * How far apart the page shows a run's summaries (each one redraws the Live view's charts:
 * Svelte's updates, five ECharts canvases, layout and paint, tens of ms of CPU).
 */

/** at most four a second: the charts move at a calm rate whatever the replay speed */
export const PUBLISH_MS = 250;
/** the main thread's share that drawing summaries may take: a summary that took 50 ms to draw waits 500 ms for the next */
const DRAW_SHARE = 0.1;
/** summaries still come at least this often however slow the drawing */
export const MAX_PUBLISH_MS = 1000;

/**
 * ms from one shown summary to the next. `drawMs`: how long the last one took from hand-over
 * to its frame. `saturating`: a replay at max rate on a machine with no core to spare for
 * the page (the source and detect workers keep two busy): there every frame is CPU taken
 * from scoring, and the main thread's wall clock cannot tell (its frames wait for a core as
 * much as they compute), so the charts redraw once a second.
 */
export function summarySpacing(drawMs: number, saturating: boolean): number {
  if (saturating) return MAX_PUBLISH_MS;
  return Math.min(MAX_PUBLISH_MS, Math.max(PUBLISH_MS, drawMs / DRAW_SHARE));
}

/** the page's workers that a replay at max rate keeps busy (source and detect) */
const BUSY_WORKERS = 2;

/** whether a replay at max rate leaves no core for the page, from the logical cores the browser reports (0 or absent: unknown, assumed plenty) */
export function noCoreToSpare(cores: number | undefined): boolean {
  return cores !== undefined && cores > 0 && cores <= BUSY_WORKERS;
}
