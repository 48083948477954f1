/**
 * The source worker: a shell around the core's `SourceService`. It opens dropped files
 * (streamed, never whole in memory) or the simulated hospital, and replays their flows to
 * the detect worker over a MessagePort the page hands it for each run, batch by batch as
 * transferables, only ever with credit.
 */
import * as Comlink from 'comlink';
import { type SourceWorkerApi, SourceService } from '../src/core/lab';
// the service's own module, not the lab's face: the face would pull the scoring side (TensorFlow.js) into this worker

const api: SourceWorkerApi = new SourceService();

Comlink.expose(api);
