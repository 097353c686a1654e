// Reads a request body into one buffer, refusing (and no longer reading) past a byte cap.

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

export function contentLengthOf(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d{1,15}$/.test(header)) return undefined;
  return Number(header);
}
