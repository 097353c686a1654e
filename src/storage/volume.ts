// A needle volume: `.dat` + `.idx` + `.vif`. Appends are serialized; reads run concurrently
// (records are immutable once written, and the map only ever points at complete records).
//
// The class is built in layers, one file each, as upstream splits volume_*.go: the shared state
// (volume-core.ts), reads (volume-read.ts), the append pipeline (volume-write.ts), scans for
// copies and backups (volume-backup.ts), checks (volume-checking.ts) and vacuum
// (volume-vacuum.ts). This file opens and closes the volume and runs its write-state transitions.
import { silentLogger } from '../log/logger.ts';
import { findBackendStorage } from './backend/backend.ts';
import { DEFAULT_DRAIN_TIMEOUT_MS, DrainBarrier, type DrainStats } from './drain-barrier.ts';
import { StorageError, isStorageError } from './errors.ts';
import { ttlSeconds } from './needle/ttl.ts';
import { copyCount } from './replica-placement.ts';
import { volumeFilePath } from './volume-files.ts';
import { type VolumeInfo, remoteFileBackendName, writeVolumeInfoFile } from './volume-info.ts';
import { type LoadedVolume, loadVolume } from './volume-load.ts';
import type { VolumeOpenOptions } from './volume-options.ts';
import { VolumeVacuum } from './volume-vacuum.ts';

export { DEFAULT_SYNC_BATCH } from './volume-options.ts';
export type { SyncBatchOptions, VolumeFileKind, VolumeIoHooks, VolumeOpenOptions } from './volume-options.ts';
export type { NeedleLocation, ReadOptions } from './volume-read.ts';
export type { BlobWriteResult, WriteOptions, WriteResult } from './volume-write.ts';
export type { CompactionProgress } from './volume-vacuum.ts';

export interface VolumeStats {
  fileCount: number;
  deletedCount: number;
  deletedBytes: number;
  contentSizeBytes: number;
  datSizeBytes: number;
  idxSizeBytes: number;
  maxFileKey: bigint;
  lastAppendAtNs: bigint;
  lastModifiedTsSeconds: number;
}

/** What a refused transition puts back. */
interface WriteState {
  readOnlyByRequest: boolean;
  canDeleteByRequest: boolean;
  writesStopped: boolean;
  tieredDeletesAllowed: boolean;
  volumeInfo: VolumeInfo;
}

export class Volume extends VolumeVacuum {
  private readonly drain: DrainBarrier;
  /** Transitions of the write state run one at a time, so a refused one restores what it found. */
  private transitionTail: Promise<unknown> = Promise.resolve();
  private closingDone: Promise<void> | undefined;

  private constructor(options: VolumeOpenOptions, loaded: LoadedVolume) {
    super(options, loaded);
    this.drain = new DrainBarrier(options.drain ?? { timeoutMs: DEFAULT_DRAIN_TIMEOUT_MS });
  }

  static async open(options: VolumeOpenOptions): Promise<Volume> {
    const log = options.log ?? silentLogger;
    const loaded = await loadVolume(
      options.location,
      options.offsetWidth,
      options.create ? { superBlock: options.create } : null,
      log,
      options.io,
    );
    return new Volume(options, loaded);
  }

  /**
   * After a live tier move (upstream's MarkTieredDeletable): writes refused, deletes taken, as a
   * reload would leave it. Only for a single-copy volume: the other replicas get this `.idx`
   * copied after the upload, and a tombstone written before that would reach one replica only.
   * A volume that stopped writes after an index failure stays stopped. Returns whether it applied.
   */
  markTieredDeletable(): boolean {
    if (!this.hasRemoteFile || copyCount(this.superBlock.replicaPlacement) > 1 || this.writesStopped) return false;
    this.readOnlyByRequest = false;
    this.canDeleteByRequest = false;
    this.tieredDeletesAllowed = true;
    return true;
  }

  stats(): VolumeStats {
    const m = this.nm.metrics;
    return {
      fileCount: m.fileCount,
      deletedCount: m.deletedCount,
      deletedBytes: m.deletedBytes,
      contentSizeBytes: m.fileBytes,
      datSizeBytes: this.datSizeBytes,
      idxSizeBytes: this.idxSizeBytes,
      maxFileKey: m.maxFileKey,
      lastAppendAtNs: this.lastAppendAtNs,
      lastModifiedTsSeconds: this.lastModifiedTsSeconds,
    };
  }

  /** When `.dat` last changed (upstream's DataBackend.GetStat): a tiered one's upload time. */
  async datModifiedTimeSeconds(): Promise<number> {
    return Math.floor((await this.dat.stat()).modifiedTimeMs / 1000);
  }

