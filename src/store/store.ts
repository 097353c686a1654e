// The set of disk locations and their volumes: allocation, mount/unmount, deletion, lookups.
// Protocol-free: the gRPC and HTTP adapters translate StoreError codes and messages.
import { StorageError } from '../storage/errors.ts';
import { parseTtl } from '../storage/needle/ttl.ts';
import { type NeedleVersion, isSupportedVersion } from '../storage/needle/version.ts';
import { parseReplicaPlacement } from '../storage/replica-placement.ts';
import { newSuperBlock } from '../storage/super-block.ts';
import type { OffsetWidth } from '../storage/types.ts';
import { Volume } from '../storage/volume.ts';
import { hasVolumeData } from '../storage/volume-load.ts';
import { findEcxDir } from '../ec/ec-volume.ts';
import { DiskLocation, type DiskLocationConfig, normalizeDiskType } from './disk-location.ts';
import { EcShardStore } from './ec-shard-store.ts';
import { removeStaleEcArtifacts } from './ec-files.ts';
import { checkCollectionName, checkedVolumeBaseName } from './collection-name.ts';
import { StoreError } from './store-error.ts';
import { MaintenanceRuns } from './maintenance-runs.ts';
import { JobRegistry } from '../status/job-registry.ts';
import { VID_STAMP_FILE, readVidStamp, writeVidStamp } from './vid-stamp.ts';
import type { ParityCoder } from '../ec/ec-encoder.ts';
import { type CodingPool, createCodingPool } from '../ec/codec/coding-pool.ts';
import type { Logger } from '../log/logger.ts';

export { StoreError, type StoreErrorCode } from './store-error.ts';

/** Told about volumes coming and going, so the heartbeat can send deltas at once. */
export interface StoreListener {
  volumeAdded(volume: Volume, location: DiskLocation): void;
  volumeRemoved(volume: Volume, location: DiskLocation): void;
}

export interface AllocateRequest {
  volumeId: number;
  collection: string;
  replication: string;
  ttl: string;
  diskType: string;
  version: number;
}

/** Nothing written past the superblock, and no live content. */
function isEmptyVolume(volume: Volume): boolean {
  const stats = volume.stats();
  return stats.datSizeBytes <= volume.firstNeedleOffsetBytes && stats.contentSizeBytes === 0;
}

/** Every byte ever written is already deleted (what vacuum would reclaim in full). */
function isAllGarbage(volume: Volume): boolean {
  const stats = volume.stats();
  return stats.contentSizeBytes > 0 && stats.deletedBytes >= stats.contentSizeBytes;
}

export class Store {
  readonly locations: DiskLocation[];
  private listeners: StoreListener[] = [];
  /** Volume ids with a VolumeCopy in flight; other lifecycle RPCs on them are refused meanwhile. */
  private readonly copying = new Set<number>();
  /**
   * Highest volume id this server has held or been told of (heartbeat `max_volume_id_seen`),
   * and the master's topology id; both persisted in each directory's `.vid_stamp`.
   */
  private maxVolumeIdSeenValue = 0;
  private lastSeenTopologyIdValue = '';
  /** Stamps are written only after load() seeded the bound (never a lower one over a higher). */
  private vidStampReady = false;
  /** A stamp write failed: retry on the next change even if the value did not grow. */
  private vidStampDirty = false;
  /** Stamp writes run one at a time, each writing the latest values. */
  private vidStampWrites: Promise<void> = Promise.resolve();
  /** From the master's heartbeat responses; 0 until known. */
  volumeSizeLimitBytes = 0;
  readonly ec: EcShardStore;
  /** Long jobs on this server (EC encode and rebuild, copies, tails), for the service status. */
  readonly jobs = new JobRegistry();
  /** Index rebuilds and verifies an operator started on this server's volumes. */
  readonly maintenance: MaintenanceRuns;
  private pool: CodingPool | null = null;

