// One stretch of a volume's `.dat` checked record by record, through the volume's own reads:
// each live needle (the one its index entry points at) must decode with a matching checksum.
// Superseded and deleted records are garbage: their damage harms nothing and is only counted.
// Each live needle's cookie is held to its earlier versions' (scrub-cookies.ts).
import { isStorageError } from '../storage/errors.ts';
import { decodeNeedle, decodeNeedleHeader, type NeedleHeader } from '../storage/needle/needle.ts';
import { actualSize } from '../storage/needle/version.ts';
import { NEEDLE_HEADER_SIZE_BYTES } from '../storage/types.ts';
import type { Volume } from '../storage/volume.ts';
import type { CookieChain } from './scrub-cookies.ts';

/** Bytes read per step: large enough for sequential reads, small enough to pace finely. */
export const SCRUB_WINDOW_BYTES = 1024 * 1024;

export interface ScrubFinding {
  volumeId: number;
  needleId: string;
  offsetBytes: number;
  detail: string;
}

export interface SpanResult {
  /** Where the next span starts; equal to the end when the walk reached it. */
  nextOffsetBytes: number;
  recordsChecked: number;
  bytesChecked: number;
  garbageDamaged: number;
  findings: ScrubFinding[];
  /** The walk cannot go on (a header that is not one): the pass ends here. */
  broken: boolean;
}

/**
 * Checks whole records from `fromOffsetBytes` until about `maxBytes` are read or `endOffsetBytes`
 * is reached; `take(bytes)` is called before each read (pacing and admission). `cookies` carries
 * the superseded versions' cookies from span to span of one pass.
 */
export async function scrubSpan(
  volume: Volume,
  fromOffsetBytes: number,
  endOffsetBytes: number,
  maxBytes: number,
  take: (bytes: number) => Promise<void>,
  cookies: CookieChain,
): Promise<SpanResult> {
  const result: SpanResult = {
    nextOffsetBytes: fromOffsetBytes,
    recordsChecked: 0,
    bytesChecked: 0,
    garbageDamaged: 0,
    findings: [],
    broken: false,
  };
  let offset = fromOffsetBytes;
  while (offset < endOffsetBytes && result.bytesChecked < maxBytes) {
    const windowBytes = Math.min(SCRUB_WINDOW_BYTES, endOffsetBytes - offset);
    await take(windowBytes);
    const window = await volume.readBytes(offset, windowBytes);
    if (window.length < NEEDLE_HEADER_SIZE_BYTES) {
      result.findings.push({
        volumeId: volume.id,
        needleId: '0',
        offsetBytes: offset,
        detail: `${window.length} trailing bytes at ${offset} are no record`,
      });
      result.broken = true;
      return result;
    }
    let at = 0;
    while (at + NEEDLE_HEADER_SIZE_BYTES <= window.length) {
      const header = decodeNeedleHeader(window, at);
      const recordOffset = offset + at;
      if (header.id === 0n || header.size < 0) {
        result.findings.push({
          volumeId: volume.id,
          needleId: header.id.toString(16),
          offsetBytes: recordOffset,
          detail: `no record header at ${recordOffset} (id ${header.id.toString(16)}, size ${header.size})`,
        });
        result.broken = true;
        result.nextOffsetBytes = recordOffset;
        return result;
      }
      const recordBytes = actualSize(header.size, volume.version);
      if (recordOffset + recordBytes > endOffsetBytes) {
        result.findings.push({
          volumeId: volume.id,
          needleId: header.id.toString(16),
          offsetBytes: recordOffset,
          detail: `record of ${recordBytes} bytes runs past ${endOffsetBytes}`,
        });
        result.broken = true;
        result.nextOffsetBytes = recordOffset;
        return result;
      }
      let record: Buffer;
      if (at + recordBytes <= window.length) {
        record = window.subarray(at, at + recordBytes);
      } else if (at > 0) {
        break; // the next window starts at this record
      } else {
        await take(recordBytes - window.length);
        record = await volume.readBytes(recordOffset, recordBytes);
      }
      checkRecord(volume, record, header, recordOffset, cookies, result);
      result.recordsChecked++;
      result.bytesChecked += recordBytes;
      at += recordBytes;
      if (at >= window.length) break;
    }
    offset += at;
    result.nextOffsetBytes = offset;
  }
  return result;
}

function checkRecord(
  volume: Volume,
  record: Buffer,
  header: NeedleHeader,
  offsetBytes: number,
  cookies: CookieChain,
  result: SpanResult,
): void {
  const { id, size, cookie } = header;
  const entry = volume.lookup(id);
  const live = entry !== undefined && entry.size >= 0 && entry.offsetBytes === offsetBytes;
  if (size === 0) {
    cookies.forget(id);
    return;
  }
  if (!live) {
    cookies.superseded(id, cookie);
  } else {
    const earlier = cookies.mismatchOfLive(id, cookie);
    if (earlier !== undefined)
      result.findings.push({
        volumeId: volume.id,
        needleId: id.toString(16),
        offsetBytes,
        detail: `cookie ${cookie.toString(16)} differs from ${earlier.toString(16)}, the cookie of the version it overwrote`,
      });
  }
  try {
    decodeNeedle(record, volume.version, size);
  } catch (err) {
    if (!isStorageError(err)) throw err;
    if (live)
      result.findings.push({ volumeId: volume.id, needleId: id.toString(16), offsetBytes, detail: err.message });
    else result.garbageDamaged++;
  }
}
