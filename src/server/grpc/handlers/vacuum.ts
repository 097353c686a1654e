// Vacuum RPCs as the master drives them: check the garbage ratio, compact, commit, clean up.
import os from 'node:os';
import type * as grpc from '@grpc/grpc-js';
import { type GrpcContext, checkMaintenance, serverStream, unary, writeMessage } from '../context.ts';

export function vacuumHandlers(ctx: GrpcContext): Record<string, grpc.UntypedHandleCall> {
  return {
    VacuumVolumeCheck: unary(async (request: { volume_id: number }) => {
      const volume = ctx.store.findVolume(request.volume_id);
      if (volume === undefined) throw new Error(`volume id ${request.volume_id} is not found during check compact`);
      return { garbage_ratio: volume.garbageRatio() };
    }),

    VacuumVolumeCompact: serverStream(async (request: { volume_id: number }, call) => {
      checkMaintenance(ctx);
      const volume = ctx.store.findVolume(request.volume_id);
      if (volume === undefined) throw new Error(`volume id ${request.volume_id} is not found during compact`);
      await volume.compact({
        bytesPerSecond: ctx.compactionBytesPerSecond,
        onProgress: (processedBytes) =>
          writeMessage(call, { processed_bytes: String(processedBytes), load_avg_1m: (os.loadavg()[0] ?? 0) / os.cpus().length }),
      });
    }),

    VacuumVolumeCommit: unary(async (request: { volume_id: number }) => {
      checkMaintenance(ctx);
      const volume = ctx.store.findVolume(request.volume_id);
      if (volume === undefined) throw new Error(`volume id ${request.volume_id} is not found during commit compact`);
      await volume.commitCompact();
      return { is_read_only: volume.isReadOnly, volume_size: String(volume.stats().datSizeBytes) };
    }),

    VacuumVolumeCleanup: unary(async (request: { volume_id: number }) => {
      checkMaintenance(ctx);
      const volume = ctx.store.findVolume(request.volume_id);
      if (volume === undefined) throw new Error(`volume id ${request.volume_id} is not found during cleaning up`);
      await volume.cleanupCompact();
      return {};
    }),
  };
}
