/**
 * A large CSV in the newer CICIoMT2024 format for the replay benchmarks: the shared v2
 * sample's rows repeated in order, each copy's continuous columns perturbed by up to
 * ±1 % (seeded), so no two copies are byte-identical. Written to a temporary folder,
 * never into the repository.
 *
 *   npx tsx bench/replay-data.ts [rows] [out.csv]
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '../src/core/util';
import { V2_SAMPLE } from './samples';

/** columns whose values vary continuously (flags, counts and protocol indicators stay as they are) */
const PERTURBED = ['Header_Length', 'Rate', 'Tot sum', 'AVG', 'Std', 'Tot size', 'IAT', 'Variance'];

export async function writeV2Csv(
  rows: number,
  path = join(tmpdir(), `iomt-replay-${rows}.csv`),
  seed = 1,
): Promise<{ path: string; bytes: number; rows: number }> {
  const text = readFileSync(V2_SAMPLE, 'utf8').replace(/\r\n/g, '\n');
  const lines = text.split('\n').filter((l) => l.length > 0);
  const header = lines[0];
  const names = header.split(',');
  const perturb = new Set(PERTURBED.map((n) => names.indexOf(n)).filter((j) => j >= 0));
  const body = lines.slice(1).map((l) => l.split(','));
  const random = new Random(seed);
  const out = createWriteStream(path);
  let bytes = 0;
  const write = (s: string) =>
    new Promise<void>((resolve, reject) => {
      bytes += Buffer.byteLength(s);
      if (out.write(s)) return resolve();
      const fail = (e: Error) => reject(e);
      out.once('error', fail).once('drain', () => {
        out.off('error', fail);
        resolve();
      });
    });
  await write(header + '\n');
  let chunk: string[] = [];
  for (let r = 0; r < rows; r++) {
    const fields = body[r % body.length];
    const lap = Math.floor(r / body.length);
    let line: string;
    if (lap === 0) line = fields.join(',');
    else {
      const copy = fields.slice();
      for (const j of perturb) {
        const v = Number(copy[j]);
        if (Number.isFinite(v) && v !== 0) copy[j] = String(v * (1 + 0.02 * (random.next() - 0.5)));
      }
      line = copy.join(',');
    }
    chunk.push(line);
    if (chunk.length === 16384) {
      await write(chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  if (chunk.length) await write(chunk.join('\n') + '\n');
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return { path, bytes, rows };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = Number(process.argv[2] ?? 2_000_000);
  const started = Date.now();
  const { path, bytes } = await writeV2Csv(rows, process.argv[3]);
  console.log(`${rows.toLocaleString('en')} rows, ${(bytes / 1e6).toFixed(0)} MB → ${path} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
