// Remote storage RPCs: FetchAndWriteNeedle (a byte range of a remote object becomes a needle here
// and on the given replicas) and the `.dat` tier moves to and from a [storage.backend] store.
// Checks, their order and error texts follow upstream 4.53, whose callers match on the text.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { validateReplicaTarget } from '../../../remote/endpoint-guard.ts';
import {
  RemoteObjectNotFound,
  type RemoteConf,
  buildRemoteStorageClient,
  formatLocation,
} from '../../../remote/remote-storage.ts';
import { httpScheme, outgoingFetch } from '../../../security/outgoing-http.ts';
import {
  backendNameToTypeId,
  backendStorageNames,
  findBackendStorage,
  goStringList,
  type TierProgress,
} from '../../../storage/backend/backend.ts';
import { etagOf } from '../../../storage/needle/crc.ts';
import { formatNeedleIdCookie } from '../../../storage/needle/file-id.ts';
import { NeedleFlag, newNeedle } from '../../../storage/needle/needle.ts';
import { pathExists } from '../../../storage/path-exists.ts';
import type { Volume } from '../../../storage/volume.ts';
import { volumeFilePath } from '../../../storage/volume-files.ts';
import { type RemoteFile, remoteFileBackendName } from '../../../storage/volume-info.ts';
import {
  type GrpcContext,
  type Reply,
  type RequestOf,
  type ResponseOf,
  type VolumeServerHandlerTable,
  GrpcStatusError,
  checkMaintenance,
  serverStream,
  unary,
  volumeOrThrow,
} from '../context.ts';
import type { JobHandle } from '../../../status/job-registry.ts';

/** Upstream caps a request's transfer concurrency so a caller cannot spawn unbounded workers. */
const MAX_TIER_CONCURRENCY = 1024;
const MAX_FETCH_CONCURRENCY = 64;
/** Progress messages at most this often, as upstream. */
const PROGRESS_INTERVAL_MS = 1_000;
/** A replica write's bound: this base plus the body's time at 1 MiB/s. */
const REPLICA_BASE_TIMEOUT_MS = 30_000;
const REPLICA_MIN_BYTES_PER_SECOND = 1024 * 1024;

type TierMoveCall = grpc.ServerWritableStream<
  unknown,
  ResponseOf<'VolumeTierMoveDatToRemote'> & ResponseOf<'VolumeTierMoveDatFromRemote'>
>;

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function clampTierConcurrency(n: number): number {
  return Math.max(0, Math.min(MAX_TIER_CONCURRENCY, n | 0));
}

/** The allow-untrusted flag, when the server was given one (see GrpcContext). */
function allowUntrusted(ctx: GrpcContext): boolean {
  return ctx.allowUntrustedRemoteEndpoints === true;
}

