// Copying volume files out: CopyFile and VolumeIncrementalCopy.
import { type FileHandle, open } from 'node:fs/promises';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { type IndexEntry, decodeIndexEntry } from '../../../storage/idx/entry.ts';
import { actualSize } from '../../../storage/needle/version.ts';
import { NEEDLE_HEADER_SIZE_BYTES, type OffsetWidth, indexEntrySizeBytes } from '../../../storage/types.ts';
import type { Volume } from '../../../storage/volume.ts';
import { volumeFilePath } from '../../../storage/volume-files.ts';
import { checkCollectionName, checkedVolumeBaseName } from '../../../store/collection-name.ts';
import {
  type GrpcContext,
  type ResponseOf,
  type VolumeServerHandlerTable,
  GrpcStatusError,
  serverStream,
  writeMessage,
} from '../context.ts';
import { extensionProblem } from '../file-name-checks.ts';

/** Upstream streams files in 2 MiB messages. */
const COPY_CHUNK_BYTES = 2 * 1024 * 1024;
/** compaction_revision value meaning "any revision". */
const ANY_COMPACTION_REVISION = 0xffff_ffff;

/**
 * Streams `file` up to `stopOffsetBytes` in chunks; the first message carries the file's mtime in
 * ns (Go receivers take "no mtime" as "source file absent"). A missing file ends the stream with
 * no message when `allowMissing`.
 */
async function streamFile(
  call: grpc.ServerWritableStream<unknown, ResponseOf<'CopyFile'>>,
  file: string,
  stopOffsetBytes: number,
  allowMissing: boolean,
): Promise<void> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && allowMissing) return;
    throw err;
  }
  try {
    const modifiedTsNs = (BigInt(Math.floor((await handle.stat()).mtimeMs)) * 1_000_000n).toString();
    let position = 0;
    let sent = 0;
    const buf = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
    while (position < stopOffsetBytes) {
      const { bytesRead } = await handle.read(buf, 0, Math.min(COPY_CHUNK_BYTES, stopOffsetBytes - position), position);
      if (bytesRead === 0) break;
      await writeMessage(call, {
        file_content: Buffer.from(buf.subarray(0, bytesRead)),
        modified_ts_ns: sent === 0 ? modifiedTsNs : '0',
      });
      position += bytesRead;
      sent++;
    }
    if (sent === 0) await writeMessage(call, { file_content: Buffer.alloc(0), modified_ts_ns: modifiedTsNs });
  } finally {
    await handle.close();
  }
}

/** Upstream's text for ErrIncrementalCopyDiverged; backup clients match on it. */
const DIVERGED_MESSAGE = 'local copy diverged from the replica';

export class IncrementalCopyDiverged extends Error {
  constructor() {
    super(DIVERGED_MESSAGE);
  }
}

/** Rows read at once when walking `.idx` (about 1 MiB). */
const ROWS_PER_READ = 65536;

/** Random access to `.idx` rows through one handle. */
export class IndexRows {
  private readonly row: Buffer;
  constructor(
    private readonly handle: FileHandle,
    private readonly width: OffsetWidth,
  ) {
    this.row = Buffer.alloc(indexEntrySizeBytes(width));
  }

  async at(i: number): Promise<IndexEntry> {
    const { bytesRead } = await this.handle.read(this.row, 0, this.row.length, i * this.row.length);
    if (bytesRead !== this.row.length) throw new Error(`index row ${i} is past the end of the file`);
    return decodeIndexEntry(this.row, this.width);
  }

  /** Highest `.dat` offset the first `count` rows name; 0 when none names a record. */
  async maxOffset(count: number): Promise<number> {
    const entrySize = this.row.length;
    const buf = Buffer.allocUnsafe(entrySize * ROWS_PER_READ);
    let max = 0;
    for (let done = 0; done < count; ) {
      const want = Math.min(count - done, ROWS_PER_READ) * entrySize;
      const { bytesRead } = await this.handle.read(buf, 0, want, done * entrySize);
      if (bytesRead !== want) throw new Error(`index ends before row ${done + Math.floor(bytesRead / entrySize)}`);
      for (let at = 0; at < want; at += entrySize) {
        const offset = decodeIndexEntry(buf, this.width, at).offset;
        if (offset > max) max = offset;
      }
      done += want / entrySize;
    }
    return max;
  }

  /** FNV-1a-64 of the first `count` rows' key and size (offsets differ across replicas). */
  async prefixHash(count: number): Promise<bigint> {
    const entrySize = this.row.length;
    const hash = new Fnv1a64();
    const buf = Buffer.allocUnsafe(entrySize * ROWS_PER_READ);
    for (let done = 0; done < count; ) {
      const want = Math.min(count - done, ROWS_PER_READ) * entrySize;
      const { bytesRead } = await this.handle.read(buf, 0, want, done * entrySize);
      if (bytesRead !== want) throw new Error(`index ends before row ${done + Math.floor(bytesRead / entrySize)}`);
      for (let at = 0; at < want; at += entrySize) {
        hash.update(buf, at, at + 8);
        hash.update(buf, at + 8 + this.width, at + entrySize);
      }
      done += want / entrySize;
    }
    return hash.digest();
  }
}

