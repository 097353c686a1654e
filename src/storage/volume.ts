// A needle volume: `.dat` + `.idx` + `.vif`. Appends are serialized; reads run concurrently
// (records are immutable once written, and the map only ever points at complete records).
import { promises as fs, readSync, writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { DataFile } from './backend/data-file.ts';
import { LocalDataFile } from './backend/local-data-file.ts';
import { findBackendStorage } from './backend/backend.ts';
import { StorageError, isStorageError } from './errors.ts';
import { inlineIo } from './inline-io.ts';
import { decodeIndexEntry, encodeIndexEntry } from './idx/entry.ts';
import type { NeedleMap } from './needle-map/needle-map.ts';
import {
  type Needle,
  NeedleFlag,
  dataRegion,
  decodeNeedle,
  decodeNeedleHeader,
  type NeedleRecordParts,
  encodeNeedle,
  encodeNeedleParts,
  hasFlag,
  newTombstone,
} from './needle/needle.ts';
import { type Ttl, isEmptyTtl, ttlMinutes, ttlSeconds } from './needle/ttl.ts';
import { type NeedleVersion, actualSize } from './needle/version.ts';
import { BatchQueue } from './batch-queue.ts';
import { DEFAULT_DRAIN_TIMEOUT_MS, DrainBarrier, type DrainOptions, type DrainStats } from './drain-barrier.ts';
import { BufferPool } from './buffer-pool.ts';
import { writevFully } from './vectored-write.ts';
import { scanDat } from './dat-scanner.ts';
import { carryOverChanges, removeCompactionLeftovers, swapInCompacted, writeCompactedCopy } from './compaction.ts';
import { copyCount } from './replica-placement.ts';
import { type SuperBlock, superBlockSizeBytes } from './super-block.ts';
import {
  type OffsetWidth,
  NEEDLE_HEADER_SIZE_BYTES,
  NEEDLE_PADDING_SIZE_BYTES,
  TOMBSTONE_FILE_SIZE,
  assert,
  indexEntrySizeBytes,
  maxVolumeSizeBytes,
} from './types.ts';
import { type VolumeInfo, remoteFileBackendName, writeVolumeInfoFile } from './volume-info.ts';
import { type LoadReport, loadVolume } from './volume-load.ts';
import { type VolumeLocation, volumeFilePath } from './volume-files.ts';
import { describeLease, liveLease } from './maintenance/volume-lease.ts';

const MAX_QUEUED_WRITES = 4096;
/** Upstream's worker writes at most 128 requests or 4 MiB at a time. */
const MAX_BATCH_ITEMS = 128;
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
/** Batches larger than this go out as one vectored write of their pieces, so big needles are never copied. */
const VECTORED_BATCH_MIN_BYTES = 256 * 1024;
/**
 * Smaller batches are copied into one staging buffer for a single (usually inline) write. The
 * buffers are reused: a fresh 64 KiB+ buffer per batch is external memory to V8, and enough of
 * it starts full mark-compacts (under 64 KB writes, dozens per second). A few batches of
 * different volumes may be in flight at once, each holding one.
 */
const stagingBuffers = new BufferPool(16 * VECTORED_BATCH_MIN_BYTES);

/**
 * How long a batch of durable (fsync) writes waits for more before it is synced: upstream's
 * SyncBatchOption, set by -fsyncMinBatchBytes, -fsyncMinBatchRequests and -fsyncBatchWait. Once
 * the queue drains with the batch below both minimums it stays open up to `waitMs`.
 */
/** A vacuum's copy: bytes of `.dat` walked, out of its size when the copy began. */
export interface CompactionProgress {
  phase: 'copying' | 'awaiting-commit';
  doneBytes: number;
  totalBytes: number;
  startedAtMs: number;
}

export interface SyncBatchOptions {
  minBytes: number;
  minRequests: number;
  /** 0 (or less) syncs a drained batch at once. */
  waitMs: number;
}

/** Upstream's DefaultSyncBatchOption: 1 MiB, 128 requests, 500µs. */
export const DEFAULT_SYNC_BATCH: Readonly<SyncBatchOptions> = { minBytes: 1024 * 1024, minRequests: MAX_BATCH_ITEMS, waitMs: 0.5 };

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

/** What a refused transition puts back. */
interface WriteState {
  readOnlyByRequest: boolean;
  canDeleteByRequest: boolean;
  writesStopped: boolean;
  tieredDeletesAllowed: boolean;
  volumeInfo: VolumeInfo;
}

type AppendOp =
  | { kind: 'write'; needle: Needle; options: WriteOptions }
  | { kind: 'blob'; id: bigint; size: number; blob: Buffer }
  | { kind: 'delete'; id: bigint; cookie: number; checksum: number };
const STREAM_CHUNK_BYTES = 256 * 1024;
/** Old descriptors stay open this long after a compaction swap, for reads in flight. */
const OLD_HANDLE_GRACE_MS = 10_000;

export interface VolumeOpenOptions {
  location: VolumeLocation;
  offsetWidth: OffsetWidth;
  /** Create the volume with this super block if `.dat` does not exist yet. */
  create?: SuperBlock;
  log?: (message: string) => void;
  /** Clock in nanoseconds; tests pin it. */
  nowNs?: () => bigint;
  /** Batching of durable writes (default DEFAULT_SYNC_BATCH). */
  syncBatch?: SyncBatchOptions;
  ioHooks?: VolumeIoHooks;
  /** The drain barrier's bound and clock (default DEFAULT_DRAIN_TIMEOUT_MS, the system clock). */
  drain?: DrainOptions;
  /** Whether the disk holding the volume is below -minFreeSpace (its disk location knows). */
  diskSpaceLow?: () => boolean;
}

export interface WriteOptions {
  /** Refuse to overwrite a needle whose cookie differs (on by default). */
  checkCookie?: boolean;
  fsync?: boolean;
}

export interface WriteResult {
  offsetBytes: number;
  /** Header Size of the record (body length). */
  size: number;
  unchanged: boolean;
}

export interface ReadOptions {
  /** Read a deleted needle's data if it is still in `.dat`. */
  readDeleted?: boolean;
  /** When given, a needle with another cookie is refused (as a fid with a guessed cookie must be). */
  cookie?: number;
  /**
   * Read a large record into a buffer of this pool. The needle's data then views that buffer:
   * the caller gives it back (pool.give(needle.data)) once nothing refers to it any more.
   */
  buffers?: BufferPool;
}

/** Where a needle's data lies in `.dat`, with its metadata, for streaming reads. */
export interface NeedleLocation {
  needle: Needle;
  dataOffsetBytes: number;
  dataSizeBytes: number;
}

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

function checkCookie(actual: number, options: ReadOptions): void {
  if (options.cookie !== undefined && options.cookie >>> 0 !== actual >>> 0) {
    throw new StorageError('cookie_mismatch', `cookie mismatch: expected ${(options.cookie >>> 0).toString(16)}`);
  }
}

/** Upstream's errTieredVolumeCompact. */
function tieredCompactError(volumeId: number): StorageError {
  return new StorageError('io', `volume ${volumeId} is tiered to remote storage, cannot compact`);
}

function readOnlyError(volumeId: number): StorageError {
  return new StorageError('read_only', `volume ${volumeId} is read only`);
}

function closedError(volumeId: number): StorageError {
  return new StorageError('volume_closed', `volume ${volumeId} is closed`);
}

function systemNowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
}

