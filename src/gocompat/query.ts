// Query strings parsed as Go's url.ParseQuery does: `+` is a space, bad escapes and `;` are
// errors, and pairs that fail are dropped while the rest are kept.
import { goQuote } from './go-value-syntax.ts';

export class GoQuery {
  constructor(
    private readonly values: ReadonlyMap<string, readonly string[]>,
    /** The first parse error, as Go's ParseForm reports it; undefined when the query is clean. */
    readonly error: string | undefined,
  ) {}

  /** First value, or '' when absent (Go's Values.Get / FormValue). */
  get(key: string): string {
    return this.values.get(key)?.[0] ?? '';
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  entries(): IterableIterator<[string, readonly string[]]> {
    return this.values.entries();
  }
}

class EscapeError extends Error {}

/** url.QueryUnescape, returning a byte string (one char per byte, as Go strings are bytes). */
export function goQueryUnescape(text: string, plusIsSpace = true): string {
  if (!text.includes('%') && !(plusIsSpace && text.includes('+'))) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x25) {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new EscapeError(`invalid URL escape ${goQuote(text.slice(i, i + 3))}`);
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else if (ch === 0x2b && plusIsSpace) {
      bytes.push(0x20);
    } else if (ch < 0x80) {
      bytes.push(ch);
    } else {
      for (const b of Buffer.from(text[i] as string, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('latin1');
}

/** Byte string (latin1) → readable text, decoding UTF-8 as Go would print it. */
export function byteStringToText(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

export function parseGoQuery(rawQuery: string): GoQuery {
  const values = new Map<string, string[]>();
  let error: string | undefined;
  for (const pair of rawQuery.split('&')) {
    if (pair.includes(';')) {
      error ??= 'invalid semicolon separator in query';
      continue;
    }
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    try {
      const key = byteStringToText(goQueryUnescape(rawKey));
      const value = byteStringToText(goQueryUnescape(rawValue));
      const list = values.get(key);
      if (list === undefined) values.set(key, [value]);
      else list.push(value);
    } catch (err) {
      if (!(err instanceof EscapeError)) throw err;
      error ??= err.message;
    }
  }
  return new GoQuery(values, error);
}
