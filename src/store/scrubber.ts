// The continuous scrubber: off by default (-scrub.interval 0). When on, every volume of every
// folder gets one full pass per interval: each record read back and each live needle's checksum
// checked, then the index rows checked against `.dat`. Per folder it reads at most
// -scrub.MBps and scrubs -scrub.concurrentVolumes volumes at once, and it waits while client
// requests in flight pass a bound (every wait counted). Its place in each volume is
// checkpointed, so a restart resumes a pass. It works under the volume's lease one slice at a
// time, so a vacuum or a maintenance agent can have the volume in between; a vacuum since the
// pass began starts it over. A volume found damaged is handed to `onDamage` (which marks it
// read-only and tells the master, as ScrubVolume's mark-broken does), and the scrubber goes on.
import os from 'node:os';
import { VolumeLease } from '../storage/maintenance/volume-lease.ts';
import { isStorageError } from '../storage/errors.ts';
import type { Volume } from '../storage/volume.ts';
import { scrubEcChecksum, scrubEcLocal } from '../ec/ec-scrub.ts';
import { mergeEcRuntimes } from '../ec/ec-merged-runtimes.ts';
import type { ParityCoder } from '../ec/ec-encoder.ts';
import type { EcVolume } from '../ec/ec-volume.ts';
import { ServiceHealth } from '../status/service-health.ts';
import { type ServiceSnapshot, emptyStatus } from '../status/service-status.ts';
import { ByteRateLimiter, type PacingClock, realClock } from './byte-rate-limiter.ts';
import type { DiskLocation } from './disk-location.ts';
import { ScrubCheckpoints } from './scrub-checkpoints.ts';
import { CookieChain } from './scrub-cookies.ts';
import { type ScrubFinding, scrubSpan } from './scrub-span.ts';
import { type Logger, silentLogger } from '../log/logger.ts';

/** Bytes checked under one lease, and between checkpoint saves. */
export const SCRUB_SLICE_BYTES = 8 * 1024 * 1024;
export const DEFAULT_MAX_FOREGROUND_IN_FLIGHT = 16;
/** How long a folder loop sleeps when nothing is due, at most (new volumes appear meanwhile). */
const IDLE_POLL_MS = 60_000;
/** How long the scrubber waits for foreground requests to fall under the bound, per try. */
const ADMISSION_WAIT_MS = 50;
/** Findings kept for the status (the counters count them all). */
const MAX_RECENT_FINDINGS = 32;

export interface ScrubberOptions {
  /** A full pass per volume per interval; 0 turns the scrubber off. */
  intervalMs: number;
  /** Per folder. */
  bytesPerSecond: number;
  /** Per folder. */
  concurrentVolumes: number;
  /** Client requests being served now; the scrubber waits while it exceeds the bound. */
  foregroundInFlight?: () => number;
  maxForegroundInFlight?: number;
  /** A pass found damage in a live needle or the record walk; the volume is the caller's to mark. */
  onDamage?: (volume: Volume, findings: readonly ScrubFinding[]) => Promise<void>;
  /** The Reed-Solomon coder, for checking EC shards against their `.ecsum` sidecar. */
  coder?: () => ParityCoder;
  clock?: PacingClock;
  log?: Logger;
}

export interface ScrubberStats {
  passesCompleted: number;
  ecPassesCompleted: number;
  bytesChecked: number;
  recordsChecked: number;
  damagedVolumes: number;
  findings: number;
  garbageDamaged: number;
  admissionWaits: number;
  leaseSkips: number;
  /** Live needles whose cookie went unchecked: their earlier version did not fit the pass's memory. */
  cookieChecksSkipped: number;
}

export class Scrubber {
  private readonly clock: PacingClock;
  private readonly log: Logger;
  private readonly health: ServiceHealth;
  private phase: 'stopped' | 'running' | 'stopping' = 'stopped';
  private loops: Promise<void>[] = [];
  private readonly checkpoints = new Map<DiskLocation, ScrubCheckpoints>();
  private readonly recent: ScrubFinding[] = [];
  private active = 0;
  readonly stats: ScrubberStats = {
    passesCompleted: 0,
    ecPassesCompleted: 0,
    bytesChecked: 0,
    recordsChecked: 0,
    damagedVolumes: 0,
    findings: 0,
    garbageDamaged: 0,
    admissionWaits: 0,
    leaseSkips: 0,
    cookieChecksSkipped: 0,
  };
  private wakeSleepers: Array<() => void> = [];
  /** When each EC volume's last pass ended (EC passes are one call: nothing to resume). */
  private readonly ecPassedAtMs = new WeakMap<EcVolume, number>();