  constructor(
    configs: DiskLocationConfig[],
    readonly offsetWidth: OffsetWidth,
    private readonly log: Logger,
  ) {
    this.locations = configs.map((c) => new DiskLocation({ ...c, diskType: normalizeDiskType(c.diskType) }));
    this.ec = new EcShardStore(this.locations, offsetWidth, log.child({ component: 'ec' }), () => this.coder());
    this.maintenance = new MaintenanceRuns(this, { log: log.child({ component: 'maintenance' }) });
    // A quarantined volume is no longer reported: the master drops it now and re-replicates.
    for (const location of this.locations) {
      location.onVolumeQuarantined = (volumeId) => {
        const volume = location.volumes.get(volumeId);
        if (volume !== undefined) for (const listener of this.listeners) listener.volumeRemoved(volume, location);
      };
    }
  }

  /**
   * Whether any local volume or EC volume is quarantined after sustained EIO (upstream's
   * HasIoQuarantine): /healthz answers 503 so a load balancer drains a server with failing media.
   */
  hasIoQuarantine(): boolean {
    for (const { volume } of this.allVolumes()) if (volume.isIoQuarantined) return true;
    return this.ec.hasIoQuarantine();
  }

  async load(): Promise<void> {
    for (const location of this.locations) {
      await location.prepare();
      await location.loadExisting(this.offsetWidth, this.log);
    }
    // After every location is prepared: a shard's `.ecx` may sit on a sibling disk.
    for (const location of this.locations) await this.ec.loadExisting(location);
    await this.bootstrapVidStamps();
  }

  /** The Reed-Solomon worker pool, started on first use. */
  coder(): ParityCoder {
    this.pool ??= createCodingPool();
    return this.pool;
  }

  /** Claims the id for one copy; false when a copy of it is already running. */
  claimCopy(volumeId: number): boolean {
    if (this.copying.has(volumeId)) return false;
    this.copying.add(volumeId);
    return true;
  }

  releaseCopy(volumeId: number): void {
    this.copying.delete(volumeId);
  }

  isCopying(volumeId: number): boolean {
    return this.copying.has(volumeId);
  }

  get maxVolumeIdSeen(): number {
    return this.maxVolumeIdSeenValue;
  }

  get lastSeenTopologyId(): string {
    return this.lastSeenTopologyIdValue;
  }

  /** Raises the persisted bound (allocations, mounts, EC shards, the master's max_volume_id). */
  noteVolumeId(volumeId: number): Promise<void> {
    const grew = volumeId > this.maxVolumeIdSeenValue;
    if (grew) this.maxVolumeIdSeenValue = volumeId;
    return this.vidStampReady && (grew || this.vidStampDirty) ? this.saveVidStamps() : Promise.resolve();
  }

  noteTopologyId(topologyId: string): Promise<void> {
    if (topologyId === '' || (topologyId === this.lastSeenTopologyIdValue && !this.vidStampDirty))
      return Promise.resolve();
    this.lastSeenTopologyIdValue = topologyId;
    return this.vidStampReady ? this.saveVidStamps() : Promise.resolve();
  }

  /** Resolves once every stamp write queued so far has finished. */
  saveVidStamps(): Promise<void> {
    this.vidStampWrites = this.vidStampWrites.then(async () => {
      let failed = false;
      const stamp = { maxVolumeId: this.maxVolumeIdSeenValue, topologyId: this.lastSeenTopologyIdValue };
      for (const location of this.locations) {
        try {
          await writeVidStamp(location.dir, stamp);
        } catch (err) {
          this.log.error(`write ${VID_STAMP_FILE} in ${location.dir}: ${(err as Error).message}`);
          failed = true;
        }
      }
      this.vidStampDirty = failed;
    });
    return this.vidStampWrites;
  }

  /** Seeds the bound from the stamps and every volume and EC volume id on disk, then stamps. */
  private async bootstrapVidStamps(): Promise<void> {
    let max = 0;
    for (const location of this.locations) {
      const stamp = await readVidStamp(location.dir);
      if (stamp !== null) {
        max = Math.max(max, stamp.maxVolumeId);
        if (stamp.topologyId !== undefined && this.lastSeenTopologyIdValue === '')
          this.lastSeenTopologyIdValue = stamp.topologyId;
      }
      for (const id of location.volumes.keys()) max = Math.max(max, id);
      for (const id of location.ecVolumes.keys()) max = Math.max(max, id);
    }
    this.maxVolumeIdSeenValue = Math.max(this.maxVolumeIdSeenValue, max);
    this.vidStampReady = true;
    await this.saveVidStamps();
  }

  addListener(listener: StoreListener): void {
    this.listeners.push(listener);
  }

