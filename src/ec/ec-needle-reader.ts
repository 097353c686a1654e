// Reading one needle of an EC volume: locate its record in `.ecx`, read each shard interval from
// a local shard, else from a peer that holds the shard, else rebuild it from any dataShards
// other shards (local or remote) with Reed-Solomon. The record is then parsed and CRC-checked.
import { StorageError } from '../storage/errors.ts';
import { type Needle, decodeNeedle } from '../storage/needle/needle.ts';
import type { ParityCoder } from './ec-encoder.ts';
import { type ShardInterval, totalShards } from './ec-layout.ts';
import type { EcVolume } from './ec-volume.ts';

/** Shard bytes held by other servers (the master knows where). */
export interface RemoteShardSource {
  /**
   * Reads exactly `sizeBytes` of a shard at an offset from some server holding it. Returns null
   * when no holder answered; `deleted` when the holder's index says the needle is deleted.
   */
  read(
    volume: EcVolume,
    shardId: number,
    offsetBytes: number,
    sizeBytes: number,
    key: bigint,
  ): Promise<Buffer | 'deleted' | null>;
  /** Journals a delete on the peers holding `shardId` (the shard where the needle starts). */
  deleteNeedle?(volume: EcVolume, key: bigint, shardId: number): Promise<void>;
}

export interface EcReadSources {
  /** Mounted shards on this server (any disk) for this volume id. */
  localShard(
    shardId: number,
  ): { readAt(buf: Uint8Array, offsetBytes: number, length?: number): Promise<number> } | undefined;
  remote: RemoteShardSource | null;
  coder: () => ParityCoder;
}

async function readShardBytes(
  volume: EcVolume,
  sources: EcReadSources,
  shardId: number,
  offsetBytes: number,
  sizeBytes: number,
  key: bigint,
): Promise<Buffer | 'deleted' | null> {
  const local = sources.localShard(shardId);
  if (local !== undefined) {
    const buf = Buffer.alloc(sizeBytes);
    // A failing local read (EIO) falls through to peers, then to reconstruction.
    const got = await local.readAt(buf, offsetBytes, sizeBytes).catch(() => -1);
    // Past the end of a shard reads as zeros (the encoder's padding).
    if (got >= 0) return buf;
  }
  if (sources.remote === null) return null;
  return sources.remote.read(volume, shardId, offsetBytes, sizeBytes, key);
}

async function readInterval(
  volume: EcVolume,
  sources: EcReadSources,
  interval: ShardInterval,
  key: bigint,
): Promise<Buffer> {
  const direct = await readShardBytes(
    volume,
    sources,
    interval.shardId,
    interval.shardOffsetBytes,
    interval.sizeBytes,
    key,
  );
  if (direct === 'deleted') throw new StorageError('deleted', 'already deleted');
  if (direct !== null) return direct;
  return reconstructInterval(volume, sources, interval, key);
}

/**
 * Rebuilds one interval of a shard from the same byte range of any dataShards other shards
 * (local or remote). A holder answering "deleted" → StorageError 'deleted'.
 */
export async function reconstructInterval(
  volume: EcVolume,
  sources: EcReadSources,
  interval: ShardInterval,
  key: bigint,
): Promise<Buffer> {
  const total = totalShards(volume.ratio);
  const shards: (Uint8Array | null)[] = new Array(total).fill(null);
  let have = 0;
  const tried: number[] = [];
  for (let id = 0; id < total && have < volume.ratio.dataShards; id++) {
    if (id === interval.shardId) continue;
    const bytes = await readShardBytes(volume, sources, id, interval.shardOffsetBytes, interval.sizeBytes, key);
    tried.push(id);
    if (bytes === 'deleted') throw new StorageError('deleted', 'already deleted');
    if (bytes === null) continue;
    shards[id] = bytes;
    have++;
  }
  if (have < volume.ratio.dataShards) {
    throw new StorageError(
      'io',
      `cannot recover shard ${volume.volumeId}.${interval.shardId}: only ${have} shards available, need at least ${volume.ratio.dataShards}`,
    );
  }
  const rebuilt = await sources
    .coder()
    .reconstruct(volume.ratio.dataShards, volume.ratio.parityShards, shards, [interval.shardId]);
  const bytes = rebuilt.get(interval.shardId);
  if (bytes === undefined)
    throw new StorageError('io', `reconstruction of shard ${volume.volumeId}.${interval.shardId} returned nothing`);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The needle with this id, data verified. Missing → not_found, deleted → deleted. */
export async function readEcNeedle(volume: EcVolume, key: bigint, sources: EcReadSources): Promise<Needle> {
  const entry = await volume.findNeedle(key);
  if (entry === null) throw new StorageError('not_found', 'needle not found');
  if (entry.size < 0) throw new StorageError('deleted', 'already deleted');
  const pieces: Buffer[] = [];
  for (const interval of volume.locateNeedle(entry)) pieces.push(await readInterval(volume, sources, interval, key));
  const record = pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces);
  return decodeNeedle(record, volume.version, entry.size);
}
