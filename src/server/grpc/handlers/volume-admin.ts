// Volume lifecycle RPCs: AllocateVolume, VolumeMount, VolumeUnmount, VolumeDelete, VolumeStatus,
// DeleteCollection. Messages follow upstream's text, which clients match on.
import type * as grpc from '@grpc/grpc-js';
import { StoreError } from '../../../store/store.ts';
import { type GrpcContext, checkMaintenance, unary } from '../context.ts';

function rethrowStoreError(err: unknown): never {
  if (err instanceof StoreError) throw new Error(err.message);
  throw err;
}

export function volumeAdminHandlers(ctx: GrpcContext): Record<string, grpc.UntypedHandleCall> {
  return {
    AllocateVolume: unary(async (request: { volume_id: number; collection: string; replication: string; ttl: string; disk_type: string; version: number }) => {
      checkMaintenance(ctx);
      try {
        await ctx.store.allocateVolume({
          volumeId: request.volume_id,
          collection: request.collection,
          replication: request.replication,
          ttl: request.ttl,
          diskType: request.disk_type,
          version: request.version,
        });
      } catch (err) {
        rethrowStoreError(err);
      }
      return {};
    }),

    VolumeMount: unary(async (request: { volume_id: number }) => {
      try {
        await ctx.store.mountVolume(request.volume_id);
      } catch (err) {
        rethrowStoreError(err);
      }
      return {};
    }),

    VolumeUnmount: unary(async (request: { volume_id: number }) => {
      await ctx.store.unmountVolume(request.volume_id);
      return {};
    }),

    VolumeDelete: unary(async (request: { volume_id: number; only_empty: boolean }) => {
      checkMaintenance(ctx);
      try {
        await ctx.store.deleteVolume(request.volume_id, request.only_empty);
      } catch (err) {
        rethrowStoreError(err);
      }
      return {};
    }),

    DeleteCollection: unary(async (request: { collection: string }) => {
      await ctx.store.deleteCollection(request.collection);
      return {};
    }),

    VolumeStatus: unary(async (request: { volume_id: number }) => {
      const volume = ctx.store.findVolume(request.volume_id);
      if (volume === undefined) throw new Error(`not found volume id ${request.volume_id}`);
      const stats = volume.stats();
      return {
        is_read_only: volume.isReadOnly,
        volume_size: String(stats.datSizeBytes),
        file_count: String(stats.fileCount),
        file_deleted_count: String(stats.deletedCount),
      };
    }),
  };
}
