// The hooks' default behaviour: a lone server without security, replication or manifests.
import { isStorageError } from '../../storage/errors.ts';
import type { DeleteContext, HttpHooks, WriteContext } from './deps.ts';
import { emptyResponse } from './responses.ts';

/** The local half of Go's ReplicatedWrite; errors carry Go's 500 message. */
export async function writeLocally(write: WriteContext): Promise<{ unchanged: boolean }> {
  if (write.volume === undefined) throw new Error(`failed to write to local disk: volume ${write.volumeId} not found`);
  try {
    const result = await write.volume.write(write.needle, { fsync: write.fsync });
    return { unchanged: result.unchanged };
  } catch (err) {
    const message = isStorageError(err) || err instanceof Error ? err.message : String(err);
    throw new Error(`failed to write to local disk: ${message}`, { cause: err });
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
