import { afterEach, describe, expect, it } from 'vitest';
import { matrix } from '../../src/core/ingest';
import { Random } from '../../src/core/util';
import {
  RandomForestClassifier,
  setForestThreads,
  type ForestReply,
  type ForestThread,
  type ForestThreads,
  type RandomForestClassifierParams,
} from '../../src/core/classifiers';
import { nodeForestThreads } from '../../src/cli/node-forest-threads';

// 4 classes over 6 noisy columns and a constant one: trees deep enough to differ by seed
const n = 1500;
const d = 7;
const rng = new Random(11);
const data = new Float32Array(n * d);
const y = new Int32Array(n);
for (let i = 0; i < n; i++) {
  y[i] = i % 4;
  for (let f = 0; f < d - 1; f++) data[i * d + f] = (f % 2 === 0 ? y[i] : -y[i]) + 1.5 * rng.normal();
  data[i * d + d - 1] = 3;
}
const x = matrix(n, d, data);

/** real worker_threads, counting what they did; minRowTrees 0 so that these small forests use them */
function counted(inner: ForestThreads) {
  const seen = { started: 0, trees: 0, terminated: 0 };
  const threads: ForestThreads = {
    count: inner.count,
    minRowTrees: 0,
    start(): ForestThread {
      seen.started++;
      const t = inner.start();
      return {
        post: (task, transfer) => t.post(task, transfer),
        onReply: (listener) =>
          t.onReply((r: ForestReply) => {
            if (r.kind === 'tree') seen.trees++;
            listener(r);
          }),
        onFailure: (listener) => t.onFailure(listener),
        terminate: () => {
          seen.terminated++;
          t.terminate();
        },
      };
    },
  };
  return { threads, seen };
}

async function fitted(params: Partial<RandomForestClassifierParams>) {
  const forest = new RandomForestClassifier(params);
  await forest.fit(x, y, 4);
  return { json: JSON.stringify(forest.toJSON()), importances: forest.featureImportances(), oob: params.oob_score ? forest.oobDecisionFunction() : null };
}

afterEach(() => setForestThreads(null));

describe('random forest fit on helper threads', () => {
  it('grows exactly the forest one thread grows (trees, importances, out-of-bag probabilities), helpers included', async () => {
    const settings: [Partial<RandomForestClassifierParams>, number][] = [
      [{ n_estimators: 9, random_state: 3, oob_score: true }, 2],
      [{ n_estimators: 5, criterion: 'entropy', class_weight: 'balanced', max_samples: 0.5, min_samples_leaf: 2, max_features: 0.5 }, 1],
    ];
    for (const [p, helpers] of settings) {
      const alone = await fitted(p);
      const { threads, seen } = counted(nodeForestThreads(helpers));
      setForestThreads(threads);
      const helped = await fitted(p);
      setForestThreads(null);
      // the helpers grew trees (all but every (helpers + 1)th at most: this thread takes back those not delivered in time)
      expect(seen.started).toBe(helpers);
      expect(seen.trees).toBeGreaterThanOrEqual(1);
      expect(seen.trees).toBeLessThanOrEqual(p.n_estimators! - Math.ceil(p.n_estimators! / (helpers + 1)));
      expect(seen.terminated).toBeGreaterThanOrEqual(helpers);
      expect(helped.json).toBe(alone.json);
      expect(helped.importances).toEqual(alone.importances);
      expect(helped.oob).toEqual(alone.oob);
    }
  }, 30_000);

  it('a helper that fails to start leaves its trees to the fitting thread: the same forest', async () => {
    const alone = await fitted({ n_estimators: 6 });
    let started = 0;
    setForestThreads({
      count: 1,
      minRowTrees: 0,
      start: () => {
        started++;
        let fail: (e: Error) => void = () => {};
        return {
          post: () => setTimeout(() => fail(new Error('no threads here'))),
          onReply: () => {},
          onFailure: (listener) => (fail = listener),
          terminate: () => {},
        };
      },
    });
    expect((await fitted({ n_estimators: 6 })).json).toBe(alone.json);
    expect(started).toBe(1);
  });

  it('an abort stops the fit with an AbortError and terminates the helpers', async () => {
    const { threads, seen } = counted(nodeForestThreads(1));
    setForestThreads(threads);
    const controller = new AbortController();
    const forest = new RandomForestClassifier({ n_estimators: 5000 });
    const fit = forest.fit(x, y, 4, { signal: controller.signal, progress: () => controller.abort() });
    await expect(fit).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen.started).toBe(1);
    expect(seen.terminated).toBe(1);
    expect(forest.isFitted).toBe(false);
  });

  it('small forests stay on the fitting thread by default', async () => {
    // counted() sets minRowTrees 0: here the host's own default (2 M row-trees) decides
    const { threads, seen } = counted(nodeForestThreads(1));
    setForestThreads({ ...threads, minRowTrees: undefined });
    await fitted({ n_estimators: 4 });
    expect(seen.started).toBe(0);
  });
});
