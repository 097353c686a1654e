// Copying volume files in: VolumeCopy (pull a whole volume from a peer) and ReceiveFile (a peer
// pushes one file).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { decodeIndexEntry } from '../../../storage/idx/entry.ts';
import { NEEDLE_HEADER_SIZE_BYTES, indexEntrySizeBytes } from '../../../storage/types.ts';
import { volumeBaseName, volumeFilePath } from '../../../storage/volume-files.ts';
import { StoreError } from '../../../store/store.ts';
import { type GrpcContext, checkMaintenance, serverStream, writeMessage } from '../context.ts';
import { copyFileFromPeer, newPeerClient, unaryCall } from '../peer-client.ts';
import { collectionProblem, extensionProblem } from '../file-name-checks.ts';

const PROGRESS_EVERY_BYTES = 128 * 1024 * 1024;
const MAX_VIF_BYTES = 1024 * 1024;
/** ReceiveFile takes at most this many bytes in one file (a whole shard or `.dat` fits). */
const MAX_RECEIVE_BYTES = 64 * 1024 ** 3;

interface FileStatus {
  idx_file_size: string;
  dat_file_size: string;
  dat_file_timestamp_seconds: string;
  compaction_revision: number;
  collection: string;
  disk_type: string;
  version: number;
}

/** The append time of the record the last `.idx` row points at (v3), else the `.dat` mtime. */
async function lastAppendAtNs(idxPath: string, datPath: string, width: 4 | 5, version: number, fallbackNs: bigint): Promise<bigint> {
  if (version !== 3) return fallbackNs;
  const entrySize = indexEntrySizeBytes(width);
  const idx = await fs.open(idxPath, 'r');
  const dat = await fs.open(datPath, 'r');
  try {
    const size = (await idx.stat()).size;
    if (size < entrySize) return fallbackNs;
    const row = Buffer.alloc(entrySize);
    await idx.read(row, 0, entrySize, size - (size % entrySize) - entrySize);
    const entry = decodeIndexEntry(row, width);
    const stamp = Buffer.alloc(8);
    const { bytesRead } = await dat.read(stamp, 0, 8, entry.offset + NEEDLE_HEADER_SIZE_BYTES + Math.max(entry.size, 0) + 4);
    return bytesRead === 8 ? stamp.readBigUInt64BE(0) : fallbackNs;
  } finally {
    await idx.close();
    await dat.close();
  }
}

export function volumeCopyHandlers(ctx: GrpcContext): Record<string, grpc.UntypedHandleCall> {
  return {
    VolumeCopy: serverStream(async (request: { volume_id: number; collection: string; source_data_node: string; disk_type: string; io_byte_per_second: string }, call) => {
      checkMaintenance(ctx);
      const volumeId = request.volume_id;
      const client = newPeerClient(request.source_data_node);
      try {
        let status: FileStatus;
        try {
          status = await unaryCall<FileStatus>(client, 'ReadVolumeFileStatus', { volume_id: volumeId });
        } catch (err) {
          throw new Error(`read volume file status failed, ${(err as Error).message}`);
        }
        if (ctx.store.findVolume(volumeId) !== undefined) {
          try {
            await ctx.store.deleteVolume(volumeId, false);
          } catch (err) {
            throw new Error(`failed to delete existing volume ${volumeId}: ${(err as Error).message}`);
          }
        }
        const diskType = request.disk_type !== '' ? request.disk_type : status.disk_type;
        const location = ctx.store.pickLocation(diskType);
        if (location === undefined) throw new Error(`no space left for disk type ${diskType === '' ? 'hdd' : diskType}`);
        const loc = location.location(status.collection, volumeId);
        const notePath = volumeFilePath(loc, 'note');
        await fs.writeFile(notePath, `copying from ${request.source_data_node}`);

        let copied = 0;
        let nextProgress = PROGRESS_EVERY_BYTES;
        const onBytes = async (bytes: number) => {
          copied += bytes;
          if (copied >= nextProgress) {
            nextProgress += PROGRESS_EVERY_BYTES;
            await writeMessage(call, { last_append_at_ns: '0', processed_bytes: String(copied) });
          }
        };
        const base = { volume_id: volumeId, collection: status.collection, is_ec_volume: false };
        const datPath = volumeFilePath(loc, 'dat');
        const idxPath = volumeFilePath(loc, 'idx');
        const vifPath = volumeFilePath(loc, 'vif');
        try {
          const stagedDat = `${datPath}.copying`;
          const dat = await copyFileFromPeer(client, { ...base, ext: '.dat', compaction_revision: status.compaction_revision, stop_offset: status.dat_file_size, ignore_source_file_not_found: true }, stagedDat, onBytes);
          await fs.rename(stagedDat, datPath);
          const idx = await copyFileFromPeer(client, { ...base, ext: '.idx', compaction_revision: status.compaction_revision, stop_offset: status.idx_file_size, ignore_source_file_not_found: true }, idxPath, onBytes);
          const vif = await copyFileFromPeer(client, { ...base, ext: '.vif', compaction_revision: status.compaction_revision, stop_offset: String(MAX_VIF_BYTES), ignore_source_file_not_found: true }, vifPath, onBytes);
          if (vif.modifiedTsNs === 0n) await fs.rm(vifPath, { force: true });
          for (const [file, copiedFile] of [[datPath, dat], [idxPath, idx]] as const) {
            if (copiedFile.modifiedTsNs > 0n) {
              const mtime = new Date(Number(copiedFile.modifiedTsNs / 1_000_000n));
              await fs.utimes(file, mtime, mtime);
            }
          }
          if (String(dat.bytesWritten) !== status.dat_file_size || String(idx.bytesWritten) !== status.idx_file_size) {
            throw new Error(`volume ${volumeId} copy size mismatch: dat ${dat.bytesWritten}/${status.dat_file_size}, idx ${idx.bytesWritten}/${status.idx_file_size}`);
          }
        } catch (err) {
          for (const file of [datPath, `${datPath}.copying`, idxPath, vifPath, notePath]) await fs.rm(file, { force: true });
          throw err;
        }
        await fs.rm(notePath, { force: true });
        const fallbackNs = BigInt(status.dat_file_timestamp_seconds) * 1_000_000_000n;
        const lastNs = await lastAppendAtNs(idxPath, datPath, ctx.store.offsetWidth, status.version, fallbackNs);
        try {
          await ctx.store.mountVolume(volumeId);
        } catch (err) {
          throw new Error(err instanceof StoreError ? err.message : `mount volume ${volumeId}: ${(err as Error).message}`);
        }
        await writeMessage(call, { last_append_at_ns: lastNs.toString(), processed_bytes: String(copied) });
      } finally {
        client.close();
      }
    }),

    ReceiveFile: (call: grpc.ServerReadableStream<any, any>, callback: grpc.sendUnaryData<any>) => {
      try {
        checkMaintenance(ctx);
      } catch (err) {
        callback({ code: grpc.status.UNKNOWN, details: (err as Error).message });
        return;
      }
      void receiveFile(ctx, call).then(
        (response) => callback(null, response),
        (err: unknown) => callback({ code: grpc.status.UNKNOWN, details: (err as Error).message }),
      );
    },
  };
}

