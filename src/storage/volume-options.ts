// How a volume is opened: where it lives, its clock, its write batching and test hooks.
import type { DrainOptions } from './drain-barrier.ts';
import type { VolumeIo } from './io/volume-io.ts';
import type { SuperBlock } from './super-block.ts';
import type { OffsetWidth } from './types.ts';
import type { VolumeLocation } from './volume-files.ts';
import type { Logger } from '../log/logger.ts';

/** Upstream's worker writes at most 128 requests or 4 MiB at a time. */
export const MAX_BATCH_ITEMS = 128;
export const MAX_BATCH_BYTES = 4 * 1024 * 1024;
/** Appends (and exclusive operations) queued behind the batch being written. */
export const MAX_QUEUED_WRITES = 4096;

/**
 * How long a batch of durable (fsync) writes waits for more before it is synced: upstream's
 * SyncBatchOption, set by -fsyncMinBatchBytes, -fsyncMinBatchRequests and -fsyncBatchWait. Once
 * the queue drains with the batch below both minimums it stays open up to `waitMs`.
 */
export interface SyncBatchOptions {
  minBytes: number;
  minRequests: number;
  /** 0 (or less) syncs a drained batch at once. */
  waitMs: number;
}

/** Upstream's DefaultSyncBatchOption: 1 MiB, 128 requests, 500µs. */
export const DEFAULT_SYNC_BATCH: Readonly<SyncBatchOptions> = {
  minBytes: 1024 * 1024,
  minRequests: MAX_BATCH_ITEMS,
  waitMs: 0.5,
};

/** A volume file the write path appends to and syncs. */
export type VolumeFileKind = 'dat' | 'idx';

/**
 * Called by the write path before each append to and each fsync of `.dat` and `.idx`; a throw
 * fails that operation as an IO error would. For tests (counting syncs, injecting failures).
 */
export interface VolumeIoHooks {
  beforeWrite?(file: VolumeFileKind, position: number, lengthBytes: number): void | Promise<void>;
  beforeSync?(file: VolumeFileKind): void | Promise<void>;
}

export interface VolumeOpenOptions {
  location: VolumeLocation;
  offsetWidth: OffsetWidth;
  /** Create the volume with this super block if `.dat` does not exist yet. */
  create?: SuperBlock;
  log?: Logger;
  /** Clock in nanoseconds; tests pin it. */
  nowNs?: () => bigint;
  /** Batching of durable writes (default DEFAULT_SYNC_BATCH). */
  syncBatch?: SyncBatchOptions;
  ioHooks?: VolumeIoHooks;
  /** The drain barrier's bound and clock (default DEFAULT_DRAIN_TIMEOUT_MS, the system clock). */
  drain?: DrainOptions;
  /** Whether the disk holding the volume is below -minFreeSpace (its disk location knows). */
  diskSpaceLow?: () => boolean;
  /** The file operations (default node:fs); tests pass an in-memory disk that injects faults. */
  io?: VolumeIo;
  /** Called once when consecutive EIO quarantine the volume (its disk location stops reporting it). */
  onIoQuarantine?: (volumeId: number) => void;
}
