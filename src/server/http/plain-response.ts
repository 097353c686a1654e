// A response as plain data (status, header pairs, body bytes), so one handler core can answer
// through the Hono app (as a web Response) or straight on node:http (the fast path).
import type { ServerResponse } from 'node:http';
import { goJsonStringify } from './go-json.ts';

export interface PlainResponse {
  status: number;
  /** Names as the web Headers class would hold them: lower case. */
  headers: Array<[string, string]>;
  body: Buffer | null;
}

export function bodyAllowed(status: number): boolean {
  return !(status < 200 || status === 204 || status === 304);
}

/** Go's writeJson: JSON body, `application/json`, `nosniff`; nothing at all for 204/304. */
export function plainJson(status: number, value: unknown, pretty: boolean, headers: Array<[string, string]> = []): PlainResponse {
  if (!bodyAllowed(status)) return { status, headers, body: null };
  headers.push(['content-type', 'application/json'], ['x-content-type-options', 'nosniff']);
  return { status, headers, body: Buffer.from(goJsonStringify(value, pretty), 'utf8') };
}

export function plainJsonError(status: number, message: string, pretty: boolean, headers: Array<[string, string]> = []): PlainResponse {
  return plainJson(status, { error: message }, pretty, headers);
}

/** No body; like Go, a body-allowing status says Content-Length: 0. */
export function plainEmpty(status: number, headers: Array<[string, string]> = []): PlainResponse {
  if (bodyAllowed(status)) headers.push(['content-length', '0']);
  return { status, headers, body: null };
}

export function toWebResponse(plain: PlainResponse): Response {
  return new Response(plain.body, { status: plain.status, headers: plain.headers });
}

/**
 * Writes a plain response on node:http with the headers every store response carries
 * (Go's Server and request id). Throws, having sent nothing, when a header value is invalid.
 */
export function sendPlain(res: ServerResponse, plain: PlainResponse, commonFlat: string[]): void {
  const flat: string[] = [];
  for (const [name, value] of plain.headers) flat.push(name, value);
  flat.push(...commonFlat);
  if (plain.body !== null && !plain.headers.some(([name]) => name === 'content-length')) flat.push('content-length', String(plain.body.length));
  res.writeHead(plain.status, flat);
  res.end(plain.body ?? undefined);
}
