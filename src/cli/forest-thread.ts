/** A Node helper thread of the random forest's fit (`node-forest-threads.ts` starts it): grows the trees it is sent. */
import { parentPort } from 'node:worker_threads';
import { serveForestTask, type ForestTask } from '../core/classifiers';

const port = parentPort!;
port.once('message', (task: ForestTask) => serveForestTask(task, (reply, transfer) => port.postMessage(reply, transfer)));
// a task that cannot be read would otherwise leave the fit waiting for this helper's first tree
port.once('messageerror', () => port.postMessage({ kind: 'error', message: 'its task did not arrive whole' }));
