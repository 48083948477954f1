/** A helper thread of the random forest's fit in the browser (`web-forest-threads.ts` starts it from the train worker): grows the trees it is sent. */
import { serveForestTask, type ForestTask } from '../src/core/classifiers';

self.addEventListener('message', (e: MessageEvent<ForestTask>) => serveForestTask(e.data, (reply, transfer) => self.postMessage(reply, { transfer })), {
  once: true,
});
// a task that cannot be read would otherwise leave the fit waiting for this helper's first tree
self.addEventListener('messageerror', () => self.postMessage({ kind: 'error', message: 'its task did not arrive whole' }), { once: true });
