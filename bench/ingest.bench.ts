/**
 * Reader throughput: the newer CICIoMT2024 sample's rows repeated to `ROWS` rows, streamed
 * from memory in 1 MiB chunks through the whole ingest path (decode, split, Papa Parse,
 * cell policy, batches). Prints rows/s and memory; asserts nothing.
 *   npx tsx bench/ingest.bench.ts [rows]
 */
import { readFileSync } from 'node:fs';
import { DatasetReader, type SourceFile } from '../src/core/ingest';
import { positional, QUICK, report } from './report';
import { V2_SAMPLE } from './samples';

const ROWS = Number(positional[0] ?? (QUICK ? 20_000 : 500_000));
const sample = readFileSync(V2_SAMPLE, 'utf8');
const [header, ...lines] = sample.trimEnd().split('\n');
const body = lines.join('\n') + '\n';
const repeats = Math.ceil(ROWS / lines.length);
const encoder = new TextEncoder();
const chunk = encoder.encode(body);

const file: SourceFile = {
  name: 'bench.csv',
  stream: () => {
    let sent = -1;
    return new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent === -1) c.enqueue(encoder.encode(header + '\n'));
        else if (sent < repeats) c.enqueue(chunk);
        else c.close();
        sent++;
      },
    });
  },
};

const reader = new DatasetReader([file]);
const t0 = performance.now();
let rows = 0;
let peakRss = 0;
for await (const b of reader.batches()) {
  rows += b.n;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
const s = (performance.now() - t0) / 1000;
console.log(
  `ingest: ${rows.toLocaleString()} rows × ${reader.schema!.columns.length} features in ${s.toFixed(2)} s = ${Math.round(rows / s).toLocaleString()} rows/s, ${((body.length * repeats) / s / 1e6).toFixed(1)} MB/s; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
);
report({ csv_ingest_rows_per_s: Math.round(rows / s) });