export class Volume {
  readonly location: VolumeLocation;
  readonly offsetWidth: OffsetWidth;
  superBlock!: SuperBlock;
  volumeInfo!: VolumeInfo;
  loadReport!: LoadReport;
  /** Reasons the volume refuses writes because of damage found at load. */
  damage!: string[];
  /** Local, or remote for a tiered volume whose local `.dat` is gone. */
  private dat!: DataFile;
  private idx!: FileHandle;
  private datSizeBytes!: number;
  private idxSizeBytes!: number;
  private nm!: NeedleMap;
  private readonly log: (message: string) => void;
  /** Set between compact() and commitCompact()/cleanupCompact(). */
  private compacting: { idxSizeBytes: number; compactionRevision: number; progress: CompactionProgress } | null = null;
  /** compact() has begun its checks but not yet taken its snapshot. */
  private compactStarting = false;
  private lastAppendAtNs: bigint;
  private lastModifiedTsSeconds: number;
  private readonly appends: BatchQueue<AppendOp>;
  private readonly ioHooks: VolumeIoHooks | undefined;
  private readonly nowNs: () => bigint;
  private readonly drain: DrainBarrier;
  private readonly diskSpaceLow: () => boolean;
  /** Transitions of the write state run one at a time, so a refused one restores what it found. */
  private transitionTail: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Set when close() is called, before it drains: operations after that are refused at once. */
  private closing = false;
  private closingDone: Promise<void> | undefined;
  /** Read-only set by an operator or the server (not persisted unless volumeInfo.readOnly). */
  private readOnlyByRequest = false;
  private canDeleteByRequest = false;
  /** Set by stopWrites, cleared when the volume is marked writable: a tier move must not lift it. */
  private writesStopped = false;
  /**
   * Upstream's noWriteCanDelete as a tiered volume derives it: set by a load with a remote file,
   * by a tier move of a single-copy volume, and by marking the volume writable. Read-only marks
   * leave it alone (they refuse deletes through readOnlyByRequest), as upstream's do.
   */
  private tieredDeletesAllowed = false;

  private constructor(options: VolumeOpenOptions, loaded: Awaited<ReturnType<typeof loadVolume>>) {
    this.location = options.location;
    this.offsetWidth = options.offsetWidth;
    this.nowNs = options.nowNs ?? systemNowNs;
    this.log = options.log ?? (() => {});
    this.ioHooks = options.ioHooks;
    this.drain = new DrainBarrier(options.drain ?? { timeoutMs: DEFAULT_DRAIN_TIMEOUT_MS });
    this.diskSpaceLow = options.diskSpaceLow ?? (() => false);
    const syncBatch = options.syncBatch ?? DEFAULT_SYNC_BATCH;
    this.appends = new BatchQueue<AppendOp>(
      { maxPending: MAX_QUEUED_WRITES, maxBatchItems: MAX_BATCH_ITEMS, maxBatchBytes: MAX_BATCH_BYTES },
      (batch) => this.processBatch(batch),
      { minBytes: syncBatch.minBytes, minItems: syncBatch.minRequests, waitMs: syncBatch.waitMs },
    );
    this.lastAppendAtNs = 0n;
    this.lastModifiedTsSeconds = 0;
    this.adopt(loaded);
  }

  /** Takes over the state of a (re)load: at open, and after a compaction swap. */
  private adopt(loaded: Awaited<ReturnType<typeof loadVolume>>): void {
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
    if (loaded.lastModifiedTsSeconds > this.lastModifiedTsSeconds) this.lastModifiedTsSeconds = loaded.lastModifiedTsSeconds;
  }

