// Range requests as Go's volume server handles them (a copy of net/http's parseRange with its
// quirks) and the multipart/byteranges framing Go's multipart.Writer produces.
import { randomBytes } from 'node:crypto';

export interface ByteRange {
  start: number;
  length: number;
}

export class InvalidRange extends Error {
  constructor() {
    super('invalid range');
  }
}

const MAX_INT64 = 2n ** 63n - 1n;

/** strconv.ParseInt(text, 10, 64), undefined on error. */
function parseInt64(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const value = BigInt(text);
  if (value > MAX_INT64 || value < -MAX_INT64 - 1n) return undefined;
  return Number(value);
}

/** Go's parseRange; [] for "bytes=" with no specs. Throws InvalidRange. */
export function parseRange(header: string, size: number): ByteRange[] {
  const prefix = 'bytes=';
  if (!header.startsWith(prefix)) throw new InvalidRange();
  const ranges: ByteRange[] = [];
  for (const rawSpec of header.slice(prefix.length).split(',')) {
    const spec = rawSpec.trim();
    if (spec === '') continue;
    const dash = spec.indexOf('-');
    if (dash < 0) throw new InvalidRange();
    const startText = spec.slice(0, dash).trim();
    const endText = spec.slice(dash + 1).trim();
    if (startText === '') {
      let suffix = parseInt64(endText);
      // Go accepts a negative suffix and produces a negative length; we refuse it.
      if (suffix === undefined || suffix < 0) throw new InvalidRange();
      if (suffix > size) suffix = size;
      ranges.push({ start: size - suffix, length: suffix });
      continue;
    }
    const start = parseInt64(startText);
    if (start === undefined || start > size || start < 0) throw new InvalidRange();
    if (endText === '') {
      ranges.push({ start, length: size - start });
      continue;
    }
    let end = parseInt64(endText);
    if (end === undefined || start > end) throw new InvalidRange();
    if (end >= size) end = size - 1;
    ranges.push({ start, length: end - start + 1 });
  }
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
  return Buffer.from(`${delimiter}Content-Range: ${contentRange(r, size)}\r\nContent-Type: ${mimeType}\r\n\r\n`, 'latin1');
}

export function closingDelimiter(boundary: string): Buffer {
  return Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1');
}

export function multipartLength(boundary: string, ranges: readonly ByteRange[], mimeType: string, size: number): number {
  let total = closingDelimiter(boundary).length;
  ranges.forEach((r, i) => {
    total += partPreamble(boundary, i, r, mimeType, size).length + r.length;
  });
  return total;
}
