// Reads of volumes this server does not hold (-readMode): local answers 404, proxy fetches from a
// server that has it, redirect sends the client there (301), as upstream does.
import type { Context } from 'hono';
import type { VolumeLocationInfo } from '../../cluster/volume-lookup.ts';
import { httpScheme, outgoingFetch } from '../../security/outgoing-http.ts';
import type { FileTarget } from './deps.ts';
import type { AppEnv } from './request-info.ts';
import { emptyResponse } from './responses.ts';

export type ReadMode = 'local' | 'proxy' | 'redirect';

const PROXY_TIMEOUT_MS = 60_000;
/** Hop-by-hop headers are not forwarded either way. */
const HOP_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
  'host',
  'content-length',
]);

export interface ReadModeOptions {
  mode: ReadMode;
  /** This server's `ip:port`, left out of the candidates. */
  selfAddress: string;
  lookup(volumeId: number): Promise<VolumeLocationInfo[]>;
}

function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export function readNonLocalHandler(options: ReadModeOptions) {
  return async (c: Context<AppEnv>, target: FileTarget): Promise<Response> => {
    const info = c.get('info');
    const query = new URLSearchParams(info.rawQuery);
    // A request we (or a peer) already forwarded must not bounce around: answer it here.
    if (options.mode === 'local' || query.get('proxied') === 'true')
      return emptyResponse(404, new Headers(), info.isHead);
    let locations: VolumeLocationInfo[];
    try {
      locations = await options.lookup(target.volumeId);
    } catch {
      return emptyResponse(404, new Headers(), info.isHead);
    }
    const candidates = shuffled(locations).filter((l) => !l.url.includes(options.selfAddress));
    const chosen = candidates[0];
    if (chosen === undefined) return emptyResponse(404, new Headers(), info.isHead);

    if (options.mode === 'redirect') {
      // Upstream keeps only the collection, drops the filename and every other parameter.
      const params = new URLSearchParams();
      const collection = query.get('collection');
      if (collection !== null) params.set('collection', collection);
      params.set('proxied', 'true');
      params.sort();
      const location = `${httpScheme()}://${chosen.url}/${target.vidText},${target.fidText}?${params.toString()}`;
      const headers = new Headers({ Location: location });
      if (info.isHead) return emptyResponse(301, headers, true);
      headers.set('Content-Type', 'text/html; charset=utf-8');
      return new Response(`<a href="${location.replace(/&/g, '&amp;')}">Moved Permanently</a>.\n\n`, {
        status: 301,
        headers,
      });
    }

    query.set('proxied', 'true');
    const headers = new Headers();
    c.req.raw.headers.forEach((value, key) => {
      if (!HOP_HEADERS.has(key)) headers.set(key, value);
    });
    let upstream: Response;
    try {
      upstream = await outgoingFetch(`${httpScheme()}://${chosen.url}${info.path}?${query.toString()}`, {
        method: 'GET',
        headers,
        signal: AbortSignal.timeout(PROXY_TIMEOUT_MS),
        redirect: 'manual',
      });
    } catch {
      return emptyResponse(500, new Headers(), info.isHead);
    }
    const relayed = new Headers();
    upstream.headers.forEach((value, key) => {
      if (key !== 'server' && !HOP_HEADERS.has(key)) relayed.set(key, value);
    });
    if (upstream.headers.has('content-length'))
      relayed.set('content-length', upstream.headers.get('content-length') as string);
    return new Response(info.isHead ? null : upstream.body, { status: upstream.status, headers: relayed });
  };
}
