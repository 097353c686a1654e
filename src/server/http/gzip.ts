// gzip helpers for compressed needles: detection, bounded gunzip, and streamed length counting.
import { Readable, addAbortSignal } from 'node:stream';
import { createGunzip, gunzip } from 'node:zlib';
import { promisify } from 'node:util';

const gunzipAsync = promisify(gunzip);

/** Output piece size of streamed gunzips: each piece is one thread-pool job, not a long loop stall. */
const GUNZIP_PIECE_BYTES = 64 * 1024;

export function isGzipped(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}

/** Gunzips at most `maxOutputBytes`; a larger result is an error (a decompression bomb). */
export async function gunzipBounded(data: Uint8Array, maxOutputBytes: number): Promise<Buffer> {
  return gunzipAsync(data, { maxOutputLength: maxOutputBytes });
}

/** Output past a gunzip's cap; the code is zlib's own for maxOutputLength, so callers test one code. */
export class GunzipLimitError extends Error {
  readonly code = 'ERR_BUFFER_TOO_LARGE';
  constructor(readonly maxOutputBytes: number) {
    super(`gunzipped data over ${maxOutputBytes} bytes`);
  }
}

/**
 * Streams the gunzipped pieces of `data` (zlib runs in the thread pool), throwing
 * GunzipLimitError before yielding more than `maxOutputBytes` in all. Stopping early frees zlib.
 */
export async function* gunzipPieces(
  data: Uint8Array,
  maxOutputBytes: number,
  signal?: AbortSignal,
): AsyncGenerator<Buffer> {
  const stream = createGunzip({ chunkSize: GUNZIP_PIECE_BYTES });
  if (signal !== undefined) addAbortSignal(signal, stream);
  stream.end(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  let totalBytes = 0;
  try {
    for await (const piece of stream) {
      totalBytes += (piece as Buffer).length;
      if (totalBytes > maxOutputBytes) throw new GunzipLimitError(maxOutputBytes);
      yield piece as Buffer;
    }
  } finally {
    stream.destroy();
  }
}

/**
 * The uncompressed size a gzip claims in its trailer (mod 2^32, last member only): a hint for
 * sizing, never trusted. Capped by deflate's best ratio (~1032:1), so a lie cannot ask for more
 * than the bytes could really hold.
 */
export function gzipSizeHint(data: Uint8Array): number {
  if (data.length < 18) return 0;
  const claimed = Buffer.from(data.buffer, data.byteOffset, data.byteLength).readUInt32LE(data.length - 4);
  return Math.min(claimed, data.length * 1032);
}

/** Uncompressed length without holding the output; undefined when the data does not gunzip. */
export async function gunzippedLength(data: Uint8Array): Promise<number | undefined> {
  let total = 0;
  try {
    for await (const chunk of Readable.from([Buffer.from(data.buffer, data.byteOffset, data.byteLength)]).pipe(
      createGunzip(),
    )) {
      total += (chunk as Buffer).length;
    }
  } catch {
    return undefined;
  }
  return total;
}
