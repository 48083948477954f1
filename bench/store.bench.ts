/**
 * Store throughput in Node: putChunks of columnar chunks (39 CICIoMT2024 v2 features, two
 * detector scores), then reading the run back and exporting it as CSV. Prints rows/s and
 * memory; asserts nothing.
 *
 * NOT the browser: this runs on fake-indexeddb (a JavaScript model of IndexedDB that
 * keeps everything in memory and structured-clones every value), so its rows/s say
 * nothing about Chromium's IndexedDB on disk. The browser figure is measured by the
 * replay benchmark in Chromium. This bench checks that the store's own work per chunk
 * (validation, retention bookkeeping, one transaction per call) stays small, and that the
 * export streams a run without building it in memory.
 *   npx tsx bench/store.bench.ts [rows] [rows per chunk] [chunks per putChunks call] [--quick]
 */
import 'fake-indexeddb/auto';
import { existsSync, readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { DatasetReader } from '../src/core/ingest';
import { CICIOMT_V2_COLUMNS } from '../src/core/schema';
import { IndexedDbStore, exportRun, type FlowChunk, type RunRecord } from '../src/core/store';
import { V2_SAMPLE } from './samples';
import { blankChunk } from '../tests/support/flow-chunks';

// the sizes are the positional arguments; flags such as --quick (the suite's) are not sizes
const sizes = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const quick = process.argv.includes('--quick');
const ROWS = Number(sizes[0] ?? (quick ? 20_000 : 200_000));
const CHUNK = Number(sizes[1] ?? 2048);
const PER_CALL = Number(sizes[2] ?? 8);

const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;

/** feature rows to repeat: the real CICIoMT2024 v2 sample where it is present (its values format as real ones do), else made up */
async function featureRows(): Promise<{ columns: string[]; rows: Float32Array; count: number; from: string }> {
  if (existsSync(V2_SAMPLE)) {
    const bytes = readFileSync(V2_SAMPLE);
    const reader = new DatasetReader([{ name: 'ciciomt2024_v2_39feat_sample.csv', stream: () => new Blob([bytes]).stream() }]);
    const parts: Float32Array[] = [];
    for await (const b of reader.batches()) parts.push(b.data.slice(0, b.n * b.d));
    const columns = reader.schema!.columns.map((c) => c.name);
    const rows = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    parts.reduce((off, p) => (rows.set(p, off), off + p.length), 0);
    return { columns, rows, count: rows.length / columns.length, from: 'the CICIoMT2024 v2 sample' };
  }
  const columns = CICIOMT_V2_COLUMNS;
  const count = 1000;
  const rows = new Float32Array(count * columns.length);
  for (let i = 0; i < rows.length; i++) rows[i] = ((i * 31) % 1000) / 7;
  return { columns, rows, count, from: 'made-up values (sample not found)' };
}

const source = await featureRows();
const D = source.columns.length;

function chunk(seq: number, n: number): FlowChunk {
  const c: FlowChunk = { ...blankChunk('bench', seq, n, D), scores: { ae: new Float32Array(n), iforest: new Float32Array(n) } };
  for (let i = 0; i < n; i++) {
    const r = seq * CHUNK + i;
    c.time[i] = 1_700_000_000 + r / 1000;
    c.rowNumber[i] = r + 1;
    c.classIndex[i] = r % 7 === 0 ? 1 : 0;
    c.device[i] = r % 12;
    c.score[i] = c.scores!.ae[i] = (r % 1000) / 997;
    c.scores!.iforest[i] = 0.3 + (r % 10) / 50;
    c.verdict[i] = c.score[i] > 0.9 ? 1 : 0;
    const src = (r % source.count) * D;
    c.features.set(source.rows.subarray(src, src + D), i * D);
  }
  return c;
}

const run: RunRecord = {
  id: 'bench',
  name: 'bench',
  createdAt: 0,
  updatedAt: 0,
  source: { kind: 'simulation', scenario: 'bench', seed: 1 },
  modelId: 'm',
  detector: 'ae',
  threshold: 0.9,
  columns: source.columns,
  classes: ['Benign', 'ARP_Spoofing'],
  devices: Array.from({ length: 12 }, (_, i) => `device-${i}`),
  summary: null,
  droppedRows: 0,
};

const store = await IndexedDbStore.open('bench', new IDBFactory());
await store.putRun(run);
const rss0 = process.memoryUsage().rss;

// chunks are made ahead, so the timing is the store's, not the generator's
const chunks: FlowChunk[] = [];
for (let seq = 0, left = ROWS; left > 0; seq++, left -= CHUNK) chunks.push(chunk(seq, Math.min(CHUNK, left)));
const t0 = performance.now();
for (let k = 0; k < chunks.length; k += PER_CALL) await store.putChunks(chunks.slice(k, k + PER_CALL));
const putMs = performance.now() - t0;
const stored = await store.countRows('bench');

const t1 = performance.now();
let read = 0;
for (let from = 0; ;) {
  const page = await store.readChunks('bench', from, 16);
  for (const c of page) read += c.n;
  if (page.length < 16) break;
  from = page[page.length - 1].seq + 1;
}
const readMs = performance.now() - t1;

const t2 = performance.now();
let bytes = 0;
let peakHeap = 0;
const reader = exportRun(store, 'bench', 'csv').getReader();
for (;;) {
  const { value, done } = await reader.read();
  if (done) break;
  bytes += value.byteLength;
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}
const exportMs = performance.now() - t2;

console.log('Store bench — Node + fake-indexeddb (in-memory JavaScript IndexedDB), NOT the browser;');
console.log('Chromium IndexedDB rows/s are measured by the replay benchmark.');
console.log(`rows ${ROWS.toLocaleString('en')}, ${D} features from ${source.from}, chunks of ${CHUNK}, ${PER_CALL} chunks per putChunks call`);
console.log(`putChunks:   ${Math.round(ROWS / (putMs / 1000)).toLocaleString('en')} rows/s (${putMs.toFixed(0)} ms); stored ${stored.toLocaleString('en')}`);
console.log(`readChunks:  ${Math.round(read / (readMs / 1000)).toLocaleString('en')} rows/s (${readMs.toFixed(0)} ms)`);
console.log(`CSV export:  ${Math.round(read / (exportMs / 1000)).toLocaleString('en')} rows/s, ${mb(bytes)} of text, peak heap during export ${mb(peakHeap)}`);
console.log(`memory: rss ${mb(rss0)} before the writes, ${mb(process.memoryUsage().rss)} after (fake-indexeddb keeps the data in this process)`);
await store.close();
