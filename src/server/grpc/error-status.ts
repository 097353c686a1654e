// The gRPC code each typed storage and store error is sent with, one table per error type so
// that every code is decided here (a table missing one does not compile). Upstream returns most
// of these as plain Go errors, which gRPC sends as UNKNOWN with the error's text: those stay
// UNKNOWN, since clients match on the text. The codes upstream (or we) give a meaning of its own
// say so below.
import * as grpc from '@grpc/grpc-js';
import { StorageError, type StorageErrorCode } from '../../storage/errors.ts';
import { StoreError, type StoreErrorCode } from '../../store/store-error.ts';

const S = grpc.status;

export const GRPC_STATUS_OF_STORAGE_ERROR: Readonly<Record<StorageErrorCode, grpc.status>> = {
  invalid_file_id: S.UNKNOWN,
  invalid_ttl: S.UNKNOWN,
  invalid_replica_placement: S.UNKNOWN,
  invalid_super_block: S.UNKNOWN,
  unsupported_version: S.UNKNOWN,
  size_mismatch: S.UNKNOWN,
  corrupted: S.UNKNOWN,
  crc_mismatch: S.UNKNOWN,
  not_found: S.UNKNOWN,
  deleted: S.UNKNOWN,
  cookie_mismatch: S.UNKNOWN,
  read_only: S.UNKNOWN,
  volume_full: S.UNKNOWN,
  volume_closed: S.UNKNOWN,
  // A transition refused because earlier writes are still committing: retry later.
  drain_timeout: S.DEADLINE_EXCEEDED,
  // A maintenance agent (or vacuum) has the volume: retry once it is done.
  lease_held: S.UNAVAILABLE,
  lease_lost: S.ABORTED,
  invalid_volume_info: S.UNKNOWN,
  offset_width_mismatch: S.UNKNOWN,
  io: S.UNKNOWN,
};

/**
 * `status`: at the edge of any RPC. `onVolumeDelete`: 4.53's VolumeDelete and DeleteCollection
 * answers (its volumeStatusError), which give the store's refusals codes of their own.
 */
export const GRPC_STATUS_OF_STORE_ERROR: Readonly<
  Record<StoreErrorCode, { status: grpc.status; onVolumeDelete: grpc.status }>
> = {
  already_exists: { status: S.UNKNOWN, onVolumeDelete: S.UNKNOWN },
  no_free_space: { status: S.UNKNOWN, onVolumeDelete: S.RESOURCE_EXHAUSTED },
  not_found: { status: S.UNKNOWN, onVolumeDelete: S.NOT_FOUND },
  not_empty: { status: S.UNKNOWN, onVolumeDelete: S.FAILED_PRECONDITION },
  invalid_argument: { status: S.UNKNOWN, onVolumeDelete: S.UNKNOWN },
  // A refused collection name is the caller's mistake, whichever RPC it reaches.
  invalid_collection: { status: S.INVALID_ARGUMENT, onVolumeDelete: S.INVALID_ARGUMENT },
  // The operation needs live needles and the volume has none (as upstream's EC decode answers).
  no_live_entries: { status: S.FAILED_PRECONDITION, onVolumeDelete: S.UNKNOWN },
  io: { status: S.UNKNOWN, onVolumeDelete: S.UNKNOWN },
};

/** A typed error's code at the edge of an RPC; anything else is UNKNOWN, as Go's plain errors are. */
export function grpcStatusOfError(err: unknown): grpc.status {
  if (err instanceof StorageError) return GRPC_STATUS_OF_STORAGE_ERROR[err.code];
  if (err instanceof StoreError) return GRPC_STATUS_OF_STORE_ERROR[err.code].status;
  return S.UNKNOWN;
}
