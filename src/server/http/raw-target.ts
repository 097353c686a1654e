// The request path and query as Go's net/http sees them: taken from the raw request target
// (the WHATWG URL would already have resolved `..` and kept `%xx`), then percent-decoded.
import type { Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import { goQueryUnescape } from '../../gocompat/query.ts';

export interface RawTarget {
  /** Decoded path as a byte string (one char per byte), like Go's r.URL.Path. */
  path: string;
  rawQuery: string;
}

/** Thrown for a target Go's server refuses before any handler runs (400 Bad Request). */
export class BadRequestTarget extends Error {}

function requestTarget(c: Context): string {
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
  if (incoming?.url?.startsWith('/')) return incoming.url;
  const url = new URL(c.req.url);
  return url.pathname + url.search;
}

export function rawTarget(c: Context): RawTarget {
  const target = requestTarget(c);
  const hash = target.indexOf('#');
  const withoutHash = hash < 0 ? target : target.slice(0, hash);
  const q = withoutHash.indexOf('?');
  const rawPath = q < 0 ? withoutHash : withoutHash.slice(0, q);
  const rawQuery = q < 0 ? '' : withoutHash.slice(q + 1);
  let path: string;
  try {
    path = goQueryUnescape(rawPath, false);
  } catch (err) {
    throw new BadRequestTarget((err as Error).message);
  }
  return { path, rawQuery };
}

/** Go's path.Clean as ServeMux applies it (keeping a trailing slash). */
export function cleanServePath(p: string): string {
  if (p === '') return '/';
  const rooted = p.startsWith('/') ? p : `/${p}`;
  const out: string[] = [];
  for (const segment of rooted.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  let cleaned = `/${out.join('/')}`;
  if (rooted.endsWith('/') && cleaned !== '/') cleaned += '/';
  return cleaned;
}

/** Go's path.Base. */
export function goPathBase(p: string): string {
  if (p === '') return '.';
  let trimmed = p;
  while (trimmed.length > 0 && trimmed.endsWith('/')) trimmed = trimmed.slice(0, -1);
  if (trimmed === '') return '/';
  const slash = trimmed.lastIndexOf('/');
  return slash >= 0 ? trimmed.slice(slash + 1) : trimmed;
}

/** Go's filepath.Ext: from the last dot of the last element, '' when none. */
export function goExt(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) {
    if (p[i] === '.') return p.slice(i);
  }
  return '';
}

/** Path escaping for a redirect Location (Go's url.URL.String for a path). */
export function escapePath(bytePath: string): string {
  return bytePath.replace(
    /[^A-Za-z0-9\-._~$&+,;=:@/]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}
