// Replication on write and delete: for a volume whose placement asks for more than one copy, the
// write goes to the local volume and (type=replicate) to every other holder the master lists, at
// the same time; the client hears 201 only once all of them have it, as upstream does. Deletes
// go to every holder that may delete, each one whatever another answers.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import type { VolumeLookup, VolumeLocationInfo } from '../../cluster/volume-lookup.ts';
import type { DeleteRetryQueue } from '../../cluster/delete-retry-queue.ts';
import { httpScheme, outgoingFetch } from '../../security/outgoing-http.ts';
import { type Needle, NeedleFlag, hasFlag } from '../../storage/needle/needle.ts';
import { isEmptyTtl, ttlToString } from '../../storage/needle/ttl.ts';
import { copyCount } from '../../storage/replica-placement.ts';
import type { Volume } from '../../storage/volume.ts';
import { deleteLocally, writeLocally } from './default-hooks.ts';
import type { HttpHooks, WriteContext } from './deps.ts';
import { expectedFid, tokenFromRequest } from './jwt.ts';
import { parseUrlPath } from './url-path.ts';
import type { AppEnv } from './request-info.ts';

/** One replica request with no body, connect to end of response: a silent peer cannot hold the write. */
export const REPLICA_REQUEST_TIMEOUT_MS = 10_000;
/** The slowest link a forward's body may cross within its bound (1 MiB/s). */
const REPLICA_MIN_BYTES_PER_SECOND = 1024 * 1024;
/** Of a failing replica's answer, this much is kept for the error message. */
const MAX_REPLICA_ERROR_BYTES = 4096;

/** The bound on one replica forward of `sizeBytes` of body. */
export function replicaRequestBoundMs(sizeBytes: number, baseMs = REPLICA_REQUEST_TIMEOUT_MS): number {
  return baseMs + Math.floor((sizeBytes * 1000) / REPLICA_MIN_BYTES_PER_SECOND);
}

export interface ReplicationOptions {
  lookup: Pick<VolumeLookup, 'lookup' | 'forget'>;
  /** This server's `ip:port`. */
  selfAddress: string;
  /** A replica request's bound before its body's share. Default REPLICA_REQUEST_TIMEOUT_MS. */
  replicaTimeoutMs?: number;
  /** Where a replica delete that failed goes to be sent again; none: the failure is only reported. */
  deleteRetries?: Pick<DeleteRetryQueue, 'enqueue'>;
}

type Purpose = 'write' | 'delete';

function usableFor(purpose: Purpose, location: VolumeLocationInfo): boolean {
  if (location.readOnly !== true) return true;
  return purpose === 'delete' && location.readOnlyCanDelete === true;
}

/**
 * The other holders a write (writable ones) or a delete (those that may delete) goes to; a stale
 * cached answer with too few copies is refreshed once before failing.
 */
async function replicaTargets(
  options: ReplicationOptions,
  volume: Volume,
  purpose: Purpose,
): Promise<VolumeLocationInfo[]> {
  const copies = copyCount(volume.superBlock.replicaPlacement);
  let usable: VolumeLocationInfo[];
  try {
    usable = (await options.lookup.lookup(volume.id)).filter((l) => usableFor(purpose, l));
    if (usable.length < copies) {
      options.lookup.forget(volume.id);
      usable = (await options.lookup.lookup(volume.id)).filter((l) => usableFor(purpose, l));
    }
  } catch (err) {
    throw new Error(`replicating lookup failed for ${volume.id}: ${(err as Error).message}`);
  }
  if (usable.length < copies) {
    options.lookup.forget(volume.id);
    const label = purpose === 'write' ? 'writable replication' : 'replication';
    throw new Error(
      `${label} locations [${usable.length}] is less than volume ${volume.id} replication copy count [${copies}]`,
    );
  }
  return usable.filter((l) => l.url !== options.selfAddress);
}

