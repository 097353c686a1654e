// Consecutive storage-media IO errors (EIO) of one volume or EC volume, as 4.53's
// IoErrorTracker: each EIO counts (and the process-wide counter behind
// SeaweedFS_volumeServer_storage_io_error_total); any other outcome, success included, ends the
// streak. IO_ERROR_TOLERANCE in a row quarantines the volume: read-only, no longer reported to
// the master (which re-replicates from healthy peers), /healthz 503, files kept. The quarantine
// is sticky, a later success does not lift it; marking the volume writable does.

export const IO_ERROR_TOLERANCE = 3;

/** EIO anywhere in an error's cause chain (our errors wrap the system one, as Go's %w does). */
export function isStorageIoError(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | null | undefined, depth = 0; e && depth < 8; depth++) {
    if (e.code === 'EIO') return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** Every EIO counted by any tracker of the process: the metric's source. */
export const storageIoErrors = { total: 0 };

export class IoErrorTracker {
  private streak = 0;
  private last: unknown = null;
  private quarantinedFlag = false;
  /** Called once when the streak reaches IO_ERROR_TOLERANCE and quarantines. */
  onQuarantine: (() => void) | null = null;

  /** Records the outcome of a read, write or sync: `null` for a success. */
  note(err: unknown): void {
    if (err === null || !isStorageIoError(err)) {
      if (this.streak !== 0) {
        this.streak = 0;
        this.last = null;
      }
      return;
    }
    this.streak++;
    this.last = err;
    storageIoErrors.total++;
    if (this.streak >= IO_ERROR_TOLERANCE && !this.quarantinedFlag) {
      this.quarantinedFlag = true;
      this.onQuarantine?.();
    }
  }

  /** A success; cheap enough for every read (one comparison while there is no streak). */
  noteSuccess(): void {
    if (this.streak !== 0) {
      this.streak = 0;
      this.last = null;
    }
  }

  get quarantined(): boolean {
    return this.quarantinedFlag;
  }

  state(): { lastError: unknown; count: number; quarantined: boolean } {
    return { lastError: this.last, count: this.streak, quarantined: this.quarantinedFlag };
  }

  /** An operator recovered the disk (the volume was marked writable). */
  reset(): void {
    this.streak = 0;
    this.last = null;
    this.quarantinedFlag = false;
  }
}
