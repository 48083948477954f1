import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceFile } from '../../src/core/ingest';
import type { ByteFile } from '../../src/core/util';
import { sourceFiles } from '../../src/cli/files';

/**
 * The shared real samples, read in place (never copied into the project): `shared/datasets/`
 * beside the checkout or beside any folder above it (a git worktree sits deeper than the main checkout).
 */
export const SHARED = findShared(dirname(fileURLToPath(import.meta.url)));

function findShared(from: string): string {
  for (let dir = join(from, '../..'); ; dir = dirname(dir)) {
    const candidate = join(dir, '..', 'shared', 'datasets');
    if (existsSync(candidate) || dirname(dir) === dir) return `${candidate}/`;
  }
}

export function shared(...names: string[]): SourceFile[] {
  return sourceFiles(names.map((n) => SHARED + n));
}

/** A file held in memory, streamed in chunks of `chunk` bytes to exercise chunk boundaries. */
export function memoryFile(name: string, content: string | Uint8Array, chunk = 7): SourceFile {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return {
    name,
    size: bytes.length,
    stream: () => {
      let at = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (at >= bytes.length) return controller.close();
          controller.enqueue(bytes.slice(at, at + chunk));
          at += chunk;
        },
      });
    },
  };
}

/** bytes as a seekable file (a replay's source), streamed in chunks of `chunk` */
export function bytesFile(name: string, bytes: Uint8Array, chunk = 65536): ByteFile {
  return {
    name,
    size: bytes.length,
    stream: (start = 0) => memoryFile(name, bytes.subarray(start), chunk).stream(),
    read: async (s, e) => bytes.slice(s, e),
  };
}
