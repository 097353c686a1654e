// When a volume's newest record was appended, read from its files: what VolumeCopy answers as
// last_append_at_ns, from where a caller tails or incrementally copies what came after.
import { promises as fs } from 'node:fs';
import { decodeIndexEntry } from '../storage/idx/entry.ts';
import { NEEDLE_HEADER_SIZE_BYTES, type OffsetWidth, indexEntrySizeBytes } from '../storage/types.ts';

/** The append time of the record the last `.idx` row points at (v3), else `fallbackNs`. */
export async function lastAppendAtNs(
  idxPath: string,
  datPath: string,
  width: OffsetWidth,
  version: number,
  fallbackNs: bigint,
): Promise<bigint> {
  if (version !== 3) return fallbackNs;
  const entrySize = indexEntrySizeBytes(width);
  const idx = await fs.open(idxPath, 'r');
  const dat = await fs.open(datPath, 'r');
  try {
    const size = (await idx.stat()).size;
    if (size < entrySize) return fallbackNs;
    const row = Buffer.alloc(entrySize);
    await idx.read(row, 0, entrySize, size - (size % entrySize) - entrySize);
    const entry = decodeIndexEntry(row, width);
    const stamp = Buffer.alloc(8);
    const { bytesRead } = await dat.read(
      stamp,
      0,
      8,
      entry.offset + NEEDLE_HEADER_SIZE_BYTES + Math.max(entry.size, 0) + 4,
    );
    return bytesRead === 8 ? stamp.readBigUInt64BE(0) : fallbackNs;
  } finally {
    await idx.close();
    await dat.close();
  }
}
