// GET and HEAD of a needle (Go's GetOrHeadHandler): path → volume → needle → conditional checks
// → headers → body, streaming large plain needles straight from `.dat`.
import path from 'node:path';
import type { Context } from 'hono';
import { imageRequestOf, transformImage } from './image-transform.ts';
import { httpStatusOfError } from './error-status.ts';
import { etagOf } from '../../storage/needle/crc.ts';
import { type Needle, NeedleFlag, hasFlag } from '../../storage/needle/needle.ts';
import type { NeedleLocation, Volume } from '../../storage/volume.ts';
import { type ContentSource, memorySource, volumeSource } from './content-source.ts';
import type { ServerContext } from './deps.ts';
import { GunzipBudgetExceeded, gunzipWithinBudget, releaseWhenClosed } from './gunzip-budget.ts';
import { isGzipped } from './gzip.ts';
import { formatHttpDate, parseHttpDate } from '../../gocompat/http-date.ts';
import { applyPairs } from './pairs.ts';
import type { AppEnv } from './request-info.ts';
import { emptyResponse, jsonError } from './responses.ts';
import { sendContent } from './send-content.ts';
import { fileTargetOrNull, parseUrlPath } from './url-path.ts';

/** Go's PagedReadLimit: larger needles are read meta-only and their data streamed. */
const PAGED_READ_LIMIT_BYTES = 1024 * 1024;

interface LoadedNeedle {
  needle: Needle;
  /** Set when the data is to be streamed rather than held. */
  location?: NeedleLocation;
}

async function loadNeedle(volume: Volume, needleId: bigint, readDeleted: boolean): Promise<LoadedNeedle> {
  const entry = volume.lookup(needleId);
  if (entry !== undefined && Math.abs(entry.size) > PAGED_READ_LIMIT_BYTES) {
    const location = await volume.locate(needleId, { readDeleted });
    const n = location.needle;
    if (!hasFlag(n, NeedleFlag.IsCompressed) && !hasFlag(n, NeedleFlag.IsChunkManifest)) return { needle: n, location };
  }
  return { needle: await volume.read(needleId, { readDeleted }) };
}

/**
 * An If-None-Match list (weak comparison, `*` matches all), or else If-Modified-Since when there
 * is none (RFC 9110 13.2.2): a present If-None-Match, even a non-matching one, decides alone.
 */
export function notModified(
  ifNoneMatch: string | undefined,
  ifModifiedSince: string | undefined,
  etag: string,
  lastModifiedSeconds: number,
): boolean {
  if (ifNoneMatch !== undefined) return etagListMatches(ifNoneMatch, etag);
  if (ifModifiedSince === undefined || ifModifiedSince === '' || lastModifiedSeconds === 0) return false;
  const since = parseHttpDate(ifModifiedSince);
  return since !== undefined && since >= lastModifiedSeconds;
}

/** One surrounding quote off each end, as upstream's CanonicalizeETag. */
function canonicalEtag(tag: string): string {
  const start = tag.startsWith('"') ? 1 : 0;
  const end = tag.length > start && tag.endsWith('"') ? tag.length - 1 : tag.length;
  return tag.slice(start, end);
}

