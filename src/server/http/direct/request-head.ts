// The request heads a direct connection serves itself: HTTP/1.1, one of the fid methods, a head
// complete in what has arrived and at most MAX_DIRECT_HEAD_BYTES, strictly formed, with nothing
// that changes framing or connection handling (Transfer-Encoding, Expect, Upgrade, Connection
// other than keep-alive, repeated names). Anything else is declined, and node:http, which knows
// every rule and answers every error as the app's server does, gets the connection as it arrived.
import { assert } from '../../../storage/types.ts';

/** Heads longer than this go to node:http (whose limit is 1 MiB); fid requests are a few hundred bytes. */
export const MAX_DIRECT_HEAD_BYTES = 8 * 1024;

export interface RequestHead {
  method: string;
  /** The request target, as node's IncomingMessage.url holds it. */
  url: string;
  /** Lower-case names; values trimmed of spaces and tabs, as node's parser leaves them. */
  headers: Record<string, string>;
  /** Body bytes that follow the head (0 without Content-Length). */
  contentLengthBytes: number;
}

export type HeadParse =
  | { kind: 'head'; head: RequestHead /** Offset just past the head's blank line. */; endOffset: number }
  /** No blank line yet, and still within MAX_DIRECT_HEAD_BYTES. */
  | { kind: 'incomplete' }
  | { kind: 'decline' };

const INCOMPLETE: HeadParse = { kind: 'incomplete' };
const DECLINE: HeadParse = { kind: 'decline' };
const HEAD_END = '\r\n\r\n';
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE']);
const TARGET = /^\/[\x21-\x7e]*$/;
/** RFC 9110 token characters, which node's parser holds header names to. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Visible characters, spaces, tabs and obs-text: no controls, no DEL. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const CONTENT_LENGTH = /^\d{1,15}$/;
/** Headers whose presence means the request is node:http's to frame or to answer. */
const DECLINED_HEADERS = new Set(['transfer-encoding', 'expect', 'upgrade', 'te', 'trailer']);

function trimSpaces(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && (value.charCodeAt(start) === 0x20 || value.charCodeAt(start) === 0x09)) start++;
  while (end > start && (value.charCodeAt(end - 1) === 0x20 || value.charCodeAt(end - 1) === 0x09)) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/** Parses the head that starts at `startOffset` of `bytes`. */
export function parseRequestHead(bytes: Buffer, startOffset: number): HeadParse {
  assert(startOffset >= 0 && startOffset <= bytes.length, 'head offset within the buffer');
  const blank = bytes.indexOf(HEAD_END, startOffset, 'latin1');
  if (blank < 0) return bytes.length - startOffset > MAX_DIRECT_HEAD_BYTES ? DECLINE : INCOMPLETE;
  if (blank - startOffset > MAX_DIRECT_HEAD_BYTES) return DECLINE;
  const text = bytes.toString('latin1', startOffset, blank);
  const lineEnd = text.indexOf('\r\n');
  const requestLine = lineEnd < 0 ? text : text.slice(0, lineEnd);
  const sp1 = requestLine.indexOf(' ');
  const sp2 = requestLine.indexOf(' ', sp1 + 1);
  if (sp1 <= 0 || sp2 < 0 || requestLine.slice(sp2 + 1) !== 'HTTP/1.1') return DECLINE;
  const method = requestLine.slice(0, sp1);
  const url = requestLine.slice(sp1 + 1, sp2);
  if (!METHODS.has(method) || !TARGET.test(url)) return DECLINE;

  const headers: Record<string, string> = Object.create(null);
  let contentLengthBytes = 0;
  let hasHost = false;
  let lineStart = lineEnd < 0 ? text.length : lineEnd + 2;
  while (lineStart < text.length) {
    let next = text.indexOf('\r\n', lineStart);
    if (next < 0) next = text.length;
    const colon = text.indexOf(':', lineStart);
    if (colon < 0 || colon >= next) return DECLINE;
    const name = text.slice(lineStart, colon);
    const value = trimSpaces(text.slice(colon + 1, next));
    lineStart = next + 2;
    if (!TOKEN.test(name) || !FIELD_VALUE.test(value)) return DECLINE;
    const key = name.toLowerCase();
    if (key in headers || DECLINED_HEADERS.has(key)) return DECLINE;
    if (key === 'connection' && value.toLowerCase() !== 'keep-alive') return DECLINE;
    if (key === 'content-length') {
      if (!CONTENT_LENGTH.test(value)) return DECLINE;
      contentLengthBytes = Number(value);
    }
    hasHost ||= key === 'host';
    headers[key] = value;
  }
  // node:http answers 400 to an HTTP/1.1 request without Host; a GET or HEAD with a body is rare enough to leave it.
  if (!hasHost) return DECLINE;
  if (contentLengthBytes > 0 && (method === 'GET' || method === 'HEAD')) return DECLINE;
  return { kind: 'head', head: { method, url, headers, contentLengthBytes }, endOffset: blank + HEAD_END.length };
}
