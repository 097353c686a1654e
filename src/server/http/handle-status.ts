// GET /status (Go's statusHandler): {"DiskStatuses", "Version", "Volumes"} with Go's key order.
import { promises as fs } from 'node:fs';
import type { Context } from 'hono';
import { volumeFilePath } from '../../storage/volume-files.ts';
import type { Volume } from '../../storage/volume.ts';
import type { DiskLocation } from '../../store/disk-location.ts';
import type { ServerContext } from './deps.ts';
import { diskStatus } from './disk-status.ts';
import type { AppEnv } from './request-info.ts';
import { emptyResponse, jsonResponse } from './responses.ts';

/** Go's storage.VolumeInfo, fields in struct order (that is the JSON order). */
async function volumeInfo(volume: Volume, location: DiskLocation): Promise<Record<string, unknown>> {
  const stats = volume.stats();
  const rp = volume.superBlock.replicaPlacement;
  const placement: Record<string, number> = {};
  if (rp.sameRackCount !== 0) placement.node = rp.sameRackCount;
  if (rp.diffRackCount !== 0) placement.rack = rp.diffRackCount;
  if (rp.diffDataCenterCount !== 0) placement.dc = rp.diffDataCenterCount;
  let modifiedAtSecond = 0;
  try {
    modifiedAtSecond = Math.floor((await fs.stat(volumeFilePath(volume.location, 'dat'))).mtimeMs / 1000);
  } catch {
    modifiedAtSecond = 0;
  }
  return {
    Collection: volume.collection,
    DiskType: location.diskType,
    RemoteStorageName: '',
    ReplicaPlacement: placement,
    Ttl: { Count: volume.ttl.count, Unit: volume.ttl.unit },
    Size: stats.contentSizeBytes,
    DeletedByteCount: stats.deletedBytes,
    ModifiedAtSecond: modifiedAtSecond,
    Id: volume.id,
    DiskId: location.diskId,
    CompactRevision: volume.superBlock.compactionRevision,
    FileCount: stats.fileCount,
    DeleteCount: stats.deletedCount,
    Version: volume.version,
    ReadOnly: volume.isReadOnly,
  };
}

export async function handleStatus(c: Context<AppEnv>, server: ServerContext): Promise<Response> {
  const { store } = server.deps;
  const disks = await Promise.all(store.locations.map((l) => diskStatus(l.dir, l.diskType)));
  const pairs = [...store.allVolumes()].sort((a, b) => a.volume.id - b.volume.id);
  const volumes = await Promise.all(pairs.map(({ volume, location }) => volumeInfo(volume, location)));
  // Go marshals a map: keys sorted. An empty volume list is a nil slice: null.
  const body = {
    DiskStatuses: disks.length > 0 ? disks : null,
    Version: server.deps.statusVersion ?? `${server.deps.serverVersion} `,
    Volumes: volumes.length > 0 ? volumes : null,
  };
  return jsonResponse(200, body, c.get('info').pretty);
}

/**
 * /healthz and /readyz, any method: 200 or 503, no body. 503 while stopping or not heartbeating
 * (`isHealthy`), and, as 4.53, while any local replica is quarantined after sustained EIO: the
 * media is failing, so a load balancer should drain this server.
 */
export function handleHealth(c: Context<AppEnv>, server: ServerContext): Response {
  const healthy = server.deps.isHealthy() && !server.deps.store.hasIoQuarantine();
  return emptyResponse(healthy ? 200 : 503, new Headers(), c.get('info').isHead);
}
