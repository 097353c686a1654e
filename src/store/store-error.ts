// The store's typed error, in its own module so store helpers can throw it without importing
// store.ts (which imports them).

/**
 * `io`: the underlying volume operation failed (its message says how); a plain error upstream.
 * `no_live_entries`: the operation needs live needles and the volume has none (gRPC answers
 * FAILED_PRECONDITION, as upstream's decode does).
 */
export type StoreErrorCode =
  | 'already_exists'
  | 'no_free_space'
  | 'not_found'
  | 'not_empty'
  | 'invalid_argument'
  | 'invalid_collection'
  | 'no_live_entries'
  | 'io';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
