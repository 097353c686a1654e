// Typed storage errors. `code` is stable and is what the protocol layers map to status codes
// (one table per protocol: src/server/http/error-status.ts, src/server/grpc/error-status.ts).

export type StorageErrorCode =
  | 'invalid_file_id'
  | 'invalid_ttl'
  | 'invalid_replica_placement'
  | 'invalid_super_block'
  | 'unsupported_version'
  | 'size_mismatch'
  | 'corrupted'
  | 'crc_mismatch'
  | 'not_found'
  | 'deleted'
  | 'cookie_mismatch'
  | 'read_only'
  | 'volume_full'
  | 'volume_closed'
  /** A transition that stops writes could not drain the writes admitted before it in time. */
  | 'drain_timeout'
  /** Another maintenance agent (or vacuum) holds the volume's lease. */
  | 'lease_held'
  /** This agent's lease expired or was taken over: it must stop and leave the volume as it was. */
  | 'lease_lost'
  | 'invalid_volume_info'
  | 'offset_width_mismatch'
  | 'io';

export class StorageError extends Error {
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
    this.code = code;
  }
}

export function isStorageError(err: unknown, code?: StorageErrorCode): err is StorageError {
  return err instanceof StorageError && (code === undefined || err.code === code);
}
