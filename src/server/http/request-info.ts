// Per-request facts every handler needs, computed once: Go's view of the path and query.
import type { Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import { type GoQuery, parseGoQuery } from '../../gocompat/query.ts';
import { rawTarget } from './raw-target.ts';

export interface RequestInfo {
  /** Decoded path, a byte string (Go's r.URL.Path). */
  path: string;
  rawQuery: string;
  query: GoQuery;
  /** `?pretty=<non-empty>`: indented JSON. */
  pretty: boolean;
  isHead: boolean;
}

export type AppEnv = {
  Bindings: HttpBindings;
  Variables: { info: RequestInfo };
};

export function computeRequestInfo(c: Context): RequestInfo {
  const { path, rawQuery } = rawTarget(c);
  const query = parseGoQuery(rawQuery);
  return { path, rawQuery, query, pretty: query.get('pretty') !== '', isHead: c.req.method === 'HEAD' };
}
