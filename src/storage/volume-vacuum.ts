// A volume's vacuum (upstream's volume_vacuum.go): compact() copies the live needles to
// `.cpd`/`.cpx` while writes go on, commitCompact() carries those writes over and swaps the
// copy in, cleanupCompact() abandons it.
import { LocalDataFile } from './backend/local-data-file.ts';
import { carryOverChanges, removeCompactionLeftovers, swapInCompacted, writeCompactedCopy } from './compaction.ts';
import { StorageError } from './errors.ts';
import type { VolumeFile } from './io/volume-io.ts';
import { describeLease, liveLease } from './maintenance/volume-lease.ts';
import { assert } from './types.ts';
import { loadVolume } from './volume-load.ts';
import { VolumeChecks } from './volume-checking.ts';

/** Old descriptors stay open this long after a compaction swap, for reads in flight. */
const OLD_HANDLE_GRACE_MS = 10_000;

/** A vacuum's copy: bytes of `.dat` walked, out of its size when the copy began. */
export interface CompactionProgress {
  phase: 'copying' | 'awaiting-commit';
  doneBytes: number;
  totalBytes: number;
  startedAtMs: number;
}

/** Upstream's errTieredVolumeCompact. */
function tieredCompactError(volumeId: number): StorageError {
  return new StorageError('io', `volume ${volumeId} is tiered to remote storage, cannot compact`);
}

export abstract class VolumeVacuum extends VolumeChecks {
  /** Set between compact() and commitCompact()/cleanupCompact(). */
  private compacting: { idxSizeBytes: number; compactionRevision: number; progress: CompactionProgress } | null = null;
  /** compact() has begun its checks but not yet taken its snapshot. */
  private compactStarting = false;

  get isCompacting(): boolean {
    return this.compacting !== null || this.compactStarting;
  }

  /** How far a vacuum of this volume has got (a copy), or null when none is under way. */
  compactionProgress(): CompactionProgress | null {
    return this.compacting === null ? null : { ...this.compacting.progress };
  }

  /**
   * Vacuum, step 1: writes the live needles (as of now) to `.cpd`/`.cpx` with the compaction
   * revision advanced. Writes go on meanwhile; commitCompact carries them over.
   */
  async compact(
    options: { bytesPerSecond?: number; onProgress?: (processedBytes: number) => Promise<void> } = {},
  ): Promise<void> {
    this.ensureOpen();
    if (this.isTiered) throw tieredCompactError(this.id);
    if (this.compacting !== null || this.compactStarting)
      throw new StorageError('io', `volume ${this.id} is already compacting`);
    // Claimed before the lease is looked at, and an agent looks at isCompacting after taking
    // the lease: whichever comes second sees the other.
    this.compactStarting = true;
    let snapshot;
    try {
      const holder = await liveLease(this.location);
      if (holder !== null)
        throw new StorageError('lease_held', `volume ${this.id} is held by ${describeLease(holder, Date.now())}`);
      // Taken between batches, so the map and `.idx` agree exactly.
      snapshot = await this.appends.exclusive(async () => {
        const entries = this.nm.map.liveSortedEntries();
        return { entries, idxSizeBytes: this.idxSizeBytes, compactionRevision: this.superBlock.compactionRevision };
      });
      const progress: CompactionProgress = {
        phase: 'copying',
        doneBytes: 0,
        totalBytes: this.datSizeBytes,
        startedAtMs: Date.now(),
      };
      this.compacting = {
        idxSizeBytes: snapshot.idxSizeBytes,
        compactionRevision: snapshot.compactionRevision,
        progress,
      };
    } finally {
      this.compactStarting = false;
    }
    const progress = this.compacting.progress;
    const log = this.log.child({ component: 'vacuum' });
    try {
      const result = await writeCompactedCopy({
        io: this.io,
        dat: this.localDatHandle(),
        version: this.version,
        width: this.offsetWidth,
        superBlock: { ...this.superBlock, compactionRevision: (snapshot.compactionRevision + 1) & 0xffff },
        entries: snapshot.entries,
        location: this.location,
        nowNs: this.nowNs(),
        bytesPerSecond: options.bytesPerSecond ?? 0,
        onProgress: async (processedBytes) => {
          progress.doneBytes = processedBytes;
          await options.onProgress?.(processedBytes);
        },
        log,
      });
      progress.doneBytes = progress.totalBytes;
      progress.phase = 'awaiting-commit';
      log.info(
        `volume ${this.id}: compacted ${result.kept} needles into ${result.cpdSizeBytes} bytes (${result.dropped} dropped)`,
        { volumeId: this.id },
      );
    } catch (err) {
      this.ioErrors.note(err);
      this.compacting = null;
      // Best effort: the copy's own error is the one to report; a load drops leftovers, a new copy overwrites them.
      await removeCompactionLeftovers(this.location, this.io).catch(() => {});
      throw err;
    }
  }

