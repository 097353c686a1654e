// What the fast path reads of a request, whichever transport carries it: node:http's
// IncomingMessage already has this shape, and the direct connections build it from their own parse.
import type { IncomingHttpHeaders } from 'node:http';

export interface FastRequest {
  method: string;
  /** Lower-case names, values as node's parser leaves them (trimmed; one string per name but Set-Cookie). */
  headers: IncomingHttpHeaders;
  /** The request body; read only by writes, and only once the fast path has taken the request. */
  body: AsyncIterable<Uint8Array>;
}
