// Erasure-coding RPCs: generate, rebuild, copy, delete, mount, unmount, shard reads, blob delete,
// decode back to a volume, shard info. Error texts follow upstream's; clients match on them.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { MAX_SHARD_COUNT, shardExt } from '../../../ec/ec-layout.ts';
import { ecxTotals } from '../../../ec/ec-index.ts';
import { volumeFilePath } from '../../../storage/volume-files.ts';
import { checkCollectionName, checkedVolumeBaseName } from '../../../store/collection-name.ts';
import type { DiskLocation } from '../../../store/disk-location.ts';
import { checkPeerSource } from '../../../remote/endpoint-guard.ts';
import { BITROT_SIDECAR_EXT, allEcDirs } from '../../../store/ec-files.ts';
import { decodeEcVolume } from '../../../store/ec-decode.ts';
import { generateEcShards } from '../../../store/ec-generate.ts';
import { rebuildEcShards } from '../../../store/ec-rebuild.ts';
import { deleteEcShards, removeEcGenerationsBelow, tearDownEcVolume } from '../../../store/ec-shard-delete.ts';
import { adoptStagedVolume } from '../../../store/staged-volume.ts';
import {
  type GrpcContext,
  type Reply,
  type RequestOf,
  type VolumeServerHandlerTable,
  GrpcStatusError,
  checkMaintenance,
  serverStream,
  unary,
  writeMessage,
} from '../context.ts';
import type { EcShardInfo } from '../../../proto/generated/volume_server_pb/EcShardInfo.ts';
import { copyFileFromPeer, newPeerClient } from '../../../cluster/peer-client.ts';
import { recoverMissingEcIndexes } from '../../../cluster/ec-index-recovery.ts';
import { newThrottle } from './volume-copy.ts';

/** Upstream's BufferSizeLimit for shard reads: 2 MiB per message. */
const SHARD_READ_CHUNK_BYTES = 2 * 1024 * 1024;
const ANY_COMPACTION_REVISION = 0xffff_ffff;
const WHOLE_FILE = '9223372036854775807';

function shardIdsOf(values: number[] | undefined): number[] {
  const ids = values ?? [];
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0 || id >= MAX_SHARD_COUNT)
      throw new GrpcStatusError(grpc.status.INVALID_ARGUMENT, `invalid shard id ${id}`);
  }
  return ids;
}

