// Copying volume files in: VolumeCopy (pull a whole volume from a peer) and ReceiveFile (a peer
// pushes one file).
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { volumeFilePath } from '../../../storage/volume-files.ts';
import { checkCollectionName, checkedVolumeBaseName } from '../../../store/collection-name.ts';
import { normalizeDiskType } from '../../../store/disk-location.ts';
import { copyTargetLocation, stageVolumeCopy } from '../../../store/volume-copy-staging.ts';
import { swapInVolumeCopy } from '../../../store/volume-copy-swap.ts';
import { lastAppendAtNs } from '../../../store/volume-last-append.ts';
import { checkPeerSource } from '../../../remote/endpoint-guard.ts';
import {
  type ClientResponseOf,
  type GrpcContext,
  type RequestOf,
  type ResponseOf,
  type VolumeServerHandlerTable,
  GrpcStatusError,
  checkMaintenance,
  serverStream,
  statusCodeOf,
  writeMessage,
} from '../context.ts';
import { type VolumeServerPeer, copyFileFromPeer, newPeerClient, unaryCall } from '../../../cluster/peer-client.ts';
import { collectionProblem, extensionProblem } from '../file-name-checks.ts';
import type { GrpcStreamLimits } from '../stream-limits.ts';
import type { JobHandle } from '../../../status/job-registry.ts';

const PROGRESS_EVERY_BYTES = 128 * 1024 * 1024;
const MAX_VIF_BYTES = 1024 * 1024;
/** ReceiveFile takes at most this many bytes in one file (a whole shard or `.dat` fits). */
const MAX_RECEIVE_BYTES = 64 * 1024 ** 3;

type FileStatus = ClientResponseOf<'ReadVolumeFileStatus'>;

type VolumeStatusAnswer = ClientResponseOf<'VolumeStatus'>;

/** Sleeps `ms`, or rejects with the signal's reason as soon as it aborts. */
function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Holds a byte stream to `bytesPerSecond` on average since it started; 0 is unthrottled. */
export function newThrottle(
  bytesPerSecond: number,
  signal: AbortSignal,
  nowMs: () => number = Date.now,
): (bytes: number) => Promise<void> {
  const startMs = nowMs();
  let totalBytes = 0;
  return async (bytes) => {
    if (signal.aborted) throw signal.reason;
    totalBytes += bytes;
    if (bytesPerSecond <= 0) return;
    const aheadMs = (totalBytes * 1000) / bytesPerSecond - (nowMs() - startMs);
    if (aheadMs > 1) await abortableSleep(aheadMs, signal);
  };
}

export function volumeCopyHandlers(
  ctx: GrpcContext,
  limits: Pick<GrpcStreamLimits, 'receiveIdleMs'>,
): VolumeServerHandlerTable {
  return {
    /**
     * 4.53's VolumeCopy: one copy per volume at a time; files are staged under `copying/` and only
     * swapped in (the replaced replica preserved by hard links, restored on failure) once
     * complete; a caller that goes away aborts the copy and nothing gets mounted.
     */
    VolumeCopy: serverStream(async (request, call) => {
      checkMaintenance(ctx);
      // The source is the caller's word: an untrusted one is refused before anything is dialed.
      await checkPeerSource(
        request.source_data_node,
        ctx.allowUntrustedRemoteEndpoints === true,
        'invalid source data node',
      );
      const volumeId = request.volume_id;
      if (!ctx.store.claimCopy(volumeId))
        throw new GrpcStatusError(grpc.status.UNAVAILABLE, `volume ${volumeId} is already being copied`);
      const abort = new AbortController();
      const onCancelled = () =>
        abort.abort(new GrpcStatusError(grpc.status.CANCELLED, `volume ${volumeId} copy: caller cancelled`));
      call.on('cancelled', onCancelled);
      if (call.cancelled) onCancelled();
      const client = newPeerClient(request.source_data_node);
      try {
        await ctx.store.jobs.run('volume-copy', `volume-${volumeId}`, { source: request.source_data_node }, (job) =>
          copyVolume(ctx, request, call, client, abort.signal, job),
        );
      } finally {
        call.off('cancelled', onCancelled);
        client.close();
        ctx.store.releaseCopy(volumeId);
      }
    }),

    ReceiveFile: (call, callback) => {
      try {
        checkMaintenance(ctx);
      } catch (err) {
        callback({ code: grpc.status.UNKNOWN, details: (err as Error).message });
        return;
      }
      void receiveFile(ctx, call, limits.receiveIdleMs).then(
        (response) => callback(null, response),
        (err: unknown) => callback({ code: statusCodeOf(err), details: (err as Error).message }),
      );
    },
  };
}

