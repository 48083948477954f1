import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, type SourceFile } from '../core/ingest';
import { webStream } from './web-stream';

/** what a folder stands for: flow CSVs and packet captures */
const DATA_FILE = /\.(csv|pcap|pcapng|cap)(\.gz)?$/i;

/** Files named on the command line; a folder stands for the CSV files and captures in it (not recursive), sorted. */
export function sourceFiles(paths: readonly string[]): SourceFile[] {
  const files: SourceFile[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new InputError(`${p} does not exist`);
    }
    if (st.isDirectory()) {
      const inside = readdirSync(p)
        .filter((n) => DATA_FILE.test(n))
        .sort();
      if (inside.length === 0) throw new InputError(`the folder ${p} holds no .csv, .pcap or .pcapng files (also .gz)`);
      for (const n of inside) files.push(nodeFile(join(p, n)));
    } else files.push(nodeFile(p, st.size));
  }
  return files;
}

function nodeFile(path: string, size = statSync(path).size): SourceFile {
  return {
    name: path,
    size,
    stream: () => webStream(createReadStream(path, { highWaterMark: 1 << 20 })),
  };
}
