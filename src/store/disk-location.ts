// One `-dir`: its volumes, its slot limit, its disk type, and its identity file.
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { OffsetWidth } from '../storage/types.ts';
import { pathExists } from '../storage/path-exists.ts';
import { type SyncBatchOptions, Volume, type VolumeOpenOptions } from '../storage/volume.ts';
import type { VolumeIo } from '../storage/io/volume-io.ts';
import type { MinFreeSpace } from './min-free-space.ts';
import { hasVolumeData } from '../storage/volume-load.ts';
import type { EcVolume } from '../ec/ec-volume.ts';
import { parseVolumeBaseName, volumeFilePath } from '../storage/volume-files.ts';
import { checkCollectionName, collectionNameProblem } from './collection-name.ts';
import type { Logger } from '../log/logger.ts';

/** Volumes loading at once at start-up: enough to overlap index reads with parsing. */
const VOLUME_LOAD_CONCURRENCY = 4;

/** Upstream's disk type normalisation: "" and "hdd" are the same HDD type, reported as "". */
export function normalizeDiskType(diskType: string): string {
  const lower = diskType.toLowerCase();
  return lower === 'hdd' ? '' : lower;
}

export interface DiskLocationConfig {
  dir: string;
  idxDir?: string;
  /** 0 means no limit. */
  maxVolumeCount: number;
  /** Upstream's disk type string; HDD is "". */
  diskType: string;
  /** Position of this location in `-dir`. */
  diskId: number;
  /** Batching of durable writes for this disk's volumes (upstream's SyncBatchOption); default if absent. */
  syncBatch?: SyncBatchOptions;
  /** Bound of the drain barrier when a volume stops taking writes (default: the write timeout's). */
  drainTimeoutMs?: number;
  /** -minFreeSpace for this folder; none means the disk monitor never calls it low. */
  minFreeSpace?: MinFreeSpace;
  /** The file operations of this folder's volumes (default node:fs; tests inject faults). */
  volumeIo?: VolumeIo;
}

/** Why a volume found on disk could not be loaded; kept for status instead of crashing. */
export interface VolumeLoadFailure {
  collection: string;
  volumeId: number;
  error: string;
}

export class DiskLocation {
  readonly dir: string;
  readonly idxDir: string | undefined;
  readonly maxVolumeCount: number;
  readonly diskType: string;
  readonly diskId: number;
  readonly syncBatch: SyncBatchOptions | undefined;
  readonly drainTimeoutMs: number | undefined;
  readonly minFreeSpace: MinFreeSpace | undefined;
  readonly volumeIo: VolumeIo | undefined;
  /** Told when a volume of this folder is quarantined after sustained EIO (the store stops reporting it). */
  onVolumeQuarantined: ((volumeId: number) => void) | null = null;
  private readonly quarantinedOf = (volumeId: number): void => this.onVolumeQuarantined?.(volumeId);
  /** Set by the disk monitor (upstream's isDiskSpaceLow): every volume here refuses writes. */
  private spaceLow = false;
  private readonly spaceLowOf = (): boolean => this.spaceLow;
  readonly volumes = new Map<number, Volume>();
  /** EC volumes with at least one shard mounted from this directory. */
  readonly ecVolumes = new Map<number, EcVolume>();
  readonly loadFailures: VolumeLoadFailure[] = [];
  uuid = '';

  constructor(config: DiskLocationConfig) {
    this.dir = path.resolve(config.dir);
    this.idxDir = config.idxDir === undefined || config.idxDir === '' ? undefined : path.resolve(config.idxDir);
    this.maxVolumeCount = config.maxVolumeCount;
    this.diskType = config.diskType;
    this.diskId = config.diskId;
    this.syncBatch = config.syncBatch;
    this.drainTimeoutMs = config.drainTimeoutMs;
    this.minFreeSpace = config.minFreeSpace;
    this.volumeIo = config.volumeIo;
  }

  get isDiskSpaceLow(): boolean {
    return this.spaceLow;
  }

  /** The disk monitor's verdict; returns whether it changed. */
  setDiskSpaceLow(low: boolean): boolean {
    if (low === this.spaceLow) return false;
    this.spaceLow = low;
    return true;
  }

  /** The options every volume of this disk is opened with. */
  volumeOptions(): Pick<VolumeOpenOptions, 'syncBatch' | 'drain' | 'diskSpaceLow' | 'io' | 'onIoQuarantine'> {
    return {
      diskSpaceLow: this.spaceLowOf,
      onIoQuarantine: this.quarantinedOf,
      ...(this.volumeIo === undefined ? {} : { io: this.volumeIo }),
      ...(this.syncBatch === undefined ? {} : { syncBatch: this.syncBatch }),
      ...(this.drainTimeoutMs === undefined ? {} : { drain: { timeoutMs: this.drainTimeoutMs } }),
    };
  }