function quote(text: string): string {
  return text.replace(/["\\\r\n]/g, (ch) => `\\${ch}`);
}

/** The needle as a one-part multipart upload, bytes as stored (gzip flagged by Content-Encoding). */
function multipartOf(needle: Needle, contentMd5: string): { body: Buffer; contentType: string } {
  const boundary = randomBytes(16).toString('hex');
  const name = Buffer.from(needle.name).toString('latin1');
  const mime = Buffer.from(needle.mime).toString('latin1');
  const head = [
    `--${boundary}`,
    `Content-Disposition: form-data; name="file"; filename="${quote(name)}"`,
    // No type when none is stored: the replica keeps the source's mime as it is.
    ...(mime !== '' ? [`Content-Type: ${mime}`] : []),
    ...(hasFlag(needle, NeedleFlag.IsCompressed) ? ['Content-Encoding: gzip'] : []),
    ...(contentMd5 !== '' ? [`Content-MD5: ${contentMd5}`] : []),
    '',
    '',
  ].join('\r\n');
  return {
    body: Buffer.concat([Buffer.from(head, 'latin1'), needle.data, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** The client's token (from wherever it came) as a bearer header, and the needle's pairs. */
function forwardedHeaders(c: Context, needle: Needle | null): Record<string, string> {
  const headers: Record<string, string> = {};
  const token = tokenFromRequest(c);
  if (token !== '') headers.authorization = `BEARER ${token}`;
  if (needle !== null && hasFlag(needle, NeedleFlag.HasPairs) && needle.pairs.length > 0) {
    try {
      const pairs = JSON.parse(Buffer.from(needle.pairs).toString('utf8')) as Record<string, string>;
      for (const [key, value] of Object.entries(pairs)) headers[`Seaweed-${key}`] = String(value);
    } catch {
      // Pairs that are not JSON are not forwarded (upstream stores only JSON here).
    }
  }
  return headers;
}

/** Up to MAX_REPLICA_ERROR_BYTES of a response body, the rest cancelled. */
async function boundedText(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let kept = 0;
  try {
    while (kept < MAX_REPLICA_ERROR_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value.subarray(0, MAX_REPLICA_ERROR_BYTES - kept));
      kept += Math.min(value.length, MAX_REPLICA_ERROR_BYTES - kept);
    }
  } finally {
    // Releasing the stream; the text read so far is all that is wanted.
    reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Go's util_http.Delete and upload error texts: the JSON `error` when there is one, else the body. */
function errorText(status: number, text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON
  }
  return `status ${status} ${text}`;
}

/** Whether the peer accepted: `ok` statuses only; the body is drained (bounded) either way. */
async function sendToReplica(
  url: string,
  init: RequestInit,
  okStatuses: readonly number[],
  boundMs: number,
  cancel: AbortSignal | null,
): Promise<void> {
  const timeout = AbortSignal.timeout(boundMs);
  const signal = cancel === null ? timeout : AbortSignal.any([cancel, timeout]);
  let response: Response;
  try {
    response = await outgoingFetch(url, { ...init, signal });
  } catch (err) {
    if (timeout.aborted) throw new Error(`timed out after ${boundMs} ms`);
    throw err;
  }
  if (okStatuses.includes(response.status)) {
    // Only discards an accepted reply's body; the status already decided.
    await response.body?.cancel().catch(() => {});
    return;
  }
  throw new Error(errorText(response.status, await boundedText(response)));
}

/**
 * Runs `op` on every target at once; resolves once all succeed, rejects at the first failure
 * (the others keep going; `onFirstFailure` may cancel them). Message: `[host]: error`.
 */
function fanOut(
  targets: readonly VolumeLocationInfo[],
  op: (target: VolumeLocationInfo) => Promise<void>,
  onFirstFailure: () => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending = targets.length;
    let failed = false;
    if (pending === 0) resolve();
    for (const target of targets) {
      op(target).then(
        () => {
          if (--pending === 0 && !failed) resolve();
        },
        (err: unknown) => {
          if (failed) return;
          failed = true;
          onFirstFailure();
          reject(new Error(`[${target.url}]: ${(err as Error).message}`));
        },
      );
    }
  });
}

/** What a replica forward sends, taken before the local write stamps the needle's TTL and flags. */
function replicaRequest(
  c: Context,
  write: WriteContext,
  volume: Volume,
): { pathAndQuery: string; init: RequestInit; bodyBytes: number } {
  const n = write.needle;
  const ttl = isEmptyTtl(n.ttl) && !isEmptyTtl(volume.superBlock.ttl) ? volume.superBlock.ttl : n.ttl;
  const query = new URLSearchParams({ type: 'replicate', ttl: isEmptyTtl(ttl) ? '' : ttlToString(ttl) });
  if (write.fsync) query.set('fsync', 'true');
  if (n.lastModified > 0) query.set('ts', String(n.lastModified));
  if (hasFlag(n, NeedleFlag.IsChunkManifest)) query.set('cm', 'true');
  const { body, contentType } = multipartOf(n, write.contentMd5);
  const info = (c as Context<AppEnv>).get('info');
  return {
    pathAndQuery: `${info.path}?${query.toString()}`,
    init: { method: 'POST', headers: { ...forwardedHeaders(c, n), 'content-type': contentType }, body },
    bodyBytes: body.length,
  };
}

export function replicationHooks(options: ReplicationOptions): Pick<HttpHooks, 'replicatedWrite' | 'replicatedDelete'> {
  const timeoutMs = options.replicaTimeoutMs ?? REPLICA_REQUEST_TIMEOUT_MS;
  assert(timeoutMs > 0, 'replica timeout must be positive');
  return {
    async replicatedWrite(c, write) {
      const volume = write.volume;
      if (write.isReplicate || volume === undefined || copyCount(volume.superBlock.replicaPlacement) <= 1)
        return writeLocally(write);
      const targets = await replicaTargets(options, volume, 'write');
      if (targets.length === 0) return writeLocally(write);
      const request = replicaRequest(c, write, volume);
      const boundMs = replicaRequestBoundMs(request.bodyBytes, timeoutMs);
      // Not the client's signal: a client that goes away must not leave replicas half written.
      const cancelReplicas = new AbortController();
      const remote = fanOut(
        targets,
        (target) =>
          sendToReplica(
            `${httpScheme()}://${target.url}${request.pathAndQuery}`,
            request.init,
            [201, 204],
            boundMs,
            cancelReplicas.signal,
          ),
        () => cancelReplicas.abort(),
      ).catch((err: Error) => new Error(`failed to write to replicas for volume ${volume.id}: ${err.message}`));
      // Local disk and replicas at once (latency is the slower of the two); the answer waits for both.
      const [local, remoteError] = await Promise.allSettled([writeLocally(write, targets.length), remote]);
      if (local.status === 'rejected') throw local.reason;
      const failure = remoteError.status === 'fulfilled' ? remoteError.value : remoteError.reason;
      if (failure instanceof Error) throw failure;
      return local.value;
    },

    async replicatedDelete(c, del) {
      if (del.isReplicate || copyCount(del.volume.superBlock.replicaPlacement) <= 1) return deleteLocally(del);
      const targets = await replicaTargets(options, del.volume, 'delete');
      await deleteLocally(del);
      const info = (c as Context<AppEnv>).get('info');
      const init: RequestInit = { method: 'DELETE', headers: forwardedHeaders(c, null) };
      const okStatuses = [200, 202, 204, 404];
      // Every holder gets the delete: one failing does not stop the others (none is cancelled).
      // A holder that fails gets it again later from the retry queue; the client hears of the
      // failure all the same, as upstream answers.
      await fanOut(
        targets,
        async (target) => {
          const url = `${httpScheme()}://${target.url}${info.path}?type=replicate`;
          try {
            await sendToReplica(url, init, okStatuses, timeoutMs, null);
          } catch (err) {
            // The token claim the holder will expect: the fid as this request's path names it.
            const parts = parseUrlPath(info.path);
            options.deleteRetries?.enqueue({
              kind: 'replica',
              url,
              fid: expectedFid(parts.vid, parts.fid),
              okStatuses,
              error: (err as Error).message,
            });
            throw err;
          }
        },
        () => {},
      );
    },
  };
}
