// VolumeEcShardsMount's recover_missing_index: shards on disk whose `.ecx` is on no local disk
// get `.ecx` (and `.ecj`, `.vif`) from a peer holding shards of the same volume, found through
// the master; then their shards are mounted.
import { promises as fs } from 'node:fs';
import { shardExt, shardIdOfFileName } from '../../ec/ec-layout.ts';
import { parseVolumeBaseName, volumeFilePath } from '../../storage/volume-files.ts';
import type { DiskLocation } from '../../store/disk-location.ts';
import type { GrpcContext } from './context.ts';
import { lookupEcShardHolders } from './ec-remote-shards.ts';
import { copyFileFromPeer, newPeerClient } from './peer-client.ts';

interface Orphan {
  location: DiskLocation;
  collection: string;
  volumeId: number;
  shardIds: number[];
}

async function findOrphans(ctx: GrpcContext, onlyVolumeId: number): Promise<Orphan[]> {
  const orphans: Orphan[] = [];
  for (const location of ctx.store.locations) {
    const byBase = new Map<string, number[]>();
    for (const name of await fs.readdir(location.dir)) {
      const base = name.replace(/\.ec\d\d$/, '');
      const shardId = base === name ? null : shardIdOfFileName(name, base);
      if (shardId !== null) byBase.set(base, [...(byBase.get(base) ?? []), shardId]);
    }
    for (const [base, shardIds] of byBase) {
      const parsed = parseVolumeBaseName(base);
      if (parsed === null || (onlyVolumeId !== 0 && parsed.volumeId !== onlyVolumeId)) continue;
      if ((await ctx.store.ec.findEcxDir(parsed.collection, parsed.volumeId)) !== null) continue;
      orphans.push({ location, ...parsed, shardIds });
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
    await copyFileFromPeer(client, request('.ecj', true), volumeFilePath(loc, 'ecj')).catch(() => fs.rm(volumeFilePath(loc, 'ecj'), { force: true }));
    await copyFileFromPeer(client, request('.vif', true), volumeFilePath(loc, 'vif')).catch(() => {});
  } catch (err) {
    await fs.rm(ecxPath, { force: true });
    throw err;
  } finally {
    client.close();
  }
}

/** Returns how many volumes got their index back. `volumeId` 0 means every orphan here. */
export async function recoverMissingEcIndexes(ctx: GrpcContext, volumeId: number): Promise<number> {
  const orphans = await findOrphans(ctx, volumeId);
  const master = ctx.currentMaster() || ctx.masters[0];
  if (orphans.length === 0 || master === undefined || master === '') return 0;
  let recovered = 0;
  for (const orphan of orphans) {
    let peers: string[];
    try {
      const holders = await lookupEcShardHolders(master, orphan.volumeId, `${ctx.ip}:${ctx.port}`);
      peers = [...new Set([...holders.values()].flat())];
    } catch (err) {
      ctx.log(`ec volume ${orphan.volumeId}: cannot look up peers to recover a missing .ecx: ${(err as Error).message}`);
      continue;
    }
    for (const peer of peers) {
      try {
        await fetchIndexFrom(peer, orphan);
      } catch (err) {
        ctx.log(`ec volume ${orphan.volumeId}: fetching .ecx from ${peer} failed: ${(err as Error).message}`);
        continue;
      }
      ctx.log(`ec volume ${orphan.volumeId}: fetched the missing .ecx from ${peer}`);
      for (const shardId of orphan.shardIds) {
        await ctx.store.ec.mount(orphan.collection, orphan.volumeId, shardId).catch((err: Error) => ctx.log(`mount ${orphan.volumeId}.${shardExt(shardId)}: ${err.message}`));
      }
      recovered++;
      break;
    }
    if (peers.length === 0) ctx.log(`ec volume ${orphan.volumeId}: shards here but no peer holds its .ecx; left unmounted`);
  }
  return recovered;
}
