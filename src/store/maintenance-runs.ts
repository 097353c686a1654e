// Maintenance agents on a running server's volumes, started on purpose by an operator (never on
// their own): each run takes the volume's lease first, keeps it renewed, reports progress while
// it runs, and keeps its final figures afterwards (the last MAX_KEPT_RUNS runs).
//   rebuild-index  unmounts the volume (writes and reads are refused meanwhile), rebuilds `.idx`
//                  from `.dat`, and mounts it again, whatever the outcome;
//   verify         reads a mounted volume's files up to sizes taken between write batches, and
//                  changes nothing.
import os from 'node:os';
import { StorageError } from '../storage/errors.ts';
import { AgentProgress, type ProgressSnapshot } from '../storage/maintenance/agent-progress.ts';
import { type RebuildResult, rebuildIndex } from '../storage/maintenance/index-rebuild.ts';
import { DEFAULT_LEASE_TTL_MS, VolumeLease } from '../storage/maintenance/volume-lease.ts';
import { type VerifyReport, verifyVolumeFiles } from '../storage/maintenance/volume-verify.ts';
import type { OffsetWidth } from '../storage/types.ts';
import type { Volume } from '../storage/volume.ts';
import { type ServiceSnapshot, emptyStatus } from '../status/service-status.ts';
import { StoreError } from './store-error.ts';
import { type Logger, silentLogger } from '../log/logger.ts';

export const MAX_KEPT_RUNS = 64;
/** Finished runs the service status still lists (the routes keep all MAX_KEPT_RUNS). */
const FINISHED_RUNS_IN_STATUS = 8;
export const MAINTENANCE_AGENTS = ['rebuild-index', 'verify'] as const;
export type MaintenanceAgent = (typeof MAINTENANCE_AGENTS)[number];
export type RunState = 'running' | 'done' | 'failed' | 'aborted';

export interface MaintenanceRun {
  id: number;
  agent: MaintenanceAgent;
  volumeId: number;
  collection: string;
  owner: string;
  state: RunState;
  progress: ProgressSnapshot;
  result: RebuildResult | VerifyReport | null;
  error: string | null;
}

/** What the runs need of the store (the Store itself in the server). */
export interface MaintainedVolumes {
  readonly offsetWidth: OffsetWidth;
  findVolume(volumeId: number): Volume | undefined;
  unmountVolume(volumeId: number): Promise<void>;
  mountVolume(volumeId: number, collection?: string): Promise<Volume>;
}

export interface MaintenanceRunsOptions {
  owner?: string;
  leaseTtlMs?: number;
  nowMs?: () => number;
  log?: Logger;
}

interface RunRecord {
  run: Omit<MaintenanceRun, 'progress'>;
  progress: AgentProgress;
  done: Promise<void>;
}

export class MaintenanceRuns {
  private readonly runs = new Map<number, RunRecord>();
  /** Volumes a rebuild has unmounted: mounting them is refused until it mounts them again. */
  private readonly unmounted = new Set<number>();
  private nextId = 1;
  private readonly owner: string;
  private readonly leaseTtlMs: number;
  private readonly nowMs: () => number;
  private readonly log: Logger;

  constructor(
    private readonly volumes: MaintainedVolumes,
    options: MaintenanceRunsOptions = {},
  ) {
    this.owner = options.owner ?? `server@${os.hostname()}`;
    this.leaseTtlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.nowMs = options.nowMs ?? Date.now;
    this.log = options.log ?? silentLogger;
  }

  /** True while a rebuild has the volume unmounted. */
  isUnmountedForMaintenance(volumeId: number): boolean {
    return this.unmounted.has(volumeId);
  }

  /**
   * Starts an agent on a mounted volume once its lease is taken; the run goes on in the
   * background. Refused with `not_found` (no such volume here) or `lease_held` (another agent,
   * vacuum, or a run from the command line has it).
   */
  async start(agent: MaintenanceAgent, volumeId: number, options: { full?: boolean } = {}): Promise<MaintenanceRun> {
    const volume = this.volumes.findVolume(volumeId);
    if (volume === undefined) throw new StoreError('not_found', `volume ${volumeId} not found`);
    // The lease file is what makes agents exclusive: link(2) lets one taker win.
    const lease = await VolumeLease.acquire(
      volume.location,
      { owner: this.owner, agent },
      { ttlMs: this.leaseTtlMs, nowMs: this.nowMs },
    );
    if (volume.isCompacting) {
      await lease.release();
      throw new StorageError('lease_held', `volume ${volumeId} is being compacted`);
    }
    lease.keepRenewed();
    const progress = new AgentProgress(this.nowMs);
    const id = this.nextId++;
    const record: RunRecord = {
      run: {
        id,
        agent,
        volumeId,
        collection: volume.collection,
        owner: this.owner,
        state: 'running',
        result: null,
        error: null,
      },
      progress,
      done: Promise.resolve(),
    };
    this.runs.set(id, record);
    this.forgetOldRuns();
    const work =
      agent === 'rebuild-index'
        ? this.rebuild(volume, lease, progress, options.full === true)
        : this.verify(volume, lease, progress);
    record.done = work
      .then(
        (result) => {
          record.run.result = result;
          record.run.state = 'done';
          progress.finish('done');
        },
        (err: unknown) => {
          const lost = err instanceof StorageError && err.code === 'lease_lost';
          record.run.state = lost ? 'aborted' : 'failed';
          record.run.error = (err as Error).message;
          progress.finish(lost ? 'aborted' : 'failed');
          this.log.error(`maintenance ${agent} of volume ${volumeId}: ${record.run.error}`, {
            volumeId,
            error: record.run.error,
          });
        },
      )
      .finally(() => lease.release());
    return this.snapshot(record);
  }

