/**
 * The one adapter from a browser `File` (or any Blob with a name: Node 20 has both) to
 * what the core reads: a named, seekable byte stream. `ingest`'s `SourceFile` is the
 * part of it a plain reading needs.
 */
export interface ByteFile {
  name: string;
  size: number;
  /** the bytes from `start` to the end */
  stream(start?: number): ReadableStream<Uint8Array>;
  /** bytes [start, end) */
  read(start: number, end: number): Promise<Uint8Array>;
}

/** a Blob with a name, and the path below a dropped or picked folder where it has one */
export type NamedBlob = Blob & { name: string; webkitRelativePath?: string };

/** the path below a dropped or picked folder, else the name */
export function filePath(file: NamedBlob): string {
  return file.webkitRelativePath || file.name;
}

/** A browser `File` (or any Blob with a name) as a `ByteFile`. */
export function blobFile(file: NamedBlob): ByteFile {
  return {
    name: filePath(file),
    size: file.size,
    stream: (start = 0) => (start ? file.slice(start) : file).stream() as ReadableStream<Uint8Array>,
    read: async (start, end) => new Uint8Array(await file.slice(start, end).arrayBuffer()),
  };
}
