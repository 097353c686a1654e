// The state of an open volume that every part of it shares: its files, its needle map, its sizes
// and the flags that decide whether it takes writes and deletes. The parts (reads, the append
// pipeline, scans, checks, vacuum) are the layers of the Volume class built on this one, each in
// its own file the way upstream splits volume_*.go; they add methods only, no state the load sets.
import type { DataFile } from './backend/data-file.ts';
import { StorageError } from './errors.ts';
import { nodeVolumeIo } from './io/node-volume-io.ts';
import { IoErrorTracker } from './io/io-error-tracker.ts';
import type { VolumeFile, VolumeIo } from './io/volume-io.ts';
import type { NeedleMap } from './needle-map/needle-map.ts';
import type { Ttl } from './needle/ttl.ts';
import type { NeedleVersion } from './needle/version.ts';
import { type SuperBlock, superBlockSizeBytes } from './super-block.ts';
import type { OffsetWidth } from './types.ts';
import type { VolumeLocation } from './volume-files.ts';
import type { VolumeInfo } from './volume-info.ts';
import type { LoadReport, LoadedVolume } from './volume-load.ts';
import type { VolumeOpenOptions } from './volume-options.ts';
import { type Logger, silentLogger } from '../log/logger.ts';

export function readOnlyError(volumeId: number): StorageError {
  return new StorageError('read_only', `volume ${volumeId} is read only`);
}

export function closedError(volumeId: number): StorageError {
  return new StorageError('volume_closed', `volume ${volumeId} is closed`);
}

function systemNowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
}

export abstract class VolumeCore {
  readonly location: VolumeLocation;
  readonly offsetWidth: OffsetWidth;
  superBlock!: SuperBlock;
  volumeInfo!: VolumeInfo;
  loadReport!: LoadReport;
  /** Reasons the volume refuses writes because of damage found at load. */
  damage!: string[];
  /** Local, or remote for a tiered volume whose local `.dat` is gone. */
  protected dat!: DataFile;
  protected idx!: VolumeFile;
  protected datSizeBytes!: number;
  protected idxSizeBytes!: number;
  protected nm!: NeedleMap;
  protected readonly log: Logger;
  /** Every file operation of the volume goes through it (node:fs, or a test's simulated disk). */
  protected readonly io: VolumeIo;
  /** Consecutive EIO of reads, writes and syncs; at the tolerance the volume is quarantined. */
  protected readonly ioErrors = new IoErrorTracker();
  protected lastAppendAtNs: bigint;
  protected lastModifiedTsSeconds: number;
  protected readonly nowNs: () => bigint;
  private readonly diskSpaceLow: () => boolean;
  protected closed = false;
  /** Set when close() is called, before it drains: operations after that are refused at once. */
  protected closing = false;
  /** Read-only set by an operator or the server (not persisted unless volumeInfo.readOnly). */
  protected readOnlyByRequest = false;
  protected canDeleteByRequest = false;
  /** Set by stopWrites, cleared when the volume is marked writable: a tier move must not lift it. */
  protected writesStopped = false;
  /**
   * Upstream's noWriteCanDelete as a tiered volume derives it: set by a load with a remote file,
   * by a tier move of a single-copy volume, and by marking the volume writable. Read-only marks
   * leave it alone (they refuse deletes through readOnlyByRequest), as upstream's do.
   */
  protected tieredDeletesAllowed = false;

  protected constructor(options: VolumeOpenOptions, loaded: LoadedVolume) {
    this.location = options.location;
    this.offsetWidth = options.offsetWidth;
    this.nowNs = options.nowNs ?? systemNowNs;
    this.log = options.log ?? silentLogger;
    this.io = options.io ?? nodeVolumeIo;
    const onIoQuarantine = options.onIoQuarantine;
    this.ioErrors.onQuarantine = () => {
      const { count, lastError } = this.ioErrors.state();
      this.log.error(
        `volume ${this.id} quarantined after ${count} consecutive IO errors: ${(lastError as Error)?.message}`,
        {
          volumeId: this.id,
        },
      );
      onIoQuarantine?.(this.id);
    };
    this.diskSpaceLow = options.diskSpaceLow ?? (() => false);
    this.lastAppendAtNs = 0n;
    this.lastModifiedTsSeconds = 0;
    this.adopt(loaded);
  }