  constructor(
    private readonly locations: readonly DiskLocation[],
    private readonly options: ScrubberOptions,
  ) {
    if (!(options.intervalMs >= 0))
      throw new RangeError(`scrub interval must not be negative, got ${options.intervalMs}`);
    if (!(options.bytesPerSecond > 0))
      throw new RangeError(`scrub rate must be positive, got ${options.bytesPerSecond}`);
    if (!(options.concurrentVolumes >= 1))
      throw new RangeError(`scrub concurrency must be at least 1, got ${options.concurrentVolumes}`);
    this.clock = options.clock ?? realClock;
    this.log = options.log ?? silentLogger;
    this.health = new ServiceHealth(() => this.clock.nowMs());
  }

  get enabled(): boolean {
    return this.options.intervalMs > 0;
  }

  /** Loads each folder's checkpoints and starts one loop per folder; nothing when disabled. */
  async start(): Promise<void> {
    if (!this.enabled || this.phase !== 'stopped') return;
    for (const location of this.locations) {
      const checkpoints = new ScrubCheckpoints(location.idxDir ?? location.dir);
      await checkpoints.load(this.log);
      this.checkpoints.set(location, checkpoints);
    }
    this.phase = 'running';
    this.loops = this.locations.map((location) => this.folderLoop(location));
  }

  /** Stops after the slices in progress; their place is saved. */
  async stop(): Promise<void> {
    if (this.phase !== 'running') return;
    this.phase = 'stopping';
    for (const wake of this.wakeSleepers.splice(0)) wake();
    await Promise.all(this.loops);
    this.phase = 'stopped';
  }

  statusSnapshot(): ServiceSnapshot {
    const current = !this.enabled
      ? 'Disabled'
      : this.phase === 'stopping'
        ? 'Stopping'
        : this.phase === 'stopped'
          ? 'Stopped'
          : this.health.failing
            ? 'Degraded'
            : 'Running';
    const s = this.stats;
    return {
      name: 'scrubber',
      desired: {
        enabled: this.enabled,
        intervalMs: this.options.intervalMs,
        bytesPerSecond: this.options.bytesPerSecond,
        concurrentVolumes: this.options.concurrentVolumes,
        maxForegroundInFlight: this.options.maxForegroundInFlight ?? DEFAULT_MAX_FOREGROUND_IN_FLIGHT,
      },
      current,
      status: emptyStatus({
        ...this.health.figures(),
        counters: { ...s },
        workers: this.active,
        queueLimit: this.options.concurrentVolumes * this.locations.length,
        cancelledBy: ['shutdown'],
        hasShutdownHandle: true,
        detail:
          this.recent.length > 0
            ? `last finding: volume ${this.recent[this.recent.length - 1]!.volumeId}: ${this.recent[this.recent.length - 1]!.detail}`
            : 'no damage found',
      }),
    };
  }

  /** The latest findings, oldest first. */
  recentFindings(): ScrubFinding[] {
    return this.recent.map((f) => ({ ...f }));
  }

