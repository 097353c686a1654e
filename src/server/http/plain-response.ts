// A response as plain data (status, header pairs, body bytes), so one handler core can answer
// through the Hono app (as a web Response) or on the fast path.
import { goJsonStringify } from '../../gocompat/go-json.ts';

export interface PlainResponse {
  status: number;
  /** Names as the web Headers class would hold them: lower case. */
  headers: Array<[string, string]>;
  /** Bytes, or text sent as UTF-8 (node then writes head and body in one socket write). */
  body: Buffer | string | null;
}

export function bodyAllowed(status: number): boolean {
  return !(status < 200 || status === 204 || status === 304);
}

/** Go's writeJson: JSON body, `application/json`, `nosniff`; nothing at all for 204/304. */
export function plainJson(
  status: number,
  value: unknown,
  pretty: boolean,
  headers: Array<[string, string]> = [],
): PlainResponse {
  if (!bodyAllowed(status)) return { status, headers, body: null };
  headers.push(['content-type', 'application/json'], ['x-content-type-options', 'nosniff']);
  return { status, headers, body: goJsonStringify(value, pretty) };
}

export function plainJsonError(
  status: number,
  message: string,
  pretty: boolean,
  headers: Array<[string, string]> = [],
): PlainResponse {
  return plainJson(status, { error: message }, pretty, headers);
}

/** No body; like Go, a body-allowing status says Content-Length: 0. */
export function plainEmpty(status: number, headers: Array<[string, string]> = []): PlainResponse {
  if (bodyAllowed(status)) headers.push(['content-length', '0']);
  return { status, headers, body: null };
}

export function toWebResponse(plain: PlainResponse): Response {
  // Bytes, not text: a web Response would add its own text/plain content type to a string body.
  const body = typeof plain.body === 'string' ? Buffer.from(plain.body, 'utf8') : plain.body;
  return new Response(body, { status: plain.status, headers: plain.headers });
}

/**
 * A plain response as flat header pairs (its own, then `commonFlat`, then a Content-Length when
 * it has a body and none is set) and the body, as node's writeHead and a direct connection take them.
 */
export function plainFlat(
  plain: PlainResponse,
  commonFlat: string[],
): { headers: string[]; body: Buffer | string | null } {
  const flat: string[] = [];
  let hasLength = false;
  for (const [name, value] of plain.headers) {
    flat.push(name, value);
    hasLength ||= name === 'content-length';
  }
  for (const entry of commonFlat) flat.push(entry);
  const { body } = plain;
  if (body !== null && !hasLength)
    flat.push('content-length', String(typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length));
  return { headers: flat, body };
}
