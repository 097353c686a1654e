// The EIO series of 4.53: SeaweedFS_volumeServer_storage_io_error_total counts every storage
// read, write or sync that failed with EIO (volumes and EC shards alike), and
// SeaweedFS_volumeServer_io_quarantine{kind} says how many volumes, and how many EC shards, are
// quarantined after IO_ERROR_TOLERANCE of them in a row. Read from the store at each scrape.
import { Counter, Gauge, type Registry } from 'prom-client';
import { storageIoErrors } from '../../storage/io/io-error-tracker.ts';

const PREFIX = 'SeaweedFS_volumeServer_';

export interface IoQuarantineSource {
  readonly locations: ReadonlyArray<{
    readonly volumes: ReadonlyMap<number, { readonly isIoQuarantined: boolean }>;
    readonly ecVolumes?: ReadonlyMap<number, { ioErrorState(): { quarantined: boolean }; shardIds(): number[] }>;
  }>;
}

export function registerIoErrorMetrics(registry: Registry, source: IoQuarantineSource): void {
  const registers = [registry];
  new Counter({
    name: `${PREFIX}storage_io_error_total`,
    help: 'Counter of storage read/write EIO errors on volumes and EC shards.',
    registers,
    collect() {
      this.reset();
      this.inc(storageIoErrors.total);
    },
  });
  new Gauge({
    name: `${PREFIX}io_quarantine`,
    help: 'Number of volumes or EC shards quarantined due to storage IO errors.',
    labelNames: ['kind'],
    registers,
    collect() {
      let volumes = 0;
      let ecShards = 0;
      for (const location of source.locations) {
        for (const volume of location.volumes.values()) if (volume.isIoQuarantined) volumes++;
        for (const ec of location.ecVolumes?.values() ?? [])
          if (ec.ioErrorState().quarantined) ecShards += ec.shardIds().length;
      }
      this.set({ kind: 'volume' }, volumes);
      this.set({ kind: 'ec_shard' }, ecShards);
    },
  });
}
