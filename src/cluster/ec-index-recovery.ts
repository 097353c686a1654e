// VolumeEcShardsMount's recover_missing_index: shards on disk whose `.ecx` is on no local disk
// get `.ecx` (and `.ecj`, `.vif`) from a peer holding shards of the same volume, found through
// the master; then their shards are mounted.
import { promises as fs } from 'node:fs';
import { shardExt } from '../ec/ec-layout.ts';
import { shardFilesIn } from '../store/ec-files.ts';
import { volumeFilePath } from '../storage/volume-files.ts';
import type { DiskLocation } from '../store/disk-location.ts';
import { type ClusterContext, masterToAsk } from './cluster-context.ts';
import { lookupEcShardHolders } from './ec-remote-shards.ts';
import { copyFileFromPeer, newPeerClient } from './peer-client.ts';

interface Orphan {
  location: DiskLocation;
  collection: string;
  volumeId: number;
  shardIds: number[];
}

async function findOrphans(ctx: ClusterContext, onlyVolumeId: number): Promise<Orphan[]> {
  const orphans: Orphan[] = [];
  for (const location of ctx.store.locations) {
    for (const found of await shardFilesIn(location.dir)) {
      if (onlyVolumeId !== 0 && found.volumeId !== onlyVolumeId) continue;
      if ((await ctx.store.ec.findEcxDir(found.collection, found.volumeId)) !== null) continue;
      orphans.push({ location, ...found });
    }
  }
  return orphans;
}

async function fetchIndexFrom(peer: string, orphan: Orphan): Promise<void> {
  const loc = orphan.location.location(orphan.collection, orphan.volumeId);
  const request = (ext: string, ignoreMissing: boolean) => ({
    volume_id: orphan.volumeId,
    ext,
    compaction_revision: 0xffff_ffff,
    stop_offset: '9223372036854775807',
    collection: orphan.collection,
    is_ec_volume: true,
    ignore_source_file_not_found: ignoreMissing,
  });
  const client = newPeerClient(peer);
  const ecxPath = volumeFilePath(loc, 'ecx');
  try {
    await copyFileFromPeer(client, request('.ecx', false), ecxPath);
    if ((await fs.stat(ecxPath)).size === 0) throw new Error(`peer ${peer} served an empty .ecx`);
    await copyFileFromPeer(client, request('.ecj', true), volumeFilePath(loc, 'ecj')).catch(() =>
      fs.rm(volumeFilePath(loc, 'ecj'), { force: true }),
    );
    // A .vif is optional: without one the EC volume takes the default layout.
    await copyFileFromPeer(client, request('.vif', true), volumeFilePath(loc, 'vif')).catch(() => {});
  } catch (err) {
    await fs.rm(ecxPath, { force: true });
    throw err;
  } finally {
    client.close();
  }
}

/** Returns how many volumes got their index back. `volumeId` 0 means every orphan here. */
export async function recoverMissingEcIndexes(ctx: ClusterContext, volumeId: number): Promise<number> {
  const orphans = await findOrphans(ctx, volumeId);
  const master = masterToAsk(ctx);
  if (orphans.length === 0 || master === '') return 0;
  let recovered = 0;
  for (const orphan of orphans) {
    let peers: string[];
    try {
      const holders = await lookupEcShardHolders(master, orphan.volumeId, `${ctx.ip}:${ctx.port}`);
      peers = [...new Set([...holders.values()].flat())];
    } catch (err) {
      ctx.log.warn(
        `ec volume ${orphan.volumeId}: cannot look up peers to recover a missing .ecx: ${(err as Error).message}`,
      );
      continue;
    }
    for (const peer of peers) {
      try {
        await fetchIndexFrom(peer, orphan);
      } catch (err) {
        ctx.log.warn(`ec volume ${orphan.volumeId}: fetching .ecx from ${peer} failed: ${(err as Error).message}`);
        continue;
      }
      ctx.log.info(`ec volume ${orphan.volumeId}: fetched the missing .ecx from ${peer}`);
      for (const shardId of orphan.shardIds) {
        await ctx.store.ec
          .mount(orphan.collection, orphan.volumeId, shardId)
          .catch((err: Error) => ctx.log.error(`mount ${orphan.volumeId}.${shardExt(shardId)}: ${err.message}`));
      }
      recovered++;
      break;
    }
    if (peers.length === 0)
      ctx.log.warn(`ec volume ${orphan.volumeId}: shards here but no peer holds its .ecx; left unmounted`);
  }
  return recovered;
}