  static async open(options: VolumeOpenOptions): Promise<Volume> {
    const log = options.log ?? (() => {});
    const loaded = await loadVolume(options.location, options.offsetWidth, options.create ? { superBlock: options.create } : null, log);
    return new Volume(options, loaded);
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
  private get isTiered(): boolean {
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
    return this.readOnlyByRequest || this.volumeInfo.readOnly || this.damage.length > 0 || this.isTiered;
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

  get needleCount(): number {
    return this.nm.length;
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

  private ensureOpen(): void {
    if (this.closed) throw closedError(this.id);
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
          throw new StorageError('drain_timeout', `${err.message}: the mark is refused and the volume is left as it was`, { cause: err });
        }
        throw err;
      }
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
    return this.drain.hold(this.id, reason, this.appends.exclusive(async () => {}));
  }

  private serialized<T>(transition: () => Promise<T>): Promise<T> {
    const run = this.transitionTail.then(transition, transition);
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
    await writeVolumeInfoFile(volumeFilePath(this.location, 'vif'), info);
  }

  /** Appends a needle. Sets the needle's size and appendAtNs. */
  write(n: Needle, options: WriteOptions = {}): Promise<WriteResult> {
    // Refused at once when read-only, so a write behind a slow batch is not kept waiting for the
    // answer; the batch checks again, since the state can flip while it waits.
    const refused = this.refusedWrite();
    if (refused !== undefined) return Promise.reject(refused);
    // Only a durable write may wait for company (upstream's worker takes only fsync writes).
    // Sized as upstream's worker counts a request: the record a body of the data's length takes.
    return this.appends.add<WriteResult>({ kind: 'write', needle: n, options }, actualSize(n.data.length, this.version), options.fsync === true);
  }

  /**
   * Appends a raw record copied from another volume (replication, merge), indexed under `id`
   * with a fresh AppendAtNs. An identical live needle makes it a no-op. Returns the offset.
   */
  writeBlob(id: bigint, size: number, blob: Buffer): Promise<{ offsetBytes: number; unchanged: boolean }> {
    const refused = this.refusedWrite();
    if (refused !== undefined) return Promise.reject(refused);
    return this.appends.add({ kind: 'blob', id, size, blob: Buffer.from(blob) }, blob.length);
  }

  /**
   * Deletes a live needle: appends a tombstone record (with the given cookie and checksum, as Go's
   * HTTP delete does) and a tombstone `.idx` row. A tiered volume gets the `.idx` row alone, at
   * offset 0 (upstream appends nothing to a remote `.dat`). Returns the size it had; 0 if not live.
   */
  delete(id: bigint, cookie: number, checksum = 0): Promise<number> {
    if (this.closing) return Promise.reject(closedError(this.id));
    if (!this.canDelete) return Promise.reject(readOnlyError(this.id));
    return this.appends.add<number>({ kind: 'delete', id, cookie, checksum }, 0);
  }

  /** Why a write would be refused right now, checked before it queues; the batch checks again. */
  private refusedWrite(): StorageError | undefined {
    if (this.closing) return closedError(this.id);
    if (this.isReadOnly) return readOnlyError(this.id);
    return undefined;
  }

  /**
   * Writes one batch: every operation is checked in order (seeing the batch's own earlier
   * operations through `pending`), the records go to `.dat` in one write, then the map and
   * `.idx` are updated in the same order. A failed `.dat` write (or sync) is cut back.
   *
   * When any write asked for fsync (upstream's durable path, processBatchRun), the `.dat` is
   * synced before a single index entry is published, and the `.idx` is synced after, before any
   * operation is acknowledged. A failed `.idx` append or sync in such a batch cannot be taken
   * back, so the volume stops taking writes and deletes (upstream's noWriteOrDelete), until it is
   * marked writable again. Without fsync nothing is synced, as upstream, and an index failure
   * fails only the batch.
   */
  private async processBatch(batch: Array<{ item: AppendOp; resolve(value: unknown): void; reject(err: unknown): void }>): Promise<void> {
    const planned: Array<{ op: AppendOp; offsetBytes: number; resolve(value: unknown): void; reject(err: unknown): void; indexed: boolean }> = [];
    /** Durable writes found unchanged: acknowledged only once the batch's syncs succeed (as upstream). */
    const durableUnchanged: Array<{ result: WriteResult; resolve(value: unknown): void; reject(err: unknown): void }> = [];
    /** The batch's `.dat` bytes in order: whole records, or a large needle's head, data and tail. */
    const records: Uint8Array[] = [];
    const pending = new Map<bigint, { offsetUnits: number; size: number; cookie: number }>();
    const startBytes = this.datSizeBytes;
    let endBytes = startBytes;
    let fsync = false;
    let lastAppendAtNs = this.lastAppendAtNs;
    for (const entry of batch) {
      const op = entry.item;
      try {
        this.ensureOpen();
        const id = op.kind === 'write' ? op.needle.id : op.id;
        if (op.kind === 'blob') {
          if (this.isReadOnly) throw readOnlyError(this.id);
          this.checkBlob(op);
          const existing = pending.get(id) ?? this.nm.get(id);
          if (!pending.has(id) && (await this.isSameBlob(op, existing))) {
            entry.resolve({ offsetBytes: (existing?.offsetUnits ?? 0) * NEEDLE_PADDING_SIZE_BYTES, unchanged: true });
            continue;
          }
          if (endBytes >= maxVolumeSizeBytes(this.offsetWidth)) {
            throw new StorageError('volume_full', `Volume Size ${endBytes} Exceeded ${maxVolumeSizeBytes(this.offsetWidth)}`);
          }
          lastAppendAtNs = this.nextAppendAtNs(lastAppendAtNs);
          if (this.version === 3) op.blob.writeBigUInt64BE(lastAppendAtNs, NEEDLE_HEADER_SIZE_BYTES + op.size + 4);
          pending.set(id, { offsetUnits: endBytes / NEEDLE_PADDING_SIZE_BYTES, size: op.size, cookie: op.blob.readUInt32BE(0) });
          planned.push({ op, offsetBytes: endBytes, resolve: entry.resolve, reject: entry.reject, indexed: true });
          records.push(op.blob);
          endBytes += op.blob.length;
          continue;
        }
        const inBatch = pending.get(id);
        const existing = inBatch ?? this.nm.get(id);
        let record: NeedleRecordParts | Buffer;
        let indexed = true;
        if (op.kind === 'write') {
          const n = op.needle;
          if (this.isReadOnly) throw readOnlyError(this.id);
          if (isEmptyTtl(n.ttl) && !isEmptyTtl(this.superBlock.ttl)) {
            n.flags |= NeedleFlag.HasTtl;
            n.ttl = this.superBlock.ttl;
          }
          if (inBatch === undefined && (await this.isUnchanged(n, existing))) {
            const result: WriteResult = { offsetBytes: (existing?.offsetUnits ?? 0) * NEEDLE_PADDING_SIZE_BYTES, size: existing?.size ?? 0, unchanged: true };
            if (op.options.fsync === true) {
              // The copy already stored may not be on disk yet: upstream syncs for it too.
              fsync = true;
              durableUnchanged.push({ result, resolve: entry.resolve, reject: entry.reject });
            } else {
              entry.resolve(result);
            }
            continue;
          }
          if (existing !== undefined && existing.offsetUnits !== 0) {
            const existingCookie = inBatch?.cookie ?? (await this.readHeader(existing.offsetUnits * NEEDLE_PADDING_SIZE_BYTES)).cookie;
            if (n.cookie === 0 && op.options.checkCookie === false) n.cookie = existingCookie;
            if (existingCookie !== n.cookie) throw new StorageError('cookie_mismatch', `mismatching cookie ${n.cookie.toString(16)}`);
          }
          if (endBytes >= maxVolumeSizeBytes(this.offsetWidth) && n.data.length > 0) {
            throw new StorageError('volume_full', `Volume Size ${endBytes} Exceeded ${maxVolumeSizeBytes(this.offsetWidth)}`);
          }
          lastAppendAtNs = this.nextAppendAtNs(lastAppendAtNs);
          n.appendAtNs = lastAppendAtNs;
          // The data stays in the request's buffer: writeDat copies it once, or not at all.
          record = encodeNeedleParts(n, this.version);
          indexed = existing === undefined || existing.offsetUnits * NEEDLE_PADDING_SIZE_BYTES < endBytes;
          pending.set(id, { offsetUnits: endBytes / NEEDLE_PADDING_SIZE_BYTES, size: n.size, cookie: n.cookie });
          fsync ||= op.options.fsync === true;
        } else {
          if (!this.canDelete) throw readOnlyError(this.id);
          if (existing === undefined || existing.size < 0) {
            entry.resolve(0);
            continue;
          }
          if (this.isTiered) {
            // The row alone is the tombstone: offset 0 marks it deleted on every later load.
            pending.set(id, { offsetUnits: existing.offsetUnits, size: existing.size === 0 ? -1 : -existing.size, cookie: op.cookie });
            planned.push({ op, offsetBytes: 0, resolve: entry.resolve, reject: entry.reject, indexed: true });
            continue;
          }
          lastAppendAtNs = this.nextAppendAtNs(lastAppendAtNs);
          record = encodeNeedle(newTombstone(op.cookie, id, op.checksum, lastAppendAtNs), this.version);
          pending.set(id, { offsetUnits: existing.offsetUnits, size: existing.size === 0 ? -1 : -existing.size, cookie: op.cookie });
        }
        planned.push({ op, offsetBytes: endBytes, resolve: entry.resolve, reject: entry.reject, indexed });
        if ('sizeBytes' in record) {
          records.push(record.head, record.data, record.tail);
          endBytes += record.sizeBytes;
        } else {
          records.push(record);
          endBytes += record.length;
        }
      } catch (err) {
        entry.reject(err);
      }
    }
    if (planned.length === 0 && durableUnchanged.length === 0) return;
    const failAll = (failure: unknown): void => {
      for (const p of planned) p.reject(failure);
      for (const u of durableUnchanged) u.reject(failure);
    };

    assert(startBytes % NEEDLE_PADDING_SIZE_BYTES === 0, `volume ${this.id} .dat end ${startBytes} is aligned`);
    try {
      if (records.length > 0) {
        await this.writeDat(records, endBytes - startBytes, startBytes);
      }
      // Before anything is published: an index entry must never outlive the bytes it points at.
      if (fsync) await this.syncFile('dat');
    } catch (err) {
      if (records.length > 0) await this.dat.truncate(startBytes).catch(() => {});
      failAll(new StorageError('io', `append to volume ${this.id} at ${startBytes}: ${(err as Error).message}`, { cause: err }));
      return;
    }
    this.datSizeBytes = endBytes;
    this.lastAppendAtNs = lastAppendAtNs;

    const rows: Buffer[] = [];
    const results: unknown[] = [];
    for (const p of planned) {
      const offsetUnits = p.offsetBytes / NEEDLE_PADDING_SIZE_BYTES;
      if (p.op.kind === 'write') {
        const n = p.op.needle;
        if (p.indexed) {
          this.nm.put(n.id, offsetUnits, n.size);
          rows.push(encodeIndexEntry({ key: n.id, offset: p.offsetBytes, size: n.size }, this.offsetWidth));
        }
        if (n.lastModified > this.lastModifiedTsSeconds) this.lastModifiedTsSeconds = n.lastModified;
        results.push({ offsetBytes: p.offsetBytes, size: n.size, unchanged: false } satisfies WriteResult);
      } else if (p.op.kind === 'blob') {
        this.nm.put(p.op.id, offsetUnits, p.op.size);
        rows.push(encodeIndexEntry({ key: p.op.id, offset: p.offsetBytes, size: p.op.size }, this.offsetWidth));
        results.push({ offsetBytes: p.offsetBytes, unchanged: false });
      } else {
        results.push(this.nm.delete(p.op.id, offsetUnits));
        rows.push(encodeIndexEntry({ key: p.op.id, offset: p.offsetBytes, size: TOMBSTONE_FILE_SIZE }, this.offsetWidth));
      }
    }
    try {
      // The records are already in `.dat`: if this fails, the next load re-indexes them from a scan.
      if (rows.length > 0) {
        await this.writeFile('idx', rows.length === 1 ? (rows[0] as Buffer) : Buffer.concat(rows), this.idxSizeBytes);
        this.idxSizeBytes += rows.length * indexEntrySizeBytes(this.offsetWidth);
      }
    } catch (err) {
      const message = (err as Error).message;
      if (fsync) this.stopWrites(`index append failed: ${message}`);
      for (const p of planned) {
        const id = p.op.kind === 'write' ? p.op.needle.id : p.op.id;
        p.reject(new StorageError('io', `index needle ${id} of volume ${this.id} at offset ${p.offsetBytes}: ${message}`, { cause: err }));
      }
      for (const u of durableUnchanged) u.reject(new StorageError('io', `index volume ${this.id}: ${message}`, { cause: err }));
      return;
    }
    if (fsync) {
      try {
        await this.syncFile('idx');
      } catch (err) {
        // The rows are published and cannot be taken back: refuse writes rather than acknowledge
        // index entries that may not survive a crash.
        this.stopWrites(`index sync failed: ${(err as Error).message}`);
        failAll(new StorageError('io', `sync volume ${this.id} index: ${(err as Error).message}`, { cause: err }));
        return;
      }
    }
    planned.forEach((p, i) => p.resolve(results[i]));
    for (const u of durableUnchanged) u.resolve(u.result);
  }

  /**
   * After a durable index update failed: no more writes or deletes (upstream sets noWriteOrDelete,
   * in memory only), reported read-only in the heartbeat, until the volume is marked writable.
   */
  private stopWrites(reason: string): void {
    this.readOnlyByRequest = true;
    this.canDeleteByRequest = false;
    this.writesStopped = true;
    this.log(`volume ${this.id} stops taking writes: ${reason}`);
  }

  /**
   * Appends the batch's pieces at `position`. Small batches are joined in a reused staging buffer
   * (one copy, then the inline write); large ones go out as one vectored write, so a big needle
   * is never copied.
   */
  private async writeDat(pieces: Uint8Array[], totalBytes: number, position: number): Promise<void> {
    const only = pieces.length === 1 ? pieces[0] : undefined;
    if (Buffer.isBuffer(only)) {
      await this.writeFile('dat', only, position);
      return;
    }
    if (totalBytes <= VECTORED_BATCH_MIN_BYTES || this.dat.fd < 0) {
      const staging = totalBytes <= VECTORED_BATCH_MIN_BYTES ? stagingBuffers.take(VECTORED_BATCH_MIN_BYTES) : Buffer.allocUnsafe(totalBytes);
      try {
        let at = 0;
        for (const piece of pieces) {
          staging.set(piece, at);
          at += piece.length;
        }
        assert(at === totalBytes, `batch pieces hold ${at} bytes, expected ${totalBytes}`);
        await this.writeFile('dat', staging.subarray(0, totalBytes), position);
      } finally {
        stagingBuffers.give(staging);
      }
      return;
    }
    if (this.ioHooks?.beforeWrite !== undefined) await this.ioHooks.beforeWrite('dat', position, totalBytes);
    await writevFully(this.dat.fd, pieces, totalBytes, position);
  }

  /** Appends to `.dat` or `.idx` for the write path. */
  private async writeFile(file: VolumeFileKind, bytes: Buffer, position: number): Promise<void> {
    if (this.ioHooks?.beforeWrite !== undefined) await this.ioHooks.beforeWrite(file, position, bytes.length);
    await this.writeFully(file === 'dat' ? this.dat : this.idx, bytes, position);
  }

  /** fsyncs `.dat` or `.idx` for the write path. */
  private async syncFile(file: VolumeFileKind): Promise<void> {
    if (this.ioHooks?.beforeSync !== undefined) await this.ioHooks.beforeSync(file);
    await (file === 'dat' ? this.dat : this.idx).sync();
  }

  /** A blob must be one whole record of this volume's version whose header Size is `size`. */
  private checkBlob(op: { size: number; blob: Buffer }): void {
    if (op.blob.length < NEEDLE_HEADER_SIZE_BYTES) throw new StorageError('corrupted', `needle blob of ${op.blob.length} bytes is shorter than a header`);
    const header = decodeNeedleHeader(op.blob);
    if (header.size !== op.size) throw new StorageError('size_mismatch', `needle blob header size ${header.size} differs from ${op.size}`);
    if (op.size < 0 || op.blob.length !== actualSize(op.size, this.version)) {
      throw new StorageError('corrupted', `needle blob of ${op.blob.length} bytes is not one record of size ${op.size}`);
    }
  }

  /** Same size, cookie, checksum and data as the live needle: upstream skips the write. */
  private async isSameBlob(op: { size: number; blob: Buffer }, existing: { offsetUnits: number; size: number } | undefined): Promise<boolean> {
    if (existing === undefined || existing.offsetUnits === 0 || existing.size !== op.size) return false;
    try {
      const old = await this.readRecord(existing.offsetUnits * NEEDLE_PADDING_SIZE_BYTES, existing.size);
      const incoming = decodeNeedle(op.blob, this.version, op.size);
      return old.cookie === incoming.cookie && old.checksum === incoming.checksum && Buffer.compare(old.data, incoming.data) === 0;
    } catch {
      return false;
    }
  }

  /** Header and tail metadata of the record at an offset (a tombstone's too); data is not checked. */
  async readMetaAt(offsetBytes: number, size: number): Promise<Needle> {
    this.ensureOpen();
    const bodySize = size < 0 ? 0 : size;
    const bytes = await this.readBytes(offsetBytes, actualSize(bodySize, this.version));
    return decodeNeedle(bytes, this.version, bodySize, { skipChecksum: true });
  }

  /**
   * Records in `.dat` order whose index entry points at exactly that record and is live: what a
   * full copy of the volume consists of (superseded versions and deletions are skipped).
   */
  async *liveRecords(): AsyncGenerator<{ offsetBytes: number; needle: Needle }> {
    this.ensureOpen();
    for await (const record of scanDat(this.dat, this.version, this.firstNeedleOffsetBytes, this.datSizeBytes)) {
      if (record.kind === 'invalid') throw new StorageError('corrupted', `volume ${this.id}: ${record.reason} at offset ${record.offsetBytes}`);
      const entry = this.nm.get(record.needle.id);
      if (entry === undefined || entry.size < 0 || entry.offsetUnits * NEEDLE_PADDING_SIZE_BYTES !== record.offsetBytes) continue;
      yield { offsetBytes: record.offsetBytes, needle: record.needle };
    }
  }

  /** Every record from `fromOffsetBytes` to the current end, in `.dat` order (tails, backups). */
  async *recordsFrom(fromOffsetBytes: number): AsyncGenerator<{ offsetBytes: number; sizeBytes: number; appendAtNs: bigint }> {
    this.ensureOpen();
    const endBytes = this.datSizeBytes;
    for await (const record of scanDat(this.dat, this.version, fromOffsetBytes, endBytes, { verifyChecksum: false })) {
      if (record.kind === 'invalid') throw new StorageError('corrupted', `volume ${this.id}: ${record.reason} at offset ${record.offsetBytes}`);
      yield { offsetBytes: record.offsetBytes, sizeBytes: record.sizeBytes, appendAtNs: record.needle.appendAtNs };
    }
  }

  /**
   * The `.dat` offset of the first record appended after `sinceNs`, found by binary search over
   * `.idx` rows (which are in append order), or null when there is none. Version 3 only (older
   * records carry no append time: everything counts as new).
   */
  async firstOffsetAppendedAfter(sinceNs: bigint): Promise<number | null> {
    this.ensureOpen();
    const entrySize = indexEntrySizeBytes(this.offsetWidth);
    const rows = Math.floor(this.idxSizeBytes / entrySize);
    const row = Buffer.alloc(entrySize);
    const entryAt = async (i: number) => {
      await this.idx.read(row, 0, entrySize, i * entrySize);
      return decodeIndexEntry(row, this.offsetWidth);
    };
    if (this.version !== 3) return rows === 0 ? null : (await entryAt(0)).offset;
    let lo = 0;
    let hi = rows;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const entry = await entryAt(mid);
      const bodySize = entry.size < 0 ? 0 : entry.size;
      const stamp = await this.readBytes(entry.offset + NEEDLE_HEADER_SIZE_BYTES + bodySize + 4, 8);
      if (stamp.readBigUInt64BE(0) <= sinceNs) lo = mid + 1;
      else hi = mid;
    }
    return lo === rows ? null : (await entryAt(lo)).offset;
  }

