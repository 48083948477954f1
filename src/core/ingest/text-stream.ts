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
  // each chunk is decoded whole up to its last complete character (a streaming decode is
  // about twice as slow in Node); the byte-order mark is dropped once, at the start
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let pending: Uint8Array | null = null;
  let checked = 0;
  let sawText = false;
  let first = true;
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
      let chunk = result.value;
      if (checked < SNIFF_BYTES) {
        const end = Math.min(chunk.length, SNIFF_BYTES - checked);
        if (chunk.subarray(0, end).includes(0)) throw new InputError(`${fileName} is not a CSV text file (it holds binary data)`);
        checked += end;
      }
      if (pending) chunk = joinBytes(pending, chunk);
      const cut = completeUtf8(chunk);
      pending = cut < chunk.length ? chunk.slice(cut) : null;
      let text = decoder.decode(chunk.subarray(0, cut));
      if (first && text) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      if (text) {
        sawText = true;
        yield text;
      }
    }
    const tail = pending ? decoder.decode(pending) : '';
    if (tail) yield tail;
    else if (!sawText) throw new InputError(`${fileName} is empty`);
  } finally {
    reader.releaseLock();
  }
}

/** the length of `bytes` up to the end of its last whole UTF-8 character (an unfinished one is at most 3 bytes) */
function completeUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let k = 1; k <= 3 && k <= n; k++) {
    const b = bytes[n - k];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > k ? n - k : n;
  }
  return n;
}

function joinBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
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
