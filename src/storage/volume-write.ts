// A volume's append pipeline (upstream's volume_write.go): writes, raw blobs and deletes queue
// up, and each batch goes to `.dat` in one write, then to the map and `.idx` in the same order
// (with the syncs a durable write asks for), as upstream's volume worker does.
import type { DataFile } from './backend/data-file.ts';
import { type BatchEntry, BatchQueue } from './batch-queue.ts';
import { BufferPool } from './buffer-pool.ts';
import { StorageError } from './errors.ts';
import type { VolumeFile } from './io/volume-io.ts';
import { encodeIndexEntry } from './idx/entry.ts';
import { inlineIo } from './inline-io.ts';
import {
  type Needle,
  NeedleFlag,
  type NeedleRecordParts,
  decodeNeedle,
  decodeNeedleHeader,
  encodeNeedle,
  encodeNeedleParts,
  newTombstone,
} from './needle/needle.ts';
import { isEmptyTtl } from './needle/ttl.ts';
import { actualSize } from './needle/version.ts';
import {
  NEEDLE_HEADER_SIZE_BYTES,
  NEEDLE_PADDING_SIZE_BYTES,
  TOMBSTONE_FILE_SIZE,
  assert,
  indexEntrySizeBytes,
  maxVolumeSizeBytes,
} from './types.ts';
import { closedError, readOnlyError } from './volume-core.ts';
import type { LoadedVolume } from './volume-load.ts';
import {
  DEFAULT_SYNC_BATCH,
  MAX_BATCH_BYTES,
  MAX_BATCH_ITEMS,
  MAX_QUEUED_WRITES,
  type VolumeFileKind,
  type VolumeIoHooks,
  type VolumeOpenOptions,
} from './volume-options.ts';
import { VolumeReads } from './volume-read.ts';
import { writevFully } from './vectored-write.ts';

/** Batches larger than this go out as one vectored write of their pieces, so big needles are never copied. */
const VECTORED_BATCH_MIN_BYTES = 256 * 1024;
/**
 * Smaller batches are copied into one staging buffer for a single (usually inline) write. The
 * buffers are reused: a fresh 64 KiB+ buffer per batch is external memory to V8, and enough of
 * it starts full mark-compacts (under 64 KB writes, dozens per second). A few batches of
 * different volumes may be in flight at once, each holding one.
 */
const stagingBuffers = new BufferPool(16 * VECTORED_BATCH_MIN_BYTES);

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

/** What writeBlob resolves with: where the record went, or that an identical one was live. */
export interface BlobWriteResult {
  offsetBytes: number;
  unchanged: boolean;
}

type AppendOp =
  | { kind: 'write'; needle: Needle; options: WriteOptions }
  | { kind: 'blob'; id: bigint; size: number; blob: Buffer }
  | { kind: 'delete'; id: bigint; cookie: number; checksum: number };

/** What an append settles with, by its kind: a write's result, a blob's, the size a delete removed. */
type AppendResult = WriteResult | BlobWriteResult | number;
type AppendEntry = BatchEntry<AppendOp, AppendResult>;

/** An operation of a batch that goes to `.dat` or `.idx`, at the offset planned for it. */
interface PlannedAppend {
  op: AppendOp;
  offsetBytes: number;
  resolve(value: AppendResult): void;
  reject(err: unknown): void;
  indexed: boolean;
}

/** A durable write found unchanged: acknowledged only once the batch's syncs succeed. */
interface DurableUnchanged {
  result: WriteResult;
  resolve(value: AppendResult): void;
  reject(err: unknown): void;
}

export abstract class VolumeWrites extends VolumeReads {
  protected readonly appends: BatchQueue<AppendOp, AppendResult>;
  private readonly ioHooks: VolumeIoHooks | undefined;