/** FNV-1a, 64-bit, kept as two 32-bit halves so hashing a large `.idx` needs no BigInt per byte. */
export class Fnv1a64 {
  private hi = 0xcbf29ce4;
  private lo = 0x84222325;

  update(bytes: Uint8Array, start = 0, end = bytes.length): this {
    let { hi, lo } = this;
    for (let i = start; i < end; i++) {
      lo = (lo ^ bytes[i]!) >>> 0;
      // h * 0x100000001b3 mod 2^64: every partial product stays below 2^53, so doubles are exact.
      const low = lo * 0x1b3;
      const carry = Math.floor(low / 0x1_0000_0000);
      hi = (hi * 0x1b3 + carry + lo * 0x100) >>> 0;
      lo = low >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
    return this;
  }

  digest(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }
}

/** The `.dat` bytes a needle's header says its record spans. */
async function recordEndBytes(volume: Volume, offsetBytes: number): Promise<number> {
  const header = await volume.readBytes(offsetBytes, NEEDLE_HEADER_SIZE_BYTES);
  return offsetBytes + actualSize(header.readInt32BE(12), volume.version);
}

/**
 * The end of the last record the first `rows` index rows name (by highest offset: a rebuilt
 * index may be sorted by key), or the superblock size when none names a record.
 */
export async function datSizeCoveredByIndex(volume: Volume, rows: IndexRows, rowCount: number): Promise<number> {
  const maxOffsetBytes = await rows.maxOffset(rowCount);
  if (maxOffsetBytes <= 0) return volume.firstNeedleOffsetBytes;
  return recordEndBytes(volume, maxOffsetBytes);
}

/**
 * Resumes by index position (append stamps differ across replicas): the row at entryCount-1 must
 * match the client's last entry in key, size and (for a row with a record) cookie, and the first
 * entryCount rows must hash the same. Returns the `.dat` offset of the next row with a record
 * (within the index bound), null when the remaining rows are index-only, or 'up_to_date'.
 */
export async function resumeByLastEntry(
  volume: Volume,
  rows: IndexRows,
  last: { entryCount: number; key: bigint; cookie: number; size: number; entriesHash: bigint; indexBoundBytes: number },
): Promise<number | null | 'up_to_date'> {
  const entrySize = indexEntrySizeBytes(volume.offsetWidth);
  const fileBytes = volume.stats().idxSizeBytes;
  if (fileBytes % entrySize !== 0)
    throw new Error(`unexpected file ${volumeFilePath(volume.location, 'idx')} size: ${fileBytes}`);
  const serverCount = fileBytes / entrySize;
  if (serverCount < last.entryCount) throw new IncrementalCopyDiverged();
  const boundary = await rows.at(last.entryCount - 1);
  if (boundary.key !== last.key || boundary.size !== last.size) throw new IncrementalCopyDiverged();
  // An index-only tombstone (offset 0) has no record to read a cookie from.
  if (boundary.offset !== 0) {
    const header = await volume.readBytes(boundary.offset, NEEDLE_HEADER_SIZE_BYTES);
    if (header.readUInt32BE(0) !== last.cookie >>> 0) throw new IncrementalCopyDiverged();
  }
  if ((await rows.prefixHash(last.entryCount)) !== last.entriesHash) throw new IncrementalCopyDiverged();
  if (serverCount === last.entryCount) return 'up_to_date';
  const scanEnd = Math.min(serverCount, Math.floor(last.indexBoundBytes / entrySize));
  for (let i = last.entryCount; i < scanEnd; i++) {
    const entry = await rows.at(i);
    if (entry.offset !== 0) return entry.offset;
  }
  return null;
}

export function copyHandlers(ctx: GrpcContext): VolumeServerHandlerTable {
  return {
    CopyFile: serverStream(async (request, call) => {
      const problem = extensionProblem(request.ext);
      if (problem !== null) throw new Error(problem);
      checkCollectionName(request.collection);
      const stopOffsetBytes = Math.min(Number(request.stop_offset), Number.MAX_SAFE_INTEGER);
      const allowMissing = request.ignore_source_file_not_found || stopOffsetBytes === 0;
      let file: string | undefined;
      if (!request.is_ec_volume) {
        const volume = ctx.store.findVolume(request.volume_id);
        if (volume === undefined) throw new Error(`not found volume id ${request.volume_id}`);
        if (
          request.compaction_revision !== ANY_COMPACTION_REVISION &&
          request.compaction_revision !== volume.superBlock.compactionRevision
        ) {
          throw new Error(`volume ${request.volume_id} is compacted`);
        }
        await volume.sync();
        file = volumeFilePath(volume.location, request.ext.slice(1));
      } else {
        const name = `${checkedVolumeBaseName(request.collection, request.volume_id)}${request.ext}`;
        for (const location of ctx.store.locations) {
          for (const dir of [location.dir, ...(location.idxDir !== undefined ? [location.idxDir] : [])]) {
            const candidate = path.join(dir, name);
            try {
              await (await open(candidate, 'r')).close();
              file = candidate;
            } catch {
              // not in this directory
            }
          }
        }
        if (file === undefined) {
          if (request.ignore_source_file_not_found) return;
          throw new Error(`CopyFile not found ec volume id ${request.volume_id}`);
        }
      }
      await streamFile(call, file, stopOffsetBytes, allowMissing);
    }),

    VolumeIncrementalCopy: serverStream(async (request, call) => {
      const volume = ctx.store.findVolume(request.volume_id);
      if (volume === undefined) throw new Error(`not found volume id ${request.volume_id}`);
      const width = ctx.store.offsetWidth;
      const entrySize = indexEntrySizeBytes(width);
      // Bounds and revision are taken before the resume reads, so the scan only covers rows the
      // streams below can carry; a compaction in between shows up as a changed revision.
      const revision = volume.superBlock.compactionRevision;
      const stats = volume.stats();
      let stopOffsetBytes = stats.datSizeBytes;
      const stopIndexBytes = stats.idxSizeBytes;
      const entryCount = Number(BigInt(request.entry_count ?? '0'));
      const sinceNs = BigInt(request.since_ns);
      // An old client's since_ns resume has no verified prefix: index rows are only safe to replay
      // when the whole file is sent.
      const streamIndex = entryCount > 0 || sinceNs === 0n;
      const idx = await open(volumeFilePath(volume.location, 'idx'), 'r');
      try {
        const rows = new IndexRows(idx, width);
        if (streamIndex) {
          // Records not yet covered by a row would reach the backup without it and be appended
          // again on the next run.
          const coveredBytes = await datSizeCoveredByIndex(volume, rows, Math.floor(stopIndexBytes / entrySize));
          if (coveredBytes > 0 && coveredBytes < stopOffsetBytes) stopOffsetBytes = coveredBytes;
        }
        let startBytes: number | null;
        if (entryCount > 0) {
          let resumed;
          try {
            resumed = await resumeByLastEntry(volume, rows, {
              entryCount,
              key: BigInt(request.last_needle_key ?? '0'),
              cookie: request.last_needle_cookie ?? 0,
              size: request.last_needle_size ?? 0,
              entriesHash: BigInt(request.entries_hash ?? '0'),
              indexBoundBytes: stopIndexBytes,
            });
          } catch (err) {
            if (err instanceof IncrementalCopyDiverged)
              throw new GrpcStatusError(grpc.status.FAILED_PRECONDITION, err.message);
            throw new Error(`fail to locate by entry ${entryCount}: ${(err as Error).message}`);
          }
          if (resumed === 'up_to_date') return;
          startBytes = resumed;
        } else {
          try {
            startBytes = await volume.firstOffsetAppendedAfter(sinceNs);
          } catch (err) {
            throw new Error(`fail to locate by appendAtNs ${request.since_ns}: ${(err as Error).message}`);
          }
          if (startBytes === null) return;
        }
        const sendIndex = streamIndex && stopIndexBytes > entryCount * entrySize;
        const diverged = () => new GrpcStatusError(grpc.status.FAILED_PRECONDITION, DIVERGED_MESSAGE);
        if (sendIndex && volume.superBlock.compactionRevision !== revision) throw diverged();
        if (startBytes !== null) {
          for (let at = startBytes; at < stopOffsetBytes; ) {
            const length = Math.min(COPY_CHUNK_BYTES, stopOffsetBytes - at);
            await writeMessage(call, { file_content: await volume.readBytes(at, length) });
            at += length;
          }
        }
        if (sendIndex) {
          const buf = Buffer.allocUnsafe(COPY_CHUNK_BYTES - (COPY_CHUNK_BYTES % entrySize));
          for (let at = entryCount * entrySize; at < stopIndexBytes; ) {
            const { bytesRead } = await idx.read(buf, 0, Math.min(buf.length, stopIndexBytes - at), at);
            if (bytesRead === 0)
              throw new Error(`${volumeFilePath(volume.location, 'idx')} ends at ${at}, wanted ${stopIndexBytes}`);
            await writeMessage(call, { idx_content: Buffer.from(buf.subarray(0, bytesRead)) });
            at += bytesRead;
          }
        }
        if (volume.superBlock.compactionRevision !== revision) throw diverged();
      } finally {
        await idx.close();
      }
    }),
  };
}
