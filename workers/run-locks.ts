/**
 * Which runs a page is playing right now, across tabs, from the browser's Web Locks: the
 * detect worker holds a lock named after its run while the run plays, and the browser
 * lets it go the moment the page (or the worker) goes away. So a reload sees at once that
 * its old run is no longer held, with no timeout to wait out.
 */
const PREFIX = 'iomt-run:';

/** Takes the lock of `runId`; resolves, once it is held, to the function that lets it go. */
export function holdRunLock(runId: string): Promise<() => void> {
  if (!self.navigator.locks) return Promise.resolve(() => {});
  return new Promise((held) => {
    void self.navigator.locks.request(PREFIX + runId, () => new Promise<void>((release) => held(release)));
  });
}

/** ids of the runs whose lock some page holds; null where the browser has no Web Locks */
export async function liveRunIds(): Promise<ReadonlySet<string> | null> {
  if (!self.navigator.locks) return null;
  const { held = [] } = await self.navigator.locks.query();
  return new Set(
    held
      .map((l) => l.name ?? '')
      .filter((n) => n.startsWith(PREFIX))
      .map((n) => n.slice(PREFIX.length)),
  );
}