  /**
   * Checks the volume against its files as they are on disk now. Index: `.idx` whole rows, every
   * row within `.dat`. Full: also reads every live needle and verifies header and checksum.
   * Returns the number of index rows walked and what is wrong (empty when healthy).
   */
  async scrub(full: boolean): Promise<{ files: number; errors: string[] }> {
    this.ensureOpen();
    const errors: string[] = [];
    const entrySize = indexEntrySizeBytes(this.offsetWidth);
    const idxBytes = (await this.idx.stat()).size;
    const datBytes = (await this.dat.stat()).sizeBytes;
    if (idxBytes % entrySize !== 0) errors.push(`volume ${this.id}: index file size ${idxBytes} is not a multiple of ${entrySize}`);
    const rows = Math.floor(idxBytes / entrySize);
    const chunkRows = 65_536;
    const buf = Buffer.allocUnsafe(Math.min(rows, chunkRows) * entrySize);
    const latest = new Map<bigint, { offsetBytes: number; size: number }>();
    for (let first = 0; first < rows; first += chunkRows) {
      const count = Math.min(chunkRows, rows - first);
      await this.idx.read(buf, 0, count * entrySize, first * entrySize);
      for (let i = 0; i < count; i++) {
        const entry = decodeIndexEntry(buf, this.offsetWidth, i * entrySize);
        if (entry.offset === 0) continue;
        const end = entry.offset + actualSize(entry.size, this.version);
        if (end > datBytes) {
          errors.push(`volume ${this.id}: index row ${first + i} (needle ${entry.key.toString(16)}) ends at ${end}, past .dat size ${datBytes}`);
          continue;
        }
        if (full) latest.set(entry.key, { offsetBytes: entry.offset, size: entry.size });
      }
    }
    if (full) {
      for (const [key, entry] of latest) {
        if (entry.size < 0) continue;
        try {
          const n = await this.readRecord(entry.offsetBytes, entry.size);
          if (n.id !== key) errors.push(`volume ${this.id}: needle ${key.toString(16)} at ${entry.offsetBytes} holds id ${n.id.toString(16)}`);
        } catch (err) {
          errors.push(`volume ${this.id}: needle ${key.toString(16)} at ${entry.offsetBytes}: ${(err as Error).message}`);
        }
      }
    }
    return { files: rows, errors };
  }

