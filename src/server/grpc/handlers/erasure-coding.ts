// Erasure-coding RPCs: generate, rebuild, copy, delete, mount, unmount, shard reads, blob delete,
// decode back to a volume, shard info. Error texts follow upstream's; clients match on them.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { type EcRatio, MAX_SHARD_COUNT, blockSizeProblem, ecRatioOf, shardExt, totalShards } from '../../../ec/ec-layout.ts';
import { encodeDatFile, rebuildShardFiles } from '../../../ec/ec-encoder.ts';
import { bitrotSidecarPath, computeBitrotProtection, findBitrotSidecar, readBitrotSidecar, sidecarConfigProblem, verifyDataShards, writeBitrotSidecar } from '../../../ec/ec-bitrot.ts';
import type { EcVolume } from '../../../ec/ec-volume.ts';
import { ecxTotals, foldEcjIntoEcx, hasLiveNeedles, writeSortedEcxFromIdx } from '../../../ec/ec-index.ts';
import { decodeEcToVolume } from '../../../ec/ec-to-volume.ts';
import { findEcxDir } from '../../../ec/ec-volume.ts';
import { ttlMinutes } from '../../../storage/needle/ttl.ts';
import { pathExists } from '../../../storage/path-exists.ts';
import { newVolumeInfo, readVolumeInfoFile, writeVolumeInfoFile } from '../../../storage/volume-info.ts';
import { volumeFilePath } from '../../../storage/volume-files.ts';
import { checkCollectionName, checkedVolumeBaseName } from '../../../store/collection-name.ts';
import { type DiskLocation, normalizeDiskType } from '../../../store/disk-location.ts';
import { checkPeerSource } from '../../../remote/endpoint-guard.ts';
import {
  BITROT_SIDECAR_EXT,
  ecFilesStatus,
  ecGenerationOf,
  removeEcGenerationsOlderThan,
  removeShardFiles,
  removeSharedEcIndex,
  removeStaleEcArtifacts,
} from '../../../store/ec-files.ts';
import { type GrpcContext, type Reply, type RequestOf, type VolumeServerHandlerTable, GrpcStatusError, checkMaintenance, serverStream, unary, writeMessage } from '../context.ts';
import type { EcShardInfo } from '../generated/volume_server_pb/EcShardInfo.ts';
import { copyFileFromPeer, newPeerClient } from '../peer-client.ts';
import { recoverMissingEcIndexes } from '../ec-index-recovery.ts';
import { newThrottle } from './volume-copy.ts';

/** Upstream's BufferSizeLimit for shard reads: 2 MiB per message. */
const SHARD_READ_CHUNK_BYTES = 2 * 1024 * 1024;
const ANY_COMPACTION_REVISION = 0xffff_ffff;
const WHOLE_FILE = '9223372036854775807';

/** Every directory of every location: where a volume's `.vif`/`.ecsum` may sit on a multi-disk server. */
function allEcDirs(locations: DiskLocation[]): string[] {
  const dirs: string[] = [];
  for (const l of locations) dirs.push(l.dir, l.idxDir ?? l.dir);
  return [...new Set(dirs)];
}

/**
 * The layout a rebuild regenerates with: the first `.vif` with an EC config among `dirs`, else the
 * generation-0 sidecar, else 10+4 legacy. A recorded but impossible layout fails rather than
 * rebuild through the wrong matrix.
 */
