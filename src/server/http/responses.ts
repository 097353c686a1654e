// Response constructors shared by the handlers. Handlers own a Headers object and build the
// Response at the end; common headers (Server, request id, CORS) are added by middleware.
import { bodyAllowed, plainJson, toWebResponse } from './plain-response.ts';

/** No body. Like Go, a non-HEAD response with a body-allowing status says Content-Length: 0. */
export function emptyResponse(status: number, headers: Headers = new Headers(), isHead = false): Response {
  if (bodyAllowed(status) && !isHead && !headers.has('content-length')) headers.set('Content-Length', '0');
  return new Response(null, { status, headers });
}

export function bytesResponse(status: number, body: Uint8Array, headers: Headers = new Headers()): Response {
  return new Response(body, { status, headers });
}

/** Go's writeJson: JSON body, `application/json`, `nosniff`; nothing at all for 204/304. */
export function jsonResponse(
  status: number,
  value: unknown,
  pretty: boolean,
  headers: Headers = new Headers(),
): Response {
  const plain = plainJson(status, value, pretty, [...headers]);
  return toWebResponse(plain);
}

export function jsonError(
  status: number,
  message: string,
  pretty: boolean,
  headers: Headers = new Headers(),
): Response {
  return jsonResponse(status, { error: message }, pretty, headers);
}

/** A header value from text: UTF-8 bytes as a byte string, newlines flattened (as Go's server does). */
export function headerValue(text: string): string {
  return Buffer.from(text.replace(/[\r\n]/g, ' '), 'utf8').toString('latin1');
}

/** Sets a header, skipping values the Fetch Headers class refuses. */
export function trySetHeader(headers: Headers, name: string, value: string): void {
  try {
    headers.set(name, value);
  } catch {
    // Invalid name or value: Go would send it; we cannot, and dropping one header beats a 500.
  }
}
