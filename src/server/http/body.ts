// Reads a request body into one buffer, refusing (and no longer reading) past a byte cap.
import { Readable } from 'node:stream';

export class BodyTooLarge extends Error {}

/** A Content-Length pre-sizes the buffer only up to this: a client that announces 256 MiB and then trickles must not pin it. */
const MAX_PRESIZE_BYTES = 4 * 1024 * 1024;
const INITIAL_BYTES = 64 * 1024;

/**
 * Reads all of `source` when it has at most `capBytes`; throws BodyTooLarge as soon as more
 * arrive. `expectedBytes` (Content-Length) pre-sizes the buffer (bounded) when it is within the cap.
 * `source` is a Node request (fast: no web-stream conversion) or a web ReadableStream.
 */
export async function readBodyBounded(source: AsyncIterable<Uint8Array> | null, capBytes: number, expectedBytes?: number): Promise<Buffer> {
  if (source === null) return Buffer.alloc(0);
  const presize = expectedBytes !== undefined && expectedBytes >= 0 && expectedBytes <= capBytes ? Math.min(expectedBytes, MAX_PRESIZE_BYTES) : INITIAL_BYTES;
  if (source instanceof Readable) return readNodeStream(source, capBytes, presize);
  let buf = Buffer.allocUnsafe(Math.min(capBytes, presize));
  let length = 0;
  // Leaving the loop early (the throw) ends the source, as a cancelled read would.
  for await (const value of source) {
    if (length + value.length > capBytes) throw new BodyTooLarge(`body over ${capBytes} bytes`);
    if (length + value.length > buf.length) {
      const grown = Buffer.allocUnsafe(Math.min(capBytes, Math.max(buf.length * 2, length + value.length)));
      buf.copy(grown, 0, 0, length);
      buf = grown;
    }
    buf.set(value, length);
    length += value.length;
  }
  return buf.subarray(0, length);
}

/**
 * readBodyBounded for a node stream (a request), with its events rather than an async iterator,
 * which costs more than a small body itself. Same outcomes: BodyTooLarge (the rest of the body
 * is discarded), an error for a stream that closes before its end.
 */
function readNodeStream(source: Readable, capBytes: number, presizeBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.allocUnsafe(Math.min(capBytes, presizeBytes));
    let length = 0;
    const cleanup = (): void => {
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      source.off('close', onClose);
    };
    const onData = (value: Buffer): void => {
      if (length + value.length > capBytes) {
        cleanup();
        // The rest is discarded so the 400 can still be sent; the connection's no-progress and
        // idle timeouts bound a client that keeps sending.
        source.resume();
        reject(new BodyTooLarge(`body over ${capBytes} bytes`));
        return;
      }
      if (length + value.length > buf.length) {
        const grown = Buffer.allocUnsafe(Math.min(capBytes, Math.max(buf.length * 2, length + value.length)));
        buf.copy(grown, 0, 0, length);
        buf = grown;
      }
      buf.set(value, length);
      length += value.length;
    };
    const onEnd = (): void => {
      cleanup();
      resolve(buf.subarray(0, length));
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
      resolve(buf.subarray(0, 0));
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
