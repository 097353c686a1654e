// Integrity checks of an EC volume an operator can run at any time: the `.ecx` alone (INDEX),
// every needle's bytes in the shards mounted here (LOCAL), or wherever they are held (FULL, and
// READS which also rebuilds from parity what no shard can serve), reporting the shards at fault.
import { promises as fs } from 'node:fs';
import { decodeNeedle } from '../storage/needle/needle.ts';
import { actualSize } from '../storage/needle/version.ts';
import { indexEntrySizeBytes, isDeletedSize } from '../storage/types.ts';
import { isStorageError } from '../storage/errors.ts';
import { type EcxEntry, walkEcx } from './ec-index.ts';
import type { ShardInterval } from './ec-layout.ts';
import type { EcVolume } from './ec-volume.ts';

export interface EcScrubResult {
  files: number;
  brokenShardIds: number[];
  errors: string[];
}

async function ecxRows(volume: EcVolume): Promise<{ rows: EcxEntry[]; sizeBytes: number }> {
  const rows: EcxEntry[] = [];
  await walkEcx(volume.ecxPath, volume.options.offsetWidth, (entry) => rows.push(entry));
  return { rows, sizeBytes: (await fs.stat(volume.ecxPath)).size };
}

/** `.ecx` checks: non-empty, whole rows only, and no two records overlapping in `.dat` space. */
export async function scrubEcIndex(volume: EcVolume): Promise<EcScrubResult> {
  const { rows, sizeBytes } = await ecxRows(volume);
  return checkEcIndex(volume, rows, sizeBytes);
}

function checkEcIndex(volume: EcVolume, rows: EcxEntry[], sizeBytes: number): EcScrubResult {
  if (sizeBytes === 0) return { files: 0, brokenShardIds: [], errors: [`zero-size ECX file for EC volume ${volume.volumeId}`] };
  const errors: string[] = [];
  const physical = rows
    .map((row, index) => ({ ...row, index }))
    .filter((row) => !(row.offsetBytes === 0 && isDeletedSize(row.size)))
    .sort((a, b) => a.offsetBytes - b.offsetBytes || a.size - b.size);
  const endOf = (row: EcxEntry) => row.offsetBytes + Math.max(actualSize(row.size, volume.version) - 1, 0);
  for (let i = 1; i < physical.length; i++) {
    const last = physical[i - 1] as (typeof physical)[number];
    const row = physical[i] as (typeof physical)[number];
    if (row.offsetBytes <= endOf(last)) {
      errors.push(`needle ${row.key} (#${row.index + 1}) at [${row.offsetBytes}-${endOf(row)}] overlaps needle ${last.key} at [${last.offsetBytes}-${endOf(last)}]`);
    }
  }
  const expected = rows.length * indexEntrySizeBytes(volume.options.offsetWidth);
  if (expected !== sizeBytes) errors.push(`expected an index file of size ${sizeBytes}, got ${expected}`);
  return { files: rows.length, brokenShardIds: [], errors };
}

/** INDEX checks, then each live needle read from the local shards: short shards are flagged. */
export async function scrubEcLocal(volume: EcVolume): Promise<EcScrubResult> {
  const { rows, sizeBytes } = await ecxRows(volume);
  const errors = [...checkEcIndex(volume, rows, sizeBytes).errors];
  const broken = new Set<number>();
  for (const row of rows) {
    if (isDeletedSize(row.size)) continue;
    const intervals = volume.locateNeedle(row);
    const chunks: Buffer[] = [];
    let remote = false;
    let failed = false;
    for (const [i, interval] of intervals.entries()) {
      const shard = volume.shards.get(interval.shardId);
      if (shard === undefined) {
        remote = true;
        continue;
      }
      if (interval.shardOffsetBytes + interval.sizeBytes > shard.sizeBytes) {
        broken.add(interval.shardId);
        errors.push(`local shard ${interval.shardId} for needle ${row.key} is too short (${shard.sizeBytes}), cannot read chunk ${i + 1}/${intervals.length}`);
        failed = true;
        continue;
      }
      const chunk = Buffer.alloc(interval.sizeBytes);
      const got = await shard.readAt(chunk, interval.shardOffsetBytes);
      if (got !== interval.sizeBytes) {
        broken.add(interval.shardId);
        errors.push(`expected ${interval.sizeBytes} bytes for chunk ${i + 1}/${intervals.length} for needle ${row.key} from local shard ${interval.shardId}, got ${got}`);
        failed = true;
        continue;
      }
      chunks.push(chunk);
    }
    if (remote || failed) continue;
    try {
      decodeNeedle(Buffer.concat(chunks), volume.version, row.size);
    } catch (err) {
      const shardIds = [...new Set(intervals.map((iv) => iv.shardId))].sort((a, b) => a - b);
      errors.push(`needle ${row.key} on volume ${volume.volumeId}, shards [${shardIds.join(' ')}]: ${(err as Error).message}`);
    }
  }
  return { files: rows.length, brokenShardIds: [...broken].sort((a, b) => a - b), errors };
}