  /** Takes over the state of a (re)load: at open, and after a compaction swap. */
  protected adopt(loaded: LoadedVolume): void {
    this.superBlock = loaded.superBlock;
    this.volumeInfo = loaded.volumeInfo;
    this.loadReport = loaded.report;
    this.damage = loaded.damage;
    this.dat = loaded.dat;
    this.idx = loaded.idx;
    this.datSizeBytes = loaded.datSizeBytes;
    this.idxSizeBytes = loaded.idxSizeBytes;
    this.nm = loaded.needleMap;
    this.tieredDeletesAllowed = loaded.volumeInfo.files.length > 0;
    // Never let append times go backwards across a reload.
    if (loaded.lastAppendAtNs > this.lastAppendAtNs) this.lastAppendAtNs = loaded.lastAppendAtNs;
    if (loaded.lastModifiedTsSeconds > this.lastModifiedTsSeconds)
      this.lastModifiedTsSeconds = loaded.lastModifiedTsSeconds;
  }

  get id(): number {
    return this.location.volumeId;
  }

  get collection(): string {
    return this.location.collection;
  }

  get version(): NeedleVersion {
    return this.superBlock.version;
  }

  get ttl(): Ttl {
    return this.superBlock.ttl;
  }

  /**
   * The `.vif` lists a remote copy of `.dat` (upstream's HasRemoteFile). Such a volume takes no
   * writes whichever copy it reads: the remote object is what the `.idx` must keep indexing.
   */
  get hasRemoteFile(): boolean {
    return this.volumeInfo.files.length > 0;
  }

  /** Tiered, or still reading a remote `.dat` while a move back swaps files: `.dat` takes nothing. */
  protected get isTiered(): boolean {
    return this.hasRemoteFile || this.dat.isRemote;
  }

  /** Reads go to the backend: tiered, with no local `.dat`. */
  get readsRemoteDat(): boolean {
    return this.dat.isRemote;
  }

  /** Refuses writes: by its own state, or because its disk is below -minFreeSpace (upstream's isDiskSpaceLow). */
  get isReadOnly(): boolean {
    return this.isReadOnlyByState || this.diskSpaceLow();
  }

  /** Read-only for a reason of the volume's own (a mark, damage, tiering), not the disk's space. */
  get isReadOnlyByState(): boolean {
    return (
      this.readOnlyByRequest ||
      this.volumeInfo.readOnly ||
      this.damage.length > 0 ||
      this.isTiered ||
      this.ioErrors.quarantined
    );
  }

  /**
   * Quarantined after IO_ERROR_TOLERANCE consecutive EIO (failing media, as 4.53): no writes or
   * deletes, not reported to the master, /healthz 503; reads still answered, files kept.
   */
  get isIoQuarantined(): boolean {
    return this.ioErrors.quarantined;
  }

  ioErrorState(): { lastError: unknown; count: number; quarantined: boolean } {
    return this.ioErrors.state();
  }

  /** Its disk is below -minFreeSpace: writes refused until the disk monitor sees space again. */
  get isDiskSpaceLow(): boolean {
    return this.diskSpaceLow();
  }

  /**
   * Deletes are allowed on a persisted read-only volume only with readOnlyCanDelete. A tiered
   * volume takes them as index-only tombstones (upstream's noWriteCanDelete): load damage, which
   * is about `.dat`, does not stop those, and upstream's load ignores a persisted read-only mark.
   */
  get canDelete(): boolean {
    if (this.ioErrors.quarantined) return false;
    if (this.readOnlyByRequest && !this.canDeleteByRequest) return false;
    if (this.isTiered) return this.tieredDeletesAllowed || this.canDeleteByRequest;
    if (this.damage.length > 0) return false;
    return !this.volumeInfo.readOnly || this.volumeInfo.readOnlyCanDelete;
  }

  /**
   * The heartbeat's read_only_can_delete (upstream's noWriteCanDelete). A tiered volume keeps
   * reporting it while marked read-only without deletes, as upstream's does.
   */
  get reportsReadOnlyCanDelete(): boolean {
    if (this.isTiered && this.tieredDeletesAllowed) return true;
    // Upstream's flag is noWriteCanDelete: low disk space alone does not set it.
    return this.isReadOnlyByState && this.canDelete;
  }

  /** The first byte after the super block: where the first needle starts. */
  get firstNeedleOffsetBytes(): number {
    return superBlockSizeBytes(this.superBlock);
  }

  protected ensureOpen(): void {
    if (this.closed) throw closedError(this.id);
  }

  /**
   * After a durable index update failed: no more writes or deletes (upstream sets noWriteOrDelete,
   * in memory only), reported read-only in the heartbeat, until the volume is marked writable.
   */
  protected stopWrites(reason: string): void {
    this.readOnlyByRequest = true;
    this.canDeleteByRequest = false;
    this.writesStopped = true;
    this.log.error(`volume ${this.id} stops taking writes: ${reason}`, { volumeId: this.id });
  }
}
