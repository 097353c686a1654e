// Integrity checks of an EC volume an operator can run at any time: the `.ecx` alone (INDEX), and
// every needle's bytes in the shards mounted here (LOCAL), reporting the shards at fault.
import { promises as fs } from 'node:fs';
import { decodeNeedle } from '../storage/needle/needle.ts';
import { actualSize } from '../storage/needle/version.ts';
import { indexEntrySizeBytes, isDeletedSize } from '../storage/types.ts';
import { type EcxEntry, walkEcx } from './ec-index.ts';
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
