// How SeaweedFS stripes a `.dat` over erasure-coded shards: the shard ratio, the two layouts
// (legacy 1 GiB / 1 MiB block rows; 4.53's uniform one block per shard), shard file names, and
// where a `.dat` byte range lives among the shards.
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

/**
 * The uniform layout's block size (4.53 encodes only this way): ceil(datSize / dataShards)
 * rounded up to whole 1 MiB blocks, at least one. Equals the legacy layout's shard size, so the
 * two layouts differ only in where bytes sit, never in shard length.
 */
export function uniformBlockSizeBytes(datSizeBytes: number, dataShards: number): number {
  assert(Number.isSafeInteger(datSizeBytes) && datSizeBytes >= 0 && dataShards > 0, 'uniformBlockSizeBytes input');
  const perShardBytes = Math.ceil(datSizeBytes / dataShards);
  return Math.max(1, Math.ceil(perShardBytes / SMALL_BLOCK_SIZE_BYTES)) * SMALL_BLOCK_SIZE_BYTES;
}

/** Why a recorded block size is impossible (null when fine): 0 = legacy, else whole 1 MiB blocks. */
export function blockSizeProblem(blockSizeBytes: number): string | null {
  if (blockSizeBytes === 0) return null;
  if (!Number.isSafeInteger(blockSizeBytes) || blockSizeBytes < 0 || blockSizeBytes % SMALL_BLOCK_SIZE_BYTES !== 0) {
    return `invalid shard block size ${blockSizeBytes}: expected 0 (legacy) or a multiple of ${SMALL_BLOCK_SIZE_BYTES}`;
  }
  return null;
}

/** Whether a ratio is one a `.vif` or sidecar may legitimately record. */
export function validEcRatio(dataShards: number, parityShards: number): boolean {
  return dataShards > 0 && parityShards > 0 && dataShards + parityShards <= MAX_SHARD_COUNT;
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
 * Maps `.dat` bytes [offset, offset+length) to shard intervals. `blockSizeBytes` > 0 is the
 * uniform layout: shard i holds `.dat` [i·block, (i+1)·block). Otherwise the legacy rows:
 * `shardDatSizeBytes` is the `.dat` size per data shard at encode time (datFileSize /
 * dataShards), which fixes how many 1 GiB rows exist; without a recorded datFileSize upstream
 * uses shard file size − 1.
 */
export function locateData(
  shardDatSizeBytes: number,
  dataShards: number,
  offsetBytes: number,
  lengthBytes: number,
  blockSizeBytes = 0,
): ShardInterval[] {
  assert(offsetBytes >= 0 && lengthBytes >= 0, 'locateData range');
  if (blockSizeBytes > 0) return locateUniform(blockSizeBytes, dataShards, offsetBytes, lengthBytes);
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
    const shardOffsetBytes = isLarge
      ? row * LARGE_BLOCK_SIZE_BYTES + inner
      : largeRows * LARGE_BLOCK_SIZE_BYTES + row * SMALL_BLOCK_SIZE_BYTES + inner;
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

function locateUniform(
  blockSizeBytes: number,
  dataShards: number,
  offsetBytes: number,
  lengthBytes: number,
): ShardInterval[] {
  const intervals: ShardInterval[] = [];
  let at = offsetBytes;
  let remaining = lengthBytes;
  while (remaining > 0) {
    const shardId = Math.floor(at / blockSizeBytes);
    // A record past the data shards would be in no shard: the index and layout disagree.
    assert(shardId < dataShards, `offset ${at} lies past ${dataShards} shards of ${blockSizeBytes} bytes`);
    const shardOffsetBytes = at % blockSizeBytes;
    const take = Math.min(remaining, blockSizeBytes - shardOffsetBytes);
    intervals.push({ shardId, shardOffsetBytes, sizeBytes: take });
    at += take;
    remaining -= take;
  }
  return intervals;
}
