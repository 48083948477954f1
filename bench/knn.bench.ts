/**
 * k nearest neighbours scoring (k = 5, up to 5,000 benign reference rows, as the hybrid's
 * default first stage) on the real samples: the detector fitted on each sample's benign rows
 * through the pipeline (so the columns are the preprocessed ones), then every row of the
 * sample scored. Rows per CPU-second (the machine may be shared), for the k-d tree search the
 * detector uses and for the scan it replaced, on the same rows; their k-th distances must
 * agree bit for bit (a difference is printed and fails the run).
 * Run: npx tsx bench/knn.bench.ts
 */
import os from 'node:os';
import { readdirSync } from 'node:fs';
import { sourceFiles } from '../src/cli/files';
import { DatasetReader, concatRows, type Matrix } from '../src/core/ingest';
import { KnnDetector, ScanSearch, TreeSearch, type NeighbourSearch } from '../src/core/detectors';
import { fitPipeline } from '../src/core/pipeline';
import { SHARED } from '../tests/unit/sources';
import { QUICK, report } from './report';
import { V2_SAMPLE } from './samples';

const WIFI_MQTT = `${SHARED}ciciomt2024_v1_45feat/`;
const SAMPLES: Record<string, string[]> = {
  'BoT-IoT (12 columns)': [`${SHARED}botiot_12col_subset_sample.csv`],
  'CICIoMT2024 v1 Wi-Fi/MQTT': readdirSync(WIFI_MQTT)
    .filter((f) => !f.startsWith('Bluetooth'))
    .map((f) => WIFI_MQTT + f),
  'CICIoMT2024 v2': [V2_SAMPLE],
};
/** rows the scan measures per sample (it is the slow one) */
const SCAN_ROWS = QUICK ? 50 : 1_500;
const K = 5;

async function preprocessedRows(files: string[]): Promise<{ detector: KnnDetector; x: Matrix }> {
  const { pipeline } = await fitPipeline(sourceFiles(files), { detector: 'knn', seed: 0 });
  const reader = new DatasetReader(sourceFiles(files));
  const parts: Matrix[] = [];
  for await (const b of reader.batches()) parts.push(b);
  const x = pipeline.preprocessor.transform(concatRows(parts), pipeline.schema);
  return { detector: pipeline.detector as KnnDetector, x: QUICK ? { ...x, n: Math.min(x.n, 500) } : x };
}

/** k-th squared distances of rows [0, n) and the CPU seconds they took */
function timed(search: NeighbourSearch, x: Matrix, n: number): { kth: Float64Array; cpuS: number } {
  const kth = new Float64Array(n);
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) kth[i] = search.kthSquared(x.data, i * x.d, K);
  const used = process.cpuUsage(before);
  return { kth, cpuS: (used.user + used.system) / 1e6 };
}

console.log(`k nearest neighbours (k = ${K}) scoring, node ${process.version}, load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`);
let treeRows = 0;
let treeCpuS = 0;
let mismatches = 0;
for (const [name, files] of Object.entries(SAMPLES)) {
  const { detector, x } = await preprocessedRows(files);
  const json = detector.toJSON();
  const reference = new Float32Array((await detector.artifacts())['reference.bin'].slice().buffer);
  const n = json.rows as number;
  const before = process.cpuUsage();
  const tree = new TreeSearch(reference, n, x.d);
  const built = process.cpuUsage(before);
  // one unmeasured pass (JIT), then the measured one
  timed(tree, x, Math.min(x.n, 2_000));
  const fast = timed(tree, x, x.n);
  const scanN = Math.min(x.n, SCAN_ROWS);
  // the scan on rows spread over the whole sample (benign and attack, early and late)
  const step = Math.max(1, Math.floor(x.n / scanN));
  const spread = { n: scanN, d: x.d, data: new Float32Array(scanN * x.d) };
  for (let i = 0; i < scanN; i++) spread.data.set(x.data.subarray(i * step * x.d, (i * step + 1) * x.d), i * x.d);
  const slow = timed(new ScanSearch(reference, n, x.d), spread, scanN);
  const again = timed(tree, spread, scanN);
  let differ = 0;
  for (let i = 0; i < scanN; i++) if (!Object.is(again.kth[i], slow.kth[i])) differ++;
  mismatches += differ;
  treeRows += x.n;
  treeCpuS += fast.cpuS;
  const rate = (rows: number, s: number) => Math.round(rows / s).toLocaleString('en');
  console.log(
    `\n${name}: ${x.n.toLocaleString('en')} rows × ${x.d} columns, ${n.toLocaleString('en')} reference rows (${tree.distinct.toLocaleString('en')} distinct)`,
  );
  console.log(`  k-d tree   ${rate(x.n, fast.cpuS)} rows/CPU-s (built in ${((built.user + built.system) / 1000).toFixed(0)} ms CPU)`);
  console.log(
    `  scan       ${rate(scanN, slow.cpuS)} rows/CPU-s on ${scanN.toLocaleString('en')} rows spread over the sample (the k-d tree on the same rows: ${rate(scanN, again.cpuS)})`,
  );
  console.log(`  same k-th distances as the scan: ${differ === 0 ? 'all' : `NO — ${differ} of ${scanN} differ`}`);
}
const overall = Math.round(treeRows / treeCpuS);
console.log(`\nall samples: ${overall.toLocaleString('en')} rows/CPU-s`);
if (mismatches > 0) {
  console.error(`the k-d tree and the scan disagree on ${mismatches} rows`);
  process.exit(1);
}
report({ knn_score_rows_per_s: overall });
