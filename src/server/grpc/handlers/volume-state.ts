// Volume state RPCs: VolumeMarkReadonly, VolumeMarkWritable, VolumeConfigure, VolumeSyncStatus,
// ReadVolumeFileStatus.
import { stat } from 'node:fs/promises';
import { type Ttl, ttlSeconds, ttlToString } from '../../../storage/needle/ttl.ts';
import { parseReplicaPlacement, replicaPlacementToString } from '../../../storage/replica-placement.ts';
import { readVolumeInfoFile, writeVolumeInfoFile } from '../../../storage/volume-info.ts';
import { volumeFilePath } from '../../../storage/volume-files.ts';
import {
  type GrpcContext,
  type Reply,
  type VolumeServerHandlerTable,
  checkMaintenance,
  checkNotCopying,
  unary,
  volumeOrThrow,
} from '../context.ts';
import { notifyMasterReadonly } from '../../../cluster/master-notify.ts';

async function secondsOf(path: string): Promise<string> {
  try {
    return String(Math.floor((await stat(path)).mtimeMs / 1000));
  } catch {
    return '0';
  }
}

export function volumeStateHandlers(ctx: GrpcContext): VolumeServerHandlerTable {
  return {
    VolumeMarkReadonly: unary(async (request): Reply<'VolumeMarkReadonly'> => {
      const volume = volumeOrThrow(ctx, request.volume_id, `volume ${request.volume_id} not found`);
      // No maintenance gate (4.53): read-only only restricts the server further, and it is the
      // first step of evacuating a server in maintenance mode.
      // Tell the master first so it stops assigning here, then flip the local flag.
      await notifyMasterReadonly(ctx, volume, true);
      await volume.setReadOnly(true, request.persist, request.can_delete);
      await notifyMasterReadonly(ctx, volume, true);
      return {};
    }),

    VolumeMarkWritable: unary(async (request): Reply<'VolumeMarkWritable'> => {
      const volume = volumeOrThrow(ctx, request.volume_id, `volume ${request.volume_id} not found`);
      checkMaintenance(ctx);
      await volume.setReadOnly(false, true, false);
      await notifyMasterReadonly(ctx, volume, false);
      return {};
    }),

    VolumeConfigure: unary(async (request): Reply<'VolumeConfigure'> => {
      checkMaintenance(ctx);
      try {
        parseReplicaPlacement(request.replication);
      } catch (err) {
        return { error: `volume configure replication ${request.replication}: ${(err as Error).message}` };
      }
      checkNotCopying(ctx, request.volume_id);
      const volume = ctx.store.findVolume(request.volume_id);
      const location = volume === undefined ? undefined : ctx.store.locationOf(volume);
      if (volume === undefined || location === undefined) {
        let error = `volume configure ${request.replication}: volume ${request.volume_id} not found on disk`;
        try {
          await ctx.store.mountVolume(request.volume_id);
        } catch (err) {
          error += `. Also failed to restore mount: ${(err as Error).message}`;
        }
        return { error };
      }
      const loc = volume.location;
      await ctx.store.unmountVolume(request.volume_id);
      try {
        const vifPath = volumeFilePath(loc, 'vif');
        const info = await readVolumeInfoFile(vifPath);
        if (info === null) throw new Error(`volume ${request.volume_id} not found on disk`);
        info.replication = replicaPlacementToString(parseReplicaPlacement(request.replication));
        await writeVolumeInfoFile(vifPath, info);
      } catch (err) {
        let error = `volume configure ${request.replication}: ${(err as Error).message}`;
        try {
          await ctx.store.mountVolume(request.volume_id);
        } catch (mountErr) {
          error += `. Also failed to restore mount: ${(mountErr as Error).message}`;
        }
        return { error };
      }
      try {
        await ctx.store.mountVolume(request.volume_id);
      } catch (err) {
        return { error: `volume configure mount ${request.volume_id}: ${(err as Error).message}` };
      }
      return { error: '' };
    }),

    VolumeSyncStatus: unary(async (request): Reply<'VolumeSyncStatus'> => {
      const volume = volumeOrThrow(ctx, request.volume_id, `not found volume id ${request.volume_id}`);
      const stats = volume.stats();
      return {
        volume_id: volume.id,
        collection: volume.collection,
        replication: replicaPlacementToString(volume.superBlock.replicaPlacement),
        ttl: ttlToString(volume.ttl),
        tail_offset: String(stats.datSizeBytes),
        compact_revision: volume.superBlock.compactionRevision,
        idx_file_size: String(stats.idxSizeBytes),
        version: volume.version,
      };
    }),

    ReadVolumeFileStatus: unary(async (request): Reply<'ReadVolumeFileStatus'> => {
      const volume = volumeOrThrow(ctx, request.volume_id, `not found volume id ${request.volume_id}`);
      const stats = volume.stats();
      const info = volume.volumeInfo;
      return {
        volume_id: volume.id,
        idx_file_timestamp_seconds: await secondsOf(volumeFilePath(volume.location, 'idx')),
        idx_file_size: String(stats.idxSizeBytes),
        // From the open `.dat` (a tiered volume's is remote, with no file here to stat).
        dat_file_timestamp_seconds: String(await volume.datModifiedTimeSeconds().catch(() => 0)),
        dat_file_size: String(stats.datSizeBytes),
        file_count: String(stats.fileCount),
        compaction_revision: volume.superBlock.compactionRevision,
        collection: volume.collection,
        disk_type: ctx.store.locationOf(volume)?.diskType ?? '',
        // The volume's `.vif` as loaded (4.53's GetVolumeInfo): a tiered volume's remote files
        // (a copier then pulls only `.idx`/`.vif`) and, once encoded, its EC layout.
        volume_info: {
          files: info.files.map((f) => ({
            backend_type: f.backendType,
            backend_id: f.backendId,
            key: f.key,
            offset: f.offset.toString(),
            file_size: f.fileSize.toString(),
            modified_time: f.modifiedTime.toString(),
            extension: f.extension,
          })),
          version: info.version,
          replication: info.replication,
          bytes_offset: info.bytesOffset,
          dat_file_size: info.datFileSize.toString(),
          expire_at_sec: info.expireAtSec.toString(),
          read_only: info.readOnly,
          ec_shard_config:
            info.ecShardConfig === null
              ? null
              : {
                  data_shards: info.ecShardConfig.dataShards,
                  parity_shards: info.ecShardConfig.parityShards,
                  encode_ts_ns: info.ecShardConfig.encodeTsNs.toString(),
                  block_size: String(info.ecShardConfig.blockSizeBytes ?? 0),
                },
          read_only_can_delete: info.readOnlyCanDelete,
        },
        version: volume.version,
        expire_at_sec: String(expireAtSec(volume.ttl, stats.lastModifiedTsSeconds)),
      };
    }),
  };
}

/**
 * When a TTL volume's data becomes garbage: its last write plus the TTL (4.53 counts from the last
 * write, so rewriting `.vif` does not hand an expiring volume a fresh TTL). 0 without a TTL.
 */
export function expireAtSec(ttl: Ttl, lastModifiedTsSeconds: number, nowMs = Date.now()): number {
  const seconds = ttlSeconds(ttl);
  if (seconds === 0) return 0;
  const lastWriteSec = lastModifiedTsSeconds > 0 ? lastModifiedTsSeconds : Math.floor(nowMs / 1000);
  return lastWriteSec + seconds;
}