async function copyVolume(
  ctx: GrpcContext,
  request: RequestOf<'VolumeCopy'>,
  call: grpc.ServerWritableStream<unknown, ResponseOf<'VolumeCopy'>>,
  client: VolumeServerPeer,
  signal: AbortSignal,
  job: JobHandle,
): Promise<void> {
  const volumeId = request.volume_id;
  // Counts before and after the copy: equal means the source held still and the copy must match.
  // Not essential: without the count before, the copy is just not held to the source's file count.
  const statusBefore = await unaryCall(client, 'VolumeStatus', { volume_id: volumeId }).catch(() => null);
  let status: FileStatus;
  try {
    status = await unaryCall(client, 'ReadVolumeFileStatus', { volume_id: volumeId });
  } catch (err) {
    throw new Error(`read volume file status failed, ${(err as Error).message}`);
  }
  // The peer names the collection, so its answer is checked before anything local changes.
  checkCollectionName(status.collection);
  const diskType = normalizeDiskType(request.disk_type !== '' ? request.disk_type : status.disk_type);
  const location = copyTargetLocation(ctx.store, volumeId, diskType);
  if (location === undefined) throw new Error(`no space left for disk type ${diskType === '' ? 'hdd' : diskType}`);
  const staging = await stageVolumeCopy(location, status.collection, volumeId);
  const { staged } = staging;

  const requestedRate = Number(request.io_byte_per_second);
  const throttle = newThrottle(requestedRate > 0 ? requestedRate : (ctx.maintenanceBytesPerSecond ?? 0), signal);
  let copied = 0;
  let nextProgress = PROGRESS_EVERY_BYTES;
  const totalBytes = Number(status.dat_file_size) + Number(status.idx_file_size);
  const onBytes = async (bytes: number) => {
    copied += bytes;
    job.progress(copied, totalBytes);
    await throttle(bytes);
    if (copied >= nextProgress) {
      nextProgress += PROGRESS_EVERY_BYTES;
      await writeMessage(call, { last_append_at_ns: '0', processed_bytes: String(copied) }, signal);
    }
  };
  const base = { volume_id: volumeId, collection: status.collection, is_ec_volume: false };
  let lastNs: bigint;
  let statusAfter: VolumeStatusAnswer;
  // A tiered source's `.dat` stays in its remote store: only `.idx` and `.vif` come over (as upstream).
  const remoteDat = (status.volume_info?.files.length ?? 0) > 0;
  try {
    const dat = remoteDat
      ? { bytesWritten: 0, modifiedTsNs: 0n }
      : await copyFileFromPeer(
          client,
          {
            ...base,
            ext: '.dat',
            compaction_revision: status.compaction_revision,
            stop_offset: status.dat_file_size,
            ignore_source_file_not_found: true,
          },
          staged.dat,
          onBytes,
        );
    const idx = await copyFileFromPeer(
      client,
      {
        ...base,
        ext: '.idx',
        compaction_revision: status.compaction_revision,
        stop_offset: status.idx_file_size,
        ignore_source_file_not_found: false,
      },
      staged.idx,
      onBytes,
    );
    const vif = await copyFileFromPeer(
      client,
      {
        ...base,
        ext: '.vif',
        compaction_revision: status.compaction_revision,
        stop_offset: String(MAX_VIF_BYTES),
        ignore_source_file_not_found: true,
      },
      staged.vif,
      onBytes,
    );
    if (vif.modifiedTsNs === 0n) await fs.rm(staged.vif, { force: true });
    for (const [file, copiedFile] of [
      [staged.dat, dat],
      [staged.idx, idx],
      [staged.vif, vif],
    ] as const) {
      if (copiedFile.modifiedTsNs > 0n) {
        const mtime = new Date(Number(copiedFile.modifiedTsNs / 1_000_000n));
        await fs.utimes(file, mtime, mtime);
      }
    }
    if (
      (!remoteDat && String(dat.bytesWritten) !== status.dat_file_size) ||
      String(idx.bytesWritten) !== status.idx_file_size
    ) {
      throw new Error(
        `volume ${volumeId} copy size mismatch: dat ${dat.bytesWritten}/${status.dat_file_size}, idx ${idx.bytesWritten}/${status.idx_file_size}`,
      );
    }
    try {
      statusAfter = await unaryCall(client, 'VolumeStatus', { volume_id: volumeId });
    } catch (err) {
      throw new Error(`read source volume ${volumeId} status after copy failed: ${(err as Error).message}`);
    }
    const fallbackNs = BigInt(status.dat_file_timestamp_seconds) * 1_000_000_000n;
    lastNs = remoteDat
      ? fallbackNs
      : await lastAppendAtNs(staged.idx, staged.dat, ctx.store.offsetWidth, status.version, fallbackNs);
    // A caller that left cannot use the result: stop before the swap touches a live replica.
    if (signal.aborted) throw signal.reason;
  } catch (err) {
    await staging.removeStaged();
    throw err;
  }
  const countsStable = statusBefore !== null && statusBefore.file_count === statusAfter.file_count;

  await swapInVolumeCopy(ctx.store, staging, {
    note: `copying from ${request.source_data_node}`,
    validate: (volume) => {
      if (countsStable && String(volume.stats().fileCount) !== statusAfter.file_count) {
        throw new Error(
          `target file count [${volume.stats().fileCount}] is not same as origin file count [${statusAfter.file_count}]`,
        );
      }
    },
    log: ctx.log,
  });
  await writeMessage(call, { last_append_at_ns: lastNs.toString(), processed_bytes: String(copied) }).catch(
    (err: unknown) => {
      ctx.log.warn(`volume ${volumeId} copied; final response not sent: ${(err as Error).message}`);
    },
  );
}