  protected constructor(options: VolumeOpenOptions, loaded: LoadedVolume) {
    super(options, loaded);
    this.ioHooks = options.ioHooks;
    const syncBatch = options.syncBatch ?? DEFAULT_SYNC_BATCH;
    this.appends = new BatchQueue<AppendOp, AppendResult>(
      { maxPending: MAX_QUEUED_WRITES, maxBatchItems: MAX_BATCH_ITEMS, maxBatchBytes: MAX_BATCH_BYTES },
      (batch) => this.processBatch(batch),
      { minBytes: syncBatch.minBytes, minItems: syncBatch.minRequests, waitMs: syncBatch.waitMs },
    );
  }

  /** Appends a needle. Sets the needle's size and appendAtNs. */
  write(n: Needle, options: WriteOptions = {}): Promise<WriteResult> {
    // Refused at once when read-only, so a write behind a slow batch is not kept waiting for the
    // answer; the batch checks again, since the state can flip while it waits.
    const refused = this.refusedWrite();
    if (refused !== undefined) return Promise.reject(refused);
    // Only a durable write may wait for company (upstream's worker takes only fsync writes).
    // Sized as upstream's worker counts a request: the record a body of the data's length takes.
    return this.appends.add<WriteResult>(
      { kind: 'write', needle: n, options },
      actualSize(n.data.length, this.version),
      options.fsync === true,
    );
  }

  /**
   * Appends a raw record copied from another volume (replication, merge), indexed under `id`
   * with a fresh AppendAtNs. An identical live needle makes it a no-op. Returns the offset.
   */
  writeBlob(id: bigint, size: number, blob: Buffer): Promise<BlobWriteResult> {
    const refused = this.refusedWrite();
    if (refused !== undefined) return Promise.reject(refused);
    return this.appends.add<BlobWriteResult>({ kind: 'blob', id, size, blob: Buffer.from(blob) }, blob.length);
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
  private async processBatch(batch: AppendEntry[]): Promise<void> {
    const planned: PlannedAppend[] = [];
    /** Durable writes found unchanged: acknowledged only once the batch's syncs succeed (as upstream). */
    const durableUnchanged: DurableUnchanged[] = [];
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
            throw new StorageError(
              'volume_full',
              `Volume Size ${endBytes} Exceeded ${maxVolumeSizeBytes(this.offsetWidth)}`,
            );
          }
          lastAppendAtNs = this.nextAppendAtNs(lastAppendAtNs);
          if (this.version === 3) op.blob.writeBigUInt64BE(lastAppendAtNs, NEEDLE_HEADER_SIZE_BYTES + op.size + 4);
          pending.set(id, {
            offsetUnits: endBytes / NEEDLE_PADDING_SIZE_BYTES,
            size: op.size,
            cookie: op.blob.readUInt32BE(0),
          });
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
          // A new key (the common case) cannot be unchanged: no await, no read.
          if (inBatch === undefined && existing !== undefined && (await this.isUnchanged(n, existing))) {
            const result: WriteResult = {
              offsetBytes: (existing?.offsetUnits ?? 0) * NEEDLE_PADDING_SIZE_BYTES,
              size: existing?.size ?? 0,
              unchanged: true,
            };
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
            const existingCookie =
              inBatch?.cookie ?? (await this.readHeader(existing.offsetUnits * NEEDLE_PADDING_SIZE_BYTES)).cookie;
            if (n.cookie === 0 && op.options.checkCookie === false) n.cookie = existingCookie;
            if (existingCookie !== n.cookie)
              throw new StorageError('cookie_mismatch', `mismatching cookie ${n.cookie.toString(16)}`);
          }
          if (endBytes >= maxVolumeSizeBytes(this.offsetWidth) && n.data.length > 0) {
            throw new StorageError(
              'volume_full',
              `Volume Size ${endBytes} Exceeded ${maxVolumeSizeBytes(this.offsetWidth)}`,
            );
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
            pending.set(id, {
              offsetUnits: existing.offsetUnits,
              size: existing.size === 0 ? -1 : -existing.size,
              cookie: op.cookie,
            });
            planned.push({ op, offsetBytes: 0, resolve: entry.resolve, reject: entry.reject, indexed: true });
            continue;
          }
          lastAppendAtNs = this.nextAppendAtNs(lastAppendAtNs);
          record = encodeNeedle(newTombstone(op.cookie, id, op.checksum, lastAppendAtNs), this.version);
          pending.set(id, {
            offsetUnits: existing.offsetUnits,
            size: existing.size === 0 ? -1 : -existing.size,
            cookie: op.cookie,
          });
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
      this.ioErrors.note(err);
      // The append's own error is what fails the batch.
      if (records.length > 0) await this.cutBack(this.dat, startBytes);
      failAll(
        new StorageError('io', `append to volume ${this.id} at ${startBytes}: ${(err as Error).message}`, {
          cause: err,
        }),
      );
      return;
    }
    this.datSizeBytes = endBytes;
    this.lastAppendAtNs = lastAppendAtNs;

