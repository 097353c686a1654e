// `.ecx` (the sorted, live-only index of an EC volume) and `.ecj` (its deletion journal):
// building `.ecx` from `.idx`, binary search, folding `.ecj` in, and turning both back into `.idx`.
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { encodeIndexEntry, walkIndexRows } from '../storage/idx/entry.ts';
import { NeedleMap } from '../storage/needle-map/needle-map.ts';
import { type NeedleVersion, actualSize } from '../storage/needle/version.ts';
import {
  type OffsetWidth,
  NEEDLE_ID_SIZE_BYTES,
  NEEDLE_PADDING_SIZE_BYTES,
  TOMBSTONE_FILE_SIZE,
  indexEntrySizeBytes,
  isDeletedSize,
  rawSize,
} from '../storage/types.ts';
import { StorageError } from '../storage/errors.ts';
import { pathExists } from '../storage/path-exists.ts';

/** Rows written per `write` call when streaming an index out: bounds memory. */
const ROWS_PER_WRITE = 64 * 1024;

export interface EcxEntry {
  key: bigint;
  offsetBytes: number;
  size: number;
}

/**
 * Writes `.ecx` from `.idx`: the index replayed with the load rule, live entries only, one row
 * per key, ascending by key. Returns the number of rows.
 */
export async function writeSortedEcxFromIdx(idxPath: string, ecxPath: string, width: OffsetWidth): Promise<number> {
  const map = new NeedleMap(3);
  map.loadIndexBytes(await fs.readFile(idxPath), width);
  const live = map.map.liveSortedEntries();
  await writeIndexRows(
    ecxPath,
    live.map((e) => ({ key: e.key, offsetBytes: e.offsetUnits * NEEDLE_PADDING_SIZE_BYTES, size: e.size })),
    width,
  );
  return live.length;
}