  /**
   * Marks the volume read-only (or writable again). `canDelete`: writes refused, deletes still
   * allowed. `persist` records it in `.vif` so it survives a restart; making a volume writable
   * always clears a persisted mark.
   *
   * Going read-only publishes the flag first (writes admitted after it get the read-only error),
   * then holds the drain barrier until every write admitted before it has committed, and only
   * then persists and returns: once this resolves, nothing more lands in `.dat`. A barrier past
   * its bound, or a failed persist, puts the volume back exactly as it was and throws.
   */
  setReadOnly(readOnly: boolean, persist: boolean, canDelete = false): Promise<void> {
    return this.serialized(async () => {
      const before = this.writeState();
      this.readOnlyByRequest = readOnly;
      this.canDeleteByRequest = readOnly && canDelete;
      if (!readOnly) {
        this.writesStopped = false;
        // Upstream's MarkVolumeWritable: "writable" is delete-only for a tiered volume.
        this.tieredDeletesAllowed = this.isTiered;
      }
      try {
        if (readOnly) await this.drainAdmitted('mark read-only');
        if (persist || (!readOnly && this.volumeInfo.readOnly)) {
          this.volumeInfo = { ...this.volumeInfo, readOnly, readOnlyCanDelete: readOnly && canDelete };
          await this.saveVolumeInfo();
        }
      } catch (err) {
        this.restoreWriteState(before);
        if (isStorageError(err, 'drain_timeout')) {
          throw new StorageError(
            'drain_timeout',
            `${err.message}: the mark is refused and the volume is left as it was`,
            { cause: err },
          );
        }
        throw err;
      }
      // Upstream's MarkVolumeWritable clears the EIO streak and the quarantine: if the disk is
      // still bad, the next failed operations quarantine it again.
      if (!readOnly) this.ioErrors.reset();
    });
  }

  /**
   * Holds the drain barrier after a state that refuses writes was published elsewhere (the disk
   * monitor's low-space flag): resolves once the writes admitted before it have committed.
   */
  drainWrites(reason: string): Promise<void> {
    return this.serialized(() => this.drainAdmitted(reason));
  }

  /** The drain barrier's figures, for the service status. */
  get drainStats(): DrainStats {
    return this.drain.stats;
  }

  /**
   * Resolves once every operation queued before the call has settled (an exclusive no-op runs
   * after them), within the barrier's bound.
   */
  private drainAdmitted(reason: string): Promise<void> {
    return this.drain.hold(
      this.id,
      reason,
      this.appends.exclusive(async () => {}),
    );
  }

  private serialized<T>(transition: () => Promise<T>): Promise<T> {
    const run = this.transitionTail.then(transition, transition);
    // The chain only orders transitions; each caller gets its own failure through `run`.
    this.transitionTail = run.catch(() => {});
    return run;
  }

  private writeState(): WriteState {
    return {
      readOnlyByRequest: this.readOnlyByRequest,
      canDeleteByRequest: this.canDeleteByRequest,
      writesStopped: this.writesStopped,
      tieredDeletesAllowed: this.tieredDeletesAllowed,
      volumeInfo: this.volumeInfo,
    };
  }

  private restoreWriteState(state: WriteState): void {
    const stoppedMeanwhile = this.writesStopped && !state.writesStopped;
    this.readOnlyByRequest = state.readOnlyByRequest;
    this.canDeleteByRequest = state.canDeleteByRequest;
    this.writesStopped = state.writesStopped;
    this.tieredDeletesAllowed = state.tieredDeletesAllowed;
    this.volumeInfo = state.volumeInfo;
    // An index failure during the barrier stopped writes for a reason of its own: it stays.
    if (stoppedMeanwhile) this.stopWrites('index failure while a transition was refused');
  }

  async saveVolumeInfo(): Promise<void> {
    const info = { ...this.volumeInfo };
    const ttl = ttlSeconds(this.superBlock.ttl);
    if (ttl > 0) info.expireAtSec = BigInt(Math.floor(Date.now() / 1000) + ttl);
    this.volumeInfo = info;
    await writeVolumeInfoFile(volumeFilePath(this.location, 'vif'), info, this.io);
  }

  async sync(): Promise<void> {
    await this.appends.exclusive(async () => {
      await this.dat.sync();
      await this.idx.sync();
    });
  }

  /** Drains every operation queued before it, then closes the files; a second call joins the first. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closing = true;
    this.closingDone ??= this.appends.exclusive(async () => {
      this.closed = true;
      // Closing anyway: a failed sync at close has no caller left to tell, and close() must finish.
      await this.dat.sync().catch(() => {});
      await this.idx.sync().catch(() => {});
      await this.dat.close();
      await this.idx.close();
    });
    return this.closingDone;
  }

  /**
   * Deletes the remote object of a tiered volume (the first step of upstream's Destroy). A
   * backend that is not configured here is skipped, as upstream; a failed delete throws upstream's
   * text, and the caller must then keep the volume and its local files.
   */
  async deleteRemoteObject(): Promise<void> {
    const remote = this.volumeInfo.files[0];
    if (remote === undefined || remote.key === '') return;
    const backendName = remoteFileBackendName(remote);
    const backend = findBackendStorage(backendName);
    if (backend === undefined) return;
    try {
      await backend.deleteFile(remote.key);
    } catch (err) {
      throw new StorageError(
        'io',
        `volume ${this.id} remote object ${backendName}/${remote.key} delete failed: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  /**
   * Closes and removes every local file of the volume (upstream's removeVolumeFiles list);
   * `keepVif` when an EC volume of the same id shares the `.vif`. A tiered volume's remote
   * object is deleteRemoteObject's.
   */
  async destroy(options: { keepVif?: boolean } = {}): Promise<void> {
    await this.close();
    for (const ext of [
      'dat',
      'idx',
      ...(options.keepVif === true ? [] : ['vif']),
      'sdx',
      'cpd',
      'cpx',
      'cpc',
      'ldb',
      'rdb',
      'note',
    ]) {
      await this.io.remove(volumeFilePath(this.location, ext));
    }
  }
}
