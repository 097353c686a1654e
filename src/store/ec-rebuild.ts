// Regenerating the missing EC shards of a volume from the ones on this server's disks
// (VolumeEcShardsRebuild), then folding `.ecj` into `.ecx` and backfilling a bitrot sidecar.
// Error texts follow upstream's (RebuildEcFiles, RebuildEcxFile); clients match on them.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  bitrotSidecarPath,
  computeBitrotProtection,
  findBitrotSidecar,
  readBitrotSidecar,
  sidecarConfigProblem,
  writeBitrotSidecar,
} from '../ec/ec-bitrot.ts';
import { type EncodeProgress, rebuildShardFiles } from '../ec/ec-encoder.ts';
import { foldEcjIntoEcx } from '../ec/ec-index.ts';
import { type EcRatio, blockSizeProblem, ecRatioOf, shardExt, totalShards } from '../ec/ec-layout.ts';
import { findEcxDir } from '../ec/ec-volume.ts';
import { readVolumeInfoFile } from '../storage/volume-info.ts';
import { checkedVolumeBaseName } from './collection-name.ts';
import type { DiskLocation } from './disk-location.ts';
import { allEcDirs, ecFilesStatus } from './ec-files.ts';
import type { Store } from './store.ts';
import type { Logger } from '../log/logger.ts';

export interface EcRebuildRequest {
  volumeId: number;
  collection: string;
}

/**
 * The layout a rebuild regenerates with: the first `.vif` with an EC config among `dirs`, else the
 * generation-0 sidecar, else 10+4 legacy. A recorded but impossible layout fails rather than
 * rebuild through the wrong matrix.
 */
async function rebuildLayout(dirs: string[], base: string): Promise<{ ratio: EcRatio; blockSizeBytes: number }> {
  for (const dir of dirs) {
    const vifPath = path.join(dir, `${base}.vif`);
    const info = await readVolumeInfoFile(vifPath).catch((err: Error) => {
      throw new Error(`RebuildEcFiles ${path.join(dirs[0] as string, base)}: cannot load .vif: ${err.message}`);
    });
    if (info === null) continue;
    const config = info.ecShardConfig;
    if (config === null) break;
    const problem = blockSizeProblem(config.blockSizeBytes ?? 0);
    if (problem !== null)
      throw new Error(`RebuildEcFiles ${path.join(dirs[0] as string, base)}: ${vifPath}: ${problem}`);
    return { ratio: ecRatioOf(info), blockSizeBytes: config.blockSizeBytes ?? 0 };
  }
  const sidecar = await findBitrotSidecar(dirs, base);
  if (sidecar !== null) {
    let problem: string | null;
    let prot;
    try {
      prot = await readBitrotSidecar(sidecar);
      problem = sidecarConfigProblem(prot);
    } catch (err) {
      problem = (err as Error).message;
    }
    if (problem !== null || prot?.ecShardConfig == null)
      throw new Error(
        `RebuildEcFiles ${path.join(dirs[0] as string, base)}: no usable .vif and ${sidecar}: ${problem}`,
      );
    const c = prot.ecShardConfig;
    return { ratio: { dataShards: c.dataShards, parityShards: c.parityShards }, blockSizeBytes: c.blockSizeBytes };
  }
  return { ratio: ecRatioOf(null), blockSizeBytes: 0 };
}

/**
 * Rebuilds on the disk holding an `.ecx` and the most shards; returns the ids of the shards it
 * regenerated ([] when no disk holds an `.ecx` of the volume).
 */
export async function rebuildEcShards(
  store: Store,
  request: EcRebuildRequest,
  log: Logger,
  onProgress?: EncodeProgress,
): Promise<number[]> {
  const base = checkedVolumeBaseName(request.collection, request.volumeId);
  let rebuildLocation: DiskLocation | undefined;
  let rebuildShardCount = 0;
  const shardDirs = new Map<number, string>();
  for (const location of store.locations) {
    const status = await ecFilesStatus(location, request.collection, request.volumeId);
    for (const id of status.shardIds) if (!shardDirs.has(id)) shardDirs.set(id, location.dir);
    const hasEcx = (await findEcxDir(location.dir, location.idxDir, base)) !== null;
    if (status.shardIds.length === 0 && !hasEcx) continue;
    if (hasEcx && (rebuildLocation === undefined || status.shardIds.length > rebuildShardCount)) {
      rebuildLocation = location;
      rebuildShardCount = status.shardIds.length;
    }
  }
  if (rebuildLocation === undefined) return [];
  const dataBase = path.join(rebuildLocation.dir, base);
  const searchDirs = [rebuildLocation.dir, ...allEcDirs(store.locations).filter((d) => d !== rebuildLocation.dir)];
  const { ratio, blockSizeBytes } = await rebuildLayout(searchDirs, base);
  const present = new Map<number, string>();
  const missing = new Map<number, string>();
  for (let id = 0; id < totalShards(ratio); id++) {
    const dir = shardDirs.get(id);
    if (dir !== undefined) present.set(id, path.join(dir, `${base}.${shardExt(id)}`));
    else missing.set(id, `${dataBase}.${shardExt(id)}`);
  }
  const rebuilt = [...missing.keys()];
  if (missing.size > 0) {
    const sizes = new Set<number>();
    for (const shardPath of present.values()) sizes.add((await fs.stat(shardPath)).size);
    if (sizes.size > 1)
      throw new Error(`RebuildEcFiles ${dataBase}: ec shards have different sizes ${[...sizes].join(', ')}`);
    try {
      await rebuildShardFiles(present, missing, [...sizes][0] ?? 0, ratio, store.coder(), onProgress);
    } catch (err) {
      throw new Error(`RebuildEcFiles ${dataBase}: ${(err as Error).message}`);
    }
  }
  // Folding `.ecj` removes it; a mounted volume still journals there, so leave it then.
  const ecxDir = (await findEcxDir(rebuildLocation.dir, rebuildLocation.idxDir, base)) as string;
  if (store.ec.find(request.volumeId) === undefined) {
    try {
      await foldEcjIntoEcx(path.join(ecxDir, `${base}.ecx`), path.join(ecxDir, `${base}.ecj`), store.offsetWidth);
    } catch (err) {
      throw new Error(`RebuildEcxFile ${path.join(ecxDir, base)}: ${(err as Error).message}`);
    }
  }
  // Trust on first use: a volume without a sidecar anywhere gets one describing the shards as
  // they now are, with the layout the rebuild used. Skipped unless every shard is here.
  if ((await findBitrotSidecar(searchDirs, base)) === null && present.size + missing.size === totalShards(ratio)) {
    const allPaths = Array.from(
      { length: totalShards(ratio) },
      (_, id) => present.get(id) ?? (missing.get(id) as string),
    );
    try {
      await writeBitrotSidecar(
        bitrotSidecarPath(dataBase),
        await computeBitrotProtection(allPaths, { ...ratio, encodeTsNs: 0n, blockSizeBytes }),
      );
    } catch (err) {
      log.warn(`volume ${request.volumeId}: bitrot backfill skipped: ${(err as Error).message}`);
    }
  }
  if (rebuilt.length > 0) log.info(`volume ${request.volumeId}: rebuilt ec shards ${rebuilt.join(',')}`);
  return rebuilt;
}
