// Chunk manifests (needles uploaded with cm=true): a read expands them into the concatenation of
// their chunks; a delete removes the chunks first and keeps the manifest if any chunk fails.
//
// Chunks are read as stored (`cm=false` for remote ones): only the manifest the client asked for is
// expanded, so manifests listing each other (here or across servers) cannot recurse. Upstream
// fetches chunks with a plain GET, which a peer would expand again; that loop is what this avoids.
// Every fetch is tied to the client's request, so a client leaving cancels it.
import type { Context } from 'hono';
import type { VolumeLookup } from '../../cluster/volume-lookup.ts';
import { httpScheme, outgoingFetch } from '../../security/outgoing-http.ts';
import { isStorageError } from '../../storage/errors.ts';
import { type FileId, formatFileId, parseFileId } from '../../storage/needle/file-id.ts';
import { type Needle, NeedleFlag, hasFlag } from '../../storage/needle/needle.ts';
import type { Volume } from '../../storage/volume.ts';
import type { Store } from '../../store/store.ts';
import type { ContentSource } from './content-source.ts';
import type { HttpHooks } from './deps.ts';
import { gunzipBounded, gunzipPieces, isGzipped } from './gzip.ts';
import type { AppEnv } from './request-info.ts';
import { sendContent } from './send-content.ts';
import type { DeleteRetryQueue } from '../../cluster/delete-retry-queue.ts';

/** A manifest is JSON of modest size; its chunks hold the data. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
const MAX_CHUNKS = 100_000;
/** Longest wait for a peer's headers or for its next body bytes. */
const CHUNK_FETCH_IDLE_TIMEOUT_MS = 60_000;
/**
 * How far a compressed chunk may inflate past its listed size: a little more is cut to the size,
 * as upstream does; beyond that it is a bomb and the read fails.
 */
export const DEFAULT_CHUNK_INFLATE_SLACK_BYTES = 1024 * 1024;
/** Local plain chunks larger than this are streamed from `.dat` rather than read whole. */
const STREAM_LOCAL_CHUNK_BYTES = 1024 * 1024;

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