async function writeIndexRows(filePath: string, rows: EcxEntry[], width: OffsetWidth, flag = 'w'): Promise<void> {
  const entrySize = indexEntrySizeBytes(width);
  const handle = await fs.open(filePath, flag);
  try {
    let position = flag === 'a' ? (await handle.stat()).size : 0;
    for (let start = 0; start < rows.length; start += ROWS_PER_WRITE) {
      const chunk = rows.slice(start, start + ROWS_PER_WRITE);
      const buf = Buffer.alloc(chunk.length * entrySize);
      chunk.forEach((row, i) => {
        encodeIndexEntry({ key: row.key, offset: row.offsetBytes, size: row.size }, width, buf, i * entrySize);
      });
      await handle.write(buf, 0, buf.length, position);
      position += buf.length;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Reads an `.ecj`: complete 8-byte big-endian needle ids; a torn tail is ignored. */
export async function readEcjIds(ecjPath: string): Promise<bigint[]> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(ecjPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const ids: bigint[] = [];
  for (let at = 0; at + NEEDLE_ID_SIZE_BYTES <= bytes.length; at += NEEDLE_ID_SIZE_BYTES)
    ids.push(bytes.readBigUInt64BE(at));
  return ids;
}

/** Binary search over an open `.ecx`. Returns the row index too, for marking in place. */
export async function searchEcx(
  handle: FileHandle,
  ecxSizeBytes: number,
  width: OffsetWidth,
  key: bigint,
): Promise<(EcxEntry & { row: number }) | null> {
  const entrySize = indexEntrySizeBytes(width);
  const buf = Buffer.alloc(entrySize);
  let low = 0;
  let high = Math.floor(ecxSizeBytes / entrySize);
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    const { bytesRead } = await handle.read(buf, 0, entrySize, middle * entrySize);
    if (bytesRead !== entrySize)
      throw new StorageError('corrupted', `ecx file ${ecxSizeBytes} read at ${middle * entrySize}: short read`);
    const rowKey = buf.readBigUInt64BE(0);
    if (rowKey === key) {
      let found: EcxEntry & { row: number } = { key, offsetBytes: 0, size: 0, row: middle };
      walkIndexRows(buf, width, (_hi, _lo, offsetUnits, size) => {
        found = { key, offsetBytes: offsetUnits * NEEDLE_PADDING_SIZE_BYTES, size, row: middle };
      });
      return found;
    }
    if (rowKey < key) low = middle + 1;
    else high = middle;
  }
  return null;
}

/** Visits every `.ecx` row in file order, reading in bounded chunks. */
export async function walkEcx(ecxPath: string, width: OffsetWidth, visit: (entry: EcxEntry) => void): Promise<void> {
  const entrySize = indexEntrySizeBytes(width);
  const handle = await fs.open(ecxPath, 'r');
  try {
    const buf = Buffer.alloc(ROWS_PER_WRITE * entrySize);
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, position);
      const rows = Math.floor(bytesRead / entrySize);
      if (rows === 0) break;
      walkIndexRows(buf.subarray(0, rows * entrySize), width, (hi, lo, offsetUnits, size) => {
        visit({ key: (BigInt(hi) << 32n) | BigInt(lo), offsetBytes: offsetUnits * NEEDLE_PADDING_SIZE_BYTES, size });
      });
      position += rows * entrySize;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Folds `.ecj` into `.ecx` (each listed key's size becomes the tombstone, in place), syncs, and
 * removes `.ecj`. No `.ecj` is a no-op.
 */
export async function foldEcjIntoEcx(ecxPath: string, ecjPath: string, width: OffsetWidth): Promise<void> {
  if (!(await pathExists(ecjPath))) return;
  const ids = await readEcjIds(ecjPath);
  const handle = await fs.open(ecxPath, 'r+');
  try {
    const ecxSizeBytes = (await handle.stat()).size;
    const tombstone = Buffer.alloc(4);
    tombstone.writeInt32BE(TOMBSTONE_FILE_SIZE);
    const entrySize = indexEntrySizeBytes(width);
    for (const id of ids) {
      const found = await searchEcx(handle, ecxSizeBytes, width, id);
      if (found === null) continue;
      await handle.write(tombstone, 0, 4, found.row * entrySize + NEEDLE_ID_SIZE_BYTES + width);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rm(ecjPath, { force: true });
}

export async function hasLiveNeedles(ecxPath: string, width: OffsetWidth): Promise<boolean> {
  let live = false;
  await walkEcx(ecxPath, width, (entry) => {
    if (entry.offsetBytes !== 0 && !isDeletedSize(entry.size)) live = true;
  });
  return live;
}

/** The `.dat` size a decode must produce: the end of the last live record (at least the super block). */
export async function findDatFileSize(ecxPath: string, width: OffsetWidth, version: NeedleVersion): Promise<number> {
  let sizeBytes = 8;
  await walkEcx(ecxPath, width, (entry) => {
    if (isDeletedSize(entry.size)) return;
    const end = entry.offsetBytes + actualSize(entry.size, version);
    if (end > sizeBytes) sizeBytes = end;
  });
  return sizeBytes;
}

/** Counts for VolumeEcShardsInfo: raw sizes of all rows (deleted too), live and deleted rows. */
export async function ecxTotals(
  ecxPath: string,
  width: OffsetWidth,
): Promise<{ files: number; deletedFiles: number; totalSizeBytes: number }> {
  const totals = { files: 0, deletedFiles: 0, totalSizeBytes: 0 };
  await walkEcx(ecxPath, width, (entry) => {
    totals.totalSizeBytes += rawSize(entry.size);
    if (isDeletedSize(entry.size)) totals.deletedFiles++;
    else totals.files++;
  });
  return totals;
}

/** `.idx` for a decoded volume: `.ecx` bytes, then a tombstone row per `.ecj` id (via a temp file). */
export async function writeIdxFromEcIndex(
  ecxPath: string,
  ecjPath: string,
  idxPath: string,
  width: OffsetWidth,
): Promise<void> {
  const temporary = `${idxPath}.tmp`;
  await fs.copyFile(ecxPath, temporary);
  const ids = await readEcjIds(ecjPath);
  await writeIndexRows(
    temporary,
    ids.map((key) => ({ key, offsetBytes: 0, size: TOMBSTONE_FILE_SIZE })),
    width,
    'a',
  );
  await fs.rename(temporary, idxPath);
}
