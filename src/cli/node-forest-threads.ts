import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { setForestThreads, type ForestThread, type ForestThreads } from '../core/classifiers';

/**
 * The random forest's helper threads in Node: worker_threads running `forest-thread.ts`,
 * one fewer than the machine's cores (the fitting thread grows trees too).
 */
export function nodeForestThreads(count = availableParallelism() - 1): ForestThreads {
  return { count, start: startThread };
}

/**
 * For a command that may fit a random forest: its trees grow on the other cores too. Called
 * by those commands, not by `runCommand`: the sensor never fits, and loading the classifiers
 * took a third of its start-up.
 */
export function useNodeForestThreads(): void {
  setForestThreads(nodeForestThreads());
}

/**
 * The thread registers tsx before it imports the TypeScript entry: loader flags are not
 * inherited by every host (Vitest's processes have none).
 */
const boot = (() => {
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./forest-thread.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
})();

function startThread(): ForestThread {
  const worker = new Worker(boot, { eval: true });
  return {
    post: (task, transfer) => worker.postMessage(task, transfer),
    onReply: (listener) => worker.on('message', listener),
    onFailure: (listener) => {
      worker.on('error', listener);
      worker.on('messageerror', () => listener(new Error('a forest thread reply did not arrive whole')));
      worker.on('exit', (code) => listener(new Error(`the thread stopped (exit code ${code})`)));
    },
    terminate: () => void worker.terminate(),
  };
}
