// The EC side of the store: EC volumes per disk location, shard mount/unmount across locations,
// loading shards found at start, and the master's view of them (heartbeat messages).
import path from 'node:path';
import { EcVolume, findEcxDir } from '../ec/ec-volume.ts';
import { DEFAULT_DATA_SHARDS, shardExt } from '../ec/ec-layout.ts';
import { shardFilesIn } from './ec-files.ts';
import type { EcShard } from '../ec/ec-shard.ts';
import type { ParityCoder } from '../ec/ec-encoder.ts';
import { type RemoteShardSource, readEcNeedle } from '../ec/ec-needle-reader.ts';
import type { Needle } from '../storage/needle/needle.ts';
import { checkedVolumeBaseName } from './collection-name.ts';
import type { OffsetWidth } from '../storage/types.ts';
import { type DiskLocation, normalizeDiskType } from './disk-location.ts';
import { pathExists } from '../storage/path-exists.ts';
import type { Logger } from '../log/logger.ts';

/** master_pb.VolumeEcShardInformationMessage, in the loader's snake_case shape. */
export interface EcShardMessage {
  id: number;
  collection: string;
  ec_index_bits: number;
  disk_type: string;
  expire_at_sec: string;
  disk_id: number;
  shard_sizes: string[];
  file_count: string;
  delete_count: string;
  encode_ts_ns: string;
}

export interface EcShardListener {
  ecShardsChanged(change: 'added' | 'removed', message: EcShardMessage): void;
}

function bitsOf(shardIds: number[]): number {
  let bits = 0;
  for (const id of shardIds) bits = (bits | (1 << id)) >>> 0;
  return bits;
}

/** Free shard slots: each free volume slot holds a data shard count of shards. */
function freeShardSlots(location: DiskLocation): number {
  if (location.maxVolumeCount <= 0)
    return 2 ** 30 - location.volumes.size * DEFAULT_DATA_SHARDS - location.ecShardCount();
  return (location.maxVolumeCount - location.volumes.size) * DEFAULT_DATA_SHARDS - location.ecShardCount();
}

export class EcShardStore {
  private listeners: EcShardListener[] = [];
  /** Peers' shards, for reads of shards not mounted here; set once the server knows its master. */
  remote: RemoteShardSource | null = null;

  constructor(
    private readonly locations: DiskLocation[],
    private readonly offsetWidth: OffsetWidth,
    private readonly log: Logger,
    private readonly coder: () => ParityCoder,
  ) {}

  /** Reads a needle of a mounted EC volume (local shards, then peers, then reconstruction). */
  async readNeedle(volumeId: number, key: bigint): Promise<Needle | undefined> {
    const volume = this.find(volumeId);
    if (volume === undefined) return undefined;
    return readEcNeedle(volume, key, {
      // A quarantined disk is not read: the bytes come from peers or parity instead.
      localShard: (shardId) => {
        const found = this.findShard(volumeId, shardId);
        return found !== undefined && !found.volume.ioErrorState().quarantined ? found.shard : undefined;
      },
      remote: this.remote,
      coder: this.coder,
    });
  }

  addListener(listener: EcShardListener): void {
    this.listeners.push(listener);
  }

  private notify(change: 'added' | 'removed', message: EcShardMessage): void {
    for (const listener of this.listeners) listener.ecShardsChanged(change, message);
  }

  /** The first location's EC volume of this id. */
  find(volumeId: number): EcVolume | undefined {
    for (const location of this.locations) {
      const volume = location.ecVolumes.get(volumeId);
      if (volume !== undefined) return volume;
    }
    return undefined;
  }

  /** The EC volume that holds this mounted shard (on the same disk), with the shard. */
  findShard(
    volumeId: number,
    shardId: number,
  ): { volume: EcVolume; shard: EcShard; location: DiskLocation } | undefined {
    for (const location of this.locations) {
      const volume = location.ecVolumes.get(volumeId);
      const shard = volume?.shards.get(shardId);
      if (volume !== undefined && shard !== undefined) return { volume, shard, location };
    }
    return undefined;
  }

  *all(): Generator<{ volume: EcVolume; location: DiskLocation }> {
    for (const location of this.locations) for (const volume of location.ecVolumes.values()) yield { volume, location };
  }

