// How SeaweedFS stripes a `.dat` over erasure-coded shards: the shard ratio, the 1 GiB / 1 MiB
// block rows, shard file names, and where a `.dat` byte range lives among the shards.
import { assert } from '../storage/types.ts';
import type { VolumeInfo } from '../storage/volume-info.ts';

export const DEFAULT_DATA_SHARDS = 10;
export const DEFAULT_PARITY_SHARDS = 4;
/** Shard bitmaps are u32 on the wire, so no ratio may exceed 32 shards. */
export const MAX_SHARD_COUNT = 32;
export const LARGE_BLOCK_SIZE_BYTES = 1024 * 1024 * 1024;
export const SMALL_BLOCK_SIZE_BYTES = 1024 * 1024;

export interface EcRatio {
  dataShards: number;
  parityShards: number;
}

export const DEFAULT_EC_RATIO: EcRatio = { dataShards: DEFAULT_DATA_SHARDS, parityShards: DEFAULT_PARITY_SHARDS };

export function totalShards(ratio: EcRatio): number {
  return ratio.dataShards + ratio.parityShards;
}

/** The ratio a `.vif` records, or 10+4 when absent or invalid (upstream falls back the same way). */
export function ecRatioOf(info: VolumeInfo | null): EcRatio {
  const config = info?.ecShardConfig;
  if (config === null || config === undefined) return DEFAULT_EC_RATIO;
  const { dataShards, parityShards } = config;
  if (dataShards <= 0 || parityShards <= 0 || dataShards + parityShards > MAX_SHARD_COUNT) return DEFAULT_EC_RATIO;
  return { dataShards, parityShards };
}

/** `.ec00` … `.ec31`. */
export function shardExt(shardId: number): string {
  assert(Number.isInteger(shardId) && shardId >= 0 && shardId < 100, `shard id ${shardId}`);
  return `ec${String(shardId).padStart(2, '0')}`;
}

/** A shard file name `<base>.ecNN` split into its base and shard id, or null. */
export function parseShardFileName(fileName: string): { base: string; shardId: number } | null {
  const match = /^(.+)\.ec(\d\d)$/.exec(fileName);
  if (match === null) return null;
  const shardId = Number(match[2]);
  return shardId < MAX_SHARD_COUNT ? { base: match[1] as string, shardId } : null;
}

/** The shard id of a file name `<base>.ecNN`, or null. */
export function shardIdOfFileName(fileName: string, base: string): number | null {
  const parsed = parseShardFileName(fileName);
  return parsed !== null && parsed.base === base ? parsed.shardId : null;
}

/** Rows of 1 GiB blocks and of 1 MiB blocks that striping a `.dat` of this size produces. */
export function stripeRows(datSizeBytes: number, dataShards: number): { largeRows: number; smallRows: number } {
  const largeRowBytes = LARGE_BLOCK_SIZE_BYTES * dataShards;
  const smallRowBytes = SMALL_BLOCK_SIZE_BYTES * dataShards;
  const largeRows = Math.floor(datSizeBytes / largeRowBytes);
  const remaining = datSizeBytes - largeRows * largeRowBytes;
  return { largeRows, smallRows: Math.ceil(remaining / smallRowBytes) };
}

export function shardFileSizeBytes(datSizeBytes: number, dataShards: number): number {
  const { largeRows, smallRows } = stripeRows(datSizeBytes, dataShards);
  return largeRows * LARGE_BLOCK_SIZE_BYTES + smallRows * SMALL_BLOCK_SIZE_BYTES;
}

/** One contiguous piece of a `.dat` range, inside one shard. */
export interface ShardInterval {
  shardId: number;
  shardOffsetBytes: number;
  sizeBytes: number;
}

/**
 * Maps `.dat` bytes [offset, offset+length) to shard intervals. `shardDatSizeBytes` is the `.dat`
 * size per data shard at encode time (datFileSize / dataShards), which fixes how many 1 GiB rows
 * exist; without a recorded datFileSize upstream uses shard file size − 1.
 */
export function locateData(shardDatSizeBytes: number, dataShards: number, offsetBytes: number, lengthBytes: number): ShardInterval[] {
  assert(offsetBytes >= 0 && lengthBytes >= 0, 'locateData range');
  const largeRows = Math.floor(shardDatSizeBytes / LARGE_BLOCK_SIZE_BYTES);
  const largeAreaBytes = largeRows * LARGE_BLOCK_SIZE_BYTES * dataShards;
  const intervals: ShardInterval[] = [];
  let isLarge = offsetBytes < largeAreaBytes;
  let blockIndex: number;
  let inner: number;
  if (isLarge) {
    blockIndex = Math.floor(offsetBytes / LARGE_BLOCK_SIZE_BYTES);
    inner = offsetBytes % LARGE_BLOCK_SIZE_BYTES;
  } else {
    const smallOffset = offsetBytes - largeAreaBytes;
    blockIndex = Math.floor(smallOffset / SMALL_BLOCK_SIZE_BYTES);
    inner = smallOffset % SMALL_BLOCK_SIZE_BYTES;
  }
  let remaining = lengthBytes;
  while (remaining > 0) {
    const blockSize = isLarge ? LARGE_BLOCK_SIZE_BYTES : SMALL_BLOCK_SIZE_BYTES;
    const take = Math.min(remaining, blockSize - inner);
    const shardId = blockIndex % dataShards;
    const row = Math.floor(blockIndex / dataShards);
    const shardOffsetBytes = isLarge ? row * LARGE_BLOCK_SIZE_BYTES + inner : largeRows * LARGE_BLOCK_SIZE_BYTES + row * SMALL_BLOCK_SIZE_BYTES + inner;
    intervals.push({ shardId, shardOffsetBytes, sizeBytes: take });
    remaining -= take;
    inner = 0;
    blockIndex++;
    if (isLarge && blockIndex >= largeRows * dataShards) {
      isLarge = false;
      blockIndex = 0;
    }
  }
  return intervals;
}
