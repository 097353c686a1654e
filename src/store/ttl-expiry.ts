// TTL expiry, as upstream's heartbeat collection does it: a volume with a TTL whose last write is
// older than the TTL is expired (the heartbeat stops reporting it, so the master stops using
// it), and once a removal delay has passed as well (a tenth of the TTL, at most 10 minutes) its
// files are deleted. An EC volume whose `.vif` expiry has passed is torn down. Nothing expires
// while the master's volume size limit is unknown, as upstream.
import { ttlMinutes } from '../storage/needle/ttl.ts';
import { SUPER_BLOCK_SIZE_BYTES } from '../storage/super-block.ts';
import type { Volume } from '../storage/volume.ts';
import { ServiceHealth } from '../status/service-health.ts';
import { type ServiceSnapshot, emptyStatus } from '../status/service-status.ts';
import { tearDownEcVolume } from './ec-shard-delete.ts';
import type { Store } from './store.ts';
import { type Logger, silentLogger } from '../log/logger.ts';

export const MAX_TTL_VOLUME_REMOVAL_DELAY_MINUTES = 10;
/** Upstream checks on every heartbeat pulse; expiry is counted in minutes, so this is plenty. */
export const DEFAULT_TTL_CHECK_INTERVAL_MS = 30_000;

/** Upstream's Volume.expired: past its TTL since the last write (whole minutes lived). */
export function isVolumeExpired(volume: Volume, volumeSizeLimitBytes: number, nowMs: number): boolean {
  if (volumeSizeLimitBytes === 0) return false;
  const stats = volume.stats();
  if (stats.datSizeBytes <= SUPER_BLOCK_SIZE_BYTES) return false;
  const ttl = ttlMinutes(volume.ttl);
  if (ttl === 0) return false;
  const livedMinutes = Math.floor((Math.floor(nowMs / 1000) - stats.lastModifiedTsSeconds) / 60);
  return ttl < livedMinutes;
}

/** Upstream's expiredLongEnough: past the TTL and the removal delay. */
export function isExpiredLongEnough(volume: Volume, nowMs: number): boolean {
  const ttl = ttlMinutes(volume.ttl);
  if (ttl === 0) return false;
  const delay = Math.min(Math.floor(ttl / 10), MAX_TTL_VOLUME_REMOVAL_DELAY_MINUTES);
  return (ttl + delay) * 60 + volume.stats().lastModifiedTsSeconds < Math.floor(nowMs / 1000);
}

export interface TtlExpiryOptions {
  intervalMs?: number;
  nowMs?: () => number;
  log?: Logger;
}

export class TtlExpiry {
  private readonly intervalMs: number;
  private readonly nowMs: () => number;
  private readonly log: Logger;
  private readonly health: ServiceHealth;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private passing: Promise<void> | null = null;
  private readonly counts = { passes: 0, volumesDeleted: 0, ecVolumesDeleted: 0, expiredNow: 0 };

  constructor(
    private readonly store: Store,
    options: TtlExpiryOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? DEFAULT_TTL_CHECK_INTERVAL_MS;
    if (!(this.intervalMs > 0)) throw new RangeError(`TTL check interval must be positive, got ${this.intervalMs}`);
    this.nowMs = options.nowMs ?? Date.now;
    this.log = options.log ?? silentLogger;
    this.health = new ServiceHealth(this.nowMs);
  }

  start(): void {
    this.running = true;
    this.schedule();
  }

  stop(): Promise<void> {
    this.running = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    return this.passing ?? Promise.resolve();
  }

  /** One pass now (a pass under way is joined). */
  checkNow(): Promise<void> {
    this.passing ??= this.pass().finally(() => (this.passing = null));
    return this.passing;
  }

  statusSnapshot(): ServiceSnapshot {
    return {
      name: 'ttl-expiry',
      desired: {
        enabled: true,
        intervalMs: this.intervalMs,
        maxRemovalDelayMinutes: MAX_TTL_VOLUME_REMOVAL_DELAY_MINUTES,
      },
      current: !this.running ? 'Stopped' : this.health.failing ? 'Degraded' : 'Running',
      status: emptyStatus({
        ...this.health.figures(),
        counters: { ...this.counts },
        cancelledBy: ['shutdown'],
        hasShutdownHandle: true,
        detail:
          this.store.volumeSizeLimitBytes === 0
            ? "waiting for the master's volume size limit"
            : `${this.counts.expiredNow} expired volume(s) awaiting removal`,
      }),
    };
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      void this.checkNow().finally(() => this.schedule());
    }, this.intervalMs);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    const now = this.nowMs();
    let failed = false;
    let expiredNow = 0;
    const toDelete: Volume[] = [];
    for (const { volume } of this.store.allVolumes()) {
      // A quarantined volume's files are never deleted (4.53 skips it before the expiry check).
      if (volume.isIoQuarantined || !isVolumeExpired(volume, this.store.volumeSizeLimitBytes, now)) continue;
      if (isExpiredLongEnough(volume, now)) toDelete.push(volume);
      else expiredNow++;
    }
    for (const volume of toDelete) {
      try {
        await this.store.deleteVolume(volume.id, false);
        this.counts.volumesDeleted++;
        this.log.info(`volume ${volume.id} expired (TTL ${ttlMinutes(volume.ttl)}m): deleted`, { volumeId: volume.id });
      } catch (err) {
        failed = true;
        this.health.failed(new Error(`delete expired volume ${volume.id}: ${(err as Error).message}`));
      }
    }
    const ecExpired = new Map<number, string>();
    for (const { volume } of this.store.ec.all()) {
      if (volume.expireAtSec > 0n && BigInt(Math.floor(now / 1000)) > volume.expireAtSec)
        ecExpired.set(volume.volumeId, volume.collection);
    }
    for (const [volumeId, collection] of ecExpired) {
      try {
        await tearDownEcVolume(this.store, collection, volumeId, 0n);
        this.counts.ecVolumesDeleted++;
        this.log.info(`ec volume ${volumeId} expired: deleted`, { volumeId });
      } catch (err) {
        failed = true;
        this.health.failed(new Error(`delete expired ec volume ${volumeId}: ${(err as Error).message}`));
      }
    }
    this.counts.expiredNow = expiredNow;
    this.counts.passes++;
    if (!failed) this.health.succeeded();
  }
}
