// Integrity checks of an EC volume an operator can run at any time: the `.ecx` alone (INDEX),
// every needle's bytes in the shards mounted here (LOCAL), or wherever they are held (FULL, and
// READS which also rebuilds from parity what no shard can serve), or every local shard's raw
// bytes against the `.ecsum` sidecar (CHECKSUM), reporting the shards at fault.
import { promises as fs } from 'node:fs';
import { decodeNeedle } from '../storage/needle/needle.ts';
import { actualSize } from '../storage/needle/version.ts';
import { assert, indexEntrySizeBytes, isDeletedSize } from '../storage/types.ts';
import { isStorageError } from '../storage/errors.ts';
import { type BitrotProtection, type BitrotStatus, scanShardBlocks } from './ec-bitrot.ts';
import type { ParityCoder } from './ec-encoder.ts';
import { type EcxEntry, walkEcx } from './ec-index.ts';
import { type EcRatio, type ShardInterval, totalShards } from './ec-layout.ts';
import type { MergedEcRuntimes, MergedShard } from './ec-merged-runtimes.ts';
import type { EcShard } from './ec-shard.ts';
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
  if (sizeBytes === 0)
    return { files: 0, brokenShardIds: [], errors: [`zero-size ECX file for EC volume ${volume.volumeId}`] };
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
      errors.push(
        `needle ${row.key} (#${row.index + 1}) at [${row.offsetBytes}-${endOf(row)}] overlaps needle ${last.key} at [${last.offsetBytes}-${endOf(last)}]`,
      );
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
        errors.push(
          `local shard ${interval.shardId} for needle ${row.key} is too short (${shard.sizeBytes}), cannot read chunk ${i + 1}/${intervals.length}`,
        );
        failed = true;
        continue;
      }
      const chunk = Buffer.alloc(interval.sizeBytes);
      const got = await shard.readAt(chunk, interval.shardOffsetBytes);
      if (got !== interval.sizeBytes) {
        broken.add(interval.shardId);
        errors.push(
          `expected ${interval.sizeBytes} bytes for chunk ${i + 1}/${intervals.length} for needle ${row.key} from local shard ${interval.shardId}, got ${got}`,
        );
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
      errors.push(
        `needle ${row.key} on volume ${volume.volumeId}, shards [${shardIds.join(' ')}]: ${(err as Error).message}`,
      );
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
export async function scrubEcReads(
  volume: EcVolume,
  sources: ScrubShardSources,
  recoverUnreadable: boolean,
): Promise<EcScrubResult> {
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
      // An unreadable local shard is not a verdict: the remote copy is tried next.
      const local = await sources.local(shardId, shardOffsetBytes, length).catch(() => null);
      if (local !== null) {
        chunks.push(local);
        continue;
      }
      // Unreadable remotely too (null): the shard counts as broken below.
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
        errors.push(
          `failed to read EC shard ${shardId} for needle ${row.key} on volume ${volume.volumeId} (interval ${i + 1}/${intervals.length})`,
        );
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
        errors.push(
          `failed to recover EC shard ${shardId} for needle ${row.key} on volume ${volume.volumeId} (interval ${i + 1}/${intervals.length}): ${(err as Error).message}`,
        );
        ok = false;
        break;
      }
    }
    if (!ok || deleted) continue;
    try {
      decodeNeedle(Buffer.concat(chunks), volume.version, row.size);
    } catch (err) {
      errors.push(
        `EC volume ${volume.volumeId}, needle ${row.key} on shards [${shardIds.join(' ')}]: ${(err as Error).message}`,
      );
    }
  }
  return { files: rows.length, brokenShardIds: [...broken].sort((a, b) => a - b), errors };
}

// --- CHECKSUM ---

/** Bytes of every shard read per step when Reed-Solomon arbitrates a checksum mismatch. */
const ARBITRATION_CHUNK_BYTES = 1024 * 1024;

/** A shard a CHECKSUM scrub found damaged, with what upstream's EcShardInfo reports of it. */
export interface BrokenEcShard {
  volumeId: number;
  shardId: number;
  collection: string;
  /** Its size when mounted. */
  sizeBytes: number;
}

export interface EcChecksumScrubResult {
  /** Blocks checksummed; not a file count, so callers do not add it to one. */
  blocksScanned: number;
  brokenShards: BrokenEcShard[];
  errors: string[];
}

interface FlaggedShard {
  merged: MergedShard;
  /** False for length drift: Reed-Solomon can only vouch for the bytes a shard still has. */
  arbitrate: boolean;
}

