import type { Page } from '@playwright/test';

export interface StoredCounters {
  read: number;
  scored: number;
  stored: number;
  skipped: number;
  alerts: number;
}

/** The newest run in the page's IndexedDB, with the flows its chunks hold and how many of them are flagged. */
export interface StoredRun {
  run: { id: string; name: string; source: { dataset?: string }; summary: { state: string; counters: StoredCounters } | null } | null;
  rows: number;
  flagged: number;
}

/** what IndexedDB holds for the newest run: read in the page, as the lab's own store would */
export function newestStoredRun(page: Page): Promise<StoredRun> {
  return page.evaluate(
    () =>
      new Promise<StoredRun>((resolve, reject) => {
        const open = indexedDB.open('iomt-anomaly-lab');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['runs', 'chunks']);
          const runs = tx.objectStore('runs').getAll();
          runs.onsuccess = () => {
            const run = (runs.result as { id: string; createdAt: number }[]).sort((a, b) => b.createdAt - a.createdAt)[0] ?? null;
            if (!run) return resolve({ run: null, rows: 0, flagged: 0 });
            const chunks = tx.objectStore('chunks').getAll(IDBKeyRange.bound([run.id], [run.id, []]));
            chunks.onsuccess = () => {
              db.close();
              const all = chunks.result as { n: number; verdict: Uint8Array }[];
              resolve({
                run: run as unknown as StoredRun['run'],
                rows: all.reduce((a, c) => a + c.n, 0),
                flagged: all.reduce((a, c) => a + c.verdict.reduce((s, v) => s + v, 0), 0),
              });
            };
          };
        };
      }),
  );
}
