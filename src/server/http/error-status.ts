// The HTTP status each typed storage and store error is answered with, one table per error type
// so that every code is decided here (a table missing one does not compile). Upstream answers a
// failed operation with 500 and the error's text; a missing needle or volume is 404, and a volume
// another maintenance agent holds is 409 (ours: upstream has no such agents).
import { StorageError, type StorageErrorCode } from '../../storage/errors.ts';
import { StoreError, type StoreErrorCode } from '../../store/store-error.ts';

export const HTTP_STATUS_OF_STORAGE_ERROR: Readonly<Record<StorageErrorCode, number>> = {
  invalid_file_id: 500,
  invalid_ttl: 500,
  invalid_replica_placement: 500,
  invalid_super_block: 500,
  unsupported_version: 500,
  size_mismatch: 500,
  corrupted: 500,
  crc_mismatch: 500,
  not_found: 404,
  deleted: 404,
  cookie_mismatch: 500,
  read_only: 500,
  volume_full: 500,
  volume_closed: 500,
  drain_timeout: 500,
  lease_held: 409,
  lease_lost: 500,
  invalid_volume_info: 500,
  offset_width_mismatch: 500,
  io: 500,
};

export const HTTP_STATUS_OF_STORE_ERROR: Readonly<Record<StoreErrorCode, number>> = {
  already_exists: 500,
  no_free_space: 500,
  not_found: 404,
  not_empty: 500,
  invalid_argument: 500,
  invalid_collection: 500,
  no_live_entries: 500,
  io: 500,
};

/** A typed error's status; anything else is a failure (500). */
export function httpStatusOfError(err: unknown): number {
  if (err instanceof StorageError) return HTTP_STATUS_OF_STORAGE_ERROR[err.code];
  if (err instanceof StoreError) return HTTP_STATUS_OF_STORE_ERROR[err.code];
  return 500;
}