/**
 * Whether Reed-Solomon, rebuilding `target` from dataShards verified-clean shards, disagrees with
 * its bytes on disk (the shard really is corrupt, not its sidecar block). Throws when it cannot tell.
 */
async function reedSolomonDisagrees(
  target: EcShard,
  clean: EcShard[],
  ratio: EcRatio,
  coder: () => ParityCoder,
): Promise<boolean> {
  const total = totalShards(ratio);
  assert(target.shardId < total, `shard ${target.shardId} outside ${total} shards`);
  const sources = clean.filter((s) => s.shardId < total).slice(0, ratio.dataShards);
  if (sources.length < ratio.dataShards) throw new Error('reconstruct: too few shards given');
  const sizeBytes = target.sizeBytes;
  let offsetBytes = 0;
  while (offsetBytes < sizeBytes) {
    const lengthBytes = Math.min(ARBITRATION_CHUNK_BYTES, sizeBytes - offsetBytes);
    // Fresh buffers per step: the coder may hand them to a worker thread (transfer).
    const inputs: (Uint8Array | null)[] = new Array<Uint8Array | null>(total).fill(null);
    for (const source of sources) {
      const buf = Buffer.alloc(lengthBytes);
      const got = await source.readAt(buf, offsetBytes, lengthBytes).catch((err: Error) => {
        throw new Error(`read clean shard ${source.shardId} at ${offsetBytes}: ${err.message} (got 0/${lengthBytes})`);
      });
      if (got !== lengthBytes)
        throw new Error(`read clean shard ${source.shardId} at ${offsetBytes}: EOF (got ${got}/${lengthBytes})`);
      inputs[source.shardId] = buf;
    }
    let rebuilt: Uint8Array | undefined;
    try {
      rebuilt = (await coder().reconstruct(ratio.dataShards, ratio.parityShards, inputs, [target.shardId])).get(
        target.shardId,
      );
    } catch (err) {
      throw new Error(`reconstruct: ${(err as Error).message}`);
    }
    if (rebuilt === undefined || rebuilt.length !== lengthBytes)
      throw new Error(`reconstruct: no ${lengthBytes} bytes for shard ${target.shardId}`);
    const disk = Buffer.alloc(lengthBytes);
    const got = await target.readAt(disk, offsetBytes, lengthBytes).catch((err: Error) => {
      throw new Error(`read target shard ${target.shardId} at ${offsetBytes}: ${err.message}`);
    });
    if (got !== lengthBytes) throw new Error(`read target shard ${target.shardId} at ${offsetBytes}: EOF`);
    if (!disk.equals(Buffer.from(rebuilt.buffer, rebuilt.byteOffset, rebuilt.byteLength))) return true;
    offsetBytes += lengthBytes;
  }
  return false;
}