  get isCompacting(): boolean {
    return this.compacting !== null || this.compactStarting;
  }

  /** How far a vacuum of this volume has got (a copy), or null when none is under way. */
  compactionProgress(): CompactionProgress | null {
    return this.compacting === null ? null : { ...this.compacting.progress };
  }

  /**
   * `.dat` and `.idx` sizes taken between write batches: every record below the first has its
   * row below the second. What a verify of a mounted volume reads up to.
   */
  fileSizesBetweenBatches(): Promise<{ datSizeBytes: number; idxSizeBytes: number }> {
    this.ensureOpen();
    return this.appends.exclusive(async () => ({ datSizeBytes: this.datSizeBytes, idxSizeBytes: this.idxSizeBytes }));
  }

  /**
   * Vacuum, step 1: writes the live needles (as of now) to `.cpd`/`.cpx` with the compaction
   * revision advanced. Writes go on meanwhile; commitCompact carries them over.
   */
  async compact(options: { bytesPerSecond?: number; onProgress?: (processedBytes: number) => Promise<void> } = {}): Promise<void> {
    this.ensureOpen();
    if (this.isTiered) throw tieredCompactError(this.id);
    if (this.compacting !== null || this.compactStarting) throw new StorageError('io', `volume ${this.id} is already compacting`);
    // Claimed before the lease is looked at, and an agent looks at isCompacting after taking
    // the lease: whichever comes second sees the other.
    this.compactStarting = true;
    let snapshot;
    try {
      const holder = await liveLease(this.location);
      if (holder !== null) throw new StorageError('lease_held', `volume ${this.id} is held by ${describeLease(holder, Date.now())}`);
      // Taken between batches, so the map and `.idx` agree exactly.
      snapshot = await this.appends.exclusive(async () => {
        const entries = this.nm.map.liveSortedEntries();
        return { entries, idxSizeBytes: this.idxSizeBytes, compactionRevision: this.superBlock.compactionRevision };
      });
      const progress: CompactionProgress = { phase: 'copying', doneBytes: 0, totalBytes: this.datSizeBytes, startedAtMs: Date.now() };
      this.compacting = { idxSizeBytes: snapshot.idxSizeBytes, compactionRevision: snapshot.compactionRevision, progress };
    } finally {
      this.compactStarting = false;
    }
    const progress = this.compacting.progress;
    try {
      const result = await writeCompactedCopy({
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
        log: this.log,
      });
      progress.doneBytes = progress.totalBytes;
      progress.phase = 'awaiting-commit';
      this.log(`volume ${this.id}: compacted ${result.kept} needles into ${result.cpdSizeBytes} bytes (${result.dropped} dropped)`);
    } catch (err) {
      this.compacting = null;
      await removeCompactionLeftovers(this.location).catch(() => {});
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
        await removeCompactionLeftovers(this.location).catch(() => {});
        throw tieredCompactError(this.id);
      }
      try {
        if (compacting.compactionRevision !== this.superBlock.compactionRevision) {
          throw new StorageError('io', `volume ${this.id} was compacted by someone else meanwhile`);
        }
        await this.dat.sync();
        await this.idx.sync();
        await carryOverChanges({
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
        this.compacting = null;
        await removeCompactionLeftovers(this.location).catch(() => {});
        throw err;
      }
      const oldDat = this.dat;
      const oldIdx = this.idx;
      await swapInCompacted(this.location);
      this.adopt(await loadVolume(this.location, this.offsetWidth, null, this.log));
      this.compacting = null;
      // Reads already in flight hold the old descriptors; the files are unlinked, the data still there.
      setTimeout(() => {
        void oldDat.close().catch(() => {});
        void oldIdx.close().catch(() => {});
      }, OLD_HANDLE_GRACE_MS).unref();
    });
  }

