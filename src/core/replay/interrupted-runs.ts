import type { LabStore, RunRecord, FlowCounters, RunState } from '../store';
import { DEFAULT_PERSIST_MS } from './detect-session';
import { summaryFromStore } from './stored-summary';

/** why flows that were scored but never stored are counted as skipped */
export const NOT_STORED = 'not stored: the page closed while the run played';

/** states of a run whose page is (or was) still working on it */
const OPEN_STATES: readonly RunState[] = ['playing', 'paused', 'loading'];

export interface InterruptedRunsOptions {
  /**
   * ids of the runs some page is playing right now (the browser's Web Locks say so at
   * once); without it, a run saved within the last few persist periods is taken for live
   */
  liveRuns?: ReadonlySet<string> | null;
  now?: number;
}

/**
 * Runs left "playing", "paused" or "loading" because their page closed. Each is marked
 * `interrupted` and its figures are recomputed from the flows the store holds (the last
 * saved summary may be many seconds old): stored and alerts are counted in the store,
 * scored = stored + dropped, read = scored + skipped, and flows scored but never stored
 * are counted as skipped with a reason; alerts = flagged flows stored + those among the
 * rows the retention limit dropped (the store counts them as it drops). The charts are
 * those of the stored flows. Returns the runs it closed.
 */
export async function closeInterruptedRuns(store: LabStore, options: InterruptedRunsOptions = {}): Promise<RunRecord[]> {
  const now = options.now ?? Date.now();
  const closed: RunRecord[] = [];
  for (const run of await store.listRuns()) {
    const s = run.summary;
    if (!s || !OPEN_STATES.includes(s.state)) continue;
    const live = options.liveRuns ? options.liveRuns.has(run.id) : now - run.updatedAt < 3 * DEFAULT_PERSIST_MS;
    if (live) continue;
    const rebuilt = await summaryFromStore(store, run, s);
    // every flow read back from the store was scored once: the rebuilt `scored` is what the store holds
    const stored = rebuilt.counters.scored;
    const dropped = Math.max(s.counters.dropped, run.droppedRows);
    const scored = stored + dropped;
    const lost = Math.max(0, s.counters.scored - scored);
    const skippedReasons = lost > 0 ? { ...s.skippedReasons, [NOT_STORED]: (s.skippedReasons[NOT_STORED] ?? 0) + lost } : { ...s.skippedReasons };
    const skipped = s.counters.skipped + lost;
    // alerts among rows the retention limit dropped are counted by the store as it drops them
    const droppedAlerts = run.droppedAlerts ?? 0;
    const counters: FlowCounters = {
      read: scored + skipped,
      scored,
      stored,
      skipped,
      alerts: rebuilt.counters.alerts + droppedAlerts,
      dropped,
      // a live feed's lost flows were never read: the store cannot recount them, the saved figure stands
      ...(s.counters.lost !== undefined && { lost: s.counters.lost }),
    };
    const captions = [
      `Interrupted: the page closed while this run played. Its figures are recomputed from the ${stored.toLocaleString('en-US')} flows stored${lost > 0 ? `; ${lost.toLocaleString('en-US')} scored flows had not been stored and are counted as skipped` : ''}${dropped > 0 && run.droppedAlerts === undefined ? `; alerts among the ${dropped.toLocaleString('en-US')} flows dropped by the retention limit were not kept` : ''}.`,
    ];
    const summary = {
      ...rebuilt,
      state: 'interrupted' as const,
      counters,
      skippedReasons,
      anomalyRate: scored ? counters.alerts / scored : 0,
      captions,
      position: { ...rebuilt.position, rows: scored },
    };
    const fixed: RunRecord = { ...run, summary };
    await store.putRun(fixed);
    closed.push(fixed);
  }
  return closed;
}
