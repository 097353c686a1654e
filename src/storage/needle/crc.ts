// CRC-32C (Castagnoli) over needle data, as SeaweedFS stores it.
// @node-rs/crc32 measured ~8x faster than crc-32's JS CRC32-C on this machine, so it is used
// whenever its prebuilt binary loads; crc-32 keeps needles readable on platforms without one.
import { createRequire } from 'node:module';
import type { crc32c as NativeCrc32c } from '@node-rs/crc32';
import type { buf as PortableCrc32cBuf } from 'crc-32/crc32c';

export type Crc32cBackend = 'native' | 'js';

/** Raw CRC-32C of `data`, continuing from `initial` (a previous result) when chaining. */
export type Crc32cFn = (data: Uint8Array, initial?: number) => number;

const requireFromHere = createRequire(import.meta.url);

/** The native CRC-32C, or the load error when this platform has no binary for it. */
function loadNative(): { fn: typeof NativeCrc32c; error: null } | { fn: null; error: Error } {
  try {
    return { fn: (requireFromHere('@node-rs/crc32') as { crc32c: typeof NativeCrc32c }).crc32c, error: null };
  } catch (err) {
    return { fn: null, error: err as Error };
  }
}

const { fn: nativeFn, error: nativeLoadError } = loadNative();
const portableBuf = (requireFromHere('crc-32/crc32c') as { buf: typeof PortableCrc32cBuf }).buf;

/** crc-32's pure-JS CRC-32C; always available. Its `buf` returns a signed 32-bit value. */
export const portableCrc32c: Crc32cFn = (data, initial = 0) => portableBuf(data, initial) >>> 0;

/** The native CRC-32C, or null when its binary could not be loaded here. */
export const nativeCrc32c: Crc32cFn | null =
  nativeFn === null
    ? null
    : (data, initial = 0) => {
        if (data.length === 0) return initial >>> 0;
        return nativeFn(Buffer.from(data.buffer, data.byteOffset, data.byteLength), initial) >>> 0;
      };

/** Which implementation `crc32c` is, for status pages; fixed when this module loads. */
export const crc32cBackend: Crc32cBackend = nativeCrc32c === null ? 'js' : 'native';

if (nativeLoadError !== null) {
  // Said once, at load: every needle checksum is then computed ~8x slower.
  process.emitWarning(
    `CRC-32C: native @node-rs/crc32 unavailable (${nativeLoadError.message}); using crc-32's JS implementation`,
    { code: 'NEEDLEWORK_CRC32C_JS' },
  );
}

/** Chosen once above, so the per-call path is the same single call as before. */
export const crc32c: Crc32cFn = nativeCrc32c ?? portableCrc32c;

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
