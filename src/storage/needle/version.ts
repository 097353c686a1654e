// Needle record versions and the sizes that depend on them.
import {
  NEEDLE_CHECKSUM_SIZE_BYTES,
  NEEDLE_HEADER_SIZE_BYTES,
  NEEDLE_PADDING_SIZE_BYTES,
  TIMESTAMP_SIZE_BYTES,
  TOMBSTONE_FILE_SIZE,
} from '../types.ts';

export type NeedleVersion = 1 | 2 | 3;
export const CURRENT_VERSION: NeedleVersion = 3;

export function isSupportedVersion(value: number): value is NeedleVersion {
  return value === 1 || value === 2 || value === 3;
}

/** Bytes of padding after a record with body size `size`: always 1..8, never 0 (upstream's rule). */
export function paddingLength(size: number, version: NeedleVersion): number {
  const unpadded =
    NEEDLE_HEADER_SIZE_BYTES + size + NEEDLE_CHECKSUM_SIZE_BYTES + (version === 3 ? TIMESTAMP_SIZE_BYTES : 0);
  return NEEDLE_PADDING_SIZE_BYTES - (unpadded % NEEDLE_PADDING_SIZE_BYTES);
}

/** Everything after the 16-byte header: body, checksum, timestamp (v3) and padding. */
export function needleBodyLength(size: number, version: NeedleVersion): number {
  const tail = NEEDLE_CHECKSUM_SIZE_BYTES + (version === 3 ? TIMESTAMP_SIZE_BYTES : 0);
  return size + tail + paddingLength(size, version);
}

/** Total bytes a record with header Size `size` occupies in `.dat`. Tombstone sizes count as 0. */
export function actualSize(size: number, version: NeedleVersion): number {
  const bodySize = size === TOMBSTONE_FILE_SIZE || size < 0 ? 0 : size;
  return NEEDLE_HEADER_SIZE_BYTES + needleBodyLength(bodySize, version);
}
