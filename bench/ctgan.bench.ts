/**
 * CTGAN with its default networks on the WebAssembly backend: fit time per epoch and
 * sampling throughput on 10k × 39 synthetic rows of 5 unevenly sized classes. Prints
 * figures only; never asserts.
 * Run: npx tsx bench/ctgan.bench.ts [epochs]
 */
import * as tf from '@tensorflow/tfjs-core';
import { Ctgan, CTGAN_DEFAULTS } from '../src/core/balance';
import { ModeNormalizer } from '../src/core/balance/mode-normalizer';
import { ensureBackend } from '../src/core/detectors';
import { matrix } from '../src/core/ingest';
import { Random } from '../src/core/util';
import { positional, QUICK, report } from './report';

const CLASS_ROWS = QUICK ? [500, 250, 150, 70, 30] : [5000, 2500, 1500, 700, 300];
const D = 39;
const EPOCHS = Number(positional[0] ?? (QUICK ? 1 : 3));
const SAMPLE_ROWS = QUICK ? 2_000 : 20_000;

/**
 * Flow-like columns: every third a count with a point mass at zero and a long tail, the
 * rest two-peaked with class-dependent peaks; then standard-scaled, as the study's
 * preprocessor leaves them.
 */
function flowRows(seed: number) {
  const rng = new Random(seed);
  const n = CLASS_ROWS.reduce((a, b) => a + b, 0);
  const x = matrix(n, D);
  const y = new Int32Array(n);
  const shift = Float64Array.from({ length: CLASS_ROWS.length * D }, () => rng.normal());
  let i = 0;
  CLASS_ROWS.forEach((rows, c) => {
    for (let r = 0; r < rows; r++, i++) {
      y[i] = c;
      for (let j = 0; j < D; j++) {
        const s = shift[c * D + j];
        x.data[i * D + j] =
          j % 3 === 0 ? (rng.next() < 0.4 ? 0 : Math.round(Math.exp(2 + s + rng.normal()))) : (rng.next() < 0.5 ? -2 : 2) + s + 0.5 * rng.normal();
      }
    }
  });
  for (let j = 0; j < D; j++) {
    let sum = 0;
    let sq = 0;
    for (let r = 0; r < n; r++) sum += x.data[r * D + j];
    const mean = sum / n;
    for (let r = 0; r < n; r++) sq += (x.data[r * D + j] - mean) ** 2;
    const std = Math.sqrt(sq / n) || 1;
    for (let r = 0; r < n; r++) x.data[r * D + j] = (x.data[r * D + j] - mean) / std;
  }
  return { x, y };
}

const info = await ensureBackend();
const { x, y } = flowRows(1);
console.log(`CTGAN on ${x.n.toLocaleString('en')} rows × ${D} columns, classes ${CLASS_ROWS.join('/')}, node ${process.version}, tfjs ${tf.version_core}`);
console.log(`backend ${info.backend}, SIMD ${info.simd}, threads ${info.threads}${info.note ? ` (${info.note})` : ''}`);

let t0 = performance.now();
const normalizer = await ModeNormalizer.fit(x, { ...CTGAN_DEFAULTS, max_rows: CTGAN_DEFAULTS.max_mixture_rows }, new Random(0));
const modes = normalizer.columns.map((c) => c.means.length);
console.log(
  `\nmode-specific normalisation  ${(performance.now() - t0).toFixed(0)} ms for ${D} columns; modes per column ${Math.min(...modes)}–${Math.max(...modes)}, encoded width ${normalizer.width}`,
);

const model = new Ctgan({ epochs: EPOCHS });
const epochMs: number[] = [];
let peakTensorBytes = 0;
t0 = performance.now();
await model.fit(x, y, CLASS_ROWS.length, {
  progress: (p) => {
    if (p.stage !== 'epoch') return;
    epochMs.push(performance.now() - t0);
    peakTensorBytes = Math.max(peakTensorBytes, tf.memory().numBytes);
    console.log(`  epoch ${p.done}/${p.total}: generator ${p.loss!.toFixed(3)}, critic ${p.criticLoss!.toFixed(3)}`);
    t0 = performance.now();
  },
});
const steps = Math.floor(x.n / model.params.batch_size);
console.log(`fit (defaults: batch ${model.params.batch_size}, pac ${model.params.pac}, ${steps} steps per epoch)`);
// the last epoch: the first also fits the mixtures and compiles the backend's kernels
const stepMs = epochMs.at(-1)! / steps;
console.log(
  `  ${epochMs.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')} per epoch (the first includes fitting the mixtures); ${stepMs.toFixed(0)} ms per step`,
);
console.log(`  tensors ${tf.memory().numTensors} live after the fit, peak ${(peakTensorBytes / 1048576).toFixed(1)} MB at epoch ends`);

const perClass = CLASS_ROWS.map(() => SAMPLE_ROWS / CLASS_ROWS.length);
let best = Infinity;
for (let r = 0; r < 3; r++) {
  t0 = performance.now();
  model.sample(perClass, r);
  best = Math.min(best, performance.now() - t0);
}
console.log(
  `sample  ${best.toFixed(0)} ms best of 3 for ${SAMPLE_ROWS.toLocaleString('en')} rows: ${Math.round(SAMPLE_ROWS / (best / 1000)).toLocaleString('en')} rows/s`,
);
const json = JSON.stringify(model.toJSON());
console.log(`model JSON ${(json.length / 1048576).toFixed(2)} MB (generator weights as base64 float32)`);
model.dispose();
report({ ctgan_step_ms: Math.round(stepMs) });
