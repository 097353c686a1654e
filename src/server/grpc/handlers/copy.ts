// Copying volume files out: CopyFile and VolumeIncrementalCopy.
import { open } from 'node:fs/promises';
import path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { volumeBaseName, volumeFilePath } from '../../../storage/volume-files.ts';
import { type GrpcContext, serverStream, writeMessage } from '../context.ts';
import { collectionProblem, extensionProblem } from '../file-name-checks.ts';

/** Upstream streams files in 2 MiB messages. */
const COPY_CHUNK_BYTES = 2 * 1024 * 1024;
/** compaction_revision value meaning "any revision". */
const ANY_COMPACTION_REVISION = 0xffff_ffff;

/**
 * Streams `file` up to `stopOffsetBytes` in chunks; the first message carries the file's mtime in
 * ns (Go receivers take "no mtime" as "source file absent"). A missing file ends the stream with
 * no message when `allowMissing`.
 */
async function streamFile(call: grpc.ServerWritableStream<any, any>, file: string, stopOffsetBytes: number, allowMissing: boolean): Promise<void> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && allowMissing) return;
    throw err;
  }
  try {
    const modifiedTsNs = (BigInt(Math.floor((await handle.stat()).mtimeMs)) * 1_000_000n).toString();
    let position = 0;
    let sent = 0;
    const buf = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
    while (position < stopOffsetBytes) {
      const { bytesRead } = await handle.read(buf, 0, Math.min(COPY_CHUNK_BYTES, stopOffsetBytes - position), position);
      if (bytesRead === 0) break;
      await writeMessage(call, { file_content: Buffer.from(buf.subarray(0, bytesRead)), modified_ts_ns: sent === 0 ? modifiedTsNs : '0' });
      position += bytesRead;
      sent++;
    }
    if (sent === 0) await writeMessage(call, { file_content: Buffer.alloc(0), modified_ts_ns: modifiedTsNs });
  } finally {
    await handle.close();
  }
}

export function copyHandlers(ctx: GrpcContext): Record<string, grpc.UntypedHandleCall> {
  return {
    CopyFile: serverStream(async (request: {
      volume_id: number; ext: string; compaction_revision: number; stop_offset: string;
      collection: string; is_ec_volume: boolean; ignore_source_file_not_found: boolean;
    }, call) => {
      const problem = extensionProblem(request.ext) ?? collectionProblem(request.collection);
      if (problem !== null) throw new Error(problem);
      const stopOffsetBytes = Math.min(Number(request.stop_offset), Number.MAX_SAFE_INTEGER);
      const allowMissing = request.ignore_source_file_not_found || stopOffsetBytes === 0;
      let file: string | undefined;
      if (!request.is_ec_volume) {
        const volume = ctx.store.findVolume(request.volume_id);
        if (volume === undefined) throw new Error(`not found volume id ${request.volume_id}`);
        if (request.compaction_revision !== ANY_COMPACTION_REVISION && request.compaction_revision !== volume.superBlock.compactionRevision) {
          throw new Error(`volume ${request.volume_id} is compacted`);
        }
        await volume.sync();
        file = volumeFilePath(volume.location, request.ext.slice(1));
      } else {
        const name = `${volumeBaseName(request.collection, request.volume_id)}${request.ext}`;
        for (const location of ctx.store.locations) {
          for (const dir of [location.dir, ...(location.idxDir !== undefined ? [location.idxDir] : [])]) {
            const candidate = path.join(dir, name);
            try {
              await (await open(candidate, 'r')).close();
              file = candidate;
            } catch {
              // not in this directory
            }
          }
        }
        if (file === undefined) {
          if (request.ignore_source_file_not_found) return;
          throw new Error(`CopyFile not found ec volume id ${request.volume_id}`);
        }
      }
      await streamFile(call, file, stopOffsetBytes, allowMissing);
    }),

    VolumeIncrementalCopy: serverStream(async (request: { volume_id: number; since_ns: string }, call) => {
      const volume = ctx.store.findVolume(request.volume_id);
      if (volume === undefined) throw new Error(`not found volume id ${request.volume_id}`);
      const endBytes = volume.stats().datSizeBytes;
      let startBytes: number | null;
      try {
        startBytes = await volume.firstOffsetAppendedAfter(BigInt(request.since_ns));
      } catch (err) {
        throw new Error(`fail to locate by appendAtNs ${request.since_ns}: ${(err as Error).message}`);
      }
      if (startBytes === null) return;
      for (let at = startBytes; at < endBytes; ) {
        const length = Math.min(COPY_CHUNK_BYTES, endBytes - at);
        await writeMessage(call, { file_content: await volume.readBytes(at, length) });
        at += length;
      }
    }),

  };
}