  /** Where the `.ecx` of this volume is on any location (its directory), or null. */
  async findEcxDir(collection: string, volumeId: number): Promise<string | null> {
    const base = checkedVolumeBaseName(collection, volumeId);
    for (const location of this.locations) {
      const dir = await findEcxDir(location.dir, location.idxDir, base);
      if (dir !== null) return dir;
    }
    return null;
  }

  /**
   * Deletes a needle of an EC volume: journaled on every local disk holding the volume, and on
   * the peers holding the shard where the needle starts (upstream's rule), when peers are known.
   */
  async deleteNeedle(volumeId: number, key: bigint): Promise<void> {
    let primaryShardId: number | undefined;
    for (const { volume } of this.all()) {
      if (volume.volumeId !== volumeId) continue;
      if (primaryShardId === undefined) {
        const entry = await volume.findNeedle(key);
        if (entry !== null && entry.size >= 0) primaryShardId = volume.locateNeedle(entry)[0]?.shardId;
      }
      await volume.deleteNeedle(key);
    }
    const volume = this.find(volumeId);
    if (volume !== undefined && primaryShardId !== undefined && this.remote?.deleteNeedle !== undefined) {
      await this.remote.deleteNeedle(volume, key, primaryShardId);
    }
  }

  /**
   * Where incoming shards of a volume go: a disk with it mounted, else one with its `.ecx`, else
   * an HDD, else any; among equals the most free shard slots (upstream FindEcShardTargetLocation).
   */
  async targetLocation(collection: string, volumeId: number): Promise<DiskLocation | undefined> {
    const base = checkedVolumeBaseName(collection, volumeId);
    let best: DiskLocation | undefined;
    let bestTier = 0;
    let bestFree = 0;
    for (const location of this.locations) {
      const free = freeShardSlots(location);
      if (free <= 0) continue;
      let tier = location.diskType === '' ? 2 : 1;
      if ((await findEcxDir(location.dir, location.idxDir, base)) !== null) tier = 3;
      if (location.ecVolumes.has(volumeId)) tier = 4;
      if (best === undefined || tier > bestTier || (tier === bestTier && free > bestFree)) {
        best = location;
        bestTier = tier;
        bestFree = free;
      }
    }
    return best;
  }

  /**
   * Mounts one shard from the location whose directory has its file (upstream MountEcShards).
   * Errors carry upstream's messages.
   */
  async mount(collection: string, volumeId: number, shardId: number, sourceDiskType = ''): Promise<void> {
    const ecxDir = await this.findEcxDir(collection, volumeId);
    const base = checkedVolumeBaseName(collection, volumeId);
    const failures: string[] = [];
    for (const location of this.locations) {
      if (ecxDir === null || !(await pathExists(path.join(location.dir, `${base}.${shardExt(shardId)}`)))) continue;
      try {
        const volume = await this.openOn(location, collection, volumeId, ecxDir);
        await volume.addShard(shardId);
        if (sourceDiskType !== '') volume.diskType = normalizeDiskType(sourceDiskType);
        this.log.info(`mounted ec shard ${volumeId}.${shardId} on disk ${location.diskId}`);
        this.notify('added', this.shardMessage(volume, location, [shardId]));
        return;
      } catch (err) {
        failures.push(`${location.dir}: ${(err as Error).message}`);
      }
    }
    if (failures.length === 0) {
      if (ecxDir === null)
        throw new Error(`MountEcShards ${volumeId}.${shardId}: no .ecx index found on any local disk`);
      throw new Error(`MountEcShards ${volumeId}.${shardId} not found on disk`);
    }
    throw new Error(`MountEcShards ${volumeId}.${shardId} load failures: ${failures.join('; ')}`);
  }

  private async openOn(
    location: DiskLocation,
    collection: string,
    volumeId: number,
    ecxDir: string,
  ): Promise<EcVolume> {
    const existing = location.ecVolumes.get(volumeId);
    if (existing !== undefined) return existing;
    const volume = await EcVolume.open({
      dir: location.dir,
      idxDir: ecxDir,
      collection,
      volumeId,
      diskType: location.diskType,
      offsetWidth: this.offsetWidth,
    });
    const raced = location.ecVolumes.get(volumeId);
    if (raced !== undefined) {
      await volume.close();
      return raced;
    }
    location.ecVolumes.set(volumeId, volume);
    // Its shards go out as deleted once, so the master drops them now, not at the next full beat.
    volume.onQuarantine = () => {
      const { count, lastError } = volume.ioErrorState();
      this.log.error(
        `ec volume ${volumeId} on disk ${location.diskId} quarantined after ${count} consecutive IO errors: ${(lastError as Error)?.message}`,
      );
      const message = this.shardMessage(volume, location, volume.shardIds());
      this.notify('removed', message);
    };
    return volume;
  }

