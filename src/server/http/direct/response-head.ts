// Response heads in node:http's own bytes (status line, the given pairs in order, then Date,
// Connection and Keep-Alive), so a client cannot tell a direct reply from one node:http sent.
import { STATUS_CODES } from 'node:http';

/** node's checkIsHttpToken and checkInvalidHeaderChar: what writeHead refuses, refused here too. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

export class InvalidHeader extends Error {}

let cachedDateSecond = -1;
let cachedDate = '';

/** The Date value, made once a second. */
function httpDateNow(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== cachedDateSecond) {
    cachedDateSecond = second;
    cachedDate = new Date(second * 1000).toUTCString();
  }
  return cachedDate;
}

/**
 * The head for `status` with flat name/value pairs. `keepAliveSeconds` is node's Keep-Alive
 * timeout (0: no Keep-Alive header); `close` says Connection: close instead. Throws
 * InvalidHeader, having built nothing, on a name or value node would refuse.
 */
export function responseHead(status: number, flat: string[], keepAliveSeconds: number, close: boolean): string {
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'unknown'}\r\n`;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = flat[i] as string;
    const value = flat[i + 1] as string;
    if (!TOKEN.test(name)) throw new InvalidHeader(`invalid header name ${JSON.stringify(name)}`);
    if (INVALID_VALUE.test(value)) throw new InvalidHeader(`invalid character in header ${name}`);
    head += `${name}: ${value}\r\n`;
  }
  head += `Date: ${httpDateNow()}\r\n`;
  if (close) head += 'Connection: close\r\n\r\n';
  else if (keepAliveSeconds > 0) head += `Connection: keep-alive\r\nKeep-Alive: timeout=${keepAliveSeconds}\r\n\r\n`;
  else head += 'Connection: keep-alive\r\n\r\n';
  return head;
}
