// Chunk manifests (needles uploaded with cm=true): a read expands them into the concatenation of
// their chunks; a delete removes the chunks first and keeps the manifest if any chunk fails.
import { gunzipSync } from 'node:zlib';
import type { Context } from 'hono';
import type { VolumeLookup } from '../../master/volume-lookup.ts';
import { httpScheme, outgoingFetch } from '../../security/outgoing-http.ts';
import { isStorageError } from '../../storage/errors.ts';
import { formatFileId, parseFileId } from '../../storage/needle/file-id.ts';
import { type Needle, NeedleFlag, hasFlag } from '../../storage/needle/needle.ts';
import type { Store } from '../../store/store.ts';
import type { ContentSource } from './content-source.ts';
import type { HttpHooks } from './deps.ts';
import type { AppEnv } from './request-info.ts';
import { sendContent } from './send-content.ts';

/** A manifest is JSON of modest size; its chunks hold the data. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
const MAX_CHUNKS = 100_000;
const CHUNK_FETCH_TIMEOUT_MS = 60_000;

export interface ChunkInfo {
  fid: string;
  offset: number;
  size: number;
}

export interface ChunkManifest {
  name: string;
  mime: string;
  size: number;
  chunks: ChunkInfo[];
}

export function parseChunkManifest(needle: Needle): ChunkManifest {
  try {
    const raw = hasFlag(needle, NeedleFlag.IsCompressed) ? gunzipSync(needle.data, { maxOutputLength: MAX_MANIFEST_BYTES }) : Buffer.from(needle.data);
    const json = JSON.parse(raw.toString('utf8')) as Partial<ChunkManifest>;
    const chunks = Array.isArray(json.chunks) ? json.chunks : [];
    if (chunks.length > MAX_CHUNKS) throw new Error(`too many chunks: ${chunks.length}`);
    for (const chunk of chunks) {
      if (typeof chunk.fid !== 'string' || !Number.isSafeInteger(chunk.offset) || !Number.isSafeInteger(chunk.size) || chunk.size < 0 || chunk.offset < 0) {
        throw new Error(`bad chunk ${JSON.stringify(chunk)}`);
      }
    }
    return {
      name: typeof json.name === 'string' ? json.name : '',
      mime: typeof json.mime === 'string' ? json.mime : '',
      size: typeof json.size === 'number' ? json.size : chunks.reduce((sum, c) => sum + c.size, 0),
      chunks: [...chunks].sort((a, b) => a.offset - b.offset),
    };
  } catch (err) {
    throw new Error(`Load chunks manifest error: ${(err as Error).message}`);
  }
}

export interface ChunkAccess {
  store: Store;
  lookup: VolumeLookup | undefined;
}

/** One chunk's bytes: from a local volume when we hold it, else from a server that does. */
async function fetchChunk(access: ChunkAccess, fidText: string): Promise<Uint8Array> {
  const fid = parseFileId(fidText);
  const volume = access.store.findVolume(fid.volumeId);
  if (volume !== undefined) {
    const n = await volume.read(fid.needleId, { cookie: fid.cookie });
    return hasFlag(n, NeedleFlag.IsCompressed) ? gunzipSync(n.data) : n.data;
  }
  const locations = (await access.lookup?.lookup(fid.volumeId)) ?? [];
  for (const location of locations) {
    const response = await outgoingFetch(`${httpScheme()}://${location.url}/${formatFileId(fid)}`, { signal: AbortSignal.timeout(CHUNK_FETCH_TIMEOUT_MS) });
    if (response.ok) return new Uint8Array(await response.arrayBuffer());
  }
  throw new Error(`chunk ${fidText} not found`);
}

/** The manifest's content, fetched chunk by chunk only for the bytes asked for. */
function manifestSource(access: ChunkAccess, manifest: ChunkManifest): ContentSource {
  const total = manifest.chunks.reduce((end, c) => Math.max(end, c.offset + c.size), 0);
  async function* chunks(start: number, end: number): AsyncGenerator<Uint8Array> {
    for (const chunk of manifest.chunks) {
      const chunkEnd = chunk.offset + chunk.size;
      if (chunkEnd <= start || chunk.offset >= end) continue;
      const data = await fetchChunk(access, chunk.fid);
      yield data.subarray(Math.max(0, start - chunk.offset), Math.min(chunk.size, end - chunk.offset));
    }
  }
  return {
    sizeBytes: total,
    async peek(start, maxBytes) {
      const parts: Uint8Array[] = [];
      for await (const part of chunks(start, Math.min(total, start + maxBytes))) parts.push(part);
      return Buffer.concat(parts);
    },
    chunks,
    inMemory: () => undefined,
  };
}

async function deleteChunk(c: Context, access: ChunkAccess, fidText: string): Promise<void> {
  let fid;
  try {
    fid = parseFileId(fidText);
  } catch {
    throw new Error(`chunk delete ${fidText}: Wrong fid format.`);
  }
  const volume = access.store.findVolume(fid.volumeId);
  if (volume !== undefined) {
    try {
      await volume.delete(fid.needleId, fid.cookie);
    } catch (err) {
      if (!isStorageError(err, 'not_found') && !isStorageError(err, 'deleted')) throw new Error(`chunk delete ${fidText}: ${(err as Error).message}`);
    }
    return;
  }
  const locations = (await access.lookup?.lookup(fid.volumeId)) ?? [];
  if (locations.length === 0) throw new Error(`chunk delete ${fidText}: volume ${fid.volumeId} not found`);
  const auth = c.req.header('authorization');
  for (const location of locations) {
    const response = await outgoingFetch(`${httpScheme()}://${location.url}/${formatFileId(fid)}`, {
      method: 'DELETE',
      headers: auth !== undefined ? { authorization: auth } : {},
      signal: AbortSignal.timeout(CHUNK_FETCH_TIMEOUT_MS),
    });
    if (response.status !== 202 && response.status !== 404) throw new Error(`chunk delete ${fidText}: status ${response.status}`);
  }
}

export function chunkManifestHooks(access: ChunkAccess): Pick<HttpHooks, 'serveChunkManifest' | 'deleteChunkManifest'> {
  return {
    async serveChunkManifest(c, needle, read) {
      const info = (c as Context<AppEnv>).get('info');
      let manifest: ChunkManifest;
      try {
        manifest = parseChunkManifest(needle);
      } catch {
        // Upstream serves the stored bytes as they are when the manifest does not load.
        return undefined;
      }
      read.headers.set('X-File-Store', 'chunked');
      const mimeType = manifest.mime.startsWith('application/octet-stream') ? '' : manifest.mime;
      return sendContent(read.headers, {
        filename: read.filename !== '' ? read.filename : manifest.name,
        mimeType,
        source: manifestSource(access, manifest),
        isHead: info.isHead,
        rangeHeader: c.req.header('range'),
        query: info.query,
      });
    },
    async deleteChunkManifest(c, needle) {
      const manifest = parseChunkManifest(needle);
      try {
        for (const chunk of manifest.chunks) await deleteChunk(c, access, chunk.fid);
      } catch (err) {
        throw new Error(`Delete chunks error: ${(err as Error).message}`);
      }
      return manifest.size;
    },
  };
}
