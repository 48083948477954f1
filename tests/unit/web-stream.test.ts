import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { webStream } from '../../src/cli/web-stream';

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const c of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(c);
  return chunks;
}

describe('webStream', () => {
  it('hands on each chunk as a view of the Buffer it came in (no copy)', async () => {
    const buffers = [Buffer.from('abc'), Buffer.alloc(5000, 7)];
    const chunks = await readAll(webStream(Readable.from(buffers, { objectMode: false })));
    expect(chunks.map((c) => Buffer.from(c).toString('hex'))).toEqual(buffers.map((b) => b.toString('hex')));
    chunks.forEach((c, i) => {
      expect(c.buffer).toBe(buffers[i].buffer);
      expect(c.byteOffset).toBe(buffers[i].byteOffset);
    });
  });

  it('reads a file whole, in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iomt-web-stream-'));
    try {
      const file = join(dir, 'bytes.bin');
      const bytes = Buffer.alloc(300_000);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 255;
      writeFileSync(file, bytes);
      const chunks = await readAll(webStream(createReadStream(file, { highWaterMark: 65536 })));
      expect(chunks.length).toBeGreaterThan(1);
      expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pauses the Node stream while a chunk waits unread (backpressure)', async () => {
    const source = new PassThrough();
    const stream = webStream(source);
    const reader = stream.getReader();
    source.write(Buffer.from('one'));
    source.write(Buffer.from('two'));
    await new Promise((r) => setTimeout(r, 20));
    expect(source.isPaused()).toBe(true);
    expect(Buffer.from((await reader.read()).value!).toString()).toBe('one');
    expect(Buffer.from((await reader.read()).value!).toString()).toBe('two');
    source.end();
    expect((await reader.read()).done).toBe(true);
  });

  it('passes an error on, and a cancel destroys the Node stream', async () => {
    const failing = new PassThrough();
    const reader = webStream(failing).getReader();
    failing.destroy(new Error('disk gone'));
    await expect(reader.read()).rejects.toThrow('disk gone');

    const source = new PassThrough();
    await webStream(source).cancel();
    expect(source.destroyed).toBe(true);
  });

  it('ends in an error when the Node stream is destroyed before its end without one (a reader would wait forever)', async () => {
    const source = new PassThrough();
    const reader = webStream(source).getReader();
    source.write(Buffer.from('part'));
    expect(Buffer.from((await reader.read()).value!).toString()).toBe('part');
    source.destroy();
    await expect(reader.read()).rejects.toThrow(/before its end/);
  });
});
