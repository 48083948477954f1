import type { ForestThread, ForestThreads } from '../src/core/classifiers';

/**
 * The random forest's helper threads in the browser: Web Workers started from the train
 * worker, one fewer than the cores the browser reports (the train worker grows trees too).
 */
export function webForestThreads(count = (navigator.hardwareConcurrency || 1) - 1): ForestThreads {
  // a bundled worker starts in tens of milliseconds: a forest of 200k row-trees (20 trees on 10k rows) already gains
  return { count, minRowTrees: 200_000, start: startThread };
}

function startThread(): ForestThread {
  const worker = new Worker(new URL('./forest.worker.ts', import.meta.url), { type: 'module', name: 'forest' });
  return {
    post: (task, transfer) => worker.postMessage(task, transfer),
    onReply: (listener) => worker.addEventListener('message', (e) => listener(e.data)),
    onFailure: (listener) => {
      worker.addEventListener('error', (e) => listener(new Error(e.message || 'the forest worker did not start')));
      worker.addEventListener('messageerror', () => listener(new Error('a forest worker reply did not arrive whole')));
    },
    terminate: () => worker.terminate(),
  };
}
