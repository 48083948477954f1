/**
 * The train worker: a shell around the core's `TrainService` over IndexedDB and the
 * TensorFlow.js backend (WebGPU or WebAssembly, see tf-host.ts): inspect and explore dropped files, evaluate detectors, compare
 * supervised models, train, and the stored models. The page never touches a row: files
 * are read as streams here and only aggregates go back.
 */
import * as Comlink from 'comlink';
import { backendPreference, TF_HOST } from './tf-host';
import { webForestThreads } from './web-forest-threads';
import { setForestThreads } from '../src/core/classifiers';
import { ensureBackend } from '../src/core/detectors';
import { TrainService, type TrainWorkerApi } from '../src/core/lab';
import { IndexedDbStore } from '../src/core/store';

const api: TrainWorkerApi = new TrainService({
  openStore: () => IndexedDbStore.open(),
  backend: () => ensureBackend(backendPreference, TF_HOST),
});

// a forest's fit grows trees on the other cores too
setForestThreads(webForestThreads());
Comlink.expose(api);
