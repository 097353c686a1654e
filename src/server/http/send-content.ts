// Go's writeResponseContent + ProcessRangeRequest: content headers, HEAD, single and multiple
// ranges, and the 416 / ignored-range cases, over an in-memory or streamed source.
import { type ContentSource, webStream } from './content-source.ts';
import { mimeByExtension } from '../../gocompat/mime-types.ts';
import { applyPassthroughHeaders } from './passthrough.ts';
import type { GoQuery } from '../../gocompat/query.ts';
import { goExt } from './raw-target.ts';
import {
  type ByteRange,
  InvalidRange,
  RangeNotOverlapping,
  closingDelimiter,
  contentRange,
  hasTooManyRanges,
  multipartLength,
  newBoundary,
  parseRange,
  partPreamble,
  sumRangeLengths,
} from '../../gocompat/range.ts';
import { parseHttpTime } from '../../gocompat/http-date.ts';
import { emptyResponse } from './responses.ts';
import { detectContentType } from '../../gocompat/sniff.ts';

const SNIFF_BYTES = 512;

export interface SendContentOptions {
  /** Byte string; '' when unknown. */
  filename: string;
  /** Stored mime (octet-stream already filtered out); '' when unknown. */
  mimeType: string;
  source: ContentSource;
  isHead: boolean;
  rangeHeader: string | undefined;
  /** The request's If-Range: a Range it no longer matches is ignored (whole body sent). */
  ifRangeHeader?: string | undefined;
  query: GoQuery;
}

/**
 * Whether If-Range still names this representation (RFC 9110 13.1.5): an entity tag compared
 * strongly with the response's ETag, or a date equal to its Last-Modified.
 */
export function ifRangeMatches(ifRange: string | undefined, headers: Headers): boolean {
  const validator = (ifRange ?? '').trim();
  if (validator === '') return true;
  if (validator.startsWith('"') || validator.startsWith('W/')) {
    const etag = headers.get('ETag') ?? '';
    return etag !== '' && !etag.startsWith('W/') && validator === etag;
  }
  const date = parseHttpTime(validator);
  if (date === undefined) return false;
  return date === parseHttpTime(headers.get('Last-Modified') ?? '');
}

function body(source: ContentSource, start: number, end: number): Uint8Array | ReadableStream<Uint8Array> {
  return source.inMemory(start, end) ?? webStream(source.chunks(start, end));
}

/** Go's net/http picks a Content-Type from the first bytes written when the handler set none. */
async function sniffIfUntyped(headers: Headers, source: ContentSource, start: number, length: number): Promise<void> {
  if (headers.has('Content-Type') || length === 0) return;
  // Go does not sniff encoded bodies and sends no type; the Node adapter would then claim
  // text/plain, so say octet-stream instead.
  if (headers.get('Content-Encoding')) {
    headers.set('Content-Type', 'application/octet-stream');
    return;
  }
  headers.set('Content-Type', detectContentType(await source.peek(start, Math.min(SNIFF_BYTES, length))));
}

async function* multipartChunks(
  boundary: string,
  ranges: readonly ByteRange[],
  mimeType: string,
  source: ContentSource,
): AsyncGenerator<Uint8Array> {
  for (const [i, r] of ranges.entries()) {
    yield partPreamble(boundary, i, r, mimeType, source.sizeBytes);
    yield* source.chunks(r.start, r.start + r.length);
  }
  yield closingDelimiter(boundary);
}

export async function sendContent(headers: Headers, options: SendContentOptions): Promise<Response> {
  const { source, filename, query } = options;
  const totalSize = source.sizeBytes;
  let mimeType = options.mimeType;
  if (mimeType === '') mimeType = mimeByExtension(goExt(filename));
  if (mimeType !== '') headers.set('Content-Type', mimeType);
  headers.set('Accept-Ranges', 'bytes');
  applyPassthroughHeaders(headers, query, filename);

  if (options.isHead) {
    headers.set('Content-Length', String(totalSize));
    return new Response(null, { status: 200, headers });
  }
  let rangeHeader = options.rangeHeader ?? '';
  if (rangeHeader !== '' && !ifRangeMatches(options.ifRangeHeader, headers)) rangeHeader = '';
  if (rangeHeader === '' || hasTooManyRanges(rangeHeader)) {
    headers.set('Content-Length', String(totalSize));
    await sniffIfUntyped(headers, source, 0, totalSize);
    return new Response(body(source, 0, totalSize), { status: 200, headers });
  }

  let ranges: ByteRange[];
  try {
    ranges = parseRange(rangeHeader, totalSize);
  } catch (err) {
    if (!(err instanceof InvalidRange)) throw err;
    // Go's http.Error: plain-text body; headers set so far stay (but not a length or encoding for other bytes).
    headers.delete('Content-Length');
    headers.delete('Content-Encoding');
    headers.set('Content-Type', 'text/plain; charset=utf-8');
    headers.set('X-Content-Type-Options', 'nosniff');
    if (err instanceof RangeNotOverlapping) headers.set('Content-Range', `bytes */${totalSize}`);
    return new Response(Buffer.from(`${err.message}\n`), { status: 416, headers });
  }
  // More bytes asked for than the file holds (an attack or a dumb client): Go ignores the
  // request and writes nothing at all.
  if (sumRangeLengths(ranges) > totalSize || ranges.length === 0) return emptyResponse(200, headers);

  if (ranges.length === 1) {
    const r = ranges[0] as ByteRange;
    headers.set('Content-Length', String(r.length));
    headers.set('Content-Range', contentRange(r, totalSize));
    await sniffIfUntyped(headers, source, r.start, r.length);
    return new Response(body(source, r.start, r.start + r.length), { status: 206, headers });
  }

  const boundary = newBoundary();
  headers.set('Content-Type', `multipart/byteranges; boundary=${boundary}`);
  if (!headers.get('Content-Encoding'))
    headers.set('Content-Length', String(multipartLength(boundary, ranges, mimeType, totalSize)));
  return new Response(webStream(multipartChunks(boundary, ranges, mimeType, source)), { status: 206, headers });
}
