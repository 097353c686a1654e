// Needle records: encoding (byte-identical to Go, padding included) and decoding of v1, v2, v3.
import { StorageError } from '../errors.ts';
import { NEEDLE_CHECKSUM_SIZE_BYTES, NEEDLE_HEADER_SIZE_BYTES, TIMESTAMP_SIZE_BYTES } from '../types.ts';
import { checksumMatches, crc32c } from './crc.ts';
import { type Ttl, EMPTY_TTL, ttlFromBytes, ttlToBytes } from './ttl.ts';
import { type NeedleVersion, actualSize, paddingLength } from './version.ts';

export const NeedleFlag = {
  IsCompressed: 0x01,
  HasName: 0x02,
  HasMime: 0x04,
  HasLastModified: 0x08,
  HasTtl: 0x10,
  HasPairs: 0x20,
  IsChunkManifest: 0x80,
} as const;

const MAX_NAME_BYTES = 255;
const MAX_MIME_BYTES = 255;
const MAX_PAIRS_BYTES = 65_535;
const LAST_MODIFIED_BYTES = 5;
const TTL_BYTES = 2;
const EMPTY = new Uint8Array(0);

export interface Needle {
  cookie: number;
  id: bigint;
  /** Header Size: the body length B for v2/v3, the data length for v1. Set by encode and decode. */
  size: number;
  data: Uint8Array;
  flags: number;
  name: Uint8Array;
  mime: Uint8Array;
  /** Unix seconds (40 bits on disk). */
  lastModified: number;
  ttl: Ttl;
  pairs: Uint8Array;
  /** Raw CRC-32C of data. */
  checksum: number;
  /** Nanoseconds since the epoch; v3 only. */
  appendAtNs: bigint;
}

export function newNeedle(fields: Partial<Needle> & { cookie: number; id: bigint }): Needle {
  const data = fields.data ?? EMPTY;
  return {
    cookie: fields.cookie >>> 0,
    id: fields.id,
    size: fields.size ?? 0,
    data,
    flags: fields.flags ?? 0,
    name: fields.name ?? EMPTY,
    mime: fields.mime ?? EMPTY,
    lastModified: fields.lastModified ?? 0,
    ttl: fields.ttl ?? EMPTY_TTL,
    pairs: fields.pairs ?? EMPTY,
    checksum: fields.checksum ?? crc32c(data),
    appendAtNs: fields.appendAtNs ?? 0n,
  };
}

export function hasFlag(n: Pick<Needle, 'flags'>, flag: number): boolean {
  return (n.flags & flag) !== 0;
}

/** Body length B for v2/v3: 0 when there is no data (every optional field is then dropped). */
export function bodySize(n: Needle, version: NeedleVersion): number {
  if (version === 1) return n.data.length;
  if (n.data.length === 0) return 0;
  let size = 4 + n.data.length + 1;
  if (hasFlag(n, NeedleFlag.HasName)) size += 1 + Math.min(n.name.length, MAX_NAME_BYTES);
  if (hasFlag(n, NeedleFlag.HasMime)) size += 1 + n.mime.length;
  if (hasFlag(n, NeedleFlag.HasLastModified)) size += LAST_MODIFIED_BYTES;
  if (hasFlag(n, NeedleFlag.HasTtl)) size += TTL_BYTES;
  if (hasFlag(n, NeedleFlag.HasPairs)) size += 2 + n.pairs.length;
  return size;
}

/**
 * A needle record in three pieces, `head ‖ data ‖ tail`, so a large needle's data is written
 * from where it already is (one vectored write) instead of being copied into a record buffer.
 */
export interface NeedleRecordParts {
  /** Header (cookie, id, size) and, for v2/v3 with data, the 4-byte data length. */
  head: Buffer;
  data: Uint8Array;
  /** Flags and optional fields, checksum, v3 timestamp, padding. */
  tail: Buffer;
  /** head + data + tail: the record's size on disk, a multiple of 8. */
  sizeBytes: number;
}