  private sleep(ms: number): Promise<void> {
    if (this.phase !== 'running') return Promise.resolve();
    return new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        this.wakeSleepers = this.wakeSleepers.filter((w) => w !== finish);
        resolve();
      };
      this.wakeSleepers.push(finish);
      void this.clock.sleep(ms).then(finish);
    });
  }

  private async folderLoop(location: DiskLocation): Promise<void> {
    const limiter = new ByteRateLimiter(this.options.bytesPerSecond, {
      nowMs: () => this.clock.nowMs(),
      sleep: (ms) => this.sleep(ms),
    });
    const checkpoints = this.checkpoints.get(location)!;
    while (this.phase === 'running') {
      const now = this.clock.nowMs();
      const volumes = [...location.volumes.values()].filter((v) => !v.readsRemoteDat).sort((a, b) => a.id - b.id);
      checkpoints.retain(new Set(volumes.map((v) => v.id)));
      const dueAt = (v: Volume) => {
        const c = checkpoints.get(v.id);
        if (c === undefined) return 0;
        // A pass under way continues at once; a finished one waits out the interval.
        return c.offsetBytes > v.firstNeedleOffsetBytes ? 0 : c.lastPassCompletedAtMs + this.options.intervalMs;
      };
      const ecVolumes = [...location.ecVolumes.values()];
      const ecDueAt = (ec: EcVolume) =>
        (this.ecPassedAtMs.get(ec) ?? 0) + (this.ecPassedAtMs.has(ec) ? this.options.intervalMs : 0);
      const due: Array<() => Promise<void>> = [
        ...volumes.filter((v) => dueAt(v) <= now).map((v) => () => this.scrubVolume(v, checkpoints, limiter)),
        ...ecVolumes.filter((ec) => ecDueAt(ec) <= now).map((ec) => () => this.scrubEc(ec, limiter)),
      ];
      if (due.length === 0) {
        // New volumes are looked for at least once per interval.
        const next = Math.min(
          ...volumes.map(dueAt),
          ...ecVolumes.map(ecDueAt),
          now + Math.min(IDLE_POLL_MS, this.options.intervalMs),
        );
        await this.sleep(Math.max(1, next - now));
        continue;
      }
      const workers = Array.from({ length: Math.min(this.options.concurrentVolumes, due.length) }, async () => {
        for (let work = due.shift(); work !== undefined && this.phase === 'running'; work = due.shift()) await work();
      });
      await Promise.all(workers);
    }
  }

  /** Waits while the foreground is busier than the bound. */
  private async admit(): Promise<void> {
    const inFlight = this.options.foregroundInFlight;
    if (inFlight === undefined) return;
    const bound = this.options.maxForegroundInFlight ?? DEFAULT_MAX_FOREGROUND_IN_FLIGHT;
    while (this.phase === 'running' && inFlight() > bound) {
      this.stats.admissionWaits++;
      await this.sleep(ADMISSION_WAIT_MS);
    }
  }

  private async scrubVolume(volume: Volume, checkpoints: ScrubCheckpoints, limiter: ByteRateLimiter): Promise<void> {
    this.active++;
    try {
      await this.passOf(volume, checkpoints, limiter);
    } catch (err) {
      // A volume unmounted or deleted under the scrubber is no failure of the scrubber.
      if (isStorageError(err, 'volume_closed')) return;
      this.health.failed(new Error(`volume ${volume.id}: ${(err as Error).message}`));
      this.log.error(`scrubber: volume ${volume.id}: ${(err as Error).message}`, {
        volumeId: volume.id,
        error: (err as Error).message,
      });
    } finally {
      this.active--;
    }
  }

  /** An EC volume's needles read from its local shards, paced by their size. */
  private async scrubEc(ec: EcVolume, limiter: ByteRateLimiter): Promise<void> {
    this.active++;
    try {
      await this.admit();
      const bytes = ec.shardIds().length * ec.shardSizeBytes();
      await limiter.take(bytes);
      if (this.phase !== 'running') return;
      const result = await scrubEcLocal(ec);
      // Where a `.ecsum` sidecar protects the shards, their raw bytes are checked against it too.
      const merged = ec.bitrot.status !== 'off' && this.options.coder !== undefined ? mergeEcRuntimes([ec]) : null;
      if (merged !== null && this.options.coder !== undefined) {
        const checksums = await scrubEcChecksum(merged, this.options.coder);
        result.errors.push(
          ...checksums.errors,
          ...checksums.brokenShards.map((b) => `shard ${b.shardId} fails its .ecsum checksum`),
        );
      }
      this.stats.bytesChecked += bytes;
      this.stats.ecPassesCompleted++;
      this.ecPassedAtMs.set(ec, this.clock.nowMs());
      this.health.succeeded();
      if (result.errors.length > 0) {
        const findings = result.errors.map((detail) => ({
          volumeId: ec.volumeId,
          needleId: '',
          offsetBytes: 0,
          detail: `ec: ${detail}`,
        }));
        // EC volumes are read-only already: the finding is logged, counted and shown.
        this.recordFindings(ec.volumeId, findings);
      }
    } catch (err) {
      this.health.failed(new Error(`ec volume ${ec.volumeId}: ${(err as Error).message}`));
      this.ecPassedAtMs.set(ec, this.clock.nowMs());
    } finally {
      this.active--;
    }
  }

  private async passOf(volume: Volume, checkpoints: ScrubCheckpoints, limiter: ByteRateLimiter): Promise<void> {
    const revision = volume.superBlock.compactionRevision;
    let cursor = checkpoints.get(volume.id);
    if (
      cursor === undefined ||
      cursor.compactionRevision !== revision ||
      cursor.offsetBytes <= volume.firstNeedleOffsetBytes
    ) {
      cursor = {
        offsetBytes: volume.firstNeedleOffsetBytes,
        compactionRevision: revision,
        passStartedAtMs: this.clock.nowMs(),
        lastPassCompletedAtMs: cursor?.lastPassCompletedAtMs ?? 0,
      };
    }
    const findings: ScrubFinding[] = [];
    // Per pass, in memory: a pass resumed after a restart checks the cookies from there on.
    const cookies = new CookieChain();
    const take = async (bytes: number) => {
      await this.admit();
      await limiter.take(bytes);
    };
    while (this.phase === 'running') {
      if (volume.isCompacting) return;
      let lease: VolumeLease;
      try {
        lease = await VolumeLease.acquire(volume.location, { owner: `server@${os.hostname()}`, agent: 'scrub' });
      } catch (err) {
        if (!isStorageError(err, 'lease_held')) throw err;
        this.stats.leaseSkips++;
        return;
      }
      let done = false;
      try {
        // A vacuum may have committed between slices: its offsets are new, so start over.
        if (volume.superBlock.compactionRevision !== cursor.compactionRevision || volume.isCompacting) return;
        const { datSizeBytes } = await volume.fileSizesBetweenBatches();
        const span = await scrubSpan(volume, cursor.offsetBytes, datSizeBytes, SCRUB_SLICE_BYTES, take, cookies);
        this.stats.bytesChecked += span.bytesChecked;
        this.stats.recordsChecked += span.recordsChecked;
        this.stats.garbageDamaged += span.garbageDamaged;
        findings.push(...span.findings);
        cursor.offsetBytes = span.nextOffsetBytes;
        done = span.broken || span.nextOffsetBytes >= datSizeBytes;
        if (done) {
          const index = await volume.scrub(false);
          for (const error of index.errors)
            findings.push({ volumeId: volume.id, needleId: '', offsetBytes: 0, detail: error });
        }
      } finally {
        await lease.release();
      }
      if (done) {
        checkpoints.set(volume.id, {
          ...cursor,
          offsetBytes: volume.firstNeedleOffsetBytes,
          lastPassCompletedAtMs: this.clock.nowMs(),
        });
        await checkpoints.save();
        this.stats.passesCompleted++;
        this.stats.cookieChecksSkipped += cookies.skippedFull;
        this.health.succeeded();
        if (findings.length > 0) await this.report(volume, findings);
        return;
      }
      checkpoints.set(volume.id, cursor);
      await checkpoints.save();
    }
  }

  private recordFindings(volumeId: number, findings: readonly ScrubFinding[]): void {
    this.stats.damagedVolumes++;
    this.stats.findings += findings.length;
    for (const f of findings) {
      this.recent.push(f);
      if (this.recent.length > MAX_RECENT_FINDINGS) this.recent.shift();
    }
    this.log.error(
      `scrubber: volume ${volumeId} is damaged: ${findings.map((f) => `${f.needleId !== '' ? `needle ${f.needleId} at ${f.offsetBytes}: ` : ''}${f.detail}`).join('; ')}`,
    );
  }

  private async report(volume: Volume, findings: ScrubFinding[]): Promise<void> {
    this.recordFindings(volume.id, findings);
    try {
      await this.options.onDamage?.(volume, findings);
    } catch (err) {
      this.health.failed(new Error(`volume ${volume.id}: marking it broken: ${(err as Error).message}`));
    }
  }
}