  /** Whether any mounted EC volume is quarantined after sustained EIO (/healthz reports 503). */
  hasIoQuarantine(): boolean {
    for (const { volume } of this.all()) if (volume.ioErrorState().quarantined) return true;
    return false;
  }

  /**
   * Unmounts a shard on every location. With a non-zero `encodeTsNs` fence only volumes from a
   * strictly older encode run are touched. Absent shards are success.
   */
  async unmount(volumeId: number, shardId: number, encodeTsNs = 0n): Promise<void> {
    for (const location of this.locations) {
      const volume = location.ecVolumes.get(volumeId);
      if (volume === undefined || !volume.shards.has(shardId)) continue;
      if (encodeTsNs > 0n && !(volume.encodeTsNs > 0n && volume.encodeTsNs < encodeTsNs)) continue;
      const message = this.shardMessage(volume, location, [shardId]);
      await volume.removeShard(shardId);
      message.shard_sizes = ['0'];
      if (volume.shards.size === 0) {
        location.ecVolumes.delete(volumeId);
        await volume.close();
      }
      this.log.info(`unmounted ec shard ${volumeId}.${shardId} on disk ${location.diskId}`);
      this.notify('removed', message);
    }
  }

  /** Closes every EC volume of this id (files stay), telling the master its shards are gone. */
  async unload(volumeId: number): Promise<void> {
    for (const location of this.locations) {
      const volume = location.ecVolumes.get(volumeId);
      if (volume === undefined) continue;
      location.ecVolumes.delete(volumeId);
      const shardIds = volume.shardIds();
      const message = this.shardMessage(volume, location, shardIds);
      await volume.close();
      if (shardIds.length > 0) this.notify('removed', message);
    }
  }

  /** Mounts every shard file found in the location that has an `.ecx` somewhere (start-up). */
  async loadExisting(location: DiskLocation): Promise<void> {
    for (const { shardIds, ...parsed } of await shardFilesIn(location.dir)) {
      const ecxDir = await this.findEcxDir(parsed.collection, parsed.volumeId);
      if (ecxDir === null) {
        this.log.warn(`ec shards of volume ${parsed.volumeId} in ${location.dir} have no .ecx; not mounted`, {
          volumeId: parsed.volumeId,
        });
        continue;
      }
      try {
        const volume = await this.openOn(location, parsed.collection, parsed.volumeId, ecxDir);
        for (const shardId of shardIds) await volume.addShard(shardId);
      } catch (err) {
        this.log.error(`ec volume ${parsed.volumeId} in ${location.dir} failed to load: ${(err as Error).message}`, {
          volumeId: parsed.volumeId,
          error: (err as Error).message,
        });
      }
    }
  }

  shardMessage(volume: EcVolume, location: DiskLocation, shardIds: number[]): EcShardMessage {
    const counts = volume.fileAndDeleteCounts();
    const sorted = [...shardIds].sort((a, b) => a - b);
    return {
      id: volume.volumeId,
      collection: volume.collection,
      ec_index_bits: bitsOf(sorted),
      disk_type: volume.diskType,
      expire_at_sec: volume.expireAtSec.toString(),
      disk_id: location.diskId,
      shard_sizes: sorted.map((id) => String(volume.shards.get(id)?.sizeBytes ?? 0)),
      file_count: String(counts.fileCount),
      delete_count: String(counts.deleteCount),
      encode_ts_ns: volume.encodeTsNs.toString(),
    };
  }

  /** Every mounted EC volume as the full heartbeat reports it. */
  heartbeatMessages(): EcShardMessage[] {
    const messages: EcShardMessage[] = [];
    for (const { volume, location } of this.all()) {
      if (volume.shards.size > 0 && !volume.ioErrorState().quarantined)
        messages.push(this.shardMessage(volume, location, volume.shardIds()));
    }
    return messages;
  }

  async close(): Promise<void> {
    for (const location of this.locations) {
      for (const volume of location.ecVolumes.values()) await volume.close();
      location.ecVolumes.clear();
    }
  }
}
