// S3-style `response-*` query parameters that override response headers, and Content-Disposition.
import { tryParseGoBool } from '../../gocompat/go-value-syntax.ts';
import { formatMediaType } from '../../gocompat/media-type.ts';
import type { GoQuery } from '../../gocompat/query.ts';
import { headerValue, trySetHeader } from './responses.ts';

const PASSTHROUGH_HEADERS: ReadonlyMap<string, string> = new Map([
  ['response-cache-control', 'Cache-Control'],
  ['response-content-disposition', 'Content-Disposition'],
  ['response-content-encoding', 'Content-Encoding'],
  ['response-content-language', 'Content-Language'],
  ['response-content-type', 'Content-Type'],
  ['response-expires', 'Expires'],
]);

/** Go's AdjustPassthroughHeaders: passthrough params, then a default Content-Disposition. */
export function applyPassthroughHeaders(headers: Headers, query: GoQuery, filename: string): void {
  for (const [key, values] of query.entries()) {
    const header = PASSTHROUGH_HEADERS.get(key.toLowerCase());
    const first = values[0];
    if (header !== undefined && first !== undefined) trySetHeader(headers, header, headerValue(first));
  }
  if (headers.get('Content-Disposition')) return;
  if (filename === '') return;
  const dl = query.get('dl');
  const disposition = dl !== '' && tryParseGoBool(dl) === true ? 'attachment' : 'inline';
  trySetHeader(headers, 'Content-Disposition', formatMediaType(disposition, 'filename', filename));
}
