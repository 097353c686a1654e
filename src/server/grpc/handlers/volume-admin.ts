// Volume lifecycle RPCs: AllocateVolume, VolumeMount, VolumeUnmount, VolumeDelete, VolumeStatus,
// DeleteCollection. Messages follow upstream's text, which clients match on.
import * as grpc from '@grpc/grpc-js';
import { StoreError } from '../../../store/store.ts';
import {
  type GrpcContext,
  type Reply,
  type VolumeServerHandlerTable,
  GrpcStatusError,
  checkMaintenance,
  checkNotCopying,
  unary,
} from '../context.ts';
import { GRPC_STATUS_OF_STORE_ERROR } from '../error-status.ts';

/** Store errors become plain (UNKNOWN) as upstream's are; a refused collection keeps its type. */
function rethrowStoreError(err: unknown): never {
  if (err instanceof StoreError && err.code !== 'invalid_collection') throw new Error(err.message);
  throw err;
}

/**
 * 4.53's mapping for delete paths (the table's onVolumeDelete codes): the store's message is
 * kept, behind `prefix` (callers match on "not found" / "volume not empty"), and the code says
 * the same to callers that check codes. A refused collection name is sent as any RPC sends it.
 */
export function volumeStatusError(err: unknown, prefix = ''): never {
  if (!(err instanceof StoreError) || err.code === 'invalid_collection') throw err;
  const message = `${prefix}${err.message}`;
  const status = GRPC_STATUS_OF_STORE_ERROR[err.code].onVolumeDelete;
  // UNKNOWN is upstream's plain error.
  throw status === grpc.status.UNKNOWN ? new Error(message) : new GrpcStatusError(status, message);
}

export function volumeAdminHandlers(ctx: GrpcContext): VolumeServerHandlerTable {
  return {
    AllocateVolume: unary(async (request): Reply<'AllocateVolume'> => {
      checkMaintenance(ctx);
      checkNotCopying(ctx, request.volume_id);
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

    // `collection` is proto3 optional: unset means "any collection holding this id".
    VolumeMount: unary(async (request): Reply<'VolumeMount'> => {
      checkNotCopying(ctx, request.volume_id);
      try {
        await ctx.store.mountVolume(request.volume_id, request.collection ?? undefined);
      } catch (err) {
        rethrowStoreError(err);
      }
      return {};
    }),

    VolumeUnmount: unary(async (request): Reply<'VolumeUnmount'> => {
      checkNotCopying(ctx, request.volume_id);
      await ctx.store.unmountVolume(request.volume_id);
      return {};
    }),

    // Allowed in maintenance mode (4.53): it only removes data, and evacuating a server ends each
    // move by deleting the source copy.
    VolumeDelete: unary(async (request): Reply<'VolumeDelete'> => {
      checkNotCopying(ctx, request.volume_id);
      try {
        await ctx.store.deleteVolume(
          request.volume_id,
          request.only_empty,
          request.only_garbage === true,
          request.keep_remote_data === true,
        );
      } catch (err) {
        volumeStatusError(err);
      }
      return {};
    }),

    DeleteCollection: unary(async (request): Reply<'DeleteCollection'> => {
      try {
        await ctx.store.deleteCollection(request.collection);
      } catch (err) {
        volumeStatusError(err, `delete collection ${request.collection}: `);
      }
      return {};
    }),

    VolumeStatus: unary(async (request): Reply<'VolumeStatus'> => {
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
