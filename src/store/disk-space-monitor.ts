// The disk-space monitor (upstream's DiskLocation.CheckDiskSpace loop): every interval, each disk
// location's free space is compared with its -minFreeSpace. Below it, the location is marked low
// (published first: its volumes refuse writes at once and the heartbeat reports them read-only
// and no free slots), and then each volume's drain barrier is held so the status can say when
// the last admitted write has committed. Once space is back, the next pass lifts the mark.
import { type ServiceSnapshot, emptyStatus } from '../status/service-status.ts';
import type { DiskLocation } from './disk-location.ts';
import { type DiskSpace, isDiskSpaceLow, readDiskSpace } from './min-free-space.ts';
import { type Logger, silentLogger } from '../log/logger.ts';

/** Upstream checks once a minute. */
export const DEFAULT_DISK_CHECK_INTERVAL_MS = 60_000;

export type StatDiskSpace = (dir: string) => Promise<DiskSpace>;

export interface DiskSpaceMonitorOptions {
  intervalMs?: number;
  /** statfs by default; tests pass their own. */
  statDiskSpace?: StatDiskSpace;
  log?: Logger;
}

/** The monitor's figures for the service status; reading them changes nothing. */
export interface DiskSpaceMonitorStats {
  running: boolean;
  intervalMs: number;
  passesTotal: number;
  lowLocations: string[];
  lastPassAtMs: number;
  lastError: string;
  lastErrorAtMs: number;
}

export class DiskSpaceMonitor {
  private readonly intervalMs: number;
  private readonly statDiskSpace: StatDiskSpace;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private passing: Promise<void> | undefined;
  private passesTotal = 0;
  private lastPassAtMs = 0;
  private lastError = '';
  private lastErrorAtMs = 0;
  /** Some location could not be read in the last pass. */
  private lastPassFailed = false;
  private phase: 'new' | 'starting' | 'running' | 'stopped' = 'new';

  constructor(
    private readonly locations: readonly DiskLocation[],
    options: DiskSpaceMonitorOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? DEFAULT_DISK_CHECK_INTERVAL_MS;
    if (!(this.intervalMs > 0)) throw new RangeError(`disk check interval must be positive, got ${this.intervalMs}`);
    this.statDiskSpace = options.statDiskSpace ?? readDiskSpace;
    this.log = options.log ?? silentLogger;
  }

  /** Runs a first pass now (as upstream, before volumes take writes), then one per interval. */
  async start(): Promise<void> {
    this.phase = 'starting';
    await this.checkNow();
    if (this.phase !== 'starting') return;
    this.phase = 'running';
    this.schedule();
  }

  stop(): void {
    this.phase = 'stopped';
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  get stats(): DiskSpaceMonitorStats {
    return {
      running: this.timer !== undefined,
      intervalMs: this.intervalMs,
      passesTotal: this.passesTotal,
      lowLocations: this.locations.filter((l) => l.isDiskSpaceLow).map((l) => l.dir),
      lastPassAtMs: this.lastPassAtMs,
      lastError: this.lastError,
      lastErrorAtMs: this.lastErrorAtMs,
    };
  }

  statusSnapshot(): ServiceSnapshot {
    const reserves = this.locations.map((l) => `${l.dir}=${l.minFreeSpace?.raw ?? 'none'}`).join(',');
    const enabled = this.locations.some((l) => l.minFreeSpace !== undefined);
    const stats = this.stats;
    const current =
      this.phase === 'new'
        ? enabled
          ? 'Stopped'
          : 'Disabled'
        : this.phase === 'starting'
          ? 'Starting'
          : this.phase === 'stopped'
            ? 'Stopped'
            : this.lastPassFailed
              ? 'Degraded'
              : 'Running';
    return {
      name: 'disk-space-monitor',
      desired: { enabled, intervalMs: this.intervalMs, minFreeSpace: reserves },
      current,
      status: emptyStatus({
        counters: { passes: stats.passesTotal, lowLocations: stats.lowLocations.length },
        lastSuccessAtMs: stats.lastPassAtMs > 0 && !this.lastPassFailed ? stats.lastPassAtMs : null,
        lastError: stats.lastError !== '' ? { message: stats.lastError, atMs: stats.lastErrorAtMs } : null,
        cancelledBy: ['shutdown'],
        hasShutdownHandle: true,
        detail:
          stats.lowLocations.length > 0
            ? `low on space: ${stats.lowLocations.join(', ')}`
            : 'every folder above its reserve',
      }),
    };
  }

  /** One pass over every location; a pass already running is joined, not doubled. */
  checkNow(): Promise<void> {
    this.passing ??= this.pass().finally(() => (this.passing = undefined));
    return this.passing;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      void this.checkNow().finally(() => {
        if (this.timer !== undefined) this.schedule();
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    let failed = false;
    for (const location of this.locations) {
      const reserve = location.minFreeSpace;
      if (reserve === undefined) continue;
      let space: DiskSpace;
      try {
        space = await this.statDiskSpace(location.dir);
      } catch (err) {
        // Upstream marks such a disk unavailable; its volumes keep their state here.
        this.lastError = `statfs ${location.dir}: ${(err as Error).message}`;
        this.lastErrorAtMs = Date.now();
        failed = true;
        continue;
      }
      const verdict = isDiskSpaceLow(reserve, space);
      if (!location.setDiskSpaceLow(verdict.low)) continue;
      const message = `dir ${location.dir} ${verdict.description}${verdict.low ? ': its volumes are read-only until space is freed' : ': writes resume'}`;
      if (verdict.low) this.log.warn(message, { path: location.dir });
      else this.log.info(message, { path: location.dir });
      if (verdict.low) await this.drainVolumesOf(location);
    }
    this.passesTotal += 1;
    this.lastPassAtMs = Date.now();
    this.lastPassFailed = failed;
  }

  private async drainVolumesOf(location: DiskLocation): Promise<void> {
    for (const volume of location.volumes.values()) {
      try {
        await volume.drainWrites('disk space low');
      } catch (err) {
        // The disk stays marked low either way; the barrier's figures say what is still committing.
        this.log.warn(`volume ${volume.id}: ${(err as Error).message}`, {
          volumeId: volume.id,
          error: (err as Error).message,
        });
      }
    }
  }
}
