// Removing EC shards and their indexes from this server's disks (VolumeEcShardsDelete's three
// forms): a full teardown, optionally fenced by an encode run; staged generations left by other
// tooling; or listed shards, with the shared index once no shard is left.
import { checkedVolumeBaseName } from './collection-name.ts';
import {
  allEcDirs,
  ecFilesStatus,
  ecGenerationOf,
  removeEcGenerationsOlderThan,
  removeShardFiles,
  removeSharedEcIndex,
  removeStaleEcArtifacts,
} from './ec-files.ts';
import type { Store } from './store.ts';

/**
 * Every EC artifact of the volume on every disk. With `fenceTsNs` > 0 only disks holding a
 * strictly older encode run are wiped (their mounted shards unmounted first); newer, unstamped or
 * unknown runs stay.
 */
export async function tearDownEcVolume(
  store: Store,
  collection: string,
  volumeId: number,
  fenceTsNs: bigint,
): Promise<void> {
  if (fenceTsNs === 0n) {
    await store.ec.unload(volumeId);
    for (const location of store.locations) await removeStaleEcArtifacts(location, collection, volumeId);
    return;
  }
  for (const location of store.locations) {
    const generation = await ecGenerationOf(location, collection, volumeId);
    if (!generation.found || generation.encodeTsNs === 0n || generation.encodeTsNs >= fenceTsNs) continue;
    const mounted = location.ecVolumes.get(volumeId);
    if (mounted !== undefined) for (const id of mounted.shardIds()) await store.ec.unmount(volumeId, id);
    await removeStaleEcArtifacts(location, collection, volumeId);
  }
}

/**
 * Post-commit cleanup of a generation switch. This server never stages generations, so only
 * `<base>.*.v<N>` files another server's tooling left here can match.
 */
export async function removeEcGenerationsBelow(
  store: Store,
  collection: string,
  volumeId: number,
  olderThan: number,
): Promise<void> {
  for (const dir of allEcDirs(store.locations))
    await removeEcGenerationsOlderThan(dir, checkedVolumeBaseName(collection, volumeId), olderThan);
}

/** Unmounts and deletes the listed shards on every disk; the last shard gone takes the shared index. */
export async function deleteEcShards(
  store: Store,
  collection: string,
  volumeId: number,
  shardIds: readonly number[],
): Promise<void> {
  // A deleted shard must not keep serving from an unlinked file.
  for (const id of shardIds) await store.ec.unmount(volumeId, id);
  for (const location of store.locations) await removeShardFiles(location, collection, volumeId, [...shardIds]);
  const statuses = [];
  let shardsLeft = 0;
  for (const location of store.locations) {
    const status = await ecFilesStatus(location, collection, volumeId);
    shardsLeft += status.shardIds.length;
    statuses.push({ location, status });
  }
  if (shardsLeft === 0) {
    for (const { location, status } of statuses) await removeSharedEcIndex(location, collection, volumeId, status);
  }
}
