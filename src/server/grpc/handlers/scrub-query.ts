// ScrubVolume and ScrubEcVolume (integrity checks an operator can run at any time) and Query
// (filter JSON-lines needles on the server).
import { gunzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { isStorageError } from '../../../storage/errors.ts';
import { parseFileId } from '../../../storage/needle/file-id.ts';
import { NeedleFlag, hasFlag } from '../../../storage/needle/needle.ts';
import type { Volume } from '../../../storage/volume.ts';
import { assert } from '../../../storage/types.ts';
import {
  type GrpcContext,
  type Reply,
  type VolumeServerHandlerTable,
  GrpcStatusError,
  checkMaintenance,
  serverStream,
  unary,
  writeMessage,
} from '../context.ts';
import type { EcShardInfo } from '../../../proto/generated/volume_server_pb/EcShardInfo.ts';
import { notifyMasterReadonly } from '../../../cluster/master-notify.ts';
import { scrubEcChecksum, scrubEcIndex, scrubEcLocal, scrubEcReads, type EcScrubResult } from '../../../ec/ec-scrub.ts';
import { mergeEcRuntimes } from '../../../ec/ec-merged-runtimes.ts';
import type { EcVolume } from '../../../ec/ec-volume.ts';
import { reconstructInterval } from '../../../ec/ec-needle-reader.ts';

/** A gzipped needle is inflated for a query up to this size. */
const MAX_QUERY_INPUT_BYTES = 256 * 1024 * 1024;

const SCRUB_MODES: Record<string, number> = { UNKNOWN: 0, INDEX: 1, FULL: 2, LOCAL: 3, CHECKSUM: 4, READS: 5 };

function modeNumber(mode: string | number): number {
  return typeof mode === 'number' ? mode : (SCRUB_MODES[mode] ?? -1);
}

/** Upstream checks the mode per volume it scrubs: with no volume to scrub, no mode is wrong. */
function checkVolumeScrubMode(mode: number): void {
  // LOCAL and READS are FULL for a normal volume: no shards to stay local to or rebuild from.
  // CHECKSUM verifies EC shards against their sidecar; a normal volume has neither.
  if (
    mode !== SCRUB_MODES.INDEX &&
    mode !== SCRUB_MODES.FULL &&
    mode !== SCRUB_MODES.LOCAL &&
    mode !== SCRUB_MODES.READS
  ) {
    throw new Error(`unsupported volume scrub mode ${mode}`);
  }
}

/** Every disk's runtime of one EC volume id, in location order. */
function ecRuntimesOf(ctx: GrpcContext, volumeId: number): EcVolume[] {
  return [...ctx.store.ec.all()].filter(({ volume }) => volume.volumeId === volumeId).map(({ volume }) => volume);
}

async function markBrokenReadonly(ctx: GrpcContext, volume: Volume): Promise<void> {
  checkMaintenance(ctx);
  await notifyMasterReadonly(ctx, volume, true);
  await volume.setReadOnly(true, true);
}

/** FULL and READS: every live needle read from wherever its shards are; READS also rebuilds. */
async function scrubEcAnywhere(ctx: GrpcContext, volume: EcVolume, recoverUnreadable: boolean): Promise<EcScrubResult> {
  const ec = ctx.store.ec;
  const readSources = {
    localShard: (shardId: number) => ec.findShard(volume.volumeId, shardId)?.shard,
    remote: ec.remote,
    coder: () => ctx.store.coder(),
  };
  return scrubEcReads(
    volume,
    {
      async local(shardId, offsetBytes, sizeBytes) {
        const shard = ec.findShard(volume.volumeId, shardId)?.shard;
        if (shard === undefined) return null;
        const buf = Buffer.alloc(sizeBytes);
        return (await shard.readAt(buf, offsetBytes, sizeBytes)) === sizeBytes ? buf : null;
      },
      async remote(shardId, offsetBytes, sizeBytes, key) {
        return ec.remote === null ? null : ec.remote.read(volume, shardId, offsetBytes, sizeBytes, key);
      },
      reconstruct: (interval, key) => reconstructInterval(volume, readSources, interval, key),
    },
    recoverUnreadable,
  );
}

// --- Query: a small gjson subset (dotted paths) with upstream's filter semantics. ---

function getPath(value: unknown, path: string): { exists: boolean; value: unknown } {
  let current = value;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || !(part in (current as Record<string, unknown>)))
      return { exists: false, value: undefined };
    current = (current as Record<string, unknown>)[part];
  }
  return { exists: true, value: current };
}