  /** Creates the directory and reads (or writes) `vol_dir.uuid`, as upstream does. */
  async prepare(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    if (this.idxDir !== undefined) await fs.mkdir(this.idxDir, { recursive: true });
    const uuidPath = path.join(this.dir, 'vol_dir.uuid');
    try {
      this.uuid = (await fs.readFile(uuidPath, 'utf8')).trim();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (this.uuid === '') {
      this.uuid = randomUUID();
      await fs.writeFile(uuidPath, this.uuid);
    }
  }

  /** Where a volume's files go; a collection that could leave the directory throws. */
  location(collection: string, volumeId: number) {
    checkCollectionName(collection);
    return { dir: this.dir, ...(this.idxDir !== undefined ? { idxDir: this.idxDir } : {}), collection, volumeId };
  }

  hasFreeSlot(): boolean {
    // Upstream's hasFreeDiskLocation: a disk below -minFreeSpace takes no new volume.
    if (this.spaceLow) return false;
    return this.maxVolumeCount === 0 || this.volumes.size < this.maxVolumeCount;
  }

  /** Mounted EC shards here (upstream counts them against free slots, dataShards per volume slot). */
  ecShardCount(): number {
    let count = 0;
    for (const volume of this.ecVolumes.values()) count += volume.shards.size;
    return count;
  }

  /** Volume base names on disk, found by `.idx` or `.vif` as upstream does (and `.dat` too). */
  async discover(): Promise<Array<{ collection: string; volumeId: number }>> {
    const found = new Map<string, { collection: string; volumeId: number }>();
    const dirs = [this.dir, ...(this.idxDir !== undefined ? [this.idxDir] : [])];
    for (const dir of dirs) {
      for (const name of await fs.readdir(dir)) {
        const ext = path.extname(name);
        if (ext !== '.idx' && ext !== '.vif' && ext !== '.dat') continue;
        const parsed = parseVolumeBaseName(name.slice(0, -ext.length));
        // e.g. `.._5.dat`: a name no collection check would let us create, so not ours.
        if (parsed !== null && collectionNameProblem(parsed.collection) === null)
          found.set(`${parsed.collection}_${parsed.volumeId}`, parsed);
      }
    }
    return [...found.values()];
  }

  /**
   * Loads every volume found; a volume that fails to load is recorded and skipped. A few load at
   * once, so one volume's index reads overlap another's parsing; they are registered in the order
   * they were found.
   */
  async loadExisting(width: OffsetWidth, log: Logger): Promise<void> {
    const found = await this.discover();
    const loaded: Array<Volume | undefined> = new Array(found.length);
    let next = 0;
    const loadNext = async (): Promise<void> => {
      while (next < found.length) {
        const index = next++;
        loaded[index] = await this.loadOne(found[index]!, width, log);
      }
    };
    await Promise.all(Array.from({ length: Math.min(VOLUME_LOAD_CONCURRENCY, found.length) }, loadNext));
    for (const volume of loaded) if (volume !== undefined) this.volumes.set(volume.id, volume);
  }

  private async loadOne(
    { collection, volumeId }: { collection: string; volumeId: number },
    width: OffsetWidth,
    log: Logger,
  ): Promise<Volume | undefined> {
    const loc = this.location(collection, volumeId);
    if (await pathExists(volumeFilePath(loc, 'note'))) {
      // A `.note` marks a copy that never finished: upstream deletes such a volume at start.
      log.warn(`volume ${volumeId}: removing an unfinished copy (${volumeFilePath(loc, 'note')})`);
      for (const ext of ['dat', 'idx', 'vif', 'note']) await fs.rm(volumeFilePath(loc, ext), { force: true });
      return undefined;
    }
    // A tiered volume has no `.dat` here, only a `.vif` naming the remote one.
    if (!(await hasVolumeData(loc))) return undefined;
    try {
      return await Volume.open({ location: loc, offsetWidth: width, log, ...this.volumeOptions() });
    } catch (err) {
      this.loadFailures.push({ collection, volumeId, error: (err as Error).message });
      log.error(`volume ${volumeId} in ${this.dir} failed to load: ${(err as Error).message}`, {
        volumeId,
        error: (err as Error).message,
      });
      return undefined;
    }
  }

  async close(): Promise<void> {
    for (const volume of this.volumes.values()) await volume.close();
    this.volumes.clear();
  }
}
