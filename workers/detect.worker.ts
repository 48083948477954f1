/**
 * The detect worker: a shell around the core's `DetectService` over IndexedDB and the
 * TensorFlow.js backend (WebGPU or WebAssembly, see tf-host.ts). The default models come
 * from `public/models/` on this site's own origin (kept in the store after the first visit). It takes batches from the source
 * worker's port, scores and stores them, grants credits, and sends the page a summary
 * about four times a second.
 */
import * as Comlink from 'comlink';
import { backendPreference, TF_HOST } from './tf-host';
import { ensureBackend } from '../src/core/detectors';
import { type DetectWorkerApi, DetectService } from '../src/core/lab';
// the service's own module, not the lab's face: the face would pull the training side (the study, CTGAN) in too
import type { LiveSummary } from '../src/core/replay';
import { IndexedDbStore } from '../src/core/store';
import { holdRunLock, liveRunIds } from './run-locks';

/** a file of the default models' folder on this site; null when it is not there */
async function fetchModelFile(path: string): Promise<Uint8Array | null> {
  const base = import.meta.env.BASE_URL;
  const root = new URL(base.startsWith('/') || /^https?:/.test(base) ? base : `/${base.replace(/^\.\//, '')}`, self.location.origin);
  const response = await fetch(new URL(`models/${path}`, root));
  // a dev server answers a missing file with its page
  if (!response.ok || (response.headers.get('content-type') ?? '').includes('text/html')) return null;
  return new Uint8Array(await response.arrayBuffer());
}

const service = new DetectService({
  openStore: () => IndexedDbStore.open(),
  backend: async () => ({ ...(await ensureBackend(backendPreference, TF_HOST)), crossOriginIsolated: self.crossOriginIsolated === true }),
  fetchModelFile,
  runLocks: { hold: holdRunLock, live: liveRunIds },
});

/** for benchmarks and debugging (CDP Runtime.evaluate in this worker): the live summary now */
(self as unknown as { labSummary: () => LiveSummary | null }).labSummary = () => service.summary();

const api: DetectWorkerApi = service;

Comlink.expose(api);