type ReceiveMessage = RequestOf<'ReceiveFile'>;
type ReceiveInfo = NonNullable<ReceiveMessage['info']>;
type ReceiveCall = grpc.ServerReadableStream<ReceiveMessage, ResponseOf<'ReceiveFile'>>;

class ReceiveIdleTimeout extends Error {}

/**
 * The next message, or ReceiveIdleTimeout when none comes within `idleMs`; the stream is then
 * destroyed so the pending read ends too.
 */
async function nextWithin(
  call: ReceiveCall,
  messages: AsyncIterator<ReceiveMessage>,
  idleMs: number,
): Promise<IteratorResult<ReceiveMessage>> {
  const pending = messages.next();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ReceiveIdleTimeout()), idleMs);
  });
  try {
    return await Promise.race([pending, timeout]);
  } catch (err) {
    if (err instanceof ReceiveIdleTimeout) {
      // The abandoned receive may still fail later; the idle timeout is the error reported.
      pending.catch(() => {});
      call.destroy();
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Protocol errors are answers ({error}), not statuses, as upstream does. A client that stops
 * sending for `idleMs` gets DEADLINE_EXCEEDED (upstream would wait forever).
 */
async function receiveFile(ctx: GrpcContext, call: ReceiveCall, idleMs: number): Promise<ResponseOf<'ReceiveFile'>> {
  const answer = (error: string, bytesWritten = 0): ResponseOf<'ReceiveFile'> => ({
    bytes_written: String(bytesWritten),
    error,
  });
  let target: string | null = null;
  /** Where the bytes go first: `target` itself, or a temp file renamed over it on success. */
  let writePath: string | null = null;
  let handle: fs.FileHandle | null = null;
  let written = 0;
  const messages: AsyncIterator<ReceiveMessage> = call[Symbol.asyncIterator]();
  let ended = false;
  try {
    for (;;) {
      const next = await nextWithin(call, messages, idleMs);
      if (next.done === true) {
        ended = true;
        break;
      }
      const message = next.value;
      if (target === null) {
        if (message.data === 'file_content') return answer('file info must be sent first');
        if (message.data !== 'info') return answer('unknown message type');
        // The oneof names its member: `data === 'info'` means info is set.
        const info = message.info as ReceiveInfo;
        const problem = extensionProblem(info.ext) ?? collectionProblem(info.collection);
        if (problem !== null) return answer(problem);
        const resolved = await resolveReceiveTarget(ctx, info);
        if ('error' in resolved) return answer(resolved.error);
        target = resolved.path;
        writePath = resolved.viaTemp ? `${target}.receiving-${randomBytes(6).toString('hex')}` : target;
        handle = await fs.open(writePath, 'w');
        continue;
      }
      if (message.data !== 'file_content') return answer('unknown message type');
      const chunk = message.file_content as Buffer;
      if (written + chunk.length > MAX_RECEIVE_BYTES) throw new Error(`file over ${MAX_RECEIVE_BYTES} bytes`);
      await handle!.write(chunk, 0, chunk.length, written);
      written += chunk.length;
    }
    if (handle === null) return answer('unknown message type');
    await handle.sync();
    await handle.close();
    handle = null;
    if (writePath !== target) await fs.rename(writePath!, target!);
    return answer('', written);
  } catch (err) {
    // A receive that fails half way leaves no partial file behind.
    if (handle !== null) {
      // The receive's own error is the one to report; the partial file is removed below.
      await handle.close().catch(() => {});
      handle = null;
    }
    if (writePath !== null) await fs.rm(writePath, { force: true });
    if (err instanceof ReceiveIdleTimeout) {
      const message = `ReceiveFile: no message for ${idleMs} ms`;
      ctx.log.warn(`${message}; ended the call${writePath !== null ? ` and removed the partial ${writePath}` : ''}`);
      throw new GrpcStatusError(grpc.status.DEADLINE_EXCEEDED, message);
    }
    return answer(`failed to write file: ${(err as Error).message}`, written);
  } finally {
    if (handle !== null) await handle.close();
    // An early answer leaves the client's rest unread, as leaving a for-await loop would.
    if (!ended && !call.destroyed) call.destroy();
  }
}

/**
 * Files a mounted volume reads or owns: upstream 4.53 would truncate them in place, and a stalled
 * or failed sender would then leave a live volume without its data. Refused instead.
 */
const LIVE_VOLUME_EXTS = new Set(['.dat', '.idx', '.vif', '.note', '.cpd', '.cpx', '.sdx', '.ldb']);

/**
 * `viaTemp`: the bytes go to a temp file renamed into place only when the stream completes, so a
 * failed receive never removes what the name held before.
 */
async function resolveReceiveTarget(
  ctx: GrpcContext,
  info: ReceiveInfo,
): Promise<{ path: string; viaTemp: boolean } | { error: string }> {
  const locations = ctx.store.locations;
  if (locations.length === 0) return { error: 'no storage location available' };
  if (info.is_ec_volume) {
    // Writing would truncate files a mounted EC volume is reading.
    const mountedOn = [...ctx.store.ec.all()]
      .filter(({ volume }) => volume.volumeId === info.volume_id)
      .map(({ location }) => location.diskId);
    if (mountedOn.length > 0)
      return {
        error: `ec volume ${info.volume_id} is mounted on disk_ids:[${mountedOn.join(' ')}]; unmount before ReceiveFile`,
      };
    if (info.disk_id >= locations.length)
      return { error: `invalid disk_id ${info.disk_id}: only have ${locations.length} disks` };
    const location =
      info.disk_id > 0 ? locations[info.disk_id] : await ctx.store.ec.targetLocation(info.collection, info.volume_id);
    if (location === undefined) return { error: 'no storage location available' };
    return {
      path: path.join(location.dir, `${checkedVolumeBaseName(info.collection, info.volume_id)}${info.ext}`),
      viaTemp: false,
    };
  }
  const volume = ctx.store.findVolume(info.volume_id);
  if (volume !== undefined) {
    if (LIVE_VOLUME_EXTS.has(info.ext))
      return {
        error: `volume ${info.volume_id} is mounted; refusing to overwrite its ${info.ext} file, unmount before ReceiveFile`,
      };
    return { path: volumeFilePath(volume.location, info.ext.slice(1)), viaTemp: true };
  }
  if (info.disk_type === '') return { error: `volume ${info.volume_id} not found` };
  const location = ctx.store.pickLocation(info.disk_type);
  if (location === undefined)
    return { error: `no ${info.disk_type} disk location with a free slot for volume ${info.volume_id}` };
  return {
    path: `${volumeFilePath(location.location(info.collection, info.volume_id), info.ext.slice(1))}.copying`,
    viaTemp: false,
  };
}