/** encodeNeedleParts' scratch (see there). */
const ENCODE_SCRATCH = Buffer.alloc(NEEDLE_HEADER_SIZE_BYTES + TIMESTAMP_SIZE_BYTES);

/**
 * Serializes a needle record as parts. Sets `n.size`. Padding reproduces Go's bytes (it slices
 * the footer out of a scratch buffer that still holds earlier header fields), so our files match
 * Go's exactly.
 */
export function encodeNeedleParts(n: Needle, version: NeedleVersion): NeedleRecordParts {
  if (n.mime.length > MAX_MIME_BYTES) throw new StorageError('corrupted', `mime too long: ${n.mime.length} bytes`);
  if (n.pairs.length > MAX_PAIRS_BYTES) throw new StorageError('corrupted', `pairs too long: ${n.pairs.length} bytes`);
  const size = bodySize(n, version);
  if (size > 0x7fff_ffff) throw new StorageError('corrupted', `needle body too large: ${size} bytes`);
  n.size = size;
  const sizeBytes = actualSize(size, version);
  const hasDataLength = version !== 1 && n.data.length > 0;
  const head = Buffer.allocUnsafe(NEEDLE_HEADER_SIZE_BYTES + (hasDataLength ? 4 : 0));
  const data = version === 1 || n.data.length > 0 ? n.data : EMPTY;
  const tail = Buffer.allocUnsafe(sizeBytes - head.length - data.length);
  // Go's scratch: [0,4) cookie, [4,12) id, [12,16) size, [16,24) zero; later fields overwrite [0,8).
  // One buffer for every encoding (this runs to the end synchronously), zeroed as Go's is fresh.
  const scratch = ENCODE_SCRATCH.fill(0);
  scratch.writeUInt32BE(n.cookie >>> 0, 0);
  scratch.writeBigUInt64BE(n.id, 4);
  scratch.writeInt32BE(size, 12);
  scratch.copy(head, 0, 0, NEEDLE_HEADER_SIZE_BYTES);
  if (hasDataLength) head.writeUInt32BE(n.data.length, NEEDLE_HEADER_SIZE_BYTES);

  let pos = 0;
  if (hasDataLength) {
    scratch[0] = n.flags;
    tail[pos++] = n.flags;
    if (hasFlag(n, NeedleFlag.HasName)) {
      const nameSize = Math.min(n.name.length, MAX_NAME_BYTES);
      scratch[0] = nameSize;
      tail[pos++] = nameSize;
      tail.set(n.name.subarray(0, nameSize), pos);
      pos += nameSize;
    }
    if (hasFlag(n, NeedleFlag.HasMime)) {
      scratch[0] = n.mime.length;
      tail[pos++] = n.mime.length;
      tail.set(n.mime, pos);
      pos += n.mime.length;
    }
    if (hasFlag(n, NeedleFlag.HasLastModified)) {
      // The bytes of writeBigUInt64BE(BigInt(lastModified)), without the BigInt: it is below 2^53.
      if (!Number.isSafeInteger(n.lastModified) || n.lastModified < 0)
        throw new Error(`assertion failed: last modified ${n.lastModified} is a count of seconds`);
      scratch.writeUInt32BE(Math.floor(n.lastModified / 2 ** 32) >>> 0, 0);
      scratch.writeUInt32BE(n.lastModified >>> 0, 4);
      scratch.copy(tail, pos, 8 - LAST_MODIFIED_BYTES, 8);
      pos += LAST_MODIFIED_BYTES;
    }
    if (hasFlag(n, NeedleFlag.HasTtl)) {
      ttlToBytes(n.ttl, scratch, 0);
      scratch.copy(tail, pos, 0, TTL_BYTES);
      pos += TTL_BYTES;
    }
    if (hasFlag(n, NeedleFlag.HasPairs)) {
      scratch.writeUInt16BE(n.pairs.length, 0);
      scratch.copy(tail, pos, 0, 2);
      pos += 2;
      tail.set(n.pairs, pos);
      pos += n.pairs.length;
    }
  }

  const padding = paddingLength(size, version);
  scratch.writeUInt32BE(n.checksum >>> 0, 0);
  if (version === 3) scratch.writeBigUInt64BE(n.appendAtNs, NEEDLE_CHECKSUM_SIZE_BYTES);
  const footerBytes = NEEDLE_CHECKSUM_SIZE_BYTES + (version === 3 ? TIMESTAMP_SIZE_BYTES : 0) + padding;
  scratch.copy(tail, pos, 0, footerBytes);
  pos += footerBytes;
  if (pos !== tail.length) throw new Error(`assertion failed: encoded a ${pos}-byte tail, expected ${tail.length}`);
  return { head, data, tail, sizeBytes };
}

