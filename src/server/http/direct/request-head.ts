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
/** Headers whose presence means the request is node:http's to frame or to answer. */
const DECLINED_HEADERS = new Set(['transfer-encoding', 'expect', 'upgrade', 'te', 'trailer']);
const CONTENT_LENGTH = /^\d{1,15}$/;

/** RFC 9110 token characters, which node's parser holds header names to (1: allowed). */
const TOKEN_CHARS = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
  TOKEN_CHARS[c.charCodeAt(0)] = 1;
}

function isToken(text: string, start: number, end: number): boolean {
  if (start === end) return false;
  for (let i = start; i < end; i++) if (TOKEN_CHARS[text.charCodeAt(i)] !== 1) return false;
  return true;
}

/** Visible characters, spaces, tabs and obs-text: no controls (a stray CR or LF included), no DEL. */
function isFieldValue(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return false;
  }
  return true;
}

/** Request targets the fast path can take: a path of visible characters. */
function isTarget(text: string, start: number, end: number): boolean {
  if (end - start < 1 || text.charCodeAt(start) !== 0x2f) return false;
  for (let i = start + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** Parses the head that starts at `startOffset` of `bytes`. */
export function parseRequestHead(bytes: Buffer, startOffset: number): HeadParse {
  assert(startOffset >= 0 && startOffset <= bytes.length, 'head offset within the buffer');
  const blank = bytes.indexOf(HEAD_END, startOffset, 'latin1');
  if (blank < 0) return bytes.length - startOffset > MAX_DIRECT_HEAD_BYTES ? DECLINE : INCOMPLETE;
  if (blank - startOffset > MAX_DIRECT_HEAD_BYTES) return DECLINE;
  // The blank line's first CRLF ends the last line, so every line of `text` ends in CRLF.
  const text = bytes.toString('latin1', startOffset, blank + 2);
  const lineEnd = text.indexOf('\r\n');
  const sp1 = text.indexOf(' ');
  const sp2 = sp1 < 0 ? -1 : text.indexOf(' ', sp1 + 1);
  if (sp1 <= 0 || sp2 < 0 || sp2 >= lineEnd || lineEnd - sp2 - 1 !== 8 || !text.startsWith('HTTP/1.1', sp2 + 1)) {
    return DECLINE;
  }
  const method = text.slice(0, sp1);
  if (!METHODS.has(method) || !isTarget(text, sp1 + 1, sp2)) return DECLINE;
  const url = text.slice(sp1 + 1, sp2);

  // A plain object, as node's own headers are (a null-prototype one is a slow dictionary);
  // names that would reach the prototype are declined.
  const headers: Record<string, string> = {};
  let contentLengthBytes = 0;
  let hasHost = false;
  let lineStart = lineEnd + 2;
  while (lineStart < text.length) {
    const next = text.indexOf('\r\n', lineStart);
    const colon = text.indexOf(':', lineStart);
    if (colon < 0 || colon >= next || !isToken(text, lineStart, colon)) return DECLINE;
    let valueStart = colon + 1;
    let valueEnd = next;
    while (valueStart < valueEnd && isSpace(text.charCodeAt(valueStart))) valueStart++;
    while (valueEnd > valueStart && isSpace(text.charCodeAt(valueEnd - 1))) valueEnd--;
    if (!isFieldValue(text, valueStart, valueEnd)) return DECLINE;
    const key = text.slice(lineStart, colon).toLowerCase();
    const value = text.slice(valueStart, valueEnd);
    lineStart = next + 2;
    if (headers[key] !== undefined || DECLINED_HEADERS.has(key) || key === '__proto__') return DECLINE;
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
