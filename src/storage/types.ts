// Primitive widths and constants of the SeaweedFS on-disk format (all integers big-endian).

export const COOKIE_SIZE_BYTES = 4;
export const NEEDLE_ID_SIZE_BYTES = 8;
export const SIZE_SIZE_BYTES = 4;
export const NEEDLE_HEADER_SIZE_BYTES = COOKIE_SIZE_BYTES + NEEDLE_ID_SIZE_BYTES + SIZE_SIZE_BYTES;
export const NEEDLE_CHECKSUM_SIZE_BYTES = 4;
export const TIMESTAMP_SIZE_BYTES = 8;
/** Needle records start at multiples of this; the index stores offset / 8. */
export const NEEDLE_PADDING_SIZE_BYTES = 8;
/** Size value in an index row that marks a deletion. */
export const TOMBSTONE_FILE_SIZE = -1;

/** Index offsets are 4 bytes in the stock `weed` build, 5 in the `5BytesOffset` build. */
export type OffsetWidth = 4 | 5;

export const MAX_NEEDLE_ID = 0xffff_ffff_ffff_ffffn;

export function indexEntrySizeBytes(width: OffsetWidth): number {
  return NEEDLE_ID_SIZE_BYTES + width + SIZE_SIZE_BYTES;
}

/** Largest `.dat` size the offset width can address (offsets are stored in 8-byte units). */
export function maxVolumeSizeBytes(width: OffsetWidth): number {
  return width === 4 ? 2 ** 32 * NEEDLE_PADDING_SIZE_BYTES : 2 ** 40 * NEEDLE_PADDING_SIZE_BYTES;
}

/** A negative index size means deleted (−1 is the tombstone; other negatives keep the old size). */
export function isDeletedSize(size: number): boolean {
  return size < 0;
}

/** Go's Size.Raw(): the byte count a possibly-deleted size stands for. */
export function rawSize(size: number): number {
  if (size === TOMBSTONE_FILE_SIZE) return 0;
  return size < 0 ? -size : size;
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}