export function erasureCodingHandlers(ctx: GrpcContext): VolumeServerHandlerTable {
  const store = ctx.store;

  async function generate(request: RequestOf<'VolumeEcShardsGenerate'>): Reply<'VolumeEcShardsGenerate'> {
    checkMaintenance(ctx);
    checkCollectionName(request.collection);
    const subject = `volume-${request.volume_id}`;
    await store.jobs.run('ec-encode', subject, { collection: request.collection }, (job) =>
      generateEcShards(store, { volumeId: request.volume_id, collection: request.collection }, ctx.log, (done, total) =>
        job.progress(done, total),
      ),
    );
    return {};
  }

  async function rebuild(request: RequestOf<'VolumeEcShardsRebuild'>): Reply<'VolumeEcShardsRebuild'> {
    checkMaintenance(ctx);
    const rebuilt = await store.jobs.run(
      'ec-rebuild',
      `volume-${request.volume_id}`,
      { collection: request.collection },
      (job) =>
        rebuildEcShards(
          store,
          { volumeId: request.volume_id, collection: request.collection },
          ctx.log,
          (done, total) => job.progress(done, total),
        ),
    );
    return { rebuilt_shard_ids: rebuilt };
  }

  async function copyShards(
    request: RequestOf<'VolumeEcShardsCopy'>,
    call: grpc.ServerUnaryCall<unknown, unknown>,
  ): Reply<'VolumeEcShardsCopy'> {
    checkMaintenance(ctx);
    // The source is the caller's word: an untrusted one is refused before anything is dialed.
    await checkPeerSource(
      request.source_data_node,
      ctx.allowUntrustedRemoteEndpoints === true,
      'invalid source data node',
    );
    checkCollectionName(request.collection);
    const shardIds = shardIdsOf(request.shard_ids);
    let location: DiskLocation | undefined;
    if (request.disk_id > 0) {
      if (request.disk_id >= store.locations.length)
        throw new Error(`invalid disk_id ${request.disk_id}: only have ${store.locations.length} disks`);
      location = store.locations[request.disk_id];
    } else {
      location = await store.ec.targetLocation(request.collection, request.volume_id);
    }
    if (location === undefined) throw new GrpcStatusError(grpc.status.RESOURCE_EXHAUSTED, 'no space left');
    const loc = location.location(request.collection, request.volume_id);
    // One limit for the whole request (every file of it), as upstream: the caller's rate, else
    // -maintenanceMBps. A caller that goes away stops the pacing.
    const abort = new AbortController();
    const onCancelled = () =>
      abort.abort(
        new GrpcStatusError(grpc.status.CANCELLED, `volume ${request.volume_id} ec shards copy: caller cancelled`),
      );
    call.on('cancelled', onCancelled);
    if (call.cancelled) onCancelled();
    const requestedRate = Number(request.io_byte_per_second ?? 0);
    const throttle = newThrottle(
      requestedRate > 0 ? requestedRate : (ctx.maintenanceBytesPerSecond ?? 0),
      abort.signal,
    );
    const client = newPeerClient(request.source_data_node);
    const pull = async (ext: string, destination: string, ignoreMissing: boolean) => {
      try {
        await copyFileFromPeer(
          client,
          {
            volume_id: request.volume_id,
            ext,
            compaction_revision: ANY_COMPACTION_REVISION,
            stop_offset: WHOLE_FILE,
            collection: request.collection,
            is_ec_volume: true,
            ignore_source_file_not_found: ignoreMissing,
          },
          destination,
          throttle,
        );
      } catch (err) {
        // A failed pull leaves no partial file behind.
        await fs.rm(destination, { force: true });
        throw err;
      }
    };
    try {
      for (const id of shardIds) await pull(`.${shardExt(id)}`, volumeFilePath(loc, shardExt(id)), false);
      if (request.copy_ecx_file) {
        const ecxPath = volumeFilePath(loc, 'ecx');
        await pull('.ecx', ecxPath, false);
        if ((await fs.stat(ecxPath)).size === 0) {
          await fs.rm(ecxPath, { force: true });
          throw new Error(`VolumeEcShardsCopy volume ${request.volume_id}: source .ecx is 0 bytes`);
        }
      }
      if (request.copy_ecj_file) await pull('.ecj', volumeFilePath(loc, 'ecj'), true);
      if (request.copy_vif_file) await pull('.vif', volumeFilePath(loc, 'vif'), true);
      if (request.copy_ecsum_file)
        await pull(
          BITROT_SIDECAR_EXT,
          path.join(loc.dir, `${checkedVolumeBaseName(request.collection, request.volume_id)}${BITROT_SIDECAR_EXT}`),
          true,
        );
    } catch (err) {
      const message = (err as grpc.ServiceError).details ?? (err as Error).message;
      throw new Error(`VolumeEcShardsCopy volume ${request.volume_id}: ${message}`);
    } finally {
      call.off('cancelled', onCancelled);
      client.close();
    }
    return {};
  }

  // Allowed in maintenance mode (4.53): it only removes data, and evacuating EC shards off a
  // server in maintenance ends here.
  async function deleteShards(request: RequestOf<'VolumeEcShardsDelete'>): Reply<'VolumeEcShardsDelete'> {
    const { volume_id: volumeId, collection } = request;
    // Before the unload below: a refused name must change nothing.
    checkCollectionName(collection);
    const fence = BigInt(request.encode_ts_ns ?? '0');
    if (request.full_teardown) {
      await tearDownEcVolume(store, collection, volumeId, fence);
      return { full_teardown_done: true };
    }
    if ((request.delete_generations_older_than ?? 0) > 0) {
      await removeEcGenerationsBelow(store, collection, volumeId, request.delete_generations_older_than);
      return {};
    }
    await deleteEcShards(store, collection, volumeId, shardIdsOf(request.shard_ids));
    return {};
  }

  const decodesInFlight = new Set<number>();

  async function toVolume(request: RequestOf<'VolumeEcShardsToVolume'>): Reply<'VolumeEcShardsToVolume'> {
    checkMaintenance(ctx);
    checkCollectionName(request.collection);
    if (request.from_staged) return adoptStaged(request);
    if (decodesInFlight.has(request.volume_id))
      throw new GrpcStatusError(grpc.status.UNAVAILABLE, `ec volume ${request.volume_id} is already being decoded`);
    decodesInFlight.add(request.volume_id);
    try {
      return await decode(request);
    } finally {
      decodesInFlight.delete(request.volume_id);
    }
  }

  async function decode(
    request: Pick<RequestOf<'VolumeEcShardsToVolume'>, 'volume_id' | 'collection'>,
  ): Reply<'VolumeEcShardsToVolume'> {
    await decodeEcVolume(store, { volumeId: request.volume_id, collection: request.collection }, ctx.log);
    return {};
  }

  async function adoptStaged(
    request: Pick<RequestOf<'VolumeEcShardsToVolume'>, 'volume_id' | 'collection' | 'disk_type'>,
  ): Reply<'VolumeEcShardsToVolume'> {
    await adoptStagedVolume(store, {
      volumeId: request.volume_id,
      collection: request.collection,
      diskType: request.disk_type,
    });
    return {};
  }

  async function shardsInfo(request: RequestOf<'VolumeEcShardsInfo'>): Reply<'VolumeEcShardsInfo'> {
    const infos: EcShardInfo[] = [];
    const seen = new Set<number>();
    let primary;
    for (const { volume } of store.ec.all()) {
      if (volume.volumeId !== request.volume_id) continue;
      primary ??= volume;
      for (const id of volume.shardIds()) {
        if (seen.has(id)) continue;
        seen.add(id);
        infos.push({
          shard_id: id,
          size: String(volume.shards.get(id)?.sizeBytes ?? 0),
          collection: volume.collection,
          volume_id: volume.volumeId,
        });
      }
    }
    if (primary === undefined) throw new Error(`VolumeEcShardsInfo: EC volume ${request.volume_id} not found`);
    const totals = await ecxTotals(primary.ecxPath, store.offsetWidth);
    return {
      ec_shard_infos: infos,
      volume_size: String(totals.totalSizeBytes),
      file_count: String(totals.files),
      file_deleted_count: String(totals.deletedFiles),
      // The layout reads are served through: how a coordinator tells a holder that understands
      // the uniform layout from one that mounted it as legacy.
      ec_shard_config: {
        data_shards: primary.ratio.dataShards,
        parity_shards: primary.ratio.parityShards,
        block_size: String(primary.blockSizeBytes),
      },
    };
  }

  return {
    VolumeEcShardsGenerate: unary(generate),
    VolumeEcShardsRebuild: unary(rebuild),
    VolumeEcShardsCopy: unary((request, call) =>
      store.jobs.run('ec-shard-copy', `volume-${request.volume_id}`, { source: request.source_data_node }, () =>
        copyShards(request, call),
      ),
    ),
    VolumeEcShardsDelete: unary(deleteShards),

    VolumeEcShardsMount: unary(async (request): Reply<'VolumeEcShardsMount'> => {
      // Here, not in the loop: the loop's messages wrap the store's error and lose its status.
      checkCollectionName(request.collection);
      if (request.recover_missing_index) await recoverMissingEcIndexes(ctx, request.volume_id);
      let mountError: Error | null = null;
      for (const id of shardIdsOf(request.shard_ids)) {
        try {
          await store.ec.mount(request.collection, request.volume_id, id, request.source_disk_type);
        } catch (err) {
          mountError = new Error(`mount ${request.volume_id}.${id}: ${(err as Error).message}`);
          break;
        }
      }
      // A shard delivery may have brought the sidecar; volumes opened earlier still hold the
      // protection they resolved then. Best effort, as upstream: a conflict shows at decode.
      for (const { volume } of store.ec.all()) {
        if (volume.volumeId !== request.volume_id) continue;
        await volume
          .reloadBitrot(allEcDirs(store.locations))
          .catch((err: Error) => ctx.log.warn(`ec volume ${request.volume_id}: reload bitrot sidecar: ${err.message}`));
      }
      if (mountError !== null) throw mountError;
      return {};
    }),

    VolumeEcShardsUnmount: unary(async (request): Reply<'VolumeEcShardsUnmount'> => {
      for (const id of shardIdsOf(request.shard_ids)) {
        try {
          await store.ec.unmount(request.volume_id, id, BigInt(request.encode_ts_ns ?? '0'));
        } catch (err) {
          throw new Error(`unmount ${request.volume_id}.${id}: ${(err as Error).message}`);
        }
      }
      return {};
    }),

    VolumeEcShardRead: serverStream(async (request, call) => {
      const found = store.ec.findShard(request.volume_id, request.shard_id);
      if (found === undefined) throw new Error(`not found ec shard ${request.volume_id}.${request.shard_id}`);
      const { volume, shard } = found;
      const wantedRun = BigInt(request.encode_ts_ns ?? '0');
      if (wantedRun !== 0n && wantedRun !== volume.encodeTsNs) {
        throw new Error(`ec shard ${request.volume_id}.${request.shard_id} belongs to a different encode run`);
      }
      if (volume.ioErrorState().quarantined) {
        throw new Error(`ec shard ${request.volume_id}.${request.shard_id} is on a disk quarantined after IO errors`);
      }
      const encodeTsNs = volume.encodeTsNs.toString();
      const fileKey = BigInt(request.file_key ?? '0');
      if (fileKey !== 0n) {
        const entry = await volume.findNeedle(fileKey);
        if (entry !== null && entry.size < 0) {
          await writeMessage(call, { is_deleted: true, encode_ts_ns: encodeTsNs });
          return;
        }
      }
      let offset = Number(request.offset);
      let remaining = Number(request.size);
      if (remaining <= 0) return;
      const buf = Buffer.allocUnsafe(Math.min(remaining, SHARD_READ_CHUNK_BYTES));
      while (remaining > 0) {
        const want = Math.min(buf.length, remaining);
        const got = await shard.readAt(buf, offset, want);
        if (got > 0) {
          await writeMessage(call, { data: Buffer.from(buf.subarray(0, got)), encode_ts_ns: encodeTsNs });
          offset += got;
          remaining -= got;
        }
        if (got < want) return;
      }
    }),

    VolumeEcBlobDelete: unary(async (request): Reply<'VolumeEcBlobDelete'> => {
      checkMaintenance(ctx);
      const volume = store.ec.find(request.volume_id);
      if (volume === undefined) return {};
      const key = BigInt(request.file_key);
      const entry = await volume.findNeedle(key);
      if (entry === null) throw new Error('locate in local ec volume: FindNeedleFromEcx: needle not found');
      if (entry.size < 0) return {};
      await volume.deleteNeedle(key);
      return {};
    }),

    VolumeEcShardsToVolume: unary(toVolume),
    VolumeEcShardsInfo: unary(shardsInfo),
  };
}
