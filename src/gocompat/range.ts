// Range requests as Go's volume server handles them (a copy of net/http's parseRange with its
// quirks) and the multipart/byteranges framing Go's multipart.Writer produces.
import { randomBytes } from 'node:crypto';

export interface ByteRange {
  start: number;
  length: number;
}

export class InvalidRange extends Error {
  constructor(message = 'invalid range') {
    super(message);
  }
}

/** Every range starts at or past the end: 416 with a `Content-Range: bytes *\/<size>` (Go's errNoOverlap). */
export class RangeNotOverlapping extends InvalidRange {
  constructor() {
    super('invalid range: failed to overlap');
  }
}

/**
 * More ranges than this and the Range header is ignored: the whole body is sent (nginx's and
 * Apache's answer). Without a cap, 200,000 `0-0` ranges made a 24 MB multipart body.
 */
export const MAX_RANGE_COUNT = 128;

/** The header names more than MAX_RANGE_COUNT ranges; callers send the whole body instead. */
export class TooManyRanges extends Error {
  constructor() {
    super(`more than ${MAX_RANGE_COUNT} ranges`);
  }
}

const RANGE_PREFIX = 'bytes=';
const MAX_INT64 = 2n ** 63n - 1n;
/** Digits of 2^63 - 1: longer digit runs (after leading zeros) are out of range. */
const MAX_INT64_DIGITS = 19;

/** strconv.ParseInt(text, 10, 64), undefined on error. Linear in the text's length. */
function parseInt64(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  // Leading zeros are valid; dropping them bounds BigInt's work by int64's digit count.
  const digits = text.replace(/^[+-]?0*/, '');
  if (digits.length > MAX_INT64_DIGITS) return undefined;
  const magnitude = BigInt(digits === '' ? '0' : digits);
  const value = text.startsWith('-') ? -magnitude : magnitude;
  if (value > MAX_INT64 || value < -MAX_INT64 - 1n) return undefined;
  return Number(value);
}

/**
 * The trimmed, non-empty specs after `bytes=`, collected up to `limit + 1` so a huge header
 * costs one scan and at most that many strings.
 */
function rangeSpecs(header: string, limit: number): string[] {
  const specs: string[] = [];
  let pos = RANGE_PREFIX.length;
  while (pos <= header.length && specs.length <= limit) {
    let comma = header.indexOf(',', pos);
    if (comma < 0) comma = header.length;
    const spec = header.slice(pos, comma).trim();
    if (spec !== '') specs.push(spec);
    pos = comma + 1;
  }
  return specs;
}

/**
 * True when a `bytes=` header names more than MAX_RANGE_COUNT ranges: the ranges are then
 * ignored (200, whole body) without parsing them, even if a later one is malformed.
 */
export function hasTooManyRanges(header: string): boolean {
  return header.startsWith(RANGE_PREFIX) && rangeSpecs(header, MAX_RANGE_COUNT).length > MAX_RANGE_COUNT;
}

/**
 * Go's parseRange (4.53: RFC 9110 overlap rules); [] for "bytes=" with no specs. Throws
 * InvalidRange, RangeNotOverlapping when no spec overlaps the content, or TooManyRanges past
 * MAX_RANGE_COUNT (check hasTooManyRanges first to serve the whole body instead).
 */
export function parseRange(header: string, size: number): ByteRange[] {
  if (!header.startsWith(RANGE_PREFIX)) throw new InvalidRange();
  const specs = rangeSpecs(header, MAX_RANGE_COUNT);
  if (specs.length > MAX_RANGE_COUNT) throw new TooManyRanges();
  const ranges: ByteRange[] = [];
  let noOverlap = false;
  for (const spec of specs) {
    const dash = spec.indexOf('-');
    if (dash < 0) throw new InvalidRange();
    const startText = spec.slice(0, dash).trim();
    const endText = spec.slice(dash + 1).trim();
    if (startText === '') {
      // A suffix length must be a non-negative integer; a leading '-' is refused before parsing.
      if (endText === '' || endText.startsWith('-')) throw new InvalidRange();
      let suffix = parseInt64(endText);
      if (suffix === undefined || suffix < 0) throw new InvalidRange();
      if (suffix > size) suffix = size;
      // A zero-length suffix starts at the end: it cannot overlap.
      if (suffix === 0) {
        noOverlap = true;
        continue;
      }
      ranges.push({ start: size - suffix, length: suffix });
      continue;
    }
    const start = parseInt64(startText);
    if (start === undefined || start < 0) throw new InvalidRange();
    if (start >= size) {
      noOverlap = true;
      continue;
    }
    if (endText === '') {
      ranges.push({ start, length: size - start });
      continue;
    }
    let end = parseInt64(endText);
    if (end === undefined || start > end) throw new InvalidRange();
    if (end >= size) end = size - 1;
    ranges.push({ start, length: end - start + 1 });
  }
  if (noOverlap && ranges.length === 0) throw new RangeNotOverlapping();
  return ranges;
}

export function sumRangeLengths(ranges: readonly ByteRange[]): number {
  return ranges.reduce((sum, r) => sum + r.length, 0);
}

export function contentRange(r: ByteRange, size: number): string {
  return `bytes ${r.start}-${r.start + r.length - 1}/${size}`;
}

/** Go's multipart.Writer boundary: 30 random bytes in hex. */
export function newBoundary(): string {
  return randomBytes(30).toString('hex');
}

/** The bytes before range `index`'s data: delimiter and sorted part headers. */
export function partPreamble(boundary: string, index: number, r: ByteRange, mimeType: string, size: number): Buffer {
  const delimiter = index === 0 ? `--${boundary}\r\n` : `\r\n--${boundary}\r\n`;
  return Buffer.from(
    `${delimiter}Content-Range: ${contentRange(r, size)}\r\nContent-Type: ${mimeType}\r\n\r\n`,
    'latin1',
  );
}

export function closingDelimiter(boundary: string): Buffer {
  return Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1');
}

export function multipartLength(
  boundary: string,
  ranges: readonly ByteRange[],
  mimeType: string,
  size: number,
): number {
  let total = closingDelimiter(boundary).length;
  ranges.forEach((r, i) => {
    total += partPreamble(boundary, i, r, mimeType, size).length + r.length;
  });
  return total;
}
