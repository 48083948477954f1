/**
 * Dense and LSTM autoencoders on the WebAssembly backend: fit time per epoch, scoring
 * throughput and memory on 100k × 39 synthetic rows. Prints figures only; never asserts.
 * Run: npx tsx bench/autoencoder.bench.ts [--dense]   (--dense: the dense autoencoder only)
 */
import * as tf from '@tensorflow/tfjs-core';
import { Autoencoder, LstmAutoencoder, type ReconstructionDetector, type ReconstructionParams, ensureBackend } from '../src/core/detectors';
import { matrix } from '../src/core/ingest';
import { quantileOf, Random } from '../src/core/util';
import { QUICK, report, type Figures } from './report';

const N = QUICK ? 2_000 : 100_000;
const D = 39;
const EPOCHS = 2;
/** scoring passes over the rows: at least this many, and for at least SCORE_SECONDS, after one unmeasured warm-up pass */
const MIN_PASSES = QUICK ? 2 : 15;
const SCORE_SECONDS = QUICK ? 0 : 2;

/** Rows on an 8-dimensional subspace plus noise, so the fit has something to learn. */
function lowRankRows(n: number, d: number, seed: number) {
  const rng = new Random(seed);
  const rank = 8;
  const w = Float64Array.from({ length: rank * d }, () => rng.normal() / Math.sqrt(rank));
  const x = matrix(n, d);
  const z = new Float64Array(rank);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < rank; k++) z[k] = rng.normal();
    for (let j = 0; j < d; j++) {
      let v = 0.1 * rng.normal();
      for (let k = 0; k < rank; k++) v += z[k] * w[k * d + j];
      x.data[i * d + j] = v;
    }
  }
  return x;
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

const info = await ensureBackend();
const x = lowRankRows(N, D, 1);
console.log(`autoencoders on ${N.toLocaleString('en')} rows × ${D} features, node ${process.version}, tfjs ${tf.version_core}`);
console.log(`backend ${info.backend}, SIMD ${info.simd}, threads ${info.threads}${info.note ? ` (${info.note})` : ''}`);

const settings = { epochs: EPOCHS, patience: 0, batch_size: 256 } satisfies Partial<ReconstructionParams>;
const detectors: [string, ReconstructionDetector<ReconstructionParams>][] = [['dense AE', new Autoencoder(settings)]];
if (!process.argv.includes('--dense')) detectors.push(['LSTM AE, timesteps 1', new LstmAutoencoder({ ...settings, timesteps: 1 })]);
const figures: Figures = {};

for (const [name, det] of detectors) {
  const rssBefore = process.memoryUsage().rss;
  let peakTensorBytes = 0;
  const epochMs: number[] = [];
  let t0 = performance.now();
  await det.fit(x, {
    progress: () => {
      epochMs.push(performance.now() - t0);
      peakTensorBytes = Math.max(peakTensorBytes, tf.memory().numBytes);
      t0 = performance.now();
    },
  });

  // steady state: one pass (100k rows) takes ~30 ms, so a few passes are at the mercy of one
  // GC or one slice of another process; the median of many is the figure, CPU time beside it
  await det.score(x);
  const passMs: number[] = [];
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  while (passMs.length < MIN_PASSES || performance.now() - started < SCORE_SECONDS * 1000) {
    t0 = performance.now();
    await det.score(x);
    passMs.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuMsPerPass = (cpu.user + cpu.system) / 1000 / passMs.length;
  const median = quantileOf(passMs, 0.5);
  t0 = performance.now();
  await det.scoreWithContributions(x);
  const contribMs = performance.now() - t0;

  const weights = (await det.artifacts())['weights.bin'].byteLength;
  const trainRows = Math.round(N * (1 - det.params.validation_fraction));
  const batches = Math.ceil(trainRows / (det.params.batch_size as number));
  if (name === 'dense AE') {
    // the fastest epoch: the first one also compiles the backend's kernels
    Object.assign(figures, {
      ae_score_rows_per_s: Math.round(N / (median / 1000)),
      // what the code does per CPU-second, whatever else the machine runs
      ae_score_cpu_rows_per_s: Math.round(N / (cpuMsPerPass / 1000)),
      ae_train_rows_per_s: Math.round(trainRows / (Math.min(...epochMs) / 1000)),
    });
  }
  console.log(`\n${name}: ${JSON.stringify(det.params)}`);
  console.log(
    `  fit            ${epochMs.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')} per epoch (${batches} batches of ${det.params.batch_size} + validation)`,
  );
  const rate = (ms: number) => Math.round(N / (ms / 1000)).toLocaleString('en');
  console.log(
    `  score          median of ${passMs.length} passes ${median.toFixed(1)} ms: ${rate(median)} rows/s (fastest ${rate(Math.min(...passMs))}, slowest ${rate(Math.max(...passMs))}; by CPU time ${rate(cpuMsPerPass)} rows/s)`,
  );
  console.log(`  contributions  ${contribMs.toFixed(0)} ms (scores plus the n × d squared errors)`);
  console.log(`  model          ${(weights / 4).toLocaleString('en')} weights, ${(weights / 1024).toFixed(1)} kB weights.bin`);
  console.log(`  tensors        ${tf.memory().numTensors} live after the fit, peak ${mb(peakTensorBytes)} at epoch ends`);
  console.log(`  rss growth     ${mb(process.memoryUsage().rss - rssBefore)} (rough; includes the wasm heap, which never shrinks)`);
  det.dispose();
}
report(figures);
