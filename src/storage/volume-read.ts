// A volume's reads (upstream's volume_read.go): whole needles, located data for streaming, raw
// records and bytes. Reads run concurrently with appends: records are immutable once written,
// and the map only ever points at complete records.
import { Readable } from 'node:stream';
import type { BufferPool } from './buffer-pool.ts';
import { StorageError } from './errors.ts';
import { inlineIo } from './inline-io.ts';
import {
  type Needle,
  NeedleFlag,
  dataRegion,
  decodeNeedle,
  decodeNeedleHeader,
  hasFlag,
  newTombstone,
} from './needle/needle.ts';
import { ttlMinutes } from './needle/ttl.ts';
import { actualSize } from './needle/version.ts';
import {
  NEEDLE_HEADER_SIZE_BYTES,
  NEEDLE_PADDING_SIZE_BYTES,
  TOMBSTONE_FILE_SIZE,
  assert,
  maxVolumeSizeBytes,
} from './types.ts';
import { VolumeCore } from './volume-core.ts';

const STREAM_CHUNK_BYTES = 256 * 1024;

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

function checkCookie(actual: number, options: ReadOptions): void {
  if (options.cookie !== undefined && options.cookie >>> 0 !== actual >>> 0) {
    throw new StorageError('cookie_mismatch', `cookie mismatch: expected ${(options.cookie >>> 0).toString(16)}`);
  }
}

export abstract class VolumeReads extends VolumeCore {
  get needleCount(): number {
    return this.nm.length;
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
      if (options.readDeleted && entry.size !== TOMBSTONE_FILE_SIZE)
        return { offsetBytes: entry.offsetBytes, size: -entry.size };
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
        if (wrapped + actualSize(size, this.version) <= this.datSizeBytes)
          return this.decodeRecordAt(wrapped, size, buffers);
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
      const io = this.io;
      if (fd >= 0 && inlineIo.allows(length)) done = inlineIo.run(() => io.readSync(fd, buf, 0, length, offsetBytes));
      while (done < length) {
        const { bytesRead } = await this.dat.read(buf, done, length - done, offsetBytes + done);
        if (bytesRead === 0)
          throw new StorageError(
            'corrupted',
            `.dat ends at ${offsetBytes + done}, wanted ${length} bytes at ${offsetBytes}`,
          );
        done += bytesRead;
      }
    } catch (err) {
      buffers?.give(buf);
      this.ioErrors.note(err);
      throw err;
    }
    this.ioErrors.noteSuccess();
    return buf;
  }

  protected async readHeader(offsetBytes: number) {
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
    if (header.size !== size)
      throw new StorageError('size_mismatch', `size mismatch at ${offsetBytes}: ${header.size} != ${size}`);
    checkCookie(header.cookie, options);
    const { dataOffset, dataSize } =
      size === 0 ? { dataOffset: NEEDLE_HEADER_SIZE_BYTES, dataSize: 0 } : dataRegion(head, this.version);
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
    const ioErrors = this.ioErrors;
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
          ioErrors.noteSuccess();
          this.push(bytesRead === length ? buf : buf.subarray(0, bytesRead));
        } catch (err) {
          ioErrors.note(err);
          this.destroy(err as Error);
        }
      },
    });
  }

  /** Header and tail metadata of the record at an offset (a tombstone's too); data is not checked. */
  async readMetaAt(offsetBytes: number, size: number): Promise<Needle> {
    this.ensureOpen();
    const bodySize = Math.max(size, 0);
    const bytes = await this.readBytes(offsetBytes, actualSize(bodySize, this.version));
    return decodeNeedle(bytes, this.version, bodySize, { skipChecksum: true });
  }
}
