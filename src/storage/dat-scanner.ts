// Sequential walk over the needle records of a `.dat`, in file order, with bounded buffering.
import type { PositionalReader } from './backend/data-file.ts';
import { isStorageError } from './errors.ts';
import { type Needle, decodeNeedle, decodeNeedleHeader } from './needle/needle.ts';
import { type NeedleVersion, actualSize } from './needle/version.ts';
import { NEEDLE_HEADER_SIZE_BYTES } from './types.ts';

const WINDOW_SIZE_BYTES = 4 * 1024 * 1024;

export type ScanRecord =
  | { kind: 'needle'; offsetBytes: number; sizeBytes: number; needle: Needle }
  /** The bytes at `offsetBytes` are not a whole, valid record. */
  | { kind: 'invalid'; offsetBytes: number; reason: string; claimedSizeBytes: number };

/**
 * Yields records from `fromOffsetBytes` to `endOffsetBytes`. Stops after the first invalid record
 * (a scan cannot resynchronise past garbage). Needle views are only valid until the next yield.
 */
export async function* scanDat(
  dat: PositionalReader,
  version: NeedleVersion,
  fromOffsetBytes: number,
  endOffsetBytes: number,
  options: { verifyChecksum?: boolean } = {},
): AsyncGenerator<ScanRecord> {
  const verifyChecksum = options.verifyChecksum ?? true;
  let window = Buffer.allocUnsafe(WINDOW_SIZE_BYTES);
  let windowStart = 0;
  let windowLength = 0;
  let offset = fromOffsetBytes;

  const ensure = async (start: number, length: number): Promise<Buffer | null> => {
    if (start >= windowStart && start + length <= windowStart + windowLength) {
      return window.subarray(start - windowStart, start - windowStart + length);
    }
    if (length > window.length) window = Buffer.allocUnsafe(length);
    const want = Math.min(window.length, endOffsetBytes - start);
    if (want < length) return null;
    const { bytesRead } = await dat.read(window, 0, want, start);
    windowStart = start;
    windowLength = bytesRead;
    if (bytesRead < length) return null;
    return window.subarray(0, length);
  };

  while (offset < endOffsetBytes) {
    const headerBytes = await ensure(offset, NEEDLE_HEADER_SIZE_BYTES);
    if (headerBytes === null) {
      yield {
        kind: 'invalid',
        offsetBytes: offset,
        reason: 'incomplete needle header',
        claimedSizeBytes: endOffsetBytes - offset,
      };
      return;
    }
    const header = decodeNeedleHeader(headerBytes);
    if (header.size < 0 || header.id === 0n) {
      // Id 0 is never assigned: a header of zeros is a pre-extended or never-written tail.
      const reason = header.id === 0n ? 'needle id 0' : `negative size ${header.size}`;
      yield { kind: 'invalid', offsetBytes: offset, reason, claimedSizeBytes: 0 };
      return;
    }
    const recordSize = actualSize(header.size, version);
    const record = await ensure(offset, recordSize);
    if (record === null) {
      yield {
        kind: 'invalid',
        offsetBytes: offset,
        reason: 'needle record runs past end of file',
        claimedSizeBytes: recordSize,
      };
      return;
    }
    let needle: Needle;
    try {
      needle = decodeNeedle(record, version, header.size, { skipChecksum: !verifyChecksum });
    } catch (err) {
      if (!isStorageError(err)) throw err;
      yield { kind: 'invalid', offsetBytes: offset, reason: err.message, claimedSizeBytes: recordSize };
      return;
    }
    yield { kind: 'needle', offsetBytes: offset, sizeBytes: recordSize, needle };
    offset += recordSize;
  }
}

/** True when every byte from `fromOffsetBytes` to the end of the file is zero (a pre-extended tail). */
export async function isZeroTail(
  dat: PositionalReader,
  fromOffsetBytes: number,
  endOffsetBytes: number,
): Promise<boolean> {
  const buf = Buffer.allocUnsafe(Math.min(WINDOW_SIZE_BYTES, Math.max(0, endOffsetBytes - fromOffsetBytes)));
  for (let at = fromOffsetBytes; at < endOffsetBytes; ) {
    const { bytesRead } = await dat.read(buf, 0, Math.min(buf.length, endOffsetBytes - at), at);
    if (bytesRead === 0) return true;
    for (let i = 0; i < bytesRead; i++) if (buf[i] !== 0) return false;
    at += bytesRead;
  }
  return true;
}