  *allVolumes(): Generator<{ volume: Volume; location: DiskLocation }> {
    for (const location of this.locations) for (const volume of location.volumes.values()) yield { volume, location };
  }

  findVolume(volumeId: number): Volume | undefined {
    for (const location of this.locations) {
      const volume = location.volumes.get(volumeId);
      if (volume !== undefined) return volume;
    }
    return undefined;
  }

  locationOf(volume: Volume): DiskLocation | undefined {
    return this.locations.find((l) => l.volumes.get(volume.id) === volume);
  }

  async allocateVolume(request: AllocateRequest): Promise<Volume> {
    checkCollectionName(request.collection);
    let replicaPlacement;
    try {
      replicaPlacement = parseReplicaPlacement(request.replication);
    } catch (err) {
      throw new StoreError('invalid_argument', (err as StorageError).message);
    }
    let ttl;
    try {
      ttl = parseTtl(request.ttl);
    } catch (err) {
      throw new StoreError('invalid_argument', (err as StorageError).message);
    }
    const version = request.version === 0 ? 3 : request.version;
    if (!isSupportedVersion(version)) {
      throw new StoreError('invalid_argument', `volume super block version ${request.version} is not supported`);
    }
    await this.noteVolumeId(request.volumeId);
    if (this.findVolume(request.volumeId) !== undefined) {
      throw new StoreError('already_exists', `Volume Id ${request.volumeId} already exists!`);
    }
    const location = this.pickLocation(request.diskType);
    if (location === undefined) throw new StoreError('no_free_space', 'No more free space left');
    const volume = await Volume.open({
      location: location.location(request.collection, request.volumeId),
      offsetWidth: this.offsetWidth,
      create: newSuperBlock({ version: version as NeedleVersion, replicaPlacement, ttl }),
      log: this.log,
      ...location.volumeOptions(),
    });
    location.volumes.set(request.volumeId, volume);
    this.log.info(
      `allocated volume ${request.volumeId} (collection "${request.collection}", replication ${request.replication || '000'}) in ${location.dir}`,
    );
    for (const listener of this.listeners) listener.volumeAdded(volume, location);
    return volume;
  }

  /** Among locations of this disk type with a free slot, the one holding the fewest volumes. */
  pickLocation(diskType: string): DiskLocation | undefined {
    const wanted = normalizeDiskType(diskType);
    const candidates = this.locations.filter((l) => l.diskType === wanted && l.hasFreeSlot());
    if (candidates.length === 0) return undefined;
    return candidates.reduce((best, l) => (l.volumes.size < best.volumes.size ? l : best));
  }

  /**
   * Loads a volume from the first location that has its files. With `collection`, that
   * collection's files are preferred on each disk (two collections may hold the same id).
   * `validate` runs on the loaded volume before anyone is told of it; a throw unloads it again.
   */
  async mountVolume(volumeId: number, collection?: string, validate?: (volume: Volume) => void): Promise<Volume> {
    const mounted = this.findVolume(volumeId);
    if (mounted !== undefined) return mounted;
    if (this.maintenance.isUnmountedForMaintenance(volumeId)) {
      throw new StorageError('lease_held', `volume ${volumeId} is unmounted while its index is rebuilt`);
    }
    for (const location of this.locations) {
      const candidates = (await location.discover()).filter((found) => found.volumeId === volumeId);
      if (collection !== undefined)
        candidates.sort((a, b) => Number(b.collection === collection) - Number(a.collection === collection));
      for (const found of candidates) {
        const loc = location.location(found.collection, volumeId);
        // A tiered volume has no `.dat` here, only a `.vif` naming the remote one.
        if (!(await hasVolumeData(loc))) continue;
        const volume = await Volume.open({
          location: loc,
          offsetWidth: this.offsetWidth,
          log: this.log,
          ...location.volumeOptions(),
        });
        try {
          validate?.(volume);
        } catch (err) {
          await volume.close();
          throw err;
        }
        location.volumes.set(volumeId, volume);
        await this.noteVolumeId(volumeId);
        for (const listener of this.listeners) listener.volumeAdded(volume, location);
        return volume;
      }
    }
    throw new StoreError('not_found', `volume ${volumeId} not found on disk`);
  }

