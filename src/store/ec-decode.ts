// Decoding a mounted EC volume back into a normal `.dat`/`.idx` volume beside its shards
// (VolumeEcShardsToVolume): fold the journal, check the data shards against the bitrot sidecar,
// then write the volume. Error texts follow upstream's; clients match on them.
import { type ResolvedBitrot, verifyDataShards } from '../ec/ec-bitrot.ts';
import { foldEcjIntoEcx, hasLiveNeedles } from '../ec/ec-index.ts';
import { decodeEcToVolume } from '../ec/ec-to-volume.ts';
import type { EcVolume } from '../ec/ec-volume.ts';
import type { DiskLocation } from './disk-location.ts';
import { allEcDirs } from './ec-files.ts';
import { StoreError } from './store-error.ts';
import type { Store } from './store.ts';
import type { Logger } from '../log/logger.ts';

export interface EcDecodeRequest {
  volumeId: number;
  collection: string;
}

/** Throws StoreError 'no_live_entries' when every needle is deleted: there is nothing to decode. */
export async function decodeEcVolume(store: Store, request: EcDecodeRequest, log: Logger): Promise<void> {
  const ecVolume = store.ec.find(request.volumeId);
  if (ecVolume === undefined) throw new Error(`ec volume ${request.volumeId} not found`);
  if (ecVolume.collection !== request.collection)
    throw new Error(`existing collection:${ecVolume.collection} unexpected input: ${request.collection}`);
  const dataShardPaths: string[] = [];
  for (let id = 0; id < ecVolume.ratio.dataShards; id++) {
    const found = store.ec.findShard(request.volumeId, id);
    if (found === undefined) throw new Error(`ec volume ${request.volumeId} missing shard ${id}`);
    dataShardPaths.push(found.shard.path);
  }
  const location = store.locations.find((l) => l.ecVolumes.get(request.volumeId) === ecVolume) as DiskLocation;
  // From the fold of `.ecj` to the unmount of these shards, a journaled delete would miss the new
  // volume: the shards refuse deletes as read-only meanwhile (taken again if the decode fails).
  const runtimes: EcVolume[] = [...store.ec.all()]
    .filter(({ volume }) => volume.volumeId === request.volumeId)
    .map(({ volume }) => volume);
  for (const runtime of runtimes) await runtime.refuseDeletes('being decoded into a normal volume');
  try {
    await decodeRefusingDeletes(store, request, ecVolume, runtimes, dataShardPaths, location, log);
  } catch (err) {
    for (const runtime of runtimes) runtime.acceptDeletes();
    throw err;
  }
}

async function decodeRefusingDeletes(
  store: Store,
  request: EcDecodeRequest,
  ecVolume: EcVolume,
  runtimes: EcVolume[],
  dataShardPaths: string[],
  location: DiskLocation,
  log: Logger,
): Promise<void> {
  try {
    await foldEcjIntoEcx(ecVolume.ecxPath, ecVolume.ecjPath, store.offsetWidth);
  } catch (err) {
    throw new Error(`RebuildEcxFile ${ecVolume.ecxPath}: ${(err as Error).message}`);
  }
  if (!(await hasLiveNeedles(ecVolume.ecxPath, store.offsetWidth))) {
    throw new StoreError('no_live_entries', `ec volume ${request.volumeId} has no live entries`);
  }
  // The sidecar may have arrived after the mount (a rebuild's backfill, a shard delivery):
  // resolve it again on every runtime, then check the data shards the .dat is made from.
  let protection: ResolvedBitrot | undefined;
  for (const runtime of runtimes) {
    try {
      const resolved = await runtime.reloadBitrot(allEcDirs(store.locations));
      if (
        protection === undefined ||
        (resolved.status === 'on' && protection.status !== 'on') ||
        (resolved.status === 'invalid' && protection.status === 'off')
      )
        protection = resolved;
    } catch (err) {
      throw new Error(`ec volume ${request.volumeId}: ${(err as Error).message}`);
    }
  }
  if (protection !== undefined) {
    try {
      await verifyDataShards(protection, dataShardPaths);
    } catch (err) {
      throw new Error(`ec volume ${request.volumeId}: ${(err as Error).message}`);
    }
  }
  await decodeEcToVolume({
    ecxPath: ecVolume.ecxPath,
    ecjPath: ecVolume.ecjPath,
    dataShardPaths,
    encodedDatSizeBytes: ecVolume.datFileSizeBytes,
    blockSizeBytes: ecVolume.blockSizeBytes,
    location: location.location(request.collection, request.volumeId),
    offsetWidth: store.offsetWidth,
    log,
  });
  log.info(`ec volume ${request.volumeId}: decoded back into a normal volume in ${location.dir}`);
}
