// DELETE of a needle of a local volume with no replicas, ahead of the app: what Go's DeleteHandler
// answers when it finds the needle, its cookie matches and it is no chunk manifest (202 with the
// size it had, or 500 when the tombstone fails). Every other outcome (not here, not found, wrong
// cookie, manifests, EC volumes, a query or a body) is left to the app, before anything is changed.
import { type Needle, NeedleFlag, hasFlag } from '../../storage/needle/needle.ts';
import { copyCount } from '../../storage/replica-placement.ts';
import { contentLengthOf } from './body.ts';
import { deleteLocally } from './default-hooks.ts';
import type { ServerContext } from './deps.ts';
import type { FastRequest } from './fast-request.ts';
import type { FastTarget } from './fast-target.ts';
import { type PlainResponse, plainJson, plainJsonError } from './plain-response.ts';

/** Resolves the response to send, or null (nothing done) when the app must serve the request. */
export async function tryFastDelete(
  req: FastRequest,
  server: ServerContext,
  target: FastTarget,
): Promise<PlainResponse | null> {
  const h = req.headers;
  // `type=replicate`, `pretty` and the like are the app's; so is a body it would have to drain.
  if (target.rawQuery !== '' || h.origin !== undefined || h['transfer-encoding'] !== undefined) return null;
  if ((contentLengthOf(h['content-length']) ?? 0) !== 0) return null;
  const { deps } = server;
  const volume = deps.store.findVolume(target.volumeId);
  if (volume === undefined || copyCount(volume.superBlock.replicaPlacement) > 1) return null;
  let needle: Needle;
  try {
    needle = (await volume.locate(target.needleId)).needle;
  } catch {
    return null; // the app answers 404 after its own look
  }
  if (needle.size !== 0 && needle.cookie >>> 0 !== target.cookie >>> 0) return null;
  if (hasFlag(needle, NeedleFlag.IsChunkManifest)) return null;
  try {
    await deleteLocally({ volumeId: target.volumeId, volume, needle, isReplicate: false });
  } catch (err) {
    deps.log.error(`delete ${target.path}: ${(err as Error).message}`, {
      path: target.path,
      error: (err as Error).message,
    });
    return plainJsonError(500, `Deletion Failed: ${(err as Error).message}`, false);
  }
  return plainJson(202, { size: needle.size }, false);
}