/** Shell-style `*` and `?` match, as tidwall/match does for the `%` operand. */
function wildcardMatch(text: string, pattern: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    's',
  );
  return re.test(text);
}

function passesFilter(record: unknown, filter: { field: string; operand: string; value: string } | null): boolean {
  if (filter === null || filter.field === '') return true;
  const { exists, value } = getPath(record, filter.field);
  if (!exists) return false;
  const op = filter.operand;
  const rpv = filter.value;
  if (op === '') return true;
  if (typeof value === 'string') {
    switch (op) {
      case '=':
        return value === rpv;
      case '!=':
        return value !== rpv;
      case '<':
        return value < rpv;
      case '<=':
        return value <= rpv;
      case '>':
        return value > rpv;
      case '>=':
        return value >= rpv;
      case '%':
        return wildcardMatch(value, rpv);
      case '!%':
        return !wildcardMatch(value, rpv);
    }
    return false;
  }
  if (typeof value === 'number') {
    const n = Number.parseFloat(rpv);
    const rhs = Number.isNaN(n) ? 0 : n;
    switch (op) {
      case '=':
        return value === rhs;
      case '!=':
        return value !== rhs;
      case '<':
        return value < rhs;
      case '<=':
        return value <= rhs;
      case '>':
        return value > rhs;
      case '>=':
        return value >= rhs;
    }
    return false;
  }
  if (value === true)
    return op === '=' ? rpv === 'true' : op === '!=' ? rpv !== 'true' : op === '>' ? rpv === 'false' : op === '>=';
  if (value === false)
    return op === '=' ? rpv === 'false' : op === '!=' ? rpv !== 'false' : op === '<' ? rpv === 'true' : op === '<=';
  return false;
}

function queryJsonLines(
  data: Buffer,
  selections: string[],
  filter: { field: string; operand: string; value: string } | null,
): Buffer {
  let out = '';
  for (const line of data.toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      continue;
    }
    if (!passesFilter(record, filter)) continue;
    const fields = selections.map((sel) => {
      const { exists, value } = getPath(record, sel);
      return `${sel}:${exists ? JSON.stringify(value) : ''}`;
    });
    out += `{${fields.join(',')}}`;
  }
  return Buffer.from(out);
}

