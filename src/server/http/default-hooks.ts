// The hooks' default behaviour: a lone server without security, replication or manifests.
import { isStorageError } from '../../storage/errors.ts';
import type { DeleteContext, HttpHooks, WriteContext } from './deps.ts';
import { emptyResponse } from './responses.ts';

/** A write that failed because its volume is read-only (the storage error is in the cause chain). */
export function hasReadOnlyCause(err: unknown): boolean {
  for (
    let e = err, depth = 0;
    e !== undefined && e !== null && depth < 8;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    if (isStorageError(e, 'read_only')) return true;
  }
  return false;
}

/**
 * The write was refused before anything was appended and nothing else was started (no replica
 * forward, no fsync asked, not itself a replica copy): the client may safely retry it elsewhere.
 */
export class WriteRefused extends Error {
  constructor(cause: Error) {
    super(`write refused before append: ${cause.message}`, { cause });
    this.name = 'WriteRefused';
  }
}

/**
 * The local half of Go's ReplicatedWrite; errors carry Go's 500 message. `replicaCount` is how
 * many peers the write was also sent to: only a lone refused write is marked WriteRefused.
 */
export async function writeLocally(write: WriteContext, replicaCount = 0): Promise<{ unchanged: boolean }> {
  if (write.volume === undefined) throw new Error(`failed to write to local disk: volume ${write.volumeId} not found`);
  try {
    const result = await write.volume.write(write.needle, { fsync: write.fsync });
    return { unchanged: result.unchanged };
  } catch (err) {
    const message = isStorageError(err) || err instanceof Error ? err.message : String(err);
    const failed = new Error(`failed to write to local disk: ${message}`, { cause: err });
    // A read-only volume refuses in the write queue before any record is appended.
    if (isStorageError(err, 'read_only') && replicaCount === 0 && !write.fsync && !write.isReplicate)
      throw new WriteRefused(failed);
    throw failed;
  }
}

/** The local half of Go's ReplicatedDelete: a tombstone carrying the needle's cookie and checksum. */
export async function deleteLocally(del: DeleteContext): Promise<void> {
  await del.volume.delete(del.needle.id, del.needle.cookie, del.needle.checksum);
}

export function resolveHooks(hooks: Partial<HttpHooks> | undefined): HttpHooks {
  return {
    authorize: () => true,
    guardWrite: () => true,
    // -readMode=local: a volume that is not here is not found.
    readNonLocal: (c) => emptyResponse(404, new Headers(), c.req.method === 'HEAD'),
    replicatedWrite: (_c, write) => writeLocally(write),
    replicatedDelete: (_c, del) => deleteLocally(del),
    serveChunkManifest: async () => undefined,
    deleteChunkManifest: async (_c, needle) => needle.size,
    aroundUpload: (_c, run) => run(),
    aroundDownload: (_c, run) => run(),
    ...hooks,
  };
}
