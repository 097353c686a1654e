// DELETE of a needle (Go's DeleteHandler): fid → JWT → needle → cookie → manifest chunks →
// tombstone (+ replicas) → 202 {"size": <stored body size>}.
import type { Context } from 'hono';
import { NeedleFlag, hasFlag, type Needle } from '../../storage/needle/needle.ts';
import type { ServerContext } from './deps.ts';
import type { AppEnv } from './request-info.ts';
import { jsonError, jsonResponse } from './responses.ts';
import { FidParseError, parseHttpFid, parseHttpVolumeId, parseUrlPath } from './url-path.ts';

export async function handleDelete(c: Context<AppEnv>, server: ServerContext): Promise<Response> {
  const info = c.get('info');
  const { hooks, deps } = server;
  const parts = parseUrlPath(info.path);
  let ids: { needleId: bigint; cookie: number };
  try {
    ids = parseHttpFid(parts.fid);
  } catch (err) {
    if (err instanceof FidParseError) return jsonError(400, err.message, info.pretty);
    throw err;
  }
  if (!hooks.authorize(c, { vidText: parts.vid, fidText: parts.fid, isWrite: true })) {
    return jsonError(401, 'wrong jwt', info.pretty);
  }
  // Go ignores a bad vid here and looks in volume 0; we treat it as a volume that is not here.
  let volumeId: number | undefined;
  try {
    volumeId = parseHttpVolumeId(parts.vid);
  } catch {
    volumeId = undefined;
  }
  const notFound = (): Response => jsonResponse(404, { size: 0 }, info.pretty);
  const volume = volumeId === undefined ? undefined : deps.store.findVolume(volumeId);
  if (volumeId !== undefined && volume === undefined && deps.store.ec.find(volumeId) !== undefined) {
    return deleteFromEcVolume(c, server, volumeId, ids);
  }
  if (volumeId === undefined || volume === undefined) return notFound();

  let needle: Needle;
  try {
    // Metadata only: the data is not needed to delete, whatever its size.
    needle = (await volume.locate(ids.needleId)).needle;
  } catch {
    return notFound();
  }
  if (needle.size !== 0 && needle.cookie >>> 0 !== ids.cookie >>> 0) {
    deps.log.info(`delete ${info.path}: cookie does not match`, { path: info.path });
    return jsonError(400, 'File Random Cookie does not match.', info.pretty);
  }

  let count = needle.size;
  if (hasFlag(needle, NeedleFlag.IsChunkManifest)) {
    try {
      // The hook needs the manifest JSON, which locate() does not read.
      count = await hooks.deleteChunkManifest(c, await volume.read(ids.needleId));
    } catch (err) {
      return jsonError(500, (err as Error).message, info.pretty);
    }
  }
  // `ts` would stamp the tombstone's LastModified, but a v2/v3 tombstone has no body to hold it.
  try {
    await hooks.replicatedDelete(c, { volumeId, volume, needle, isReplicate: info.query.get('type') === 'replicate' });
  } catch (err) {
    deps.log.error(`delete ${info.path}: ${(err as Error).message}`, {
      path: info.path,
      error: (err as Error).message,
    });
    return jsonError(500, `Deletion Failed: ${(err as Error).message}`, info.pretty);
  }
  return jsonResponse(202, { size: count }, info.pretty);
}

/** A needle of a volume held here as EC shards: checked by reading it, then journaled in `.ecj`. */
async function deleteFromEcVolume(
  c: Context<AppEnv>,
  server: ServerContext,
  volumeId: number,
  ids: { needleId: bigint; cookie: number },
): Promise<Response> {
  const info = c.get('info');
  const { deps } = server;
  let needle: Needle | undefined;
  try {
    needle = await deps.store.ec.readNeedle(volumeId, ids.needleId);
  } catch (err) {
    return jsonError(500, `Deletion Failed: ${(err as Error).message}`, info.pretty);
  }
  if (needle === undefined) return jsonResponse(404, { size: 0 }, info.pretty);
  if (ids.cookie !== 0 && needle.cookie >>> 0 !== ids.cookie >>> 0) {
    return jsonError(500, `Deletion Failed: unexpected cookie ${ids.cookie.toString(16)}`, info.pretty);
  }
  try {
    await deps.store.ec.deleteNeedle(volumeId, ids.needleId);
  } catch (err) {
    deps.log.error(`delete ${info.path}: ${(err as Error).message}`, {
      path: info.path,
      error: (err as Error).message,
    });
    return jsonError(500, `Deletion Failed: ${(err as Error).message}`, info.pretty);
  }
  return jsonResponse(202, { size: needle.size }, info.pretty);
}
