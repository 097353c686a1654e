// Reads a request body into one buffer, refusing (and no longer reading) past a byte cap.
import { Readable } from 'node:stream';
import type { BufferPool } from '../../storage/buffer-pool.ts';

export class BodyTooLarge extends Error {}

/** A Content-Length pre-sizes the buffer only up to this: a client that announces 256 MiB and then trickles must not pin it. */
const MAX_PRESIZE_BYTES = 4 * 1024 * 1024;
const INITIAL_BYTES = 64 * 1024;

/**
 * Reads all of `source` when it has at most `capBytes`; throws BodyTooLarge as soon as more
 * arrive. `expectedBytes` (Content-Length) pre-sizes the buffer (bounded) when it is within the cap.
 * `source` is a Node request (fast: no web-stream conversion) or a web ReadableStream.
 */
export async function readBodyBounded(
  source: AsyncIterable<Uint8Array> | null,
  capBytes: number,
  expectedBytes?: number,
  /** Where the buffer comes from when given (the caller gives it back once nothing refers to it). */
  buffers?: BufferPool,
): Promise<Buffer> {
  if (source === null) return Buffer.alloc(0);
  const presize =
    expectedBytes !== undefined && expectedBytes >= 0 && expectedBytes <= capBytes
      ? Math.min(expectedBytes, MAX_PRESIZE_BYTES)
      : INITIAL_BYTES;
  const body = new BoundedBody(capBytes, presize, buffers);
  if (source instanceof Readable) return readNodeStream(source, body);
  // Leaving the loop early (the throw) ends the source, as a cancelled read would.
  for await (const value of source) body.append(value);
  return body.bytes();
}

/** The bytes received so far, in one buffer grown by doubling, never past the cap. */
class BoundedBody {
  private buf: Buffer;
  private length = 0;

  constructor(
    private readonly capBytes: number,
    presizeBytes: number,
    buffers: BufferPool | undefined,
  ) {
    const sizeBytes = Math.min(capBytes, presizeBytes);
    this.buf = buffers !== undefined ? buffers.take(sizeBytes) : Buffer.allocUnsafe(sizeBytes);
  }

  /** Throws BodyTooLarge, keeping nothing of `value`, when it would pass the cap. */
  append(value: Uint8Array): void {
    if (this.length + value.length > this.capBytes) throw new BodyTooLarge(`body over ${this.capBytes} bytes`);
    if (this.length + value.length > this.buf.length) {
      const grown = Buffer.allocUnsafe(
        Math.min(this.capBytes, Math.max(this.buf.length * 2, this.length + value.length)),
      );
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
    this.buf.set(value, this.length);
    this.length += value.length;
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

/**
 * readBodyBounded for a node stream (a request), with its events rather than an async iterator,
 * which costs more than a small body itself. Same outcomes: BodyTooLarge (the rest of the body
 * is discarded), an error for a stream that closes before its end.
 */
function readNodeStream(source: Readable, body: BoundedBody): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      source.off('close', onClose);
    };
    const onData = (value: Buffer): void => {
      try {
        body.append(value);
      } catch (err) {
        cleanup();
        // The rest is discarded so the 400 can still be sent; the connection's no-progress and
        // idle timeouts bound a client that keeps sending.
        source.resume();
        reject(err);
      }
    };
    const onEnd = (): void => {
      cleanup();
      resolve(body.bytes());
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onClose = (): void => {
      cleanup();
      reject(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    };
    if (source.readableEnded) {
      resolve(body.bytes());
      return;
    }
    source.on('data', onData);
    source.once('end', onEnd);
    source.once('error', onError);
    source.once('close', onClose);
  });
}

export function contentLengthOf(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d{1,15}$/.test(header)) return undefined;
  return Number(header);
}
