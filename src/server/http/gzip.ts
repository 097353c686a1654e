// gzip helpers for compressed needles: detection, bounded gunzip, and streamed length counting.
import { Readable } from 'node:stream';
import { createGunzip, gunzip } from 'node:zlib';
import { promisify } from 'node:util';

const gunzipAsync = promisify(gunzip);

export function isGzipped(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}

/** Gunzips at most `maxOutputBytes`; a larger result is an error (a decompression bomb). */
export async function gunzipBounded(data: Uint8Array, maxOutputBytes: number): Promise<Buffer> {
  return gunzipAsync(data, { maxOutputLength: maxOutputBytes });
}

/** Uncompressed length without holding the output; undefined when the data does not gunzip. */
export async function gunzippedLength(data: Uint8Array): Promise<number | undefined> {
  let total = 0;
  try {
    for await (const chunk of Readable.from([Buffer.from(data.buffer, data.byteOffset, data.byteLength)]).pipe(createGunzip())) {
      total += (chunk as Buffer).length;
    }
  } catch {
    return undefined;
  }
  return total;
}
