import { Inflate, inflateSync } from 'fflate';
import { InputError } from './text-stream';

/**
 * The live wire format's compressed envelope: the magic 00 46 4C 5A ("\0FLZ") followed by
 * one raw DEFLATE stream (RFC 1951) of a whole message in any form (CSV, NDJSON, binary).
 * Flow records compress about 3.5 to 4 times, so a message kept under a broker's size
 * limit (Mosquitto's WebSocket listener: about 4 KB) carries that many more flows.
 */
export const COMPRESSED_MAGIC = [0x00, 0x46, 0x4c, 0x5a] as const;

/** a message inflates to at most this many bytes unless the consumer says otherwise */
export const MAX_INFLATED_BYTES = 16 * 1024 * 1024;

/** DEFLATE expands its input at most about 1,032 times */
const MAX_EXPANSION = 1032;
/** the buffer messages are inflated into (a feed's messages inflate to tens of KB) */
const SCRATCH_BYTES = 1 << 18;
/** input fed to the bounded inflater at a time: the limit is overshot by at most ~8 MB */
const STEP = 8192;

export function isCompressedWire(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    bytes[0] === COMPRESSED_MAGIC[0] &&
    bytes[1] === COMPRESSED_MAGIC[1] &&
    bytes[2] === COMPRESSED_MAGIC[2] &&
    bytes[3] === COMPRESSED_MAGIC[3]
  );
}

/** `deflated` (a raw DEFLATE stream) in the envelope */
export function wrapCompressed(deflated: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + deflated.length);
  out.set(COMPRESSED_MAGIC, 0);
  out.set(deflated, 4);
  return out;
}

/** The message inside an envelope; throws an `InputError` (one sentence) when it does not inflate or inflates past `maxBytes`. */
export function inflateWire(bytes: Uint8Array, name: string, maxBytes: number): Uint8Array {
  const stream = bytes.subarray(4);
  let inner: Uint8Array;
  try {
    // small enough that even the most a DEFLATE stream can expand stays under the limit: at once
    inner = stream.length * MAX_EXPANSION <= maxBytes ? inflateAtOnce(stream) : inflateBounded(stream, name, maxBytes);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`a compressed message on ${name} does not inflate (${(e as Error).message})`);
  }
  // one envelope only: nesting gains nothing and would let each level expand ~1,000 times again
  if (isCompressedWire(inner)) throw new InputError(`a compressed message on ${name} holds another compressed message; the wire format allows one envelope`);
  return inner;
}

/**
 * A stream inflated into a buffer kept for the next message, then copied out at its size:
 * fflate on its own guesses three times the input and doubles a copy at a time (most of a
 * feed message's inflating time went to that). Given a buffer it does not grow it, so an
 * output that fills the buffer whole may be cut: that one is inflated again on its own.
 */
function inflateAtOnce(stream: Uint8Array): Uint8Array {
  // (a stored block longer than the buffer would not fit it at all)
  if (stream.length > scratch.length) return inflateSync(stream);
  let out: Uint8Array;
  try {
    out = inflateSync(stream, { out: scratch });
  } catch {
    // a stored block that starts inside the buffer and runs past its end throws: inflated again on its own
    // (a stream that is really damaged throws again there, with its own reason)
    return inflateSync(stream);
  }
  return out.length < scratch.length ? out.slice() : inflateSync(stream);
}

const scratch = new Uint8Array(SCRATCH_BYTES);

/** a stream that could expand past the limit, inflated a step at a time so it stops soon after passing it */
function inflateBounded(stream: Uint8Array, name: string, maxBytes: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  let done = false;
  const inflater = new Inflate((chunk, final) => {
    parts.push(chunk);
    size += chunk.length;
    done = final;
  });
  for (let at = 0; at < stream.length; at += STEP) {
    inflater.push(stream.subarray(at, Math.min(stream.length, at + STEP)), at + STEP >= stream.length);
    if (size > maxBytes) throw new InflatedTooLarge(`a compressed message on ${name} inflates past ${maxBytes.toLocaleString('en-US')} bytes`);
  }
  if (!done) throw new InputError(`a compressed message on ${name} is cut short`);
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** a compressed message that inflates past the size limit */
export class InflatedTooLarge extends InputError {}