async function rebuildLayout(dirs: string[], base: string): Promise<{ ratio: EcRatio; blockSizeBytes: number }> {
  for (const dir of dirs) {
    const vifPath = path.join(dir, `${base}.vif`);
    const info = await readVolumeInfoFile(vifPath).catch((err: Error) => {
      throw new Error(`RebuildEcFiles ${path.join(dirs[0] as string, base)}: cannot load .vif: ${err.message}`);
    });
    if (info === null) continue;
    const config = info.ecShardConfig;
    if (config === null) break;
    const problem = blockSizeProblem(config.blockSizeBytes ?? 0);
    if (problem !== null) throw new Error(`RebuildEcFiles ${path.join(dirs[0] as string, base)}: ${vifPath}: ${problem}`);
    return { ratio: ecRatioOf(info), blockSizeBytes: config.blockSizeBytes ?? 0 };
  }
  const sidecar = await findBitrotSidecar(dirs, base);
  if (sidecar !== null) {
    let problem: string | null;
    let prot;
    try {
      prot = await readBitrotSidecar(sidecar);
      problem = sidecarConfigProblem(prot);
    } catch (err) {
      problem = (err as Error).message;
    }
    if (problem !== null || prot?.ecShardConfig == null) throw new Error(`RebuildEcFiles ${path.join(dirs[0] as string, base)}: no usable .vif and ${sidecar}: ${problem}`);
    const c = prot.ecShardConfig;
    return { ratio: { dataShards: c.dataShards, parityShards: c.parityShards }, blockSizeBytes: c.blockSizeBytes };
  }
  return { ratio: ecRatioOf(null), blockSizeBytes: 0 };
}

function shardIdsOf(values: number[] | undefined): number[] {
  const ids = values ?? [];
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0 || id >= MAX_SHARD_COUNT) throw new GrpcStatusError(grpc.status.INVALID_ARGUMENT, `invalid shard id ${id}`);
  }
  return ids;
}