/** Whether an entity-tag list names `etag` (unquoted), weakly; commas inside quotes do not split. */
export function etagListMatches(list: string, etag: string): boolean {
  if (list.trim() === '*') return true;
  const wanted = canonicalEtag(etag);
  let start = 0;
  let quoted = false;
  for (let i = 0; i <= list.length; i++) {
    const ch = list.charCodeAt(i);
    if (ch === 0x22) quoted = !quoted;
    if (i < list.length && (ch !== 0x2c || quoted)) continue;
    let tag = list.slice(start, i).trim();
    start = i + 1;
    if (tag.startsWith('W/')) tag = tag.slice(2);
    if (tag !== '' && canonicalEtag(tag) === wanted) return true;
  }
  return false;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export async function handleRead(c: Context<AppEnv>, server: ServerContext): Promise<Response> {
  const info = c.get('info');
  const { hooks, deps } = server;
  const parts = parseUrlPath(info.path);
  if (!hooks.authorize(c, { vidText: parts.vid, fidText: parts.fid, isWrite: false })) {
    return jsonError(401, 'wrong jwt', info.pretty);
  }
  const target = fileTargetOrNull(parts);
  if (target === null) return emptyResponse(400, new Headers(), info.isHead);

  const volume = deps.store.findVolume(target.volumeId);
  // A volume held here only as EC shards is read through them (and peers' shards).
  const isEc = volume === undefined && deps.store.ec.find(target.volumeId) !== undefined;
  if (volume === undefined && !isEc) return hooks.readNonLocal(c, target);

  let loaded: LoadedNeedle;
  try {
    if (volume !== undefined) {
      loaded = await loadNeedle(volume, target.needleId, info.query.get('readDeleted') === 'true');
    } else {
      const n = await deps.store.ec.readNeedle(target.volumeId, target.needleId);
      if (n === undefined) return hooks.readNonLocal(c, target);
      loaded = { needle: n };
    }
  } catch (err) {
    if (httpStatusOfError(err) === 404) return emptyResponse(404, new Headers(), info.isHead);
    deps.log.error(`read ${info.path}: ${(err as Error).message}`, { path: info.path, error: (err as Error).message });
    // Any other failure is 500, as upstream's read answers; 4.53 says why in a JSON body (HEAD: status only).
    return info.isHead ? emptyResponse(500, new Headers(), true) : jsonError(500, (err as Error).message, info.pretty);
  }
  const n = loaded.needle;
  // A zero-size entry is served without a cookie check, as Go never reads its record.
  if (n.size !== 0 && n.cookie >>> 0 !== target.cookie >>> 0) {
    deps.log.info(`read ${info.path}: cookie ${target.cookie.toString(16)} does not match`, { path: info.path });
    return emptyResponse(404, new Headers(), info.isHead);
  }

  const headers = new Headers();
  if (n.lastModified !== 0) headers.set('Last-Modified', formatHttpDate(n.lastModified));
  const etag = etagOf(n.checksum);
  headers.set('ETag', `"${etag}"`);
  if (notModified(c.req.header('if-none-match'), c.req.header('if-modified-since'), etag, n.lastModified))
    return emptyResponse(304, headers);
  if (hasFlag(n, NeedleFlag.HasPairs) && n.pairs.length > 0) applyPairs(headers, n.pairs, deps.log);

  let filename = parts.filename;
  if (hasFlag(n, NeedleFlag.IsChunkManifest) && info.query.get('cm') !== 'false') {
    const expanded = await hooks.serveChunkManifest(c, n, { filename, ext: parts.ext, headers });
    if (expanded !== undefined) return expanded;
  }
  // Image resize/crop (later) keys off the URL extension, else the stored name's (Go's `ext`).
  if (n.name.length > 0 && filename === '') filename = latin1(n.name);
  let mimeType = '';
  if (n.mime.length > 0) {
    const stored = latin1(n.mime);
    if (!stored.startsWith('application/octet-stream')) mimeType = stored;
  }

  const ext = (parts.ext !== '' ? parts.ext : path.extname(filename)).toLowerCase();
  const imageRequest = imageRequestOf(info.query, ext);
  let source: ContentSource;
  if (volume !== undefined && loaded.location !== undefined && imageRequest === null) {
    source = volumeSource(volume, loaded.location);
  } else {
    // An image to transform is read whole (streamed needles included): it must be decoded anyway.
    let data =
      volume !== undefined && loaded.location !== undefined
        ? await volume.readBytes(loaded.location.dataOffsetBytes, loaded.location.dataSizeBytes)
        : n.data;
    if (hasFlag(n, NeedleFlag.IsCompressed) && isGzipped(data)) {
      // Image transforms need the plain bytes whatever the client accepts.
      if (imageRequest === null && (c.req.header('accept-encoding') ?? '').includes('gzip')) {
        headers.set('Content-Encoding', 'gzip');
      } else {
        try {
          const inflated = await gunzipWithinBudget(data, server.maxGunzipBytes, server.gunzipBudget, c.req.raw.signal);
          data = inflated.data;
          releaseWhenClosed(c, inflated.release);
        } catch (err) {
          if (err instanceof GunzipBudgetExceeded) {
            // Too much inflated data held server-wide: upstream's in-flight download status.
            deps.log.warn(`read ${info.path}: ${err.message}`, { path: info.path, error: err.message });
            return jsonError(429, `request ${info.path} because ${err.message}`, info.pretty);
          }
          if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
            deps.log.warn(`read ${info.path}: gunzipped data over ${server.maxGunzipBytes} bytes`, { path: info.path });
            return emptyResponse(500, new Headers(), info.isHead);
          }
          // Go's DecompressData fails and leaves the needle with no data.
          deps.log.warn(`read ${info.path}: ungzip error: ${(err as Error).message}`, {
            path: info.path,
            error: (err as Error).message,
          });
          data = new Uint8Array(0);
        }
      }
    }
    if (imageRequest !== null) data = await transformImage(data, ext, imageRequest);
    source = memorySource(data);
  }
  return sendContent(headers, {
    filename,
    mimeType,
    source,
    isHead: info.isHead,
    rangeHeader: c.req.header('range'),
    ifRangeHeader: c.req.header('if-range'),
    query: info.query,
  });
}
