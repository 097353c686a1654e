// `.idx` rows: key(8) ‖ offset/8 (4 bytes, or 5 with the high byte last) ‖ size(4), big-endian.
import { StorageError } from '../errors.ts';
import { type OffsetWidth, NEEDLE_PADDING_SIZE_BYTES, indexEntrySizeBytes, maxVolumeSizeBytes } from '../types.ts';

export interface IndexEntry {
  key: bigint;
  /** Actual byte offset in `.dat` (a multiple of 8); 0 means "no data". */
  offset: number;
  size: number;
}

export function encodeIndexEntry(entry: IndexEntry, width: OffsetWidth, out?: Buffer, at = 0): Buffer {
  const buf = out ?? Buffer.alloc(indexEntrySizeBytes(width));
  if (entry.offset % NEEDLE_PADDING_SIZE_BYTES !== 0 || entry.offset < 0) {
    throw new StorageError('corrupted', `offset ${entry.offset} is not 8-byte aligned`);
  }
  if (entry.offset >= maxVolumeSizeBytes(width)) {
    throw new StorageError('volume_full', `offset ${entry.offset} does not fit a ${width}-byte index offset`);
  }
  const units = entry.offset / NEEDLE_PADDING_SIZE_BYTES;
  buf.writeBigUInt64BE(entry.key, at);
  buf.writeUInt32BE(units % 2 ** 32, at + 8);
  if (width === 5) buf[at + 12] = Math.floor(units / 2 ** 32);
  buf.writeInt32BE(entry.size, at + 8 + width);
  return buf;
}

export function decodeIndexEntry(bytes: Uint8Array, width: OffsetWidth, at = 0): IndexEntry {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    key: view.getBigUint64(at),
    offset: decodeOffsetUnits(view, at + 8, width) * NEEDLE_PADDING_SIZE_BYTES,
    size: view.getInt32(at + 8 + width),
  };
}

export function decodeOffsetUnits(view: DataView, at: number, width: OffsetWidth): number {
  const low = view.getUint32(at);
  return width === 5 ? low + view.getUint8(at + 4) * 2 ** 32 : low;
}

/**
 * Calls `visit` for each complete row of `bytes` without allocating: key as two u32 halves,
 * offset in 8-byte units, size. A trailing partial row is ignored, as upstream's walker does.
 */
export function walkIndexRows(
  bytes: Uint8Array,
  width: OffsetWidth,
  visit: (keyHi: number, keyLo: number, offsetUnits: number, size: number, row: number) => void,
): number {
  const entrySize = indexEntrySizeBytes(width);
  const rows = Math.floor(bytes.length / entrySize);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let row = 0, at = 0; row < rows; row++, at += entrySize) {
    visit(
      view.getUint32(at),
      view.getUint32(at + 4),
      decodeOffsetUnits(view, at + 8, width),
      view.getInt32(at + 8 + width),
      row,
    );
  }
  return rows;
}