export function erasureCodingHandlers(ctx: GrpcContext): VolumeServerHandlerTable {
  const store = ctx.store;

  async function generate(request: RequestOf<'VolumeEcShardsGenerate'>): Reply<'VolumeEcShardsGenerate'> {
    checkMaintenance(ctx);
    checkCollectionName(request.collection);
    const volume = store.findVolume(request.volume_id);
    if (volume === undefined) throw new Error(`volume ${request.volume_id} not found`);
    if (volume.collection !== request.collection) throw new Error(`existing collection:${volume.collection} unexpected input: ${request.collection}`);
    const loc = volume.location;
    const vifPath = volumeFilePath(loc, 'vif');
    // A regeneration keeps the ratio an earlier run recorded.
    const ratio = ecRatioOf(await readVolumeInfoFile(vifPath).catch(() => null));
    const shardPaths = Array.from({ length: totalShards(ratio) }, (_, i) => volumeFilePath(loc, shardExt(i)));
    const ecxPath = volumeFilePath(loc, 'ecx');

    await store.ec.unload(request.volume_id);
    for (const location of store.locations) {
      try {
        await removeStaleEcArtifacts(location, request.collection, request.volume_id);
      } catch (err) {
        throw new Error(`wipe stale EC artifacts for volume ${request.volume_id} on ${location.dir}: ${(err as Error).message}`);
      }
    }
    let done = false;
    try {
      await volume.sync();
      // The index first: anything appended while the shards are cut is then in the shards
      // but not indexed, which is harmless; the other order could index missing data.
      await writeSortedEcxFromIdx(volumeFilePath(loc, 'idx'), ecxPath, store.offsetWidth);
      const datSizeBytes = volume.stats().datSizeBytes;
      // 4.53 always encodes the uniform layout; the .vif and the sidecar record its block size.
      const blockSizeBytes = await encodeDatFile(volumeFilePath(loc, 'dat'), datSizeBytes, shardPaths, ratio, store.coder());
      // Best effort, as upstream: without a sidecar the volume is merely unprotected.
      try {
        const prot = await computeBitrotProtection(shardPaths, { ...ratio, encodeTsNs: 0n, blockSizeBytes });
        await writeBitrotSidecar(bitrotSidecarPath(path.join(loc.dir, checkedVolumeBaseName(request.collection, request.volume_id))), prot);
      } catch (err) {
        ctx.log(`volume ${request.volume_id}: failed to write the ec bitrot sidecar: ${(err as Error).message}`);
      }
      const ttlSeconds = ttlMinutes(volume.ttl) * 60;
      const info = newVolumeInfo({
        version: volume.version,
        datFileSize: BigInt(datSizeBytes),
        expireAtSec: ttlSeconds > 0 ? BigInt(Math.floor(Date.now() / 1000) + ttlSeconds) : 0n,
        ecShardConfig: { dataShards: ratio.dataShards, parityShards: ratio.parityShards, encodeTsNs: BigInt(Date.now()) * 1_000_000n, blockSizeBytes },
      });
      await writeVolumeInfoFile(vifPath, info);
      done = true;
      ctx.log(`volume ${request.volume_id}: generated ${shardPaths.length} ec shards (${ratio.dataShards}+${ratio.parityShards}, block ${blockSizeBytes}) from ${datSizeBytes} bytes`);
    } finally {
      if (!done) {
        for (const shardPath of shardPaths) await fs.rm(shardPath, { force: true });
        await fs.rm(ecxPath, { force: true });
      }
    }
    return {};
  }

  async function rebuild(request: RequestOf<'VolumeEcShardsRebuild'>): Reply<'VolumeEcShardsRebuild'> {
    checkMaintenance(ctx);
    const base = checkedVolumeBaseName(request.collection, request.volume_id);
    let rebuildLocation: DiskLocation | undefined;
    let rebuildShardCount = 0;
    const shardDirs = new Map<number, string>();
    for (const location of store.locations) {
      const status = await ecFilesStatus(location, request.collection, request.volume_id);
      for (const id of status.shardIds) if (!shardDirs.has(id)) shardDirs.set(id, location.dir);
      const hasEcx = (await findEcxDir(location.dir, location.idxDir, base)) !== null;
      if (status.shardIds.length === 0 && !hasEcx) continue;
      if (hasEcx && (rebuildLocation === undefined || status.shardIds.length > rebuildShardCount)) {
        rebuildLocation = location;
        rebuildShardCount = status.shardIds.length;
      }
    }
    if (rebuildLocation === undefined) return { rebuilt_shard_ids: [] };
    const dataBase = path.join(rebuildLocation.dir, base);
    const searchDirs = [rebuildLocation.dir, ...allEcDirs(store.locations).filter((d) => d !== rebuildLocation.dir)];
    const { ratio, blockSizeBytes } = await rebuildLayout(searchDirs, base);
    const present = new Map<number, string>();
    const missing = new Map<number, string>();
    for (let id = 0; id < totalShards(ratio); id++) {
      const dir = shardDirs.get(id);
      if (dir !== undefined) present.set(id, path.join(dir, `${base}.${shardExt(id)}`));
      else missing.set(id, `${dataBase}.${shardExt(id)}`);
    }
    const rebuilt = [...missing.keys()];
    if (missing.size > 0) {
      const sizes = new Set<number>();
      for (const shardPath of present.values()) sizes.add((await fs.stat(shardPath)).size);
      if (sizes.size > 1) throw new Error(`RebuildEcFiles ${dataBase}: ec shards have different sizes ${[...sizes].join(', ')}`);
      try {
        await rebuildShardFiles(present, missing, [...sizes][0] ?? 0, ratio, store.coder());
      } catch (err) {
        throw new Error(`RebuildEcFiles ${dataBase}: ${(err as Error).message}`);
      }
    }
    // Folding `.ecj` removes it; a mounted volume still journals there, so leave it then.
    const ecxDir = (await findEcxDir(rebuildLocation.dir, rebuildLocation.idxDir, base)) as string;
    if (store.ec.find(request.volume_id) === undefined) {
      try {
        await foldEcjIntoEcx(path.join(ecxDir, `${base}.ecx`), path.join(ecxDir, `${base}.ecj`), store.offsetWidth);
      } catch (err) {
        throw new Error(`RebuildEcxFile ${path.join(ecxDir, base)}: ${(err as Error).message}`);
      }
    }
    // Trust on first use: a volume without a sidecar anywhere gets one describing the shards as
    // they now are, with the layout the rebuild used. Skipped unless every shard is here.
    if ((await findBitrotSidecar(searchDirs, base)) === null && present.size + missing.size === totalShards(ratio)) {
      const allPaths = Array.from({ length: totalShards(ratio) }, (_, id) => present.get(id) ?? (missing.get(id) as string));
      try {
        await writeBitrotSidecar(bitrotSidecarPath(dataBase), await computeBitrotProtection(allPaths, { ...ratio, encodeTsNs: 0n, blockSizeBytes }));
      } catch (err) {
        ctx.log(`volume ${request.volume_id}: bitrot backfill skipped: ${(err as Error).message}`);
      }
    }
    if (rebuilt.length > 0) ctx.log(`volume ${request.volume_id}: rebuilt ec shards ${rebuilt.join(',')}`);
    return { rebuilt_shard_ids: rebuilt };
  }

  async function copyShards(request: RequestOf<'VolumeEcShardsCopy'>, call: grpc.ServerUnaryCall<unknown, unknown>): Reply<'VolumeEcShardsCopy'> {
    checkMaintenance(ctx);
    // The source is the caller's word: an untrusted one is refused before anything is dialed.
    await checkPeerSource(request.source_data_node, ctx.allowUntrustedRemoteEndpoints === true, 'invalid source data node');
    checkCollectionName(request.collection);
    const shardIds = shardIdsOf(request.shard_ids);
    let location: DiskLocation | undefined;
    if (request.disk_id > 0) {
      if (request.disk_id >= store.locations.length) throw new Error(`invalid disk_id ${request.disk_id}: only have ${store.locations.length} disks`);
      location = store.locations[request.disk_id];
    } else {
      location = await store.ec.targetLocation(request.collection, request.volume_id);
    }
    if (location === undefined) throw new GrpcStatusError(grpc.status.RESOURCE_EXHAUSTED, 'no space left');
    const loc = location.location(request.collection, request.volume_id);
    // One limit for the whole request (every file of it), as upstream: the caller's rate, else
    // -maintenanceMBps. A caller that goes away stops the pacing.
    const abort = new AbortController();
    const onCancelled = () => abort.abort(new GrpcStatusError(grpc.status.CANCELLED, `volume ${request.volume_id} ec shards copy: caller cancelled`));
    call.on('cancelled', onCancelled);
    if (call.cancelled) onCancelled();
    const requestedRate = Number(request.io_byte_per_second ?? 0);
    const throttle = newThrottle(requestedRate > 0 ? requestedRate : (ctx.maintenanceBytesPerSecond ?? 0), abort.signal);
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
      if (request.copy_ecsum_file) await pull(BITROT_SIDECAR_EXT, path.join(loc.dir, `${checkedVolumeBaseName(request.collection, request.volume_id)}${BITROT_SIDECAR_EXT}`), true);
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
      if (fence === 0n) {
        await store.ec.unload(volumeId);
        for (const location of store.locations) await removeStaleEcArtifacts(location, collection, volumeId);
      } else {
        // Only disks holding a strictly older encode run are wiped; newer, unstamped or unknown stay.
        for (const location of store.locations) {
          const generation = await ecGenerationOf(location, collection, volumeId);
          if (!generation.found || generation.encodeTsNs === 0n || generation.encodeTsNs >= fence) continue;
          const mounted = location.ecVolumes.get(volumeId);
          if (mounted !== undefined) for (const id of mounted.shardIds()) await store.ec.unmount(volumeId, id);
          await removeStaleEcArtifacts(location, collection, volumeId);
        }
      }
      return { full_teardown_done: true };
    }
    if ((request.delete_generations_older_than ?? 0) > 0) {
      // Post-commit cleanup of a generation switch. This server never stages generations, so
      // only `<base>.*.v<N>` files another server's tooling left here can match.
      for (const dir of allEcDirs(store.locations)) await removeEcGenerationsOlderThan(dir, checkedVolumeBaseName(collection, volumeId), request.delete_generations_older_than);
      return {};
    }
    const shardIds = shardIdsOf(request.shard_ids);
    // A deleted shard must not keep serving from an unlinked file.
    for (const id of shardIds) await store.ec.unmount(volumeId, id);
    for (const location of store.locations) await removeShardFiles(location, collection, volumeId, shardIds);
    const statuses = [];
    let shardsLeft = 0;
    for (const location of store.locations) {
      const status = await ecFilesStatus(location, collection, volumeId);
      shardsLeft += status.shardIds.length;
      statuses.push({ location, status });
    }
    if (shardsLeft === 0) {
      for (const { location, status } of statuses) await removeSharedEcIndex(location, collection, volumeId, status);
    }
    return {};
  }

  const decodesInFlight = new Set<number>();

  async function toVolume(request: RequestOf<'VolumeEcShardsToVolume'>): Reply<'VolumeEcShardsToVolume'> {
    checkMaintenance(ctx);
    checkCollectionName(request.collection);
    if (request.from_staged) return adoptStaged(request);
    if (decodesInFlight.has(request.volume_id)) throw new GrpcStatusError(grpc.status.UNAVAILABLE, `ec volume ${request.volume_id} is already being decoded`);
    decodesInFlight.add(request.volume_id);
    try {
      return await decode(request);
    } finally {
      decodesInFlight.delete(request.volume_id);
    }
  }

  async function decode(request: Pick<RequestOf<'VolumeEcShardsToVolume'>, 'volume_id' | 'collection'>): Reply<'VolumeEcShardsToVolume'> {
    const ecVolume = store.ec.find(request.volume_id);
    if (ecVolume === undefined) throw new Error(`ec volume ${request.volume_id} not found`);
    if (ecVolume.collection !== request.collection) throw new Error(`existing collection:${ecVolume.collection} unexpected input: ${request.collection}`);
    const dataShardPaths: string[] = [];
    for (let id = 0; id < ecVolume.ratio.dataShards; id++) {
      const found = store.ec.findShard(request.volume_id, id);
      if (found === undefined) throw new Error(`ec volume ${request.volume_id} missing shard ${id}`);
      dataShardPaths.push(found.shard.path);
    }
    const location = store.locations.find((l) => l.ecVolumes.get(request.volume_id) === ecVolume) as DiskLocation;
    // From here to the unmount of these shards, a journaled delete would miss the new volume.
    const runtimes: EcVolume[] = [...store.ec.all()].filter(({ volume }) => volume.volumeId === request.volume_id).map(({ volume }) => volume);
    for (const runtime of runtimes) await runtime.refuseDeletes('being decoded into a normal volume');
    try {
      await decodeRefusingDeletes(request, ecVolume, runtimes, dataShardPaths, location);
    } catch (err) {
      for (const runtime of runtimes) runtime.acceptDeletes();
      throw err;
    }
    return {};
  }

  async function decodeRefusingDeletes(
    request: Pick<RequestOf<'VolumeEcShardsToVolume'>, 'volume_id' | 'collection'>,
    ecVolume: EcVolume,
    runtimes: EcVolume[],
    dataShardPaths: string[],
    location: DiskLocation,
  ): Promise<void> {
    try {
      await foldEcjIntoEcx(ecVolume.ecxPath, ecVolume.ecjPath, store.offsetWidth);
    } catch (err) {
      throw new Error(`RebuildEcxFile ${ecVolume.ecxPath}: ${(err as Error).message}`);
    }
    if (!(await hasLiveNeedles(ecVolume.ecxPath, store.offsetWidth))) {
      throw new GrpcStatusError(grpc.status.FAILED_PRECONDITION, `ec volume ${request.volume_id} has no live entries`);
    }
    // The sidecar may have arrived after the mount (a rebuild's backfill, a shard delivery):
    // resolve it again on every runtime, then check the data shards the .dat is made from.
    let protection;
    for (const runtime of runtimes) {
      try {
        const resolved = await runtime.reloadBitrot(allEcDirs(store.locations));
        if (protection === undefined || (resolved.status === 'on' && protection.status !== 'on') || (resolved.status === 'invalid' && protection.status === 'off')) protection = resolved;
      } catch (err) {
        throw new Error(`ec volume ${request.volume_id}: ${(err as Error).message}`);
      }
    }
    if (protection !== undefined) {
      try {
        await verifyDataShards(protection, dataShardPaths);
      } catch (err) {
        throw new Error(`ec volume ${request.volume_id}: ${(err as Error).message}`);
      }
    }
    await decodeEcToVolume({
      ecxPath: ecVolume.ecxPath,
      ecjPath: ecVolume.ecjPath,
      dataShardPaths,
      encodedDatSizeBytes: ecVolume.datFileSizeBytes,
      blockSizeBytes: ecVolume.blockSizeBytes,
      location: location.location(request.collection, request.volume_id),
      offsetWidth: store.offsetWidth,
      log: ctx.log,
    });
    ctx.log(`ec volume ${request.volume_id}: decoded back into a normal volume in ${location.dir}`);
  }

  async function adoptStaged(request: Pick<RequestOf<'VolumeEcShardsToVolume'>, 'volume_id' | 'collection' | 'disk_type'>): Reply<'VolumeEcShardsToVolume'> {
    if (store.findVolume(request.volume_id) !== undefined) throw new Error(`staged volume ${request.volume_id} already exists on this server`);
    const wanted = normalizeDiskType(request.disk_type);
    let loc;
    for (const location of store.locations) {
      if (location.diskType !== wanted) continue;
      const candidate = location.location(request.collection, request.volume_id);
      if (await pathExists(`${volumeFilePath(candidate, 'dat')}.copying`)) {
        loc = candidate;
        break;
      }
    }
    if (loc === undefined) throw new Error(`staged volume ${request.volume_id}: no .dat.copying found on a ${request.disk_type} disk`);
    for (const ext of ['dat', 'idx', 'vif']) {
      if (!(await pathExists(`${volumeFilePath(loc, ext)}.copying`))) throw new Error(`staged volume ${request.volume_id} missing .${ext}.copying`);
    }
    // The `.note` makes a crash half way sweep the partial volume at the next start.
    const note = volumeFilePath(loc, 'note');
    await fs.writeFile(note, `adopting decoded volume ${request.volume_id}`);
    try {
      for (const ext of ['vif', 'dat', 'idx']) await fs.rename(`${volumeFilePath(loc, ext)}.copying`, volumeFilePath(loc, ext));
    } finally {
      await fs.rm(note, { force: true });
    }
    try {
      await store.mountVolume(request.volume_id);
    } catch (err) {
      throw new Error(`mount staged volume ${request.volume_id}: ${(err as Error).message}`);
    }
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
        infos.push({ shard_id: id, size: String(volume.shards.get(id)?.sizeBytes ?? 0), collection: volume.collection, volume_id: volume.volumeId });
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
      ec_shard_config: { data_shards: primary.ratio.dataShards, parity_shards: primary.ratio.parityShards, block_size: String(primary.blockSizeBytes) },
    };
  }

  return {
    VolumeEcShardsGenerate: unary(generate),
    VolumeEcShardsRebuild: unary(rebuild),
    VolumeEcShardsCopy: unary(copyShards),
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
        await volume.reloadBitrot(allEcDirs(store.locations)).catch((err: Error) => ctx.log(`ec volume ${request.volume_id}: reload bitrot sidecar: ${err.message}`));
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
