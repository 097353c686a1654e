// Shard bytes held by other volume servers: where they are (the master's LookupEcVolume, cached
// briefly) and reading a range of one (VolumeEcShardRead), for EC reads of shards not mounted here.
import { LRUCache } from 'lru-cache';
import type { EcVolume } from '../ec/ec-volume.ts';
import type { RemoteShardSource } from '../ec/ec-needle-reader.ts';
import { newMasterClient } from './master-client.ts';
import type { LookupEcVolumeResponse__Output } from '../proto/generated/master_pb/LookupEcVolumeResponse.ts';
import { messagesOf, newPeerClient } from './peer-client.ts';

/** Shard holders change when shards move; upstream re-checks an incomplete map after 11 s. */
export const LOCATIONS_TTL_MS = 10_000;
const LOOKUP_TIMEOUT_MS = 5_000;
const SHARD_READ_TIMEOUT_MS = 30_000;
/** Volumes whose holders are remembered; past this the least recently used one is forgotten. */
export const MAX_CACHED_VOLUMES = 1_000;

export type ShardHolderLookup = (master: string, volumeId: number, selfUrl: string) => Promise<Map<number, string[]>>;

export interface RemoteEcShardsOptions {
  /** Asks one master; the default is its LookupEcVolume RPC. */
  lookup?: ShardHolderLookup;
  /** Milliseconds clock for the cache's TTL; the default is performance.now. */
  clock?: { now(): number };
}

/** Shard id → peer addresses (`ip:port.grpcPort`) holding it, from one master; `selfUrl` left out. */
export async function lookupEcShardHolders(
  master: string,
  volumeId: number,
  selfUrl: string,
): Promise<Map<number, string[]>> {
  const client = newMasterClient(master);
  try {
    const response = await new Promise<LookupEcVolumeResponse__Output>((resolve, reject) => {
      client.LookupEcVolume({ volume_id: volumeId }, { deadline: Date.now() + LOOKUP_TIMEOUT_MS }, (err, r) =>
        err || r === undefined ? reject(err ?? new Error('LookupEcVolume: no response')) : resolve(r),
      );
    });
    const holders = new Map<number, string[]>();
    for (const entry of response.shard_id_locations ?? []) {
      const addresses = (entry.locations ?? [])
        .filter((l) => l.url !== selfUrl)
        .map((l) => (l.grpc_port > 0 ? `${l.url}.${l.grpc_port}` : l.url));
      holders.set(entry.shard_id, addresses);
    }
    return holders;
  } finally {
    client.close();
  }
}

export class RemoteEcShards implements RemoteShardSource {
  /** Volume id → shard id → holder addresses; an entry past its TTL reads as absent. */
  private readonly cache: LRUCache<number, Map<number, string[]>>;
  private readonly lookup: ShardHolderLookup;

  /**
   * `masters()` gives the master to ask first; `selfUrl` (ip:port) is skipped as a holder, since
   * local shards are read before this is asked.
   */
  constructor(
    private readonly masters: () => string[],
    private readonly selfUrl: string,
    options: RemoteEcShardsOptions = {},
  ) {
    this.lookup = options.lookup ?? lookupEcShardHolders;
    this.cache = new LRUCache<number, Map<number, string[]>>({
      max: MAX_CACHED_VOLUMES,
      ttl: LOCATIONS_TTL_MS,
      // Read the clock at every check: lookups are rare next to the shard reads they serve, and
      // an entry is then never trusted past its TTL by the library's 1 ms clock cache.
      ttlResolution: 0,
      ...(options.clock === undefined ? {} : { perf: options.clock }),
    });
  }

  /** Shard id → holder addresses for a volume, from the cache or else the masters in turn. */
  async holdersOf(volumeId: number): Promise<Map<number, string[]>> {
    const cached = this.cache.get(volumeId);
    if (cached !== undefined) return cached;
    let lastError: unknown = new Error('no master to ask');
    for (const master of this.masters()) {
      try {
        const holders = await this.lookup(master, volumeId, this.selfUrl);
        this.cache.set(volumeId, holders);
        return holders;
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError;
  }

  async read(
    volume: EcVolume,
    shardId: number,
    offsetBytes: number,
    sizeBytes: number,
    key: bigint,
  ): Promise<Buffer | 'deleted' | null> {
    let holders: Map<number, string[]>;
    try {
      holders = await this.holdersOf(volume.volumeId);
    } catch {
      return null;
    }
    for (const address of holders.get(shardId) ?? []) {
      try {
        const bytes = await readFromPeer(address, volume, shardId, offsetBytes, sizeBytes, key);
        if (bytes === 'deleted' || bytes.length === sizeBytes) return bytes;
      } catch {
        // Try the next holder; the caller rebuilds from other shards when none answers.
      }
    }
    return null;
  }

  async deleteNeedle(volume: EcVolume, key: bigint, shardId: number): Promise<void> {
    const holders = await this.holdersOf(volume.volumeId);
    const failures: string[] = [];
    for (const address of holders.get(shardId) ?? []) {
      try {
        await deleteOnPeer(address, volume, key);
      } catch (err) {
        failures.push(`${address}: ${(err as Error).message}`);
      }
    }
    if (failures.length > 0)
      throw new Error(`delete ${volume.volumeId},${key.toString(16)} on ec shard holders: ${failures.join('; ')}`);
  }
}

const BLOB_DELETE_TIMEOUT_MS = 10_000;

async function deleteOnPeer(address: string, volume: EcVolume, key: bigint): Promise<void> {
  const client = newPeerClient(address);
  try {
    await new Promise<void>((resolve, reject) => {
      client.VolumeEcBlobDelete(
        {
          volume_id: volume.volumeId,
          collection: volume.collection,
          file_key: key.toString(),
          version: volume.version,
        },
        { deadline: Date.now() + BLOB_DELETE_TIMEOUT_MS },
        (err) => (err ? reject(err) : resolve()),
      );
    });
  } finally {
    client.close();
  }
}

async function readFromPeer(
  address: string,
  volume: EcVolume,
  shardId: number,
  offsetBytes: number,
  sizeBytes: number,
  key: bigint,
): Promise<Buffer | 'deleted'> {
  const client = newPeerClient(address);
  try {
    const stream = client.VolumeEcShardRead(
      {
        volume_id: volume.volumeId,
        shard_id: shardId,
        offset: String(offsetBytes),
        size: String(sizeBytes),
        file_key: key.toString(),
        encode_ts_ns: volume.encodeTsNs.toString(),
      },
      { deadline: Date.now() + SHARD_READ_TIMEOUT_MS },
    );
    const chunks: Buffer[] = [];
    for await (const message of messagesOf(stream)) {
      if (message.is_deleted) return 'deleted';
      chunks.push(message.data);
    }
    return Buffer.concat(chunks);
  } finally {
    client.close();
  }
}
