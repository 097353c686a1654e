// Encoding a mounted volume into EC shards beside it (VolumeEcShardsGenerate): the sorted `.ecx`
// from its `.idx`, the shards from its `.dat`, a bitrot sidecar and the `.vif` recording the
// layout. Error texts follow upstream's; clients match on them.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { bitrotSidecarPath, computeBitrotProtection, writeBitrotSidecar } from '../ec/ec-bitrot.ts';
import { type EncodeProgress, encodeDatFile } from '../ec/ec-encoder.ts';
import { writeSortedEcxFromIdx } from '../ec/ec-index.ts';
import { ecRatioOf, shardExt, totalShards } from '../ec/ec-layout.ts';
import { ttlMinutes } from '../storage/needle/ttl.ts';
import { newVolumeInfo, readVolumeInfoFile, writeVolumeInfoFile } from '../storage/volume-info.ts';
import { volumeFilePath } from '../storage/volume-files.ts';
import { checkedVolumeBaseName } from './collection-name.ts';
import { removeStaleEcArtifacts } from './ec-files.ts';
import type { Store } from './store.ts';
import type { Logger } from '../log/logger.ts';

export interface EcGenerateRequest {
  volumeId: number;
  collection: string;
}

/**
 * Any earlier encode's artifacts on every disk go first, so runs never mix; a failed run removes
 * the shards and `.ecx` it wrote.
 */
export async function generateEcShards(
  store: Store,
  request: EcGenerateRequest,
  log: Logger,
  onProgress?: EncodeProgress,
): Promise<void> {
  const { volumeId, collection } = request;
  const volume = store.findVolume(volumeId);
  if (volume === undefined) throw new Error(`volume ${volumeId} not found`);
  if (volume.collection !== collection)
    throw new Error(`existing collection:${volume.collection} unexpected input: ${collection}`);
  const loc = volume.location;
  const vifPath = volumeFilePath(loc, 'vif');
  // A regeneration keeps the ratio an earlier run recorded.
  // No readable .vif (null) means no earlier ratio: the default one.
  const ratio = ecRatioOf(await readVolumeInfoFile(vifPath).catch(() => null));
  const shardPaths = Array.from({ length: totalShards(ratio) }, (_, i) => volumeFilePath(loc, shardExt(i)));
  const ecxPath = volumeFilePath(loc, 'ecx');

  await store.ec.unload(volumeId);
  for (const location of store.locations) {
    try {
      await removeStaleEcArtifacts(location, collection, volumeId);
    } catch (err) {
      throw new Error(`wipe stale EC artifacts for volume ${volumeId} on ${location.dir}: ${(err as Error).message}`);
    }
  }
  let done = false;
  try {
    await volume.sync();
    // The index first: anything appended while the shards are cut is then in the shards
    // but not indexed, which is harmless; the other order could index missing data.
    await writeSortedEcxFromIdx(volumeFilePath(loc, 'idx'), ecxPath, store.offsetWidth);
    const datSizeBytes = volume.stats().datSizeBytes;
    // 4.53 always encodes the uniform layout; the .vif and the sidecar record its block size.
    const blockSizeBytes = await encodeDatFile(
      volumeFilePath(loc, 'dat'),
      datSizeBytes,
      shardPaths,
      ratio,
      store.coder(),
      undefined,
      onProgress,
    );
    // Best effort, as upstream: without a sidecar the volume is merely unprotected.
    try {
      const prot = await computeBitrotProtection(shardPaths, { ...ratio, encodeTsNs: 0n, blockSizeBytes });
      await writeBitrotSidecar(
        bitrotSidecarPath(path.join(loc.dir, checkedVolumeBaseName(collection, volumeId))),
        prot,
      );
    } catch (err) {
      log.error(`volume ${volumeId}: failed to write the ec bitrot sidecar: ${(err as Error).message}`, {
        volumeId,
        error: (err as Error).message,
      });
    }
    const ttlSeconds = ttlMinutes(volume.ttl) * 60;
    const info = newVolumeInfo({
      version: volume.version,
      datFileSize: BigInt(datSizeBytes),
      expireAtSec: ttlSeconds > 0 ? BigInt(Math.floor(Date.now() / 1000) + ttlSeconds) : 0n,
      ecShardConfig: {
        dataShards: ratio.dataShards,
        parityShards: ratio.parityShards,
        encodeTsNs: BigInt(Date.now()) * 1_000_000n,
        blockSizeBytes,
      },
    });
    await writeVolumeInfoFile(vifPath, info);
    done = true;
    log.info(
      `volume ${volumeId}: generated ${shardPaths.length} ec shards (${ratio.dataShards}+${ratio.parityShards}, block ${blockSizeBytes}) from ${datSizeBytes} bytes`,
    );
  } finally {
    if (!done) {
      for (const shardPath of shardPaths) await fs.rm(shardPath, { force: true });
      await fs.rm(ecxPath, { force: true });
    }
  }
}