  /** One run's snapshot (a copy: reading it changes nothing), or undefined. */
  get(id: number): MaintenanceRun | undefined {
    const record = this.runs.get(id);
    return record === undefined ? undefined : this.snapshot(record);
  }

  list(): MaintenanceRun[] {
    return [...this.runs.values()].map((record) => this.snapshot(record));
  }

  /** Resolves when the run has ended (for tests and shutdown). */
  async settled(id: number): Promise<MaintenanceRun | undefined> {
    await this.runs.get(id)?.done;
    return this.get(id);
  }

  private async rebuild(
    volume: Volume,
    lease: VolumeLease,
    progress: AgentProgress,
    full: boolean,
  ): Promise<RebuildResult> {
    const { volumeId, collection } = volume.location;
    this.unmounted.add(volumeId);
    let result: RebuildResult | undefined;
    let failure: unknown;
    try {
      await this.volumes.unmountVolume(volumeId);
      result = await rebuildIndex(volume.location, { offsetWidth: this.volumes.offsetWidth, full, progress, lease });
    } catch (err) {
      failure = err;
    } finally {
      this.unmounted.delete(volumeId);
    }
    // Mounted again either way: a failed rebuild left the old index as it was.
    await this.volumes.mountVolume(volumeId, collection);
    if (result === undefined) throw failure;
    this.log.info(
      `maintenance: rebuilt the index of volume ${volumeId} (${result.mode}, ${result.liveEntries} live, ${result.deletedEntries} deleted)`,
    );
    return result;
  }

  private async verify(volume: Volume, lease: VolumeLease, progress: AgentProgress): Promise<VerifyReport> {
    const sizes = await volume.fileSizesBetweenBatches();
    const report = await verifyVolumeFiles(volume.location, {
      offsetWidth: this.volumes.offsetWidth,
      progress,
      lease,
      sizes,
    });
    await lease.check();
    return report;
  }

  /** One job per running agent and per recently finished one, with progress and outcome. */
  statusSnapshots(): ServiceSnapshot[] {
    const runs = this.list();
    const finished = runs.filter((r) => r.state !== 'running').slice(-FINISHED_RUNS_IN_STATUS);
    return [...runs.filter((r) => r.state === 'running'), ...finished].map((run) => {
      const p = run.progress;
      return {
        name: `maintenance/${run.agent}-volume-${run.volumeId}-run-${run.id}`,
        // A one-shot job: meant to run until it ends.
        desired: { enabled: run.state === 'running', agent: run.agent, volumeId: run.volumeId, owner: run.owner },
        current: run.state === 'running' ? 'Running' : 'Stopped',
        status: emptyStatus({
          counters: { entriesScanned: p.entriesScanned, bytesScanned: p.bytesScanned },
          lastSuccessAtMs: run.state === 'done' ? p.finishedAtMs : null,
          lastError: run.error !== null ? { message: run.error, atMs: p.finishedAtMs ?? p.updatedAtMs } : null,
          cancelledBy: ['operator'],
          progress: {
            doneBytes: p.bytesScanned,
            totalBytes: p.totalBytes,
            rateBytesPerSecond: p.rateBytesPerSecond,
            etaMs: p.etaMs,
          },
          detail: run.state === 'running' ? p.phase : run.state,
        }),
      };
    });
  }

  private snapshot(record: RunRecord): MaintenanceRun {
    return { ...record.run, progress: record.progress.snapshot() };
  }

  private forgetOldRuns(): void {
    for (const [id, record] of this.runs) {
      if (this.runs.size <= MAX_KEPT_RUNS) return;
      if (record.run.state !== 'running') this.runs.delete(id);
    }
  }
}