  /** Unloads every copy of the id; absent is success. */
  async unmountVolume(volumeId: number): Promise<void> {
    for (const location of this.locations) {
      const volume = location.volumes.get(volumeId);
      if (volume === undefined) continue;
      location.volumes.delete(volumeId);
      await volume.close();
      for (const listener of this.listeners) listener.volumeRemoved(volume, location);
    }
  }

  /**
   * Removes every copy of the id. `onlyEmpty` / `onlyGarbage` guard the delete: it goes ahead when
   * either enabled check passes on every copy, else nothing is removed. A tiered copy's remote
   * object goes too unless `keepRemoteData` (a move or copy hands the same `.vif` to another
   * server). A copy that fails stays, and upstream's "failed on some disks" error names it.
   */
  async deleteVolume(volumeId: number, onlyEmpty: boolean, onlyGarbage = false, keepRemoteData = false): Promise<void> {
    if (onlyEmpty || onlyGarbage) {
      for (const location of this.locations) {
        const volume = location.volumes.get(volumeId);
        if (volume === undefined) continue;
        if (!((onlyEmpty && isEmptyVolume(volume)) || (onlyGarbage && isAllGarbage(volume)))) {
          throw new StoreError('not_empty', `DeleteVolume ${volumeId}: volume not empty`);
        }
      }
    }
    let deleted = 0;
    const failures: string[] = [];
    for (const location of this.locations) {
      const volume = location.volumes.get(volumeId);
      if (volume === undefined) continue;
      try {
        await this.destroyVolume(location, volume, keepRemoteData);
        deleted++;
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
    // Go's errors.Join: one line per failed copy.
    if (failures.length > 0)
      throw new StoreError('io', `DeleteVolume ${volumeId} failed on some disks: ${failures.join('\n')}`);
    if (deleted === 0) throw new StoreError('not_found', `delete volume ${volumeId} not found on disk`);
  }

  /**
   * Upstream's Destroy: a tiered volume's remote object first, and if that fails the volume stays
   * registered with its local files (else a replica would be left with nothing here). The local
   * files go after the volume is unregistered, so no request finds it half removed.
   */
  private async destroyVolume(location: DiskLocation, volume: Volume, keepRemoteData: boolean): Promise<void> {
    if (!keepRemoteData) await volume.deleteRemoteObject();
    location.volumes.delete(volume.id);
    await volume.destroy({ keepVif: await this.sharesVifWithEc(location, volume) });
    for (const listener of this.listeners) listener.volumeRemoved(volume, location);
  }

  /** An EC volume of the same id on this disk uses the same `.vif` file. */
  private async sharesVifWithEc(location: DiskLocation, volume: Volume): Promise<boolean> {
    if (location.ecVolumes.has(volume.id)) return true;
    return (
      (await findEcxDir(location.dir, location.idxDir, checkedVolumeBaseName(volume.collection, volume.id))) !== null
    );
  }

  /** Removes the collection's volumes (tiered ones with their remote objects, as upstream) and EC volumes. */
  async deleteCollection(collection: string): Promise<void> {
    checkCollectionName(collection);
    const failures: string[] = [];
    for (const location of this.locations) {
      for (const volume of [...location.volumes.values()]) {
        if (volume.collection !== collection) continue;
        try {
          await this.destroyVolume(location, volume, false);
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
    }
    // The collection's EC volumes go too, as upstream's DeleteCollection removes them.
    const ecIds = new Set(
      [...this.ec.all()].filter(({ volume }) => volume.collection === collection).map(({ volume }) => volume.volumeId),
    );
    for (const volumeId of ecIds) {
      await this.ec.unload(volumeId);
      for (const location of this.locations) await removeStaleEcArtifacts(location, collection, volumeId);
    }
    // Upstream's text: each failure followed by "; ".
    if (failures.length > 0) throw new StoreError('io', failures.map((message) => `${message}; `).join(''));
  }

  /** Largest needle id across volumes (the master bumps its sequence to it). */
  maxFileKey(): bigint {
    let max = 0n;
    for (const { volume } of this.allVolumes()) if (volume.stats().maxFileKey > max) max = volume.stats().maxFileKey;
    return max;
  }

  async close(): Promise<void> {
    await this.vidStampWrites;
    for (const location of this.locations) await location.close();
    await this.ec.close();
    await this.pool?.close();
    this.pool = null;
  }
}
