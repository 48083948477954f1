import type { LabStore, RunRecord } from '../store/records';
import { DEFAULT_PERSIST_MS } from './detect-session';

/** why flows that were scored but never stored are counted as skipped */
export const NOT_STORED = 'not stored: the page closed while the run played';

/**
 * Runs left "playing" or "paused" because their page closed: their last saved summary is
 * up to a few seconds old and a few batches were scored but never stored. Each is closed
 * with counters that add up again against what the store holds: scored = stored + dropped,
 * read = scored + skipped, flows scored but lost counted as skipped with a reason. A run
 * saved within the last few persist periods may still be playing in another tab, so it is
 * left alone. Returns the runs it closed.
 */
export async function closeInterruptedRuns(store: LabStore, now = Date.now()): Promise<RunRecord[]> {
  const closed: RunRecord[] = [];
  for (const run of await store.listRuns()) {
    const s = run.summary;
    if (!s || !['playing', 'paused', 'loading'].includes(s.state) || now - run.updatedAt < 3 * DEFAULT_PERSIST_MS) continue;
    const c = { ...s.counters };
    const stored = await store.countRows(run.id);
    const dropped = Math.max(c.dropped, run.droppedRows);
    const lost = c.scored - dropped - stored;
    if (lost > 0) {
      c.scored -= lost;
      c.skipped += lost;
    } else {
      // rows stored after the last saved summary: they were read and scored too
      c.scored = stored + dropped;
      c.read = c.scored + c.skipped;
    }
    c.stored = stored;
    c.dropped = dropped;
    const skippedReasons = lost > 0 ? { ...s.skippedReasons, [NOT_STORED]: (s.skippedReasons[NOT_STORED] ?? 0) + lost } : s.skippedReasons;
    const note = lost > 0 ? `The page closed while this run played; ${lost} scored flows had not been stored and are counted as skipped.` : 'The page closed while this run played.';
    const fixed: RunRecord = { ...run, summary: { ...s, state: 'ended', counters: c, skippedReasons, captions: [note] } };
    await store.putRun(fixed);
    closed.push(fixed);
  }
  return closed;
}
