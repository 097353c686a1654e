// Vacuum RPCs as the master drives them: check the garbage ratio, compact, commit, clean up.
// A missing volume is NOT_FOUND with upstream's 4.53 text (its volumeStatusError mapping).
import os from 'node:os';
import * as grpc from '@grpc/grpc-js';
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

export function vacuumHandlers(ctx: GrpcContext): VolumeServerHandlerTable {
  return {
    VacuumVolumeCheck: unary(async (request): Reply<'VacuumVolumeCheck'> => {
      const volume = ctx.store.findVolume(request.volume_id);
      if (volume === undefined)
        throw new GrpcStatusError(
          grpc.status.NOT_FOUND,
          `volume id ${request.volume_id} is not found during check compact: volume not found`,
        );
      // 4.53: disk_space_low only when low disk space is the sole reason it refuses writes (an
      // operator mark or damage still shields the volume from a vacuum).
      return {
        garbage_ratio: volume.garbageRatio(),
        disk_space_low: volume.isDiskSpaceLow && !volume.isReadOnlyByState,
      };
    }),

    VacuumVolumeCompact: serverStream(async (request, call) => {
      checkMaintenance(ctx);
      const volume = ctx.store.findVolume(request.volume_id);
      if (volume === undefined)
        throw new GrpcStatusError(
          grpc.status.NOT_FOUND,
          `compact volume ${request.volume_id}: volume id ${request.volume_id} is not found during compact: volume not found`,
        );
      await volume.compact({
        bytesPerSecond: ctx.compactionBytesPerSecond,
        onProgress: (processedBytes) =>
          writeMessage(call, {
            processed_bytes: String(processedBytes),
            load_avg_1m: (os.loadavg()[0] ?? 0) / os.cpus().length,
          }),
      });
    }),

    VacuumVolumeCommit: unary(async (request): Reply<'VacuumVolumeCommit'> => {
      checkMaintenance(ctx);
      const volume = ctx.store.findVolume(request.volume_id);
      if (volume === undefined)
        throw new GrpcStatusError(
          grpc.status.NOT_FOUND,
          `commit compact volume ${request.volume_id}: volume id ${request.volume_id} is not found during commit compact: volume not found`,
        );
      await volume.commitCompact();
      return { is_read_only: volume.isReadOnly, volume_size: String(volume.stats().datSizeBytes) };
    }),

    VacuumVolumeCleanup: unary(async (request): Reply<'VacuumVolumeCleanup'> => {
      checkMaintenance(ctx);
      const volume = ctx.store.findVolume(request.volume_id);
      if (volume === undefined)
        throw new GrpcStatusError(
          grpc.status.NOT_FOUND,
          `cleanup volume ${request.volume_id}: volume id ${request.volume_id} is not found during cleaning up: volume not found`,
        );
      await volume.cleanupCompact();
      return {};
    }),
  };
}
