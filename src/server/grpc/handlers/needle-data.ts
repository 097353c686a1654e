// Needle data RPCs: VolumeNeedleStatus, ReadNeedleBlob, ReadNeedleMeta, WriteNeedleBlob,
// BatchDelete, ReadAllNeedles. Error texts follow upstream's, which callers match on.
import { isStorageError } from '../../../storage/errors.ts';
import { parseFileId, parseNeedleIdCookie, parseVolumeId } from '../../../storage/needle/file-id.ts';
import { legacyChecksumValue } from '../../../storage/needle/crc.ts';
import { NeedleFlag, hasFlag } from '../../../storage/needle/needle.ts';
import { ttlToString } from '../../../storage/needle/ttl.ts';
import { actualSize } from '../../../storage/needle/version.ts';
import type { DeleteResult as PbDeleteResult } from '../../../proto/generated/volume_server_pb/DeleteResult.ts';
import {
  type GrpcContext,
  type Reply,
  type VolumeServerHandlerTable,
  checkMaintenance,
  serverStream,
  unary,
  writeMessage,
  volumeOrThrow,
} from '../context.ts';

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A BatchDelete result as we build it: every field set. */
type DeleteResult = Required<PbDeleteResult>;

/** One BatchDelete entry, with upstream's HTTP-like statuses. */
async function batchDeleteOne(ctx: GrpcContext, fileId: string, skipCookieCheck: boolean): Promise<DeleteResult> {
  const result = (status: number, error = '', size = 0): DeleteResult => ({
    file_id: fileId,
    status,
    error,
    size,
    version: 0,
  });
  const comma = fileId.indexOf(',');
  if (comma <= 0) return result(400, 'Wrong fid format.');
  let volumeId: number;
  let needleId: bigint;
  let cookie: number;
  try {
    volumeId = parseVolumeId(fileId.slice(0, comma));
    ({ needleId, cookie } = skipCookieCheck ? parseNeedleIdCookie(fileId.slice(comma + 1)) : parseFileId(fileId));
  } catch (err) {
    return result(400, errorText(err));
  }
  const volume = ctx.store.findVolume(volumeId);
  if (volume === undefined) return result(404, `not found volume id ${volumeId}`);
  let checksum = 0;
  if (!skipCookieCheck) {
    let meta;
    try {
      const location = await volume.locate(needleId);
      meta = location.needle;
    } catch (err) {
      return result(404, errorText(err));
    }
    if (meta.cookie !== cookie) return result(400, 'File Random Cookie does not match.');
    if (hasFlag(meta, NeedleFlag.IsChunkManifest))
      return result(406, 'ChunkManifest: not allowed in batch delete mode.');
    checksum = meta.checksum;
  }
  try {
    const size = await volume.delete(needleId, cookie, checksum);
    return size === 0 ? result(304) : result(202, '', size);
  } catch (err) {
    return result(500, errorText(err));
  }
}

export function needleDataHandlers(ctx: GrpcContext): VolumeServerHandlerTable {
  return {
    VolumeNeedleStatus: unary(async (request): Reply<'VolumeNeedleStatus'> => {
      const needleId = BigInt(request.needle_id);
      const volume = ctx.store.findVolume(request.volume_id);
      let n;
      if (volume !== undefined) {
        n = (await volume.locate(needleId)).needle;
        // Upstream reads the whole needle here, so a failed checksum fails the status (what
        // volume.fsck -verifyNeedles relies on to find damaged needles).
        await volume.read(needleId);
      } else {
        // Upstream answers from EC shards when only those are here.
        n = await ctx.store.ec.readNeedle(request.volume_id, needleId);
        if (n === undefined) throw new Error(`volume not found ${request.volume_id}`);
      }
      return {
        needle_id: n.id.toString(),
        cookie: n.cookie,
        size: n.size,
        last_modified: String(n.lastModified),
        // Upstream reports CRC.Value(), the legacy transformed form.
        crc: legacyChecksumValue(n.checksum),
        ttl: hasFlag(n, NeedleFlag.HasTtl) ? ttlToString(n.ttl) : '',
      };
    }),

    ReadNeedleBlob: unary(async (request): Reply<'ReadNeedleBlob'> => {
      const volume = volumeOrThrow(ctx, request.volume_id);
      const offsetBytes = Number(request.offset);
      try {
        if (!Number.isSafeInteger(offsetBytes) || offsetBytes < 0 || request.size < 0)
          throw new Error('invalid offset or size');
        return { needle_blob: await volume.readBytes(offsetBytes, actualSize(request.size, volume.version)) };
      } catch (err) {
        throw new Error(`read needle blob offset ${request.offset} size ${request.size}: ${errorText(err)}`);
      }
    }),

    ReadNeedleMeta: unary(async (request): Reply<'ReadNeedleMeta'> => {
      const volume = volumeOrThrow(
        ctx,
        request.volume_id,
        `not found volume id ${request.volume_id} and read needle metadata at ec shards is not supported`,
      );
      const offsetBytes = Number(request.offset);
      if (!Number.isSafeInteger(offsetBytes) || offsetBytes < 0)
        throw new Error(`read needle meta: invalid offset ${request.offset}`);
      const n = await volume.readMetaAt(offsetBytes, request.size);
      return {
        cookie: n.cookie,
        last_modified: String(n.lastModified),
        crc: n.checksum,
        ttl: hasFlag(n, NeedleFlag.HasTtl) ? ttlToString(n.ttl) : '',
        append_at_ns: n.appendAtNs.toString(),
      };
    }),

    WriteNeedleBlob: unary(async (request): Reply<'WriteNeedleBlob'> => {
      checkMaintenance(ctx);
      const volume = volumeOrThrow(ctx, request.volume_id);
      try {
        await volume.writeBlob(BigInt(request.needle_id), request.size, request.needle_blob);
      } catch (err) {
        const text = isStorageError(err, 'read_only') ? `volume ${request.volume_id} is read only` : errorText(err);
        throw new Error(`write blob needle ${request.needle_id} size ${request.size}: ${text}`);
      }
      return {};
    }),

    BatchDelete: unary(async (request): Reply<'BatchDelete'> => {
      checkMaintenance(ctx);
      const results: DeleteResult[] = [];
      for (const fileId of request.file_ids) results.push(await batchDeleteOne(ctx, fileId, request.skip_cookie_check));
      return { results };
    }),

    ReadAllNeedles: serverStream(async (request, call) => {
      for (const volumeId of request.volume_ids) {
        const volume = volumeOrThrow(ctx, volumeId);
        for await (const { needle } of volume.liveRecords()) {
          await writeMessage(call, {
            volume_id: volumeId,
            needle_id: needle.id.toString(),
            cookie: needle.cookie,
            // Views into the scanner's window: copy before the next record replaces them.
            needle_blob: Buffer.from(needle.data),
            needle_blob_compressed: hasFlag(needle, NeedleFlag.IsCompressed),
            last_modified: String(needle.lastModified),
            crc: needle.checksum,
            name: Buffer.from(needle.name),
            mime: Buffer.from(needle.mime),
          });
        }
      }
    }),
  };
}
