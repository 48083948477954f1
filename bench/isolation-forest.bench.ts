/**
 * Isolation forest: fit time, scoring throughput and memory on 100k × 39 synthetic rows.
 * Prints figures only; never asserts. Run: npx tsx bench/isolation-forest.bench.ts
 */
import { matrix } from '../src/core/ingest';
import { IsolationForest, ORIGINAL_SYSTEM_PRESET, walkForest } from '../src/core/detectors/isolation-forest';
import { Random } from '../src/core/util';
import { QUICK, report, type Figures } from './report';

const N = QUICK ? 2_000 : 100_000;
const D = 39;
const REPEATS = 3;
const figures: Figures = {};

function gaussianRows(n: number, d: number, seed: number) {
  const rng = new Random(seed);
  const data = new Float32Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return matrix(n, d, data);
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

const x = gaussianRows(N, D, 1);
console.log(`isolation forest on ${N.toLocaleString('en')} rows × ${D} features, node ${process.version}`);

for (const [name, params] of [
  ['sklearn defaults', {}],
  ['original system preset', ORIGINAL_SYSTEM_PRESET],
] as const) {
  const forest = new IsolationForest(params);
  const heapBefore = process.memoryUsage().heapUsed;
  let t0 = performance.now();
  await forest.fit(x);
  const fitMs = performance.now() - t0;
  const json = forest.toJSON();
  const nodes = json.forest.feature.length;
  // the typed arrays: feature and right (Int32), value (Float32), roots (Int32)
  const bytes = nodes * 12 + json.forest.roots.length * 4;

  // interleaved with the pointer walk (the scorer before the WebAssembly kernel), so both see the same machine load
  const pointers = {
    roots: Int32Array.from(json.forest.roots),
    feature: Int32Array.from(json.forest.feature),
    right: Int32Array.from(json.forest.right),
    value: Float32Array.from(json.forest.value),
  };
  let best = Infinity;
  let bestWalk = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    t0 = performance.now();
    forest.scoreSync(x);
    best = Math.min(best, performance.now() - t0);
    t0 = performance.now();
    walkForest(pointers, x);
    bestWalk = Math.min(bestWalk, performance.now() - t0);
  }
  const rowsPerS = N / (best / 1000);
  const trees = forest.params.n_estimators;
  if (name === 'sklearn defaults') Object.assign(figures, { iforest_score_rows_per_s: Math.round(rowsPerS), iforest_fit_ms: Math.round(fitMs) });
  console.log(`\n${name}: ${JSON.stringify(forest.params)}`);
  console.log(
    `  fit            ${fitMs.toFixed(0)} ms (incl. scoring the training rows for the contamination offset: ${forest.params.contamination !== 'auto'})`,
  );
  console.log(
    `  score          ${best.toFixed(0)} ms best of ${REPEATS}: ${Math.round(rowsPerS).toLocaleString('en')} rows/s, ${((rowsPerS * trees) / 1e6).toFixed(1)} M row-trees/s (WebAssembly kernel)`,
  );
  console.log(
    `  pointer walk   ${bestWalk.toFixed(0)} ms best of ${REPEATS}: ${Math.round(N / (bestWalk / 1000)).toLocaleString('en')} rows/s (the JavaScript scorer it replaced, same run)`,
  );
  console.log(`  forest         ${nodes.toLocaleString('en')} nodes, ${mb(bytes)} typed arrays, ${mb(JSON.stringify(json).length)} as JSON`);
  console.log(`  heap growth    ${mb(process.memoryUsage().heapUsed - heapBefore)} (rough; GC timing dependent)`);
  forest.dispose();
}
report(figures);
