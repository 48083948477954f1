/**
 * Bytes of a file → its text, chunk by chunk: gzip is undone (by name or by magic
 * bytes), a binary file is refused with a clear message, and UTF-8 is decoded (the
 * decoder drops a byte-order mark).
 */
import { InputError } from '../util';

export { InputError };

const GZIP_MAGIC = [0x1f, 0x8b];
/** how much of the start of a file is checked for binary content */
const SNIFF_BYTES = 4096;

export interface TextChunks {
  chunks: AsyncIterable<string>;
  /** compressed bytes consumed so far, for a progress bar against the file's size */
  bytesRead(): number;
}

export function decodeText(bytes: ReadableStream<Uint8Array>, fileName: string): TextChunks {
  let consumed = 0;
  const counted = bytes.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        consumed += chunk.byteLength;
        controller.enqueue(chunk);
      },
    }),
  );
  return { chunks: textChunks(counted, fileName), bytesRead: () => consumed };
}

async function* textChunks(bytes: ReadableStream<Uint8Array>, fileName: string): AsyncGenerator<string> {
  const [head, rest] = await peek(bytes);
  if (!head) throw new InputError(`${fileName} is empty`);
  const gzipped = /\.gz$/i.test(fileName) || (head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]);
  let raw = rest;
  if (gzipped) {
    raw = rest.pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>);
  }
  const decoder = new TextDecoder('utf-8');
  let checked = 0;
  let sawText = false;
  const reader = raw.getReader();
  try {
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (err) {
        throw new InputError(`${fileName} could not be ${gzipped ? 'decompressed' : 'read'}: ${(err as Error).message}`);
      }
      if (result.done) break;
      const chunk = result.value;
      if (checked < SNIFF_BYTES) {
        const end = Math.min(chunk.length, SNIFF_BYTES - checked);
        if (chunk.subarray(0, end).includes(0)) throw new InputError(`${fileName} is not a CSV text file (it holds binary data)`);
        checked += end;
      }
      const text = decoder.decode(chunk, { stream: true });
      if (text) {
        sawText = true;
        yield text;
      }
    }
    const tail = decoder.decode();
    if (tail) yield tail;
    else if (!sawText) throw new InputError(`${fileName} is empty`);
  } finally {
    reader.releaseLock();
  }
}

/** The first chunk, and a stream that still yields everything including it. */
async function peek(stream: ReadableStream<Uint8Array>): Promise<[Uint8Array | null, ReadableStream<Uint8Array>]> {
  const reader = stream.getReader();
  let first: Uint8Array | null = null;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (value.byteLength) {
      first = value;
      break;
    }
  }
  const rebuilt = new ReadableStream<Uint8Array>({
    start(controller) {
      if (first) controller.enqueue(first);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return [first, rebuilt];
}