interface ReceiveInfo {
  volume_id: number;
  ext: string;
  collection: string;
  is_ec_volume: boolean;
  disk_id: number;
  disk_type: string;
}

/** Protocol errors are answers ({error}), not statuses, as upstream does. */
async function receiveFile(ctx: GrpcContext, call: grpc.ServerReadableStream<any, any>): Promise<{ bytes_written: string; error: string }> {
  const answer = (error: string, bytesWritten = 0) => ({ bytes_written: String(bytesWritten), error });
  let target: string | null = null;
  let handle: fs.FileHandle | null = null;
  let written = 0;
  try {
    for await (const message of call) {
      if (target === null) {
        if (message.data === 'file_content') return answer('file info must be sent first');
        if (message.data !== 'info') return answer('unknown message type');
        const info = message.info as ReceiveInfo;
        const problem = extensionProblem(info.ext) ?? collectionProblem(info.collection);
        if (problem !== null) return answer(problem);
        const resolved = await resolveReceiveTarget(ctx, info);
        if ('error' in resolved) return answer(resolved.error);
        target = resolved.path;
        handle = await fs.open(target, 'w');
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
    return answer('', written);
  } catch (err) {
    // A receive that fails half way leaves no partial file behind.
    if (handle !== null) {
      await handle.close().catch(() => {});
      handle = null;
    }
    if (target !== null) await fs.rm(target, { force: true });
    return answer(`failed to write file: ${(err as Error).message}`, written);
  } finally {
    if (handle !== null) await handle.close();
  }
}

async function resolveReceiveTarget(ctx: GrpcContext, info: ReceiveInfo): Promise<{ path: string } | { error: string }> {
  const locations = ctx.store.locations;
  if (locations.length === 0) return { error: 'no storage location available' };
  if (info.is_ec_volume) {
    // Writing would truncate files a mounted EC volume is reading.
    const mountedOn = [...ctx.store.ec.all()].filter(({ volume }) => volume.volumeId === info.volume_id).map(({ location }) => location.diskId);
    if (mountedOn.length > 0) return { error: `ec volume ${info.volume_id} is mounted on disk_ids:[${mountedOn.join(' ')}]; unmount before ReceiveFile` };
    if (info.disk_id >= locations.length) return { error: `invalid disk_id ${info.disk_id}: only have ${locations.length} disks` };
    const location = info.disk_id > 0 ? locations[info.disk_id] : await ctx.store.ec.targetLocation(info.collection, info.volume_id);
    if (location === undefined) return { error: 'no storage location available' };
    return { path: path.join(location.dir, `${volumeBaseName(info.collection, info.volume_id)}${info.ext}`) };
  }
  const volume = ctx.store.findVolume(info.volume_id);
  if (volume !== undefined) return { path: volumeFilePath(volume.location, info.ext.slice(1)) };
  if (info.disk_type === '') return { error: `volume ${info.volume_id} not found` };
  const location = ctx.store.pickLocation(info.disk_type);
  if (location === undefined) return { error: `no ${info.disk_type} disk location with a free slot for volume ${info.volume_id}` };
  return { path: `${volumeFilePath(location.location(info.collection, info.volume_id), info.ext.slice(1))}.copying` };
}
