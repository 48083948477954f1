import { matrix } from '../ingest';
import { ForestGrower, type ForestGrowParams, type GrownTree } from './forest-grower';
import type { Tree } from './tree-storage';

/**
 * Helper threads that grow some of a random forest's trees while the fitting thread grows
 * the rest, as scikit-learn's `n_jobs` hands trees to joblib's workers. The core has no
 * worker glue: a host that can start threads (Node's worker_threads, a browser worker's
 * nested Web Workers) sets them with `setForestThreads`, and its thread's entry calls
 * `serveForestTask`. Trees depend on their seeds only (`ForestGrower`), so the forest is
 * the same with or without helpers.
 */

/** A forest's trees that one helper grows. */
export interface ForestTask {
  n: number;
  d: number;
  /** the training rows, row-major (a copy: the helper ranks the columns itself) */
  data: Float32Array;
  y: Int32Array;
  nClasses: number;
  params: ForestGrowParams;
  /** the trees' places in the forest and their seeds */
  indices: number[];
  seeds: number[];
}

/** What a helper thread posts back: each tree as it is grown, then done, or an error. */
export type ForestReply = { kind: 'tree'; grown: GrownTree } | { kind: 'done' } | { kind: 'error'; message: string };

/** One started helper thread, as its host sees it. */
export interface ForestThread {
  post(task: ForestTask, transfer: ArrayBuffer[]): void;
  onReply(listener: (reply: ForestReply) => void): void;
  /** the thread failed to start or threw outside `serveForestTask` */
  onFailure(listener: (error: Error) => void): void;
  terminate(): void;
}

export interface ForestThreads {
  /** helper threads to use beside the fitting thread */
  readonly count: number;
  /** forests of fewer rows × trees are grown on the fitting thread alone (starting a thread costs more); default 2 M */
  readonly minRowTrees?: number;
  /** starts a helper thread (one per task; it is terminated when its task ends) */
  start(): ForestThread;
}

let installed: ForestThreads | null = null;

/** Sets (or with null removes) the helper threads every random forest's fit uses from now on. */
export function setForestThreads(threads: ForestThreads | null): void {
  installed = threads;
}

export function forestThreads(): ForestThreads | null {
  return installed;
}

/**
 * Runs `task` on a new helper thread, calling `onTree` with each tree as it arrives;
 * resolves when the helper is done, rejects on its error, and terminates it when the
 * task ends or `signal` aborts.
 */
export function growOnThread(threads: ForestThreads, task: ForestTask, onTree: (grown: GrownTree) => void, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const thread = threads.start();
    let ended = false;
    // once: a terminated thread still reports its exit
    const end = (error?: unknown) => {
      if (ended) return;
      ended = true;
      signal.removeEventListener('abort', abort);
      thread.terminate();
      if (error === undefined) resolve();
      else reject(error);
    };
    const abort = () => end(signal.reason);
    signal.addEventListener('abort', abort);
    thread.onFailure((e) => end(e));
    thread.onReply((reply) => {
      if (reply.kind === 'tree') onTree(reply.grown);
      else if (reply.kind === 'done') end();
      else end(new Error(`a forest helper thread failed: ${reply.message}`));
    });
    // the rows are a copy per helper, so they can be handed over
    const data = task.data.slice();
    thread.post({ ...task, data }, [data.buffer as ArrayBuffer]);
  });
}

/** The helper thread's side: grows the task's trees, posting each one (its arrays handed over), then done. */
export function serveForestTask(task: ForestTask, post: (reply: ForestReply, transfer: ArrayBuffer[]) => void): void {
  try {
    const grower = new ForestGrower(matrix(task.n, task.d, task.data as Float32Array<ArrayBuffer>), task.y, task.nClasses, task.params);
    task.indices.forEach((index, k) => {
      const grown = grower.grow(index, task.seeds[k]);
      post({ kind: 'tree', grown }, [...treeBuffers(grown.tree), grown.importances.buffer as ArrayBuffer]);
    });
    post({ kind: 'done' }, []);
  } catch (e) {
    post({ kind: 'error', message: e instanceof Error ? e.message : String(e) }, []);
  }
}

function treeBuffers(t: Tree): ArrayBuffer[] {
  return [t.feature, t.threshold, t.left, t.right, t.value, t.values].map((a) => a.buffer as ArrayBuffer);
}
