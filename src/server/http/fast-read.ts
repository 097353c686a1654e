// GET/HEAD of a small, plain, local needle: one record read, then the 200 the app would send.
// It answers only what the app would answer with 200 and these exact headers; on anything else
// (conditional or ranged requests, manifests, pairs, gzip the client can't take, not found,
// errors) it resolves null having taken nothing, and the app serves the request from scratch.
import { etagOf } from '../../storage/needle/crc.ts';
import { type Needle, NeedleFlag, hasFlag } from '../../storage/needle/needle.ts';
import type { BufferPool } from '../../storage/buffer-pool.ts';
import type { ServerContext } from './deps.ts';
import type { FastRequest } from './fast-request.ts';
import type { FastTarget } from './fast-target.ts';
import { isGzipped } from './gzip.ts';
import { formatHttpDate } from '../../gocompat/http-date.ts';
import { formatMediaType } from '../../gocompat/media-type.ts';
import { mimeByExtension } from '../../gocompat/mime-types.ts';
import { goExt } from './raw-target.ts';
import { detectContentType } from '../../gocompat/sniff.ts';

/** Larger needles take the app's streamed path, which holds a bounded window of them. */
export const FAST_READ_MAX_NEEDLE_BYTES = 1024 * 1024 + 64 * 1024;
const SNIFF_BYTES = 512;
/** What node's writeHead accepts in a header value (its checkInvalidHeaderChar). */
const VALID_HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Bytes of needles read by the fast path and not yet sent: the app serves reads beyond it. */
export class FastReadBudget {
  private inFlightBytes = 0;
  constructor(readonly limitBytes: number) {}

  tryTake(bytes: number): boolean {
    if (this.inFlightBytes + bytes > this.limitBytes) return false;
    this.inFlightBytes += bytes;
    return true;
  }

  give(bytes: number): void {
    this.inFlightBytes -= bytes;
    if (this.inFlightBytes < 0) throw new Error('fast read budget released more than it took');
  }
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** The response headers the app's read would send for this needle, or null to leave it to the app. */
function readHeaders(n: Needle, isHead: boolean, acceptsGzip: boolean): string[] | null {
  const data = n.data;
  let encoding = '';
  if (hasFlag(n, NeedleFlag.IsCompressed) && isGzipped(data)) {
    if (!acceptsGzip) return null;
    encoding = 'gzip';
  }
  const filename = n.name.length > 0 ? latin1(n.name) : '';
  let mimeType = '';
  if (n.mime.length > 0) {
    const stored = latin1(n.mime);
    if (!stored.startsWith('application/octet-stream')) mimeType = stored;
  }
  if (mimeType === '') mimeType = mimeByExtension(goExt(filename));
  if (mimeType === '') {
    // HEAD sends no sniffed type, and an empty body none at all: rare, left to the app.
    if (isHead || data.length === 0) return null;
    mimeType = encoding !== '' ? 'application/octet-stream' : detectContentType(data.subarray(0, SNIFF_BYTES));
  }
  // Only the values taken from the stored needle can hold what node refuses; the rest are built here.
  const disposition = filename !== '' ? formatMediaType('inline', 'filename', filename) : '';
  if (!VALID_HEADER_VALUE.test(disposition) || !VALID_HEADER_VALUE.test(mimeType)) return null;
  const flat = ['accept-ranges', 'bytes'];
  if (disposition !== '') flat.push('content-disposition', disposition);
  if (encoding !== '') flat.push('content-encoding', encoding);
  flat.push('content-length', String(data.length), 'content-type', mimeType, 'etag', `"${etagOf(n.checksum)}"`);
  if (n.lastModified !== 0) flat.push('last-modified', formatHttpDate(n.lastModified));
  return flat;
}

/** A read the fast path answers: 200 with `headers`, then `data` unless HEAD. */
export interface FastReadReply {
  /** Flat name/value pairs, without the ones every store response carries. */
  headers: string[];
  data: Uint8Array;
  isHead: boolean;
  /** Gives back the budget and the buffer: once the transport is done with `data`, exactly once. */
  release(): void;
}

/** Resolves the reply, or null, having taken nothing, when the app must serve the request. */
export async function tryFastRead(
  request: FastRequest,
  server: ServerContext,
  target: FastTarget,
  budget: FastReadBudget,
  buffers: BufferPool,
): Promise<FastReadReply | null> {
  const h = request.headers;
  if (target.rawQuery !== '') return null;
  if (
    h.range !== undefined ||
    h['if-none-match'] !== undefined ||
    h['if-modified-since'] !== undefined ||
    h['if-range'] !== undefined ||
    h.origin !== undefined
  ) {
    return null;
  }
  const volume = server.deps.store.findVolume(target.volumeId);
  if (volume === undefined) return null;
  const entry = volume.lookup(target.needleId);
  if (entry === undefined || entry.size <= 0 || entry.size > FAST_READ_MAX_NEEDLE_BYTES) return null;
  const heldBytes = entry.size;
  if (!budget.tryTake(heldBytes)) return null;
  let n: Needle;
  try {
    // A large record lands in a reused buffer; it goes back once the socket is done with it.
    n = await volume.read(target.needleId, { buffers });
  } catch {
    budget.give(heldBytes);
    return null;
  }
  const isHead = request.method === 'HEAD';
  const headers =
    n.cookie >>> 0 === target.cookie >>> 0 &&
    !hasFlag(n, NeedleFlag.IsChunkManifest) &&
    !hasFlag(n, NeedleFlag.HasPairs)
      ? readHeaders(n, isHead, (h['accept-encoding'] ?? '').includes('gzip'))
      : null;
  let released = false;
  const release = (): void => {
    if (released) throw new Error('fast read released twice');
    released = true;
    budget.give(heldBytes);
    buffers.give(n.data);
  };
  if (headers === null) {
    release();
    return null;
  }
  return { headers, data: n.data, isHead, release };
}