export async function parseChunkManifest(needle: Needle): Promise<ChunkManifest> {
  try {
    const raw = hasFlag(needle, NeedleFlag.IsCompressed)
      ? await gunzipBounded(needle.data, MAX_MANIFEST_BYTES)
      : Buffer.from(needle.data);
    const json = JSON.parse(raw.toString('utf8')) as Partial<ChunkManifest>;
    const chunks = Array.isArray(json.chunks) ? json.chunks : [];
    if (chunks.length > MAX_CHUNKS) throw new Error(`too many chunks: ${chunks.length}`);
    for (const chunk of chunks) {
      if (
        typeof chunk.fid !== 'string' ||
        !Number.isSafeInteger(chunk.offset) ||
        !Number.isSafeInteger(chunk.size) ||
        chunk.size < 0 ||
        chunk.offset < 0
      ) {
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
  lookup: Pick<VolumeLookup, 'lookup'> | undefined;
  /** Overrides DEFAULT_CHUNK_INFLATE_SLACK_BYTES. */
  chunkInflateSlackBytes?: number;
  /** Where a chunk delete that failed on its holder goes to be sent again. */
  deleteRetries?: Pick<DeleteRetryQueue, 'enqueue'> | undefined;
}

function shortChunk(fidText: string, gotBytes: number, wantedBytes: number): Error {
  return new Error(`chunk ${fidText}: ${gotBytes} of ${wantedBytes} bytes`);
}

/**
 * `[from, to)` of a gzip chunk, inflated as a stream. The whole chunk is inflated (at most its
 * listed size plus the slack) and the last piece held back until then, so a bomb fails the read
 * before its final bytes go out.
 */
async function* inflatedWindow(
  data: Uint8Array,
  chunk: ChunkInfo,
  from: number,
  to: number,
  slackBytes: number,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  let positionBytes = 0;
  let held: Uint8Array | undefined;
  try {
    for await (const piece of gunzipPieces(data, chunk.size + slackBytes, signal)) {
      const a = Math.max(from, positionBytes);
      const b = Math.min(to, positionBytes + piece.length);
      if (b > a) {
        if (held !== undefined) yield held;
        held = piece.subarray(a - positionBytes, b - positionBytes);
      }
      positionBytes += piece.length;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new Error(`chunk ${chunk.fid} inflates past its listed ${chunk.size} bytes`);
    throw err;
  }
  if (positionBytes < to) throw shortChunk(chunk.fid, positionBytes, to);
  if (held !== undefined) yield held;
}

async function* localWindow(
  volume: Volume,
  fid: FileId,
  chunk: ChunkInfo,
  from: number,
  to: number,
  slackBytes: number,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  const entry = volume.lookup(fid.needleId);
  if (entry !== undefined && entry.size > STREAM_LOCAL_CHUNK_BYTES) {
    const location = await volume.locate(fid.needleId, { cookie: fid.cookie });
    if (!hasFlag(location.needle, NeedleFlag.IsCompressed)) {
      if (location.dataSizeBytes < to) throw shortChunk(chunk.fid, location.dataSizeBytes, to);
      // Leaving the loop early destroys the file stream.
      for await (const piece of volume.createDataStream(location, from, to)) {
        signal.throwIfAborted();
        yield piece as Uint8Array;
      }
      return;
    }
  }
  const n = await volume.read(fid.needleId, { cookie: fid.cookie });
  if (hasFlag(n, NeedleFlag.IsCompressed) && isGzipped(n.data)) {
    yield* inflatedWindow(n.data, chunk, from, to, slackBytes, signal);
    return;
  }
  if (n.data.length < to) throw shortChunk(chunk.fid, n.data.length, to);
  yield n.data.subarray(from, to);
}

/** Resolves on `promise`, or rejects when `signal` aborts first. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * `[from, to)` of a chunk held by a peer: asked for as stored (`cm=false`), plain
 * (`Accept-Encoding: identity`) and by range. A peer that already sent bytes is not swapped for
 * another mid-chunk: the bytes so far may be the bad ones (upstream's rule too).
 */
async function* remoteWindow(
  access: ChunkAccess,
  fid: FileId,
  chunk: ChunkInfo,
  from: number,
  to: number,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  const locations = (await unlessAborted(access.lookup?.lookup(fid.volumeId) ?? Promise.resolve([]), signal)) ?? [];
  let lastError: Error = new Error(`chunk ${chunk.fid} not found`);
  for (const location of locations) {
    // One controller per attempt: aborted by the client leaving, by a stalled peer, or when done.
    const attempt = new AbortController();
    const onClientGone = () => attempt.abort(signal.reason);
    signal.addEventListener('abort', onClientGone, { once: true });
    let idleTimer: NodeJS.Timeout | undefined;
    const armIdleTimer = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(
        () =>
          attempt.abort(
            new Error(`chunk ${chunk.fid}: no progress from ${location.url} in ${CHUNK_FETCH_IDLE_TIMEOUT_MS} ms`),
          ),
        CHUNK_FETCH_IDLE_TIMEOUT_MS,
      );
      idleTimer.unref();
    };
    let receivedBytes = 0;
    try {
      signal.throwIfAborted();
      armIdleTimer();
      const response = await outgoingFetch(`${httpScheme()}://${location.url}/${formatFileId(fid)}?cm=false`, {
        headers: { 'Accept-Encoding': 'identity', Range: `bytes=${from}-${to - 1}` },
        signal: attempt.signal,
      });
      clearTimeout(idleTimer);
      if (response.status !== 200 && response.status !== 206) {
        // Only discards the body of a refused chunk; the status is the error recorded.
        await response.body?.cancel().catch(() => {});
        lastError = new Error(`chunk ${chunk.fid} from ${location.url}: status ${response.status}`);
        continue;
      }
      if (response.body === null) throw shortChunk(chunk.fid, 0, to - from);
      // A 200 is the whole needle: a peer that ignores ranges.
      let skipBytes = response.status === 200 ? from : 0;
      const wantedBytes = to - from;
      // A short chunk is known from the length before any byte is sent on.
      const lengthBytes = Number(response.headers.get('content-length') ?? Number.NaN);
      if (Number.isSafeInteger(lengthBytes) && lengthBytes - skipBytes < wantedBytes)
        throw shortChunk(chunk.fid, from + Math.max(0, lengthBytes - skipBytes), to);
      const reader = response.body.getReader();
      try {
        while (receivedBytes < wantedBytes) {
          armIdleTimer();
          const { value, done } = await reader.read();
          clearTimeout(idleTimer);
          if (done) throw shortChunk(chunk.fid, from + receivedBytes, to);
          let piece: Uint8Array = value;
          if (skipBytes > 0) {
            const skipped = Math.min(skipBytes, piece.length);
            skipBytes -= skipped;
            piece = piece.subarray(skipped);
          }
          piece = piece.subarray(0, wantedBytes - receivedBytes);
          if (piece.length === 0) continue;
          receivedBytes += piece.length;
          yield piece;
        }
      } finally {
        // Releasing the stream; a failure here changes nothing about what was read.
        reader.cancel().catch(() => {});
      }
      return;
    } catch (err) {
      if (signal.aborted || receivedBytes > 0) throw err;
      lastError = err as Error;
    } finally {
      clearTimeout(idleTimer);
      signal.removeEventListener('abort', onClientGone);
      attempt.abort();
    }
  }
  throw lastError;
}

/** `[from, to)` of one chunk (offsets within it): from a local volume when we hold it, else from a peer that does. */
function chunkWindow(
  access: ChunkAccess,
  chunk: ChunkInfo,
  from: number,
  to: number,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  const fid = parseFileId(chunk.fid);
  const volume = access.store.findVolume(fid.volumeId);
  if (volume !== undefined)
    return localWindow(
      volume,
      fid,
      chunk,
      from,
      to,
      access.chunkInflateSlackBytes ?? DEFAULT_CHUNK_INFLATE_SLACK_BYTES,
      signal,
    );
  return remoteWindow(access, fid, chunk, from, to, signal);
}

/** The manifest's content, fetched chunk by chunk only for the bytes asked for. */
function manifestSource(access: ChunkAccess, manifest: ChunkManifest, signal: AbortSignal): ContentSource {
  const total = manifest.chunks.reduce((end, c) => Math.max(end, c.offset + c.size), 0);
  async function* chunks(start: number, end: number): AsyncGenerator<Uint8Array> {
    for (const chunk of manifest.chunks) {
      const chunkEnd = chunk.offset + chunk.size;
      if (chunkEnd <= start || chunk.offset >= end) continue;
      const from = Math.max(0, start - chunk.offset);
      const to = Math.min(chunk.size, end - chunk.offset);
      if (to > from) yield* chunkWindow(access, chunk, from, to, signal);
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

/**
 * The response with its first body piece already read, so a failure in the first chunk (missing,
 * short, a bomb) is a 500 rather than a connection cut after the headers.
 */
async function withFirstPiece(response: Response): Promise<Response> {
  if (response.body === null) return response;
  const reader = response.body.getReader();
  const first = await reader.read();
  let pending: Uint8Array | undefined = first.done ? undefined : first.value;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (pending !== undefined) {
        controller.enqueue(pending);
        pending = undefined;
        return;
      }
      try {
        const { value, done } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (err) {
        controller.error(err);
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(first.done ? null : body, { status: response.status, headers: response.headers });
}

/** Upstream's batch delete (how its chunk deletes are sent) refuses a chunk that is itself a manifest. */
const NESTED_MANIFEST_DELETE = 'ChunkManifest: not allowed in batch delete mode.';
const CHUNK_DELETE_TIMEOUT_MS = 60_000;
/** A chunk holder's answers that mean the chunk is gone. */
const CHUNK_DELETED = [202, 404];

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
      if (hasFlag((await volume.locate(fid.needleId, { cookie: fid.cookie })).needle, NeedleFlag.IsChunkManifest)) {
        throw new Error(NESTED_MANIFEST_DELETE);
      }
      await volume.delete(fid.needleId, fid.cookie);
    } catch (err) {
      if (!isStorageError(err, 'not_found') && !isStorageError(err, 'deleted'))
        throw new Error(`chunk delete ${fidText}: ${(err as Error).message}`);
    }
    return;
  }
  const locations = (await access.lookup?.lookup(fid.volumeId)) ?? [];
  if (locations.length === 0) throw new Error(`chunk delete ${fidText}: volume ${fid.volumeId} not found`);
  const auth = c.req.header('authorization');
  for (const location of locations) {
    // cm=false: a peer of ours refuses a manifest chunk instead of deleting its chunks in turn.
    const url = `${httpScheme()}://${location.url}/${formatFileId(fid)}?cm=false`;
    // Unreachable or failing (5xx) holders get the delete again later from the retry queue;
    // a refusal (4xx) would only be refused again.
    const retryLater = (error: string) =>
      access.deleteRetries?.enqueue({ kind: 'chunk', url, fid: formatFileId(fid), okStatuses: CHUNK_DELETED, error });
    let response: Response;
    try {
      response = await outgoingFetch(url, {
        method: 'DELETE',
        headers: auth !== undefined ? { authorization: auth } : {},
        signal: AbortSignal.timeout(CHUNK_DELETE_TIMEOUT_MS),
      });
    } catch (err) {
      retryLater((err as Error).message);
      throw new Error(`chunk delete ${fidText}: ${(err as Error).message}`);
    }
    await response.body?.cancel().catch(() => {
      // Only the status matters.
    });
    if (!CHUNK_DELETED.includes(response.status)) {
      if (response.status >= 500) retryLater(`status ${response.status}`);
      throw new Error(`chunk delete ${fidText}: status ${response.status}`);
    }
  }
}

export function chunkManifestHooks(access: ChunkAccess): Pick<HttpHooks, 'serveChunkManifest' | 'deleteChunkManifest'> {
  return {
    async serveChunkManifest(c, needle, read) {
      const info = (c as Context<AppEnv>).get('info');
      let manifest: ChunkManifest;
      try {
        manifest = await parseChunkManifest(needle);
      } catch {
        // Upstream serves the stored bytes as they are when the manifest does not load.
        return undefined;
      }
      read.headers.set('X-File-Store', 'chunked');
      const mimeType = manifest.mime.startsWith('application/octet-stream') ? '' : manifest.mime;
      const response = await sendContent(read.headers, {
        filename: read.filename !== '' ? read.filename : manifest.name,
        mimeType,
        source: manifestSource(access, manifest, c.req.raw.signal),
        isHead: info.isHead,
        rangeHeader: c.req.header('range'),
        ifRangeHeader: c.req.header('if-range'),
        query: info.query,
      });
      return withFirstPiece(response);
    },
    async deleteChunkManifest(c, needle) {
      // A chunk delete from another manifest: refused as upstream's batch delete does, so
      // manifests listing each other cannot delete in a loop.
      if ((c as Context<AppEnv>).get('info').query.get('cm') === 'false') throw new Error(NESTED_MANIFEST_DELETE);
      const manifest = await parseChunkManifest(needle);
      try {
        for (const chunk of manifest.chunks) await deleteChunk(c, access, chunk.fid);
      } catch (err) {
        throw new Error(`Delete chunks error: ${(err as Error).message}`);
      }
      return manifest.size;
    },
  };
}