  /** Vacuum, step 2: carries over writes made since compact(), then swaps the files in. */
  commitCompact(): Promise<void> {
    return this.appends.exclusive(async () => {
      this.ensureOpen();
      const compacting = this.compacting;
      if (compacting === null) throw new StorageError('io', `volume ${this.id} has no compaction to commit`);
      if (this.isTiered) {
        // Tiered since the copy began: the compacted index would be read against the remote object.
        this.compacting = null;
        // Best effort, as above: the tiering error is the one to report.
        await removeCompactionLeftovers(this.location, this.io).catch(() => {});
        throw tieredCompactError(this.id);
      }
      try {
        if (compacting.compactionRevision !== this.superBlock.compactionRevision) {
          throw new StorageError('io', `volume ${this.id} was compacted by someone else meanwhile`);
        }
        await this.dat.sync();
        await this.idx.sync();
        await carryOverChanges({
          io: this.io,
          dat: this.localDatHandle(),
          idx: this.idx,
          fromIdxBytes: compacting.idxSizeBytes,
          toIdxBytes: this.idxSizeBytes,
          version: this.version,
          width: this.offsetWidth,
          location: this.location,
          nowNs: this.nowNs(),
        });
      } catch (err) {
        this.ioErrors.note(err);
        this.compacting = null;
        // Best effort, as above: the carry-over's error is the one to report.
        await removeCompactionLeftovers(this.location, this.io).catch(() => {});
        throw err;
      }
      const oldDat = this.dat;
      const oldIdx = this.idx;
      let reloaded;
      try {
        await swapInCompacted(this.location, this.io);
        reloaded = await loadVolume(this.location, this.offsetWidth, null, this.log, this.io);
      } catch (err) {
        this.compacting = null;
        // The names may point at the compacted copy now, and the open handles at unlinked files:
        // a write through them would be lost at the next load. Read-only until reloaded.
        const reason = `the reload after a compaction swap failed: ${(err as Error).message}`;
        this.damage = [...this.damage, reason];
        this.log.error(`volume ${this.id}: ${reason}`, { volumeId: this.id });
        throw err;
      }
      this.adopt(reloaded);
      this.compacting = null;
      // Reads already in flight hold the old descriptors; the files are unlinked, the data still there.
      setTimeout(() => {
        // Old descriptors of unlinked files: closing can fail only once they are already closed.
        void oldDat.close().catch(() => {});
        void oldIdx.close().catch(() => {});
      }, OLD_HANDLE_GRACE_MS).unref();
    });
  }

  /** Vacuum, abandoned: removes `.cpd`/`.cpx` left by compact(). */
  async cleanupCompact(): Promise<void> {
    await this.appends.exclusive(async () => {
      this.compacting = null;
      await removeCompactionLeftovers(this.location, this.io);
    });
  }

  /** Deleted bytes over content bytes: how much a compaction would reclaim. */
  garbageRatio(): number {
    const m = this.nm.metrics;
    if (m.fileBytes === 0) return 0;
    if (m.deletedCount > 0 && m.deletedBytes === 0) {
      // Entries whose deleted size was lost (e.g. a converted sorted index): estimate from `.dat`.
      return (this.datSizeBytes - m.fileBytes - this.firstNeedleOffsetBytes) / this.datSizeBytes;
    }
    return m.deletedBytes / m.fileBytes;
  }

  /** The local `.dat` handle, for vacuum (which tiered volumes refuse before getting here). */
  private localDatHandle(): VolumeFile {
    assert(this.dat instanceof LocalDataFile, `volume ${this.id} .dat is local`);
    return this.dat.handle;
  }
}