export function scrubQueryHandlers(ctx: GrpcContext): VolumeServerHandlerTable {
  return {
    ScrubVolume: unary(async (request): Reply<'ScrubVolume'> => {
      const mode = modeNumber(request.mode);
      const volumes: Volume[] = [];
      if (request.volume_ids.length === 0) {
        // A node-wide listing: volumes that vanish meanwhile are simply not there to scrub.
        for (const { volume } of ctx.store.allVolumes()) volumes.push(volume);
        if (volumes.length > 0) checkVolumeScrubMode(mode);
      } else {
        // In upstream's order: a missing volume named before any present one fails first.
        for (const id of request.volume_ids) {
          const volume = ctx.store.findVolume(id);
          if (volume === undefined) throw new Error(`volume id ${id} not found`);
          checkVolumeScrubMode(mode);
          volumes.push(volume);
        }
      }
      let totalFiles = 0;
      const broken: number[] = [];
      const details: string[] = [];
      const failures: string[] = [];
      for (const volume of volumes) {
        const { files, errors } = await volume.scrub(mode !== SCRUB_MODES.INDEX);
        totalFiles += files;
        if (errors.length === 0) continue;
        broken.push(volume.id);
        details.push(...errors);
        if (request.mark_broken_volumes_readonly) {
          try {
            await markBrokenReadonly(ctx, volume);
            details.push(`volume ${volume.id} is now read-only`);
          } catch (err) {
            failures.push((err as Error).message);
          }
        }
      }
      if (failures.length > 0) throw new Error(failures.join('; '));
      return {
        total_volumes: String(volumes.length),
        total_files: String(totalFiles),
        broken_volume_ids: broken,
        details,
      };
    }),

    ScrubEcVolume: unary(async (request): Reply<'ScrubEcVolume'> => {
      const mode = modeNumber(request.mode);
      if (request.force_deleted_needles_check && mode !== SCRUB_MODES.FULL && mode !== SCRUB_MODES.READS) {
        throw new Error('deleted needle checks are only supported for FULL and READS scrubs');
      }
      const explicit = request.volume_ids.length > 0;
      const ids = explicit
        ? request.volume_ids
        : [...new Set([...ctx.store.ec.all()].map(({ volume }) => volume.volumeId))];
      let scrubbed = 0;
      let totalFiles = 0;
      const brokenVolumeIds: number[] = [];
      const brokenShardInfos: EcShardInfo[] = [];
      const details: string[] = [];
      for (const id of ids) {
        const volume = ctx.store.ec.find(id);
        if (volume === undefined) {
          // Only a volume the caller named is an error; one unmounted mid-scan is skipped.
          if (explicit) throw new Error(`EC volume id ${id} not found`);
          continue;
        }
        scrubbed++;
        if (mode === SCRUB_MODES.CHECKSUM) {
          // Every disk holding the volume: the sidecar may sit with any of them.
          const merged = mergeEcRuntimes(ecRuntimesOf(ctx, id));
          assert(merged !== null, `ec volume ${id} was found just above`);
          // Its block count is not a file count: total_files stays as it was.
          const result = await scrubEcChecksum(merged, () => ctx.store.coder());
          if (result.errors.length > 0 || result.brokenShards.length > 0) {
            brokenVolumeIds.push(id);
            for (const b of result.brokenShards)
              brokenShardInfos.push({
                shard_id: b.shardId,
                size: String(b.sizeBytes),
                collection: b.collection,
                volume_id: b.volumeId,
              });
            details.push(...result.errors);
          }
          continue;
        }
        let result;
        if (mode === SCRUB_MODES.INDEX) result = await scrubEcIndex(volume);
        else if (mode === SCRUB_MODES.LOCAL) result = await scrubEcLocal(volume);
        else if (mode === SCRUB_MODES.FULL) result = await scrubEcAnywhere(ctx, volume, false);
        else if (mode === SCRUB_MODES.READS) result = await scrubEcAnywhere(ctx, volume, true);
        else throw new Error(`unsupported EC volume scrub mode ${mode}`);
        totalFiles += result.files;
        if (result.errors.length > 0 || result.brokenShardIds.length > 0) {
          brokenVolumeIds.push(id);
          for (const shardId of result.brokenShardIds) {
            brokenShardInfos.push({
              shard_id: shardId,
              size: String(volume.shards.get(shardId)?.sizeBytes ?? 0),
              collection: volume.collection,
              volume_id: id,
            });
          }
          details.push(...result.errors);
        }
      }
      return {
        total_volumes: String(scrubbed),
        total_files: String(totalFiles),
        broken_volume_ids: brokenVolumeIds,
        broken_shard_infos: brokenShardInfos,
        details,
      };
    }),

    Query: serverStream(async (request, call) => {
      for (const fileId of request.from_file_ids) {
        const fid = parseFileId(fileId);
        const volume = ctx.store.findVolume(fid.volumeId);
        if (volume === undefined) throw new GrpcStatusError(grpc.status.UNKNOWN, `volume ${fid.volumeId} not found`);
        let needle;
        try {
          needle = await volume.read(fid.needleId);
        } catch (err) {
          throw new GrpcStatusError(grpc.status.UNKNOWN, isStorageError(err) ? err.message : String(err));
        }
        // Upstream ends the whole stream, without error, at a cookie mismatch.
        if (needle.cookie !== fid.cookie) return;
        if (request.input_serialization?.json_input) {
          const data = hasFlag(needle, NeedleFlag.IsCompressed)
            ? gunzipSync(needle.data, { maxOutputLength: MAX_QUERY_INPUT_BYTES })
            : Buffer.from(needle.data);
          await writeMessage(call, { records: queryJsonLines(data, request.selections, request.filter) });
        }
      }
    }),
  };
}
