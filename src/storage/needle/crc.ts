// CRC-32C (Castagnoli) over needle data, as SeaweedFS stores it.
// @node-rs/crc32 measured ~8x faster than crc-32's JS CRC32-C on this machine.
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

export function crc32c(data: Uint8Array, initial = 0): number {
  if (data.length === 0) return initial >>> 0;
  return nativeCrc32c(Buffer.from(data.buffer, data.byteOffset, data.byteLength), initial) >>> 0;
}

/**
 * The checksum form written by SeaweedFS before 3.09: rotate right by 15, plus a constant.
 * Readers accept both this and the raw CRC.
 */
export function legacyChecksumValue(rawCrc: number): number {
  const rotated = ((rawCrc >>> 15) | (rawCrc << 17)) >>> 0;
  return (rotated + 0xa282ead8) >>> 0;
}

export function checksumMatches(stored: number, rawCrc: number): boolean {
  return stored >>> 0 === rawCrc >>> 0 || stored >>> 0 === legacyChecksumValue(rawCrc);
}

/** ETag as upstream prints it: 8 lowercase hex digits of the raw CRC. */
export function etagOf(rawCrc: number): string {
  return (rawCrc >>> 0).toString(16).padStart(8, '0');
}