/** Serializes a needle record into one buffer (see encodeNeedleParts). Sets `n.size`. */
export function encodeNeedle(n: Needle, version: NeedleVersion): Buffer {
  const parts = encodeNeedleParts(n, version);
  const out = Buffer.allocUnsafe(parts.sizeBytes);
  parts.head.copy(out, 0);
  out.set(parts.data, parts.head.length);
  parts.tail.copy(out, parts.head.length + parts.data.length);
  return out;
}

export interface NeedleHeader {
  cookie: number;
  id: bigint;
  size: number;
}

export function decodeNeedleHeader(bytes: Uint8Array, offset = 0): NeedleHeader {
  if (bytes.length - offset < NEEDLE_HEADER_SIZE_BYTES) {
    throw new StorageError('corrupted', `needle header needs ${NEEDLE_HEADER_SIZE_BYTES} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, NEEDLE_HEADER_SIZE_BYTES);
  return { cookie: view.getUint32(0), id: view.getBigUint64(4), size: view.getInt32(12) };
}

export interface DecodeOptions {
  /** Skip the CRC check (metadata-only reads, or a caller that verifies separately). */
  skipChecksum?: boolean;
}

/**
 * Decodes a whole record (as read at an index offset). `expectedSize` is the index Size; a
 * header that disagrees is a size mismatch. Data, name, mime and pairs are views into `bytes`.
 */
export function decodeNeedle(
  bytes: Uint8Array,
  version: NeedleVersion,
  expectedSize?: number,
  options: DecodeOptions = {},
): Needle {
  const header = decodeNeedleHeader(bytes);
  if (expectedSize !== undefined && header.size !== expectedSize) {
    throw new StorageError(
      'size_mismatch',
      `size mismatch: found id ${header.id.toString(16)} size ${header.size}, expected size ${expectedSize}`,
    );
  }
  if (header.size < 0) throw new StorageError('corrupted', `negative needle size ${header.size}`);
  const needed = actualSize(header.size, version) - paddingLength(header.size, version);
  if (bytes.length < needed) {
    throw new StorageError('corrupted', `needle record truncated: ${bytes.length} of ${needed} bytes`);
  }
  const n = newNeedle({ cookie: header.cookie, id: header.id, checksum: 0 });
  n.size = header.size;
  const bodyEnd = NEEDLE_HEADER_SIZE_BYTES + header.size;
  if (version === 1) {
    n.data = bytes.subarray(NEEDLE_HEADER_SIZE_BYTES, bodyEnd);
  } else {
    decodeBodyV2(n, bytes.subarray(NEEDLE_HEADER_SIZE_BYTES, bodyEnd));
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stored = view.getUint32(bodyEnd);
  if (n.data.length > 0 && !options.skipChecksum) {
    const raw = crc32c(n.data);
    if (!checksumMatches(stored, raw)) {
      throw new StorageError(
        'crc_mismatch',
        `CRC error! Data On Disk Corrupted: stored ${stored.toString(16)}, computed ${raw.toString(16)}`,
      );
    }
    n.checksum = raw;
  } else {
    n.checksum = stored;
  }
  if (version === 3) n.appendAtNs = view.getBigUint64(bodyEnd + NEEDLE_CHECKSUM_SIZE_BYTES);
  return n;
}

function corrupted(field: number): StorageError {
  return new StorageError('corrupted', `index out of range ${field}: needle data corrupted`);
}

/** v2/v3 body: each field is read only while bytes remain; a length that overruns is corruption. */
function decodeBodyV2(n: Needle, body: Uint8Array): void {
  const length = body.length;
  let index = 0;
  if (index < length) {
    if (index + 4 > length) throw corrupted(1);
    const dataSize =
      (body[0] as number) * 2 ** 24 + ((body[1] as number) << 16) + ((body[2] as number) << 8) + (body[3] as number);
    index += 4;
    if (index + dataSize > length) throw corrupted(1);
    n.data = body.subarray(index, index + dataSize);
    index += dataSize;
  }
  if (index < length) n.flags = body[index++] as number;
  if (index < length && hasFlag(n, NeedleFlag.HasName)) {
    const nameSize = body[index++] as number;
    if (index + nameSize > length) throw corrupted(2);
    n.name = body.subarray(index, index + nameSize);
    index += nameSize;
  }
  if (index < length && hasFlag(n, NeedleFlag.HasMime)) {
    const mimeSize = body[index++] as number;
    if (index + mimeSize > length) throw corrupted(3);
    n.mime = body.subarray(index, index + mimeSize);
    index += mimeSize;
  }
  if (index < length && hasFlag(n, NeedleFlag.HasLastModified)) {
    if (index + LAST_MODIFIED_BYTES > length) throw corrupted(4);
    let seconds = 0;
    for (let i = 0; i < LAST_MODIFIED_BYTES; i++) seconds = seconds * 256 + (body[index + i] as number);
    n.lastModified = seconds;
    index += LAST_MODIFIED_BYTES;
  }
  if (index < length && hasFlag(n, NeedleFlag.HasTtl)) {
    if (index + TTL_BYTES > length) throw corrupted(5);
    n.ttl = ttlFromBytes(body, index);
    index += TTL_BYTES;
  }
  if (index < length && hasFlag(n, NeedleFlag.HasPairs)) {
    if (index + 2 > length) throw corrupted(6);
    const pairsSize = ((body[index] as number) << 8) | (body[index + 1] as number);
    index += 2;
    if (index + pairsSize > length) throw corrupted(7);
    n.pairs = body.subarray(index, index + pairsSize);
    index += pairsSize;
  }
}

/** Where a v2/v3 record's data bytes start and how many there are, from the first 20 bytes. */
export function dataRegion(
  headerAndDataSize: Uint8Array,
  version: NeedleVersion,
): { dataOffset: number; dataSize: number } {
  const header = decodeNeedleHeader(headerAndDataSize);
  if (version === 1) return { dataOffset: NEEDLE_HEADER_SIZE_BYTES, dataSize: header.size };
  if (header.size === 0) return { dataOffset: NEEDLE_HEADER_SIZE_BYTES, dataSize: 0 };
  const view = new DataView(headerAndDataSize.buffer, headerAndDataSize.byteOffset, headerAndDataSize.byteLength);
  const dataSize = view.getUint32(NEEDLE_HEADER_SIZE_BYTES);
  if (dataSize + 4 > header.size) throw corrupted(1);
  return { dataOffset: NEEDLE_HEADER_SIZE_BYTES + 4, dataSize };
}

/** A tombstone record as Go's delete appends it: empty data, the given checksum field. */
export function newTombstone(cookie: number, id: bigint, checksum: number, appendAtNs: bigint): Needle {
  return newNeedle({ cookie, id, checksum, appendAtNs });
}