    const rows: Buffer[] = [];
    for (const p of planned) {
      if (p.op.kind === 'write') {
        const n = p.op.needle;
        if (p.indexed)
          rows.push(encodeIndexEntry({ key: n.id, offset: p.offsetBytes, size: n.size }, this.offsetWidth));
      } else if (p.op.kind === 'blob') {
        rows.push(encodeIndexEntry({ key: p.op.id, offset: p.offsetBytes, size: p.op.size }, this.offsetWidth));
      } else {
        rows.push(
          encodeIndexEntry({ key: p.op.id, offset: p.offsetBytes, size: TOMBSTONE_FILE_SIZE }, this.offsetWidth),
        );
      }
    }
    try {
      // The map changes only once `.idx` holds the rows: a map ahead of `.idx` made later
      // operations act on entries a reload never sees (a second delete of a needle whose first
      // delete's row was lost wrote nothing, and the needle came back). The records already in
      // `.dat` are orphans then: later records are indexed after them, and a load scans only
      // past the last indexed one.
      if (rows.length > 0) {
        await this.writeFile('idx', rows.length === 1 ? (rows[0] as Buffer) : Buffer.concat(rows), this.idxSizeBytes);
        this.idxSizeBytes += rows.length * indexEntrySizeBytes(this.offsetWidth);
      }
    } catch (err) {
      this.ioErrors.note(err);
      const message = (err as Error).message;
      // Part of the rows may have landed: left past the end, they would outlive later rows at a
      // load. The records go too, or a load would index them from its scan of the tail.
      await this.cutBack(this.idx, this.idxSizeBytes);
      if (records.length > 0 && (await this.cutBack(this.dat, startBytes))) this.datSizeBytes = startBytes;
      if (fsync) this.stopWrites(`index append failed: ${message}`);
      for (const p of planned) {
        const id = p.op.kind === 'write' ? p.op.needle.id : p.op.id;
        p.reject(
          new StorageError('io', `index needle ${id} of volume ${this.id} at offset ${p.offsetBytes}: ${message}`, {
            cause: err,
          }),
        );
      }
      for (const u of durableUnchanged)
        u.reject(new StorageError('io', `index volume ${this.id}: ${message}`, { cause: err }));
      return;
    }
    const results: AppendResult[] = [];
    for (const p of planned) {
      const offsetUnits = p.offsetBytes / NEEDLE_PADDING_SIZE_BYTES;
      if (p.op.kind === 'write') {
        const n = p.op.needle;
        if (p.indexed) this.nm.put(n.id, offsetUnits, n.size);
        if (n.lastModified > this.lastModifiedTsSeconds) this.lastModifiedTsSeconds = n.lastModified;
        results.push({ offsetBytes: p.offsetBytes, size: n.size, unchanged: false } satisfies WriteResult);
      } else if (p.op.kind === 'blob') {
        this.nm.put(p.op.id, offsetUnits, p.op.size);
        results.push({ offsetBytes: p.offsetBytes, unchanged: false });
      } else {
        results.push(this.nm.delete(p.op.id, offsetUnits));
      }
    }
    if (fsync) {
      try {
        await this.syncFile('idx');
      } catch (err) {
        this.ioErrors.note(err);
        // The rows are published and cannot be taken back: refuse writes rather than acknowledge
        // index entries that may not survive a crash.
        this.stopWrites(`index sync failed: ${(err as Error).message}`);
        failAll(new StorageError('io', `sync volume ${this.id} index: ${(err as Error).message}`, { cause: err }));
        return;
      }
    }
    this.ioErrors.noteSuccess();
    assert(results.length === planned.length, 'one result per planned append');
    planned.forEach((p, i) => {
      p.resolve(results[i] as AppendResult);
    });
    for (const u of durableUnchanged) u.resolve(u.result);
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
      const staging =
        totalBytes <= VECTORED_BATCH_MIN_BYTES
          ? stagingBuffers.take(VECTORED_BATCH_MIN_BYTES)
          : Buffer.allocUnsafe(totalBytes);
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
    await writevFully(this.io, this.dat.fd, pieces, totalBytes, position);
  }

  /**
   * Takes a failed batch's bytes back off a file, durably: a crash must not bring back records
   * whose failure was reported (a delete after it would find nothing to delete, and the load's
   * scan would index them). A cut that fails leaves bytes the next append may only partly cover:
   * as upstream, the volume takes no more writes. Returns whether the cut held.
   */
  private async cutBack(file: VolumeFile | DataFile, sizeBytes: number): Promise<boolean> {
    try {
      await file.truncate(sizeBytes);
      await file.sync();
      return true;
    } catch (err) {
      this.stopWrites(
        `cutting ${file === this.idx ? '.idx' : '.dat'} back to ${sizeBytes} failed: ${(err as Error).message}`,
      );
      return false;
    }
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
    if (op.blob.length < NEEDLE_HEADER_SIZE_BYTES)
      throw new StorageError('corrupted', `needle blob of ${op.blob.length} bytes is shorter than a header`);
    const header = decodeNeedleHeader(op.blob);
    if (header.size !== op.size)
      throw new StorageError('size_mismatch', `needle blob header size ${header.size} differs from ${op.size}`);
    if (op.size < 0 || op.blob.length !== actualSize(op.size, this.version)) {
      throw new StorageError(
        'corrupted',
        `needle blob of ${op.blob.length} bytes is not one record of size ${op.size}`,
      );
    }
  }

  /** Same size, cookie, checksum and data as the live needle: upstream skips the write. */
  private async isSameBlob(
    op: { size: number; blob: Buffer },
    existing: { offsetUnits: number; size: number } | undefined,
  ): Promise<boolean> {
    if (existing === undefined || existing.offsetUnits === 0 || existing.size !== op.size) return false;
    try {
      const old = await this.readRecord(existing.offsetUnits * NEEDLE_PADDING_SIZE_BYTES, existing.size);
      const incoming = decodeNeedle(op.blob, this.version, op.size);
      return (
        old.cookie === incoming.cookie &&
        old.checksum === incoming.checksum &&
        Buffer.compare(old.data, incoming.data) === 0
      );
    } catch {
      return false;
    }
  }

  private nextAppendAtNs(previous: bigint): bigint {
    const now = this.nowNs();
    return now > previous ? now : previous + 1n;
  }

  private async writeFully(handle: VolumeFile | DataFile, bytes: Buffer, position: number): Promise<void> {
    let done = 0;
    const fd = handle.fd;
    const io = this.io;
    if (fd >= 0 && inlineIo.allows(bytes.length))
      done = inlineIo.run(() => io.writeSync(fd, bytes, 0, bytes.length, position));
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
}
