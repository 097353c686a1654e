// Store gauges computed from the live store at each scrape: volume and EC shard counts, read-only
// counts and sizes per collection, the volume slots, and each directory's disk space. Upstream updates these
// on its heartbeat and disk-check ticks; computing them on demand gives the same numbers, current.
import { promises as fs } from 'node:fs';
import { Gauge, type Registry } from 'prom-client';
import { type MinFreeSpace, availableBytes, readDiskSpace } from '../../store/min-free-space.ts';

const PREFIX = 'SeaweedFS_volumeServer_';

/** The volume facts the gauges read (a structural slice of storage's Volume). */
export interface MeteredVolume {
  readonly collection: string;
  readonly isReadOnly: boolean;
  readonly isReadOnlyByState: boolean;
  readonly isDiskSpaceLow: boolean;
  readonly canDelete: boolean;
  /** Quarantined after sustained EIO: left out of the totals, as upstream's heartbeat leaves it out. */
  readonly isIoQuarantined?: boolean;
  stats(): { datSizeBytes: number; deletedBytes: number };
}

/** The EC volume facts the gauges read (a structural slice of ec's EcVolume). */
export interface MeteredEcVolume {
  readonly collection: string;
  shardIds(): number[];
  /** Size of each mounted shard (they are all equal). */
  shardSizeBytes(): number;
}

export interface MeteredLocation {
  readonly dir: string;
  readonly maxVolumeCount: number;
  readonly volumes: ReadonlyMap<number, MeteredVolume>;
  readonly ecVolumes?: ReadonlyMap<number, MeteredEcVolume>;
  /** -minFreeSpace of the folder; none means no reserve. */
  readonly minFreeSpace?: MinFreeSpace | undefined;
}

export interface StoreGaugeSource {
  locations: readonly MeteredLocation[];
}

// read_only_volumes `type` values (weed/stats/metrics.go).
const READ_ONLY = 'IsReadOnly';
const NO_WRITE_OR_DELETE = 'noWriteOrDelete';
const NO_WRITE_CAN_DELETE = 'noWriteCanDelete';
const DISK_SPACE_LOW = 'isDiskSpaceLow';

interface CollectionTotals {
  volumes: number;
  sizeBytes: number;
  deletedBytes: number;
  readOnly: Record<string, number>;
}

interface EcCollectionTotals {
  shards: number;
  sizeBytes: number;
}

function ecCollectionTotals(source: StoreGaugeSource): Map<string, EcCollectionTotals> {
  const totals = new Map<string, EcCollectionTotals>();
  for (const location of source.locations) {
    for (const ecVolume of location.ecVolumes?.values() ?? []) {
      const shards = ecVolume.shardIds().length;
      if (shards === 0) continue;
      const entry = totals.get(ecVolume.collection) ?? { shards: 0, sizeBytes: 0 };
      entry.shards += shards;
      entry.sizeBytes += shards * ecVolume.shardSizeBytes();
      totals.set(ecVolume.collection, entry);
    }
  }
  return totals;
}

function collectionTotals(source: StoreGaugeSource): Map<string, CollectionTotals> {
  const totals = new Map<string, CollectionTotals>();
  for (const location of source.locations) {
    for (const volume of location.volumes.values()) {
      if (volume.isIoQuarantined === true) continue;
      let entry = totals.get(volume.collection);
      if (entry === undefined) {
        entry = {
          volumes: 0,
          sizeBytes: 0,
          deletedBytes: 0,
          readOnly: { [READ_ONLY]: 0, [NO_WRITE_OR_DELETE]: 0, [NO_WRITE_CAN_DELETE]: 0, [DISK_SPACE_LOW]: 0 },
        };
        totals.set(volume.collection, entry);
      }
      const stats = volume.stats();
      entry.volumes += 1;
      entry.sizeBytes += stats.datSizeBytes;
      entry.deletedBytes += stats.deletedBytes;
      if (volume.isReadOnly) {
        // Upstream counts each reason the volume refuses writes, and IsReadOnly once.
        entry.readOnly[READ_ONLY]! += 1;
        if (volume.isReadOnlyByState) entry.readOnly[volume.canDelete ? NO_WRITE_CAN_DELETE : NO_WRITE_OR_DELETE]! += 1;
        if (volume.isDiskSpaceLow) entry.readOnly[DISK_SPACE_LOW]! += 1;
      }
    }
  }
  return totals;
}

export function registerStoreGauges(registry: Registry, source: StoreGaugeSource): void {
  const registers = [registry];
  // Each gauge walks the volumes itself: cheap next to a scrape, and never stale.
  const totalsNow = (): Map<string, CollectionTotals> => collectionTotals(source);

  new Gauge({
    name: `${PREFIX}volumes`,
    help: 'Number of volumes or shards.',
    labelNames: ['collection', 'type'],
    registers,
    collect() {
      this.reset();
      for (const [collection, totals] of totalsNow()) this.set({ collection, type: 'volume' }, totals.volumes);
      for (const [collection, totals] of ecCollectionTotals(source))
        this.set({ collection, type: 'ec_shards' }, totals.shards);
    },
  });
  new Gauge({
    name: `${PREFIX}read_only_volumes`,
    help: 'Number of read only volumes.',
    labelNames: ['collection', 'type'],
    registers,
    collect() {
      this.reset();
      for (const [collection, totals] of totalsNow()) {
        for (const [type, count] of Object.entries(totals.readOnly)) this.set({ collection, type }, count);
      }
    },
  });
  new Gauge({
    name: `${PREFIX}total_disk_size`,
    help: 'Actual disk size used by volumes.',
    labelNames: ['collection', 'type'],
    registers,
    collect() {
      this.reset();
      for (const [collection, totals] of totalsNow()) {
        this.set({ collection, type: 'normal' }, totals.sizeBytes);
        this.set({ collection, type: 'deleted_bytes' }, totals.deletedBytes);
      }
      for (const [collection, totals] of ecCollectionTotals(source))
        this.set({ collection, type: 'ec' }, totals.sizeBytes);
    },
  });
  new Gauge({
    name: `${PREFIX}max_volumes`,
    help: 'Maximum number of volumes.',
    registers,
    collect() {
      this.set(source.locations.reduce((sum, location) => sum + location.maxVolumeCount, 0));
    },
  });
  new Gauge({
    name: `${PREFIX}resource`,
    help: 'Resource usage',
    labelNames: ['name', 'type'],
    registers,
    async collect() {
      this.reset();
      await Promise.all(
        source.locations.map(async (location) => {
          // A folder whose space cannot be read is left out of this scrape.
          const space = await readDiskSpace(location.dir).catch(() => null);
          if (space === null) return;
          this.set({ name: location.dir, type: 'all' }, space.totalBytes);
          this.set({ name: location.dir, type: 'used' }, space.totalBytes - space.freeBytes);
          this.set({ name: location.dir, type: 'free' }, space.freeBytes);
          this.set({ name: location.dir, type: 'avail' }, availableBytes(space, location.minFreeSpace));
        }),
      );
    },
  });
  new Gauge({
    name: `${PREFIX}disk_error_status`,
    help: 'Disk error status',
    labelNames: ['name', 'type'],
    registers,
    async collect() {
      this.reset();
      await Promise.all(
        source.locations.map(async (location) => {
          const healthy = await fs.statfs(location.dir).then(
            () => true,
            () => false,
          );
          this.set({ name: location.dir, type: 'error' }, healthy ? 0 : 1);
        }),
      );
    },
  });
}