/** Shard bytes for a scrub walk; null when unreadable, 'deleted' when a holder says so. */
export interface ScrubShardSources {
  /** A mounted shard on this server; a short read counts as unreadable. */
  local(shardId: number, offsetBytes: number, sizeBytes: number): Promise<Buffer | null>;
  remote(shardId: number, offsetBytes: number, sizeBytes: number, key: bigint): Promise<Buffer | 'deleted' | null>;
  /** READS only: the interval rebuilt from parity; throws when it cannot be. */
  reconstruct(interval: ShardInterval, key: bigint): Promise<Buffer>;
}

/**
 * FULL and READS: INDEX checks, then every live needle read interval by interval from a local
 * shard, else a remote holder; neither read decodes, since the point is finding shards that
 * are broken. A shard that cannot serve an interval is reported either way; READS then
 * rebuilds the interval from parity so the needle itself is still verified, FULL gives up on it.
 */
export async function scrubEcReads(volume: EcVolume, sources: ScrubShardSources, recoverUnreadable: boolean): Promise<EcScrubResult> {
  const { rows, sizeBytes } = await ecxRows(volume);
  const errors = [...checkEcIndex(volume, rows, sizeBytes).errors];
  const broken = new Set<number>();
  for (const row of rows) {
    if (isDeletedSize(row.size)) continue;
    const intervals = volume.locateNeedle(row);
    const shardIds = [...new Set(intervals.map((iv) => iv.shardId))].sort((a, b) => a - b);
    const chunks: Buffer[] = [];
    let ok = true;
    let deleted = false;
    for (const [i, interval] of intervals.entries()) {
      const { shardId, shardOffsetBytes, sizeBytes: length } = interval;
      const local = await sources.local(shardId, shardOffsetBytes, length).catch(() => null);
      if (local !== null) {
        chunks.push(local);
        continue;
      }
      const remote = await sources.remote(shardId, shardOffsetBytes, length, row.key).catch(() => null);
      if (remote === 'deleted') {
        deleted = true; // a holder's index is authoritative: nothing to verify
        break;
      }
      if (remote !== null) {
        chunks.push(remote);
        continue;
      }
      broken.add(shardId);
      if (!recoverUnreadable) {
        errors.push(`failed to read EC shard ${shardId} for needle ${row.key} on volume ${volume.volumeId} (interval ${i + 1}/${intervals.length})`);
        ok = false;
        break;
      }
      try {
        chunks.push(await sources.reconstruct(interval, row.key));
      } catch (err) {
        if (isStorageError(err, 'deleted')) {
          deleted = true;
          break;
        }
        errors.push(`failed to recover EC shard ${shardId} for needle ${row.key} on volume ${volume.volumeId} (interval ${i + 1}/${intervals.length}): ${(err as Error).message}`);
        ok = false;
        break;
      }
    }
    if (!ok || deleted) continue;
    try {
      decodeNeedle(Buffer.concat(chunks), volume.version, row.size);
    } catch (err) {
      errors.push(`EC volume ${volume.volumeId}, needle ${row.key} on shards [${shardIds.join(' ')}]: ${(err as Error).message}`);
    }
  }
  return { files: rows.length, brokenShardIds: [...broken].sort((a, b) => a - b), errors };
}
