import { finished, type Readable } from 'node:stream';

/**
 * A Node stream's bytes as a web stream, each chunk handed on as it came. Node's own
 * `Readable.toWeb` copies every chunk (to free it from Buffer's pool); for a capture read at
 * hundreds of MB/s that copy, and the collections its garbage set off, were a tenth of the
 * sensor's CPU. The readers here only ever read a chunk (at its offset), never keep or
 * transfer its ArrayBuffer, so a view of the Buffer is enough.
 */
export function webStream(readable: Readable): ReadableStream<Uint8Array> {
  readable.pause();
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        readable.on('data', (chunk: Buffer | string) => {
          controller.enqueue(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) readable.pause();
        });
        // its end, its error, or a close before its end (destroyed without an error: a reader must not wait forever)
        finished(readable, { writable: false }, (e) => {
          if (!e) controller.close();
          else if (e.code === 'ERR_STREAM_PREMATURE_CLOSE') controller.error(new Error('the stream closed before its end'));
          else controller.error(e);
        });
      },
      pull() {
        readable.resume();
      },
      cancel(reason) {
        readable.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    // chunks waiting at most: one read ahead of the reader
    { highWaterMark: 1 },
  );
}