  /** Vacuum, abandoned: removes `.cpd`/`.cpx` left by compact(). */
  async cleanupCompact(): Promise<void> {
    await this.appends.exclusive(async () => {
      this.compacting = null;
      await removeCompactionLeftovers(this.location);
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

  private nextAppendAtNs(previous: bigint): bigint {
    const now = this.nowNs();
    return now > previous ? now : previous + 1n;
  }

  private async writeFully(handle: FileHandle | DataFile, bytes: Buffer, position: number): Promise<void> {
    let done = 0;
    const fd = handle.fd;
    if (fd >= 0 && inlineIo.allows(bytes.length)) done = inlineIo.run(() => writeSync(fd, bytes, 0, bytes.length, position));
    while (done < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
      if (bytesWritten === 0) throw new Error(`short write at ${position + done}`);
      done += bytesWritten;
    }
  }

  /** Upstream skips a re-upload with the same cookie, checksum and bytes (on volumes without TTL). */
  private async isUnchanged(n: Needle, existing: { offsetUnits: number; size: number } | undefined): Promise<boolean> {
    if (!isEmptyTtl(this.superBlock.ttl)) return false;
    if (existing === undefined || existing.offsetUnits === 0 || existing.size <= 0) return false;
    let old: Needle;
    try {
      old = await this.readRecord(existing.offsetUnits * NEEDLE_PADDING_SIZE_BYTES, existing.size);
    } catch {
      return false;
    }
    return old.cookie === n.cookie && old.checksum === n.checksum && Buffer.compare(old.data, n.data) === 0;
  }

  /** The map entry for a needle id: size < 0 means deleted. */
  lookup(id: bigint): { offsetBytes: number; size: number } | undefined {
    const value = this.nm.get(id);
    if (value === undefined || value.offsetUnits === 0) return undefined;
    return { offsetBytes: value.offsetUnits * NEEDLE_PADDING_SIZE_BYTES, size: value.size };
  }

  private readableSize(id: bigint, options: ReadOptions): { offsetBytes: number; size: number } {
    const entry = this.lookup(id);
    if (entry === undefined) throw new StorageError('not_found', 'not found');
    if (entry.size < 0) {
      if (options.readDeleted && entry.size !== TOMBSTONE_FILE_SIZE) return { offsetBytes: entry.offsetBytes, size: -entry.size };
      throw new StorageError('deleted', 'already deleted');
    }
    return entry;
  }

  /** Reads a whole needle (data verified against its checksum). Expired TTL needles are not found. */
  async read(id: bigint, options: ReadOptions = {}): Promise<Needle> {
    this.ensureOpen();
    const { offsetBytes, size } = this.readableSize(id, options);
    if (size === 0) return { ...newTombstone(0, id, 0, 0n), size: 0 };
    const n = await this.readRecord(offsetBytes, size, options.buffers);
    try {
      checkCookie(n.cookie, options);
      this.checkExpired(n);
    } catch (err) {
      options.buffers?.give(n.data);
      throw err;
    }
    return n;
  }

  /** Reads the record at an offset with the index size; in 4-byte builds retries at +32 GiB. */
  async readRecord(offsetBytes: number, size: number, buffers?: BufferPool): Promise<Needle> {
    try {
      return await this.decodeRecordAt(offsetBytes, size, buffers);
    } catch (err) {
      if (err instanceof StorageError && err.code === 'size_mismatch' && this.offsetWidth === 4) {
        const wrapped = offsetBytes + maxVolumeSizeBytes(4);
        if (wrapped + actualSize(size, this.version) <= this.datSizeBytes) return this.decodeRecordAt(wrapped, size, buffers);
      }
      throw err;
    }
  }

  /** One record read and decoded; a pooled buffer goes back to its pool if decoding fails. */
  private async decodeRecordAt(offsetBytes: number, size: number, buffers: BufferPool | undefined): Promise<Needle> {
    const bytes = await this.readBytes(offsetBytes, actualSize(size, this.version), buffers);
    try {
      return decodeNeedle(bytes, this.version, size);
    } catch (err) {
      buffers?.give(bytes);
      throw err;
    }
  }

  /** Reads exactly `length` bytes of `.dat` at `offsetBytes` (into a pooled buffer when given a pool). */
  async readBytes(offsetBytes: number, length: number, buffers?: BufferPool): Promise<Buffer> {
    const buf = buffers !== undefined ? buffers.take(length) : Buffer.allocUnsafe(length);
    let done = 0;
    try {
      // A remote `.dat` has no descriptor (-1): its reads always take the asynchronous path.
      const fd = this.dat.fd;
      if (fd >= 0 && inlineIo.allows(length)) done = inlineIo.run(() => readSync(fd, buf, 0, length, offsetBytes));
      while (done < length) {
        const { bytesRead } = await this.dat.read(buf, done, length - done, offsetBytes + done);
        if (bytesRead === 0) throw new StorageError('corrupted', `.dat ends at ${offsetBytes + done}, wanted ${length} bytes at ${offsetBytes}`);
        done += bytesRead;
      }
    } catch (err) {
      buffers?.give(buf);
      throw err;
    }
    return buf;
  }

  private async readHeader(offsetBytes: number) {
    return decodeNeedleHeader(await this.readBytes(offsetBytes, NEEDLE_HEADER_SIZE_BYTES));
  }

  private checkExpired(n: Needle): void {
    if (!hasFlag(n, NeedleFlag.HasTtl) || !hasFlag(n, NeedleFlag.HasLastModified)) return;
    const minutes = ttlMinutes(n.ttl);
    if (minutes === 0) return;
    const expiresAtNs = n.appendAtNs + BigInt(minutes) * 60_000_000_000n;
    if (this.nowNs() >= expiresAtNs) throw new StorageError('not_found', 'not found');
  }

  /**
   * Locates a needle's data without reading it, for large or ranged reads: the metadata is
   * parsed from the bytes after the data, so memory stays bounded whatever the needle's size.
   */
  async locate(id: bigint, options: ReadOptions = {}): Promise<NeedleLocation> {
    this.ensureOpen();
    const { offsetBytes, size } = this.readableSize(id, options);
    const recordSize = actualSize(size, this.version);
    const head = await this.readBytes(offsetBytes, Math.min(recordSize, NEEDLE_HEADER_SIZE_BYTES + 4));
    const header = decodeNeedleHeader(head);
    if (header.size !== size) throw new StorageError('size_mismatch', `size mismatch at ${offsetBytes}: ${header.size} != ${size}`);
    checkCookie(header.cookie, options);
    const { dataOffset, dataSize } = size === 0 ? { dataOffset: NEEDLE_HEADER_SIZE_BYTES, dataSize: 0 } : dataRegion(head, this.version);
    // Re-read the record without its data and decode that image for the metadata.
    const afterData = offsetBytes + dataOffset + dataSize;
    const tail = await this.readBytes(afterData, offsetBytes + recordSize - afterData);
    const image = Buffer.concat([head.subarray(0, dataOffset), tail]);
    if (this.version !== 1 && size > 0) image.writeUInt32BE(0, NEEDLE_HEADER_SIZE_BYTES);
    image.writeInt32BE(size - dataSize, 12);
    const needle = decodeNeedle(image, this.version, size - dataSize, { skipChecksum: true });
    needle.size = size;
    this.checkExpired(needle);
    return { needle, dataOffsetBytes: offsetBytes + dataOffset, dataSizeBytes: dataSize };
  }

  /** Streams `[start, end)` of a located needle's data in bounded chunks. */
  createDataStream(location: NeedleLocation, startBytes = 0, endBytes = location.dataSizeBytes): Readable {
    assert(startBytes >= 0 && endBytes <= location.dataSizeBytes && startBytes <= endBytes, 'range within needle data');
    const dat = this.dat;
    let position = location.dataOffsetBytes + startBytes;
    const end = location.dataOffsetBytes + endBytes;
    return new Readable({
      highWaterMark: STREAM_CHUNK_BYTES,
      async read() {
        if (position >= end) {
          this.push(null);
          return;
        }
        const length = Math.min(STREAM_CHUNK_BYTES, end - position);
        const buf = Buffer.allocUnsafe(length);
        try {
          const { bytesRead } = await dat.read(buf, 0, length, position);
          if (bytesRead === 0) throw new StorageError('corrupted', `.dat ends at ${position}`);
          position += bytesRead;
          this.push(bytesRead === length ? buf : buf.subarray(0, bytesRead));
        } catch (err) {
          this.destroy(err as Error);
        }
      },
    });
  }

  /** The local `.dat` handle, for vacuum (which tiered volumes refuse before getting here). */
  private localDatHandle(): FileHandle {
    assert(this.dat instanceof LocalDataFile, `volume ${this.id} .dat is local`);
    return this.dat.handle;
  }

  /** The first byte after the super block: where the first needle starts. */
  get firstNeedleOffsetBytes(): number {
    return superBlockSizeBytes(this.superBlock);
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
      throw new StorageError('io', `volume ${this.id} remote object ${backendName}/${remote.key} delete failed: ${(err as Error).message}`, { cause: err });
    }
  }

  /**
   * Closes and removes every local file of the volume (upstream's removeVolumeFiles list);
   * `keepVif` when an EC volume of the same id shares the `.vif`. A tiered volume's remote
   * object is deleteRemoteObject's.
   */
  async destroy(options: { keepVif?: boolean } = {}): Promise<void> {
    await this.close();
    for (const ext of ['dat', 'idx', ...(options.keepVif === true ? [] : ['vif']), 'sdx', 'cpd', 'cpx', 'cpc', 'ldb', 'rdb', 'note']) {
      await fs.rm(volumeFilePath(this.location, ext), { recursive: true, force: true });
    }
  }
}