/** Upstream EcVolume.ChecksumScrub over the merged shard set, with one protection. */
async function checksumScan(
  view: MergedEcRuntimes,
  status: BitrotStatus,
  protection: BitrotProtection | null,
  coder: () => ParityCoder,
): Promise<EcChecksumScrubResult> {
  const volumeId = view.anchor.volumeId;
  const result: EcChecksumScrubResult = { blocksScanned: 0, brokenShards: [], errors: [] };
  // No sidecar (a legacy volume, or protection disabled at encode): nothing to verify, no error.
  if (status === 'off') return result;
  if (status === 'invalid' || protection === null) {
    result.errors.push(`ec volume ${volumeId}: bitrot sidecar is malformed/unverifiable (sidecar integrity)`);
    return result;
  }
  const errors = result.errors;
  let flagged: FlaggedShard[] = [];
  for (const merged of view.shards) {
    const { shard } = merged;
    const entry = protection.shards.find((s) => s.shardId === shard.shardId);
    if (entry === undefined) {
      errors.push(`ec volume ${volumeId}: no checksum entry for local shard ${shard.shardId}`);
      continue;
    }
    // Every shard of a volume has one length, so drift is damage by itself. Upstream also sends
    // it to arbitration, which compares only the bytes still there and so waves through a
    // truncated shard whose prefix is intact; it is kept flagged here instead.
    if (shard.sizeBytes !== entry.coveredSizeBytes) {
      errors.push(
        `ec volume ${volumeId} shard ${shard.shardId}: size ${shard.sizeBytes} != covered_size ${entry.coveredSizeBytes} (truncated or extended)`,
      );
      flagged.push({ merged, arbitrate: false });
      continue;
    }
    const scan = await scanShardBlocks(shard, entry, protection.checksumBlockSizeBytes);
    result.blocksScanned += scan.blocksScanned;
    for (const m of scan.mismatches)
      errors.push(
        `ec volume ${volumeId} shard ${shard.shardId}: checksum mismatch at block ${m.blockIndex} (offset ${m.offsetBytes})`,
      );
    const failure = scan.readFailure;
    if (failure !== null) {
      errors.push(
        `ec volume ${volumeId} shard ${shard.shardId}: read block ${failure.blockIndex} at ${failure.offsetBytes}: ${failure.cause} (got ${failure.gotBytes}/${failure.wantBytes})`,
      );
    }
    if (scan.mismatches.length > 0 || failure !== null) flagged.push({ merged, arbitrate: true });
  }

  // Rot touches a few shards; more than parity can mask means the sidecar is stale or wrong.
  const { ratio } = view.anchor;
  if (flagged.length > ratio.parityShards) {
    return {
      blocksScanned: result.blocksScanned,
      brokenShards: [],
      errors: [
        `ec volume ${volumeId}: ${flagged.length}/${view.shards.length} local shards mismatch (> parity ${ratio.parityShards}): suspect stale sidecar, not flagging shard corruption`,
      ],
    };
  }

  // A mismatch means the shard rotted or its sidecar block is stale: with enough clean shards
  // here, Reed-Solomon decides, and only shards it also disagrees with are reported broken.
  const flaggedIds = new Set(flagged.map((f) => f.merged.shard.shardId));
  const clean = view.shards.filter((m) => !flaggedIds.has(m.shard.shardId)).map((m) => m.shard);
  if (flagged.length > 0 && clean.length >= ratio.dataShards) {
    const confirmed: FlaggedShard[] = [];
    for (const f of flagged) {
      const { shard } = f.merged;
      if (!f.arbitrate) {
        confirmed.push(f);
        continue;
      }
      try {
        if (await reedSolomonDisagrees(shard, clean, ratio, coder)) confirmed.push(f);
        else
          errors.push(
            `ec volume ${volumeId} shard ${shard.shardId}: sidecar mismatch but Reed-Solomon confirms the bytes are correct: stale sidecar, not flagging shard`,
          );
      } catch (err) {
        // Could not arbitrate: stay conservative and keep it flagged.
        errors.push(`ec volume ${volumeId} shard ${shard.shardId}: RS arbitration failed: ${(err as Error).message}`);
        confirmed.push(f);
      }
    }
    flagged = confirmed;
  }

  result.brokenShards = flagged
    .map(({ merged: { shard, runtime } }) => ({
      volumeId,
      shardId: shard.shardId,
      collection: runtime.collection,
      sizeBytes: shard.sizeBytes,
    }))
    .sort((a, b) => a.shardId - b.shardId);
  return result;
}

/**
 * CHECKSUM: every local shard's raw bytes (cold parity included) against the `.ecsum` block
 * checksums, read in bounded chunks; read-only, it reports and never repairs. The sidecar is
 * per-disk state, so protection comes from the first merged runtime that has it (on, else
 * invalid, else the anchor's off). A volume without a sidecar scrubs clean with nothing checked.
 */
export async function scrubEcChecksum(
  view: MergedEcRuntimes,
  coder: () => ParityCoder,
): Promise<EcChecksumScrubResult> {
  const { anchor, merged, skipped } = view;
  const source =
    merged.find((v) => v.bitrot.status === 'on') ?? merged.find((v) => v.bitrot.status === 'invalid') ?? anchor;
  const { status, protection } = source.bitrot;
  const otherInvalid = () =>
    merged
      .filter((v) => v !== source && v.bitrot.status === 'invalid')
      .map(
        (v) =>
          `ec volume ${v.volumeId} bitrot sidecar at ${v.options.dir} is malformed/unverifiable (sidecar integrity)`,
      );

  // A sidecar of another encode run would blame current shards for stale checksums.
  const sidecarGen = status === 'on' ? (protection?.ecShardConfig?.encodeTsNs ?? 0n) : 0n;
  if (sidecarGen !== 0n && anchor.encodeTsNs !== 0n && sidecarGen !== anchor.encodeTsNs) {
    return {
      blocksScanned: 0,
      brokenShards: [],
      errors: [
        `ec volume ${anchor.volumeId}: bitrot sidecar at ${source.options.dir} records encode run ${sidecarGen} but the scrub anchors on ${anchor.encodeTsNs}; protection is unverifiable`,
        ...otherInvalid(),
        ...skipped,
      ],
    };
  }

  const result = await checksumScan(view, status, protection, coder);
  if (status !== 'invalid') result.errors.push(...otherInvalid());
  result.errors.push(...skipped);
  return result;
}
