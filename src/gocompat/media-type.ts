// Go's mime.ParseMediaType / FormatMediaType, byte-string in and out (one char per byte).
const TSPECIALS = '()<>@,;:\\"/[]?=';

function isTokenChar(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return code > 0x20 && code < 0x7f && !TSPECIALS.includes(ch);
}

function isToken(text: string): boolean {
  if (text === '') return false;
  for (const ch of text) if (!isTokenChar(ch)) return false;
  return true;
}

function trimLeftSpace(text: string): string {
  return text.replace(/^[\t\n\v\f\r ]+/, '');
}

function consumeToken(text: string): [token: string, rest: string] {
  let i = 0;
  while (i < text.length && isTokenChar(text[i] as string)) i++;
  return [text.slice(0, i), text.slice(i)];
}

function consumeValue(text: string): [value: string, rest: string] {
  if (text === '') return ['', ''];
  if (text[0] !== '"') return consumeToken(text);
  let out = '';
  for (let i = 1; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '"') return [out, text.slice(i + 1)];
    // A backslash before an ordinary character is literal (MSIE sends raw Windows paths).
    if (ch === '\\' && i + 1 < text.length && TSPECIALS.includes(text[i + 1] as string)) {
      out += text[i + 1];
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') return ['', text];
    out += ch;
  }
  return ['', text];
}

function consumeParam(text: string): [key: string, value: string, rest: string] {
  let rest = trimLeftSpace(text);
  if (!rest.startsWith(';')) return ['', '', text];
  rest = trimLeftSpace(rest.slice(1));
  let key: string;
  [key, rest] = consumeToken(rest);
  key = key.toLowerCase();
  if (key === '') return ['', '', text];
  rest = trimLeftSpace(rest);
  if (!rest.startsWith('=')) return ['', '', text];
  rest = trimLeftSpace(rest.slice(1));
  const [value, after] = consumeValue(rest);
  if (value === '' && after === rest) return ['', '', text];
  return [key, value, after];
}

function checkMediaType(text: string): boolean {
  const [type, rest] = consumeToken(text);
  if (type === '') return false;
  if (rest === '') return true;
  if (!rest.startsWith('/')) return false;
  const [subtype, after] = consumeToken(rest.slice(1));
  return subtype !== '' && after === '';
}

function percentUnescape(text: string): string | undefined {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '%') {
      out += text[i];
      continue;
    }
    const hex = text.slice(i + 1, i + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
    out += String.fromCharCode(Number.parseInt(hex, 16));
    i += 2;
  }
  return out;
}

/** RFC 2231 `charset'lang'pct-encoded`, utf-8 and us-ascii only (as Go). */
function decode2231(text: string): string | undefined {
  const parts = text.split("'");
  if (parts.length !== 3) return undefined;
  const charset = (parts[0] as string).toLowerCase();
  if (charset !== 'utf-8' && charset !== 'us-ascii') return undefined;
  return percentUnescape(parts[2] as string);
}

export interface MediaType {
  type: string;
  params: Map<string, string>;
}

/**
 * The form every multipart client sends (Go's and curl's among them): a token boundary and
 * nothing else. Go's parser gives exactly this type and one param for it.
 */
const PLAIN_MULTIPART = /^multipart\/form-data; boundary=([!#$%&'*+\-.^_`|~0-9A-Za-z]+)$/;

/** undefined where Go returns an error. */
export function parseMediaType(text: string): MediaType | undefined {
  const plain = PLAIN_MULTIPART.exec(text);
  if (plain !== null) return { type: 'multipart/form-data', params: new Map([['boundary', plain[1] as string]]) };
  return parseMediaTypeFully(text);
}

/** Go's parser step by step, for every text (parseMediaType takes a shortcut for the common one). */
export function parseMediaTypeFully(text: string): MediaType | undefined {
  const semi = text.indexOf(';');
  const base = semi < 0 ? text : text.slice(0, semi);
  const type = base.toLowerCase().trim();
  if (!checkMediaType(type)) return undefined;
  const params = new Map<string, string>();
  const continuations = new Map<string, Map<string, string>>();
  let rest = text.slice(base.length);
  while (rest.length > 0) {
    rest = trimLeftSpace(rest);
    if (rest === '') break;
    const [key, value, after] = consumeParam(rest);
    if (key === '') {
      if (rest.trim() === ';') break;
      return undefined;
    }
    let target = params;
    const star = key.indexOf('*');
    if (star >= 0) {
      const baseName = key.slice(0, star);
      target = continuations.get(baseName) ?? new Map();
      continuations.set(baseName, target);
    }
    const existing = target.get(key);
    if (existing !== undefined && existing !== value) return undefined;
    target.set(key, value);
    rest = after;
  }
  for (const [key, pieces] of continuations) {
    const single = pieces.get(`${key}*`);
    if (single !== undefined) {
      const decoded = decode2231(single);
      if (decoded !== undefined) params.set(key, decoded);
      continue;
    }
    let joined = '';
    let valid = false;
    for (let n = 0; ; n++) {
      const simple = pieces.get(`${key}*${n}`);
      if (simple !== undefined) {
        valid = true;
        joined += simple;
        continue;
      }
      const encoded = pieces.get(`${key}*${n}*`);
      if (encoded === undefined) break;
      valid = true;
      joined += (n === 0 ? decode2231(encoded) : percentUnescape(encoded)) ?? '';
    }
    if (valid) params.set(key, joined);
  }
  return { type, params };
}

/** Go's "needs RFC 2231 encoding": any character outside printable ASCII except tab. */
function needsEncoding(value: string): boolean {
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    if ((code < 0x20 || code > 0x7e) && code !== 0x09) return true;
  }
  return false;
}

/** mime.FormatMediaType for one parameter; `value` is a byte string. '' where Go returns ''. */
export function formatMediaType(type: string, key: string, value: string): string {
  if (!isToken(type) || !isToken(key)) return '';
  let out = `${type.toLowerCase()}; `;
  if (needsEncoding(value)) {
    out += `${key.toLowerCase()}*=utf-8''`;
    for (const ch of value) {
      const code = ch.charCodeAt(0);
      if (code <= 0x20 || code >= 0x7f || ch === '*' || ch === "'" || ch === '%' || TSPECIALS.includes(ch)) {
        out += `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
      } else {
        out += ch;
      }
    }
    return out;
  }
  out += `${key.toLowerCase()}=`;
  if (isToken(value)) return out + value;
  return `${out}"${value.replace(/["\\]/g, (ch) => `\\${ch}`)}"`;
}

/** A parsed media type that other requests share: read only. */
export interface SharedMediaType {
  readonly type: string;
  readonly params: ReadonlyMap<string, string>;
}

/** Parsed media types by text. */
const cache = new Map<string, SharedMediaType | undefined>();
/** Distinct texts kept (a client's part headers repeat; random boundaries never reach here). */
const MAX_CACHED_TEXTS = 256;
const MAX_CACHED_TEXT_CHARS = 512;

/**
 * parseMediaType for texts that repeat across requests (a part's Content-Disposition), from a
 * small cache. The result is shared: read it, never change it.
 */
export function parseMediaTypeShared(text: string): SharedMediaType | undefined {
  if (text.length > MAX_CACHED_TEXT_CHARS) return parseMediaType(text);
  if (cache.has(text)) return cache.get(text);
  if (cache.size >= MAX_CACHED_TEXTS) cache.clear();
  const parsed = parseMediaType(text);
  cache.set(text, parsed);
  return parsed;
}
