/**
 * npm run train-defaults: the models the lab loads at start, trained on simulated benign
 * traffic (seeded, so a rebuild gives the same models): isolation forest, dense autoencoder
 * and LSTM autoencoder, each saved as `npm run evaluate -- --save` saves a model, in
 * public/models/<id>/, plus public/models/index.json.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBackend } from '../core/detectors';
import type { DetectorKind } from '../core/detectors';
import { fitPipeline } from '../core/pipeline';
import { simulationSource } from '../core/sim';
import { parseThreshold } from '../core/threshold';
import { numberArg } from './args';
import { saveModelFolder } from './model-folder';
import { useNodeForestThreads } from './node-forest-threads';
import { runCommand } from './run-command';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SCENARIO = 'quiet-ward';
const MODELS: { id: string; detector: DetectorKind; name: string }[] = [
  { id: 'iforest', detector: 'iforest', name: 'Isolation forest' },
  { id: 'ae', detector: 'ae', name: 'Dense autoencoder' },
  { id: 'lstm', detector: 'lstm', name: 'LSTM autoencoder' },
];

const USAGE = `usage: npm run train-defaults [-- --rows <n>] [--seed <s>]

Trains the lab's default models (isolation forest, dense and LSTM autoencoders, threshold at the
99th percentile of held-back benign scores) on simulated benign flows of the ${SCENARIO} scenario
and writes them to public/models/<id>/ with public/models/index.json.`;

useNodeForestThreads();
runCommand(USAGE, { rows: 'one', seed: 'one' }, async (args) => {
  const rows = numberArg(args, 'rows', (v) => Number.isInteger(v) && v >= 100, 'a whole number of at least 100') ?? 20_000;
  const seed = numberArg(args, 'seed', (v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32, 'a whole number from 0 to 2^32 − 1') ?? 7;
  await ensureBackend('wasm');
  // the name is recorded in each saved model's training files
  const file = simulationSource(SCENARIO, seed, rows, `simulated-${SCENARIO}-seed${seed}.csv`);
  const outDir = join(ROOT, 'public/models');
  const index = { format: 'iomt-anomaly-lab/models', scenario: SCENARIO, seed, rows, createdBy: 'npm run train-defaults', models: [] as unknown[] };
  for (const m of MODELS) {
    const started = performance.now();
    const { pipeline } = await fitPipeline([file], { detector: m.detector, threshold: parseThreshold('p99'), seed });
    // what makes two rebuilds differ is only the clock: keep it out of the saved files
    pipeline.training.createdAt = '';
    pipeline.training.fitMs = 0;
    const dir = join(outDir, m.id);
    rmSync(dir, { recursive: true, force: true });
    const files = await saveModelFolder(dir, pipeline);
    index.models.push({
      id: m.id,
      detector: m.detector,
      name: m.name,
      path: `${m.id}/`,
      files,
      threshold: pipeline.threshold,
      trainRows: pipeline.training.trainRows,
    });
    console.log(
      `${m.id}: ${pipeline.training.trainRows} benign rows, threshold ${pipeline.threshold.value.toPrecision(4)}, ${files.join(', ')} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );
    pipeline.dispose();
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'index.json'), JSON.stringify(index, null, 2) + '\n');
  console.log(`wrote ${outDir}/index.json`);
  return 0;
});