function multipartBody(data: Buffer): { body: Buffer; contentType: string } {
  const boundary = randomBytes(16).toString('hex');
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return {
    body: Buffer.concat([Buffer.from(head, 'latin1'), data, Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1')]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** One replica copy as upstream's operation upload sends it (type=replicate, the request's JWT). */
async function writeReplica(target: string, fid: string, data: Buffer, auth: string): Promise<void> {
  const base = /^https?:\/\//.test(target) ? target : `${httpScheme()}://${target}`;
  const { body, contentType } = multipartBody(data);
  const headers: Record<string, string> = { 'content-type': contentType };
  if (auth !== '') headers.authorization = `BEARER ${auth}`;
  const timeoutMs = REPLICA_BASE_TIMEOUT_MS + Math.ceil((data.length * 1000) / REPLICA_MIN_BYTES_PER_SECOND);
  const response = await outgoingFetch(`${base}/${fid}?type=replicate`, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  if (response.status >= 400) throw new Error(`upload ${fid} to ${target}: ${response.status} ${text}`);
  try {
    const parsed = JSON.parse(text) as { error?: string };
    if (typeof parsed.error === 'string' && parsed.error !== '')
      throw new Error(`upload ${fid} to ${target}: ${parsed.error}`);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
  }
}

async function fetchAndWriteNeedle(
  ctx: GrpcContext,
  request: RequestOf<'FetchAndWriteNeedle'>,
): Reply<'FetchAndWriteNeedle'> {
  checkMaintenance(ctx);
  const volume = volumeOrThrow(ctx, request.volume_id);
  const untrusted = allowUntrusted(ctx);
  // The remote layer reads a RemoteConf's provider fields by name (its open index signature).
  const client = await buildRemoteStorageClient(request.remote_conf as RemoteConf | null, untrusted);
  const loc = request.remote_location ?? { name: '', bucket: '', path: '' };
  const offsetBytes = Number(request.offset);
  const sizeBytes = Number(request.size);
  const concurrency = Math.max(0, Math.min(MAX_FETCH_CONCURRENCY, request.download_concurrency | 0));
  let data: Buffer;
  try {
    data = await client.readFile(loc, offsetBytes, sizeBytes, concurrency);
  } catch (err) {
    // A confirmed missing object keeps its own status: the filer tells it apart by code and text.
    if (err instanceof RemoteObjectNotFound)
      throw new GrpcStatusError(grpc.status.NOT_FOUND, `read from remote ${formatLocation(loc)}: ${err.message}`);
    throw new Error(`read from remote ${formatLocation(loc)}: ${errorText(err)}`);
  }
  if (data.length !== sizeBytes)
    throw new Error(`read from remote ${formatLocation(loc)}: got ${data.length} bytes, want ${sizeBytes}`);

  // Every replica target is checked before anything is written.
  if (!untrusted) {
    for (const replica of request.replicas) {
      try {
        await validateReplicaTarget(replica.url);
      } catch (err) {
        throw new Error(`reject replica target: ${errorText(err)}`);
      }
    }
  }

  const needleId = BigInt(request.needle_id);
  const label = `needle ${request.needle_id} size ${request.size}`;
  const needle = newNeedle({
    id: needleId,
    cookie: request.cookie,
    data,
    flags: NeedleFlag.HasLastModified,
    lastModified: Math.floor(Date.now() / 1000),
  });
  const fid = `${volume.id},${formatNeedleIdCookie(needleId, request.cookie >>> 0)}`;
  const [local, ...replicas] = await Promise.allSettled([
    volume.write(needle, { checkCookie: true }),
    ...request.replicas.map((replica) => writeReplica(replica.url, fid, data, request.auth)),
  ]);
  // The local error wins; otherwise the first replica failure.
  if (local!.status === 'rejected') throw new Error(`local write ${label}: ${errorText(local!.reason)}`);
  const failed = replicas.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
  if (failed !== undefined) throw new Error(`remote write ${label}: ${errorText(failed.reason)}`);
  return { e_tag: etagOf(needle.checksum) };
}

/**
 * Progress for a tier stream: at most one message a second, and a caller that went away aborts
 * the transfer at its next chunk. A slow reader only drops reports (never blocks the copy).
 */
function tierProgress(call: TierMoveCall, volumeId: number, direction: string, job: JobHandle): TierProgress {
  let lastSentMs = Date.now();
  return async (processedBytes, percentage) => {
    job.progress(processedBytes, percentage > 0 ? Math.round((processedBytes * 100) / percentage) : 0);
    if (call.cancelled)
      throw new GrpcStatusError(grpc.status.CANCELLED, `volume ${volumeId} tier move ${direction} cancelled by caller`);
    const now = Date.now();
    if (now - lastSentMs < PROGRESS_INTERVAL_MS) return;
    lastSentMs = now;
    if (call.writableNeedDrain) return;
    call.write({ processed: String(processedBytes), processedPercentage: percentage });
  };
}

function checkCollection(volume: Volume, collection: string): void {
  if (volume.collection !== collection)
    throw new Error(`existing collection:${volume.collection} unexpected input: ${collection}`);
}

async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function moveDatToRemote(
  ctx: GrpcContext,
  request: RequestOf<'VolumeTierMoveDatToRemote'>,
  call: TierMoveCall,
  job: JobHandle,
): Promise<void> {
  checkMaintenance(ctx);
  const volume = ctx.store.findVolume(request.volume_id);
  if (volume === undefined) throw new Error(`volume ${request.volume_id} not found`);
  checkCollection(volume, request.collection);

  const datPath = volumeFilePath(volume.location, 'dat');
  // Already moved (the local .dat is gone): nothing to do, as upstream.
  if (volume.volumeInfo.files.length > 0 && !(await pathExists(datPath))) return;
  let modifiedSeconds: number;
  try {
    modifiedSeconds = Math.floor((await fs.stat(datPath)).mtimeMs / 1000);
  } catch (err) {
    throw new Error(`stat data file ${datPath}: ${errorText(err)}`);
  }

  const name = request.destination_backend_name;
  const backend = findBackendStorage(name);
  if (backend === undefined)
    throw new Error(`destination ${name} not found, supported: ${goStringList(backendStorageNames())}`);
  const { type, id } = backendNameToTypeId(name);
  if (volume.volumeInfo.files.some((f) => f.backendType === type && f.backendId === id))
    throw new Error(`destination ${name} already exists`);

  const revisionBefore = volume.superBlock.compactionRevision;
  let copied: { key: string; sizeBytes: number };
  try {
    copied = await backend.copyFile(
      datPath,
      tierProgress(call, volume.id, 'to remote', job),
      clampTierConcurrency(request.concurrency),
    );
  } catch (err) {
    throw new Error(`backend ${name} copy file ${datPath}: ${errorText(err)}`);
  }

  const remoteFile: RemoteFile = {
    backendType: type,
    backendId: id,
    key: copied.key,
    offset: 0n,
    fileSize: BigInt(copied.sizeBytes),
    modifiedTime: BigInt(modifiedSeconds),
    extension: '.dat',
  };
  const previous = volume.volumeInfo;
  try {
    // A compaction commit during the copy replaced the .dat: the copy is of a stale file.
    if (volume.superBlock.compactionRevision !== revisionBefore || ctx.store.findVolume(volume.id) !== volume) {
      throw new Error(`volume ${volume.id} data file changed during the copy (compacted or reloaded)`);
    }
    volume.volumeInfo = { ...previous, files: [...previous.files, remoteFile] };
    await volume.saveVolumeInfo();
  } catch (err) {
    volume.volumeInfo = previous;
    await backend
      .deleteFile(copied.key)
      .catch((deleteErr: unknown) =>
        ctx.log.warn(`volume ${volume.id}: remove unused remote copy ${copied.key}: ${errorText(deleteErr)}`),
      );
    throw new Error(`volume ${volume.id} failed to attach remote file: ${errorText(err)}`);
  }
  // A tiered volume takes no more writes: the remote copy is what it is. Deletes reach the index
  // now, not only after a reload, when the volume has a single copy (upstream's MarkTieredDeletable).
  if (!volume.markTieredDeletable()) await volume.setReadOnly(true, false);
  // The open volume keeps reading its already-open .dat until it is reloaded.
  if (!request.keep_local_dat_file) await fs.rm(datPath, { force: true });
}

async function moveDatFromRemote(
  ctx: GrpcContext,
  request: RequestOf<'VolumeTierMoveDatFromRemote'>,
  call: TierMoveCall,
  job: JobHandle,
): Promise<void> {
  const volume = ctx.store.findVolume(request.volume_id);
  if (volume === undefined) throw new Error(`volume ${request.volume_id} not found`);
  checkCollection(volume, request.collection);

  const first = volume.volumeInfo.files[0];
  if (first === undefined || first.backendType === '' || first.key === '')
    throw new Error(`volume ${request.volume_id} is already on local disk`);
  const storageName = remoteFileBackendName(first);
  const backend = findBackendStorage(storageName);
  if (backend === undefined)
    throw new Error(`remote storage ${storageName} not found from supported: ${goStringList(backendStorageNames())}`);

  const datPath = volumeFilePath(volume.location, 'dat');
  // Downloaded beside the .dat and renamed over it: the open volume may still be reading its old
  // .dat (kept local, or unlinked but open), which must not change under it.
  const downloadPath = `${datPath}.download`;
  try {
    await backend.downloadFile(
      downloadPath,
      first.key,
      tierProgress(call, volume.id, 'from remote', job),
      clampTierConcurrency(request.concurrency),
    );
  } catch (err) {
    await fs.rm(downloadPath, { force: true });
    throw new Error(`backend ${storageName} copy file ${datPath}: ${errorText(err)}`);
  }
  if (first.modifiedTime > 0n) {
    const when = Number(first.modifiedTime);
    await fs
      .utimes(downloadPath, when, when)
      .catch((err: unknown) =>
        ctx.log.warn(`volume ${volume.id} restore data file ${datPath} modified time: ${errorText(err)}`),
      );
  }
  await fs.rename(downloadPath, datPath);
  const dir = path.dirname(datPath);
  await fsyncDir(dir).catch((err: unknown) => {
    throw new Error(`volume ${volume.id} fsync dir for ${datPath}: ${errorText(err)}`);
  });

  // The .vif stops naming the remote object before that object may be deleted.
  const previous = volume.volumeInfo;
  volume.volumeInfo = { ...previous, files: previous.files.slice(1) };
  try {
    await volume.saveVolumeInfo();
  } catch (err) {
    volume.volumeInfo = previous;
    throw new Error(`volume ${volume.id} failed to save remote file info: ${errorText(err)}`);
  }
  await fsyncDir(dir).catch((err: unknown) => {
    throw new Error(`volume ${volume.id} fsync dir after saving volume info: ${errorText(err)}`);
  });

  // Reload so reads and writes go to the downloaded local .dat.
  try {
    await ctx.store.unmountVolume(volume.id);
    await ctx.store.mountVolume(volume.id, volume.collection);
  } catch (err) {
    throw new Error(`volume ${volume.id} failed to open local dat file ${datPath}: ${errorText(err)}`);
  }

  // Surviving replicas may still reference the shared object.
  if (request.keep_remote_dat_file) return;
  try {
    await backend.deleteFile(first.key);
  } catch (err) {
    throw new Error(`volume ${volume.id} failed to delete remote file ${first.key}: ${errorText(err)}`);
  }
}

export function remoteTieringHandlers(ctx: GrpcContext): VolumeServerHandlerTable {
  return {
    FetchAndWriteNeedle: unary((request) => fetchAndWriteNeedle(ctx, request)),
    VolumeTierMoveDatToRemote: serverStream((request, call) =>
      ctx.store.jobs.run(
        'tier-upload',
        `volume-${request.volume_id}`,
        { destination: request.destination_backend_name },
        (job) => moveDatToRemote(ctx, request, call, job),
      ),
    ),
    VolumeTierMoveDatFromRemote: serverStream((request, call) =>
      ctx.store.jobs.run('tier-download', `volume-${request.volume_id}`, {}, (job) =>
        moveDatFromRemote(ctx, request, call, job),
      ),
    ),
  };
}
