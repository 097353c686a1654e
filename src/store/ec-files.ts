// EC files of one volume on one disk location, as files (not mounts): what is there, and
// removing shards, indexes and sidecars the way upstream's delete and re-encode paths do.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MAX_SHARD_COUNT, parseShardFileName, shardExt, shardIdOfFileName } from '../ec/ec-layout.ts';
import { pathExists } from '../storage/path-exists.ts';
import { readVolumeInfoFile } from '../storage/volume-info.ts';
import { parseVolumeBaseName } from '../storage/volume-files.ts';
import { checkedVolumeBaseName, collectionNameProblem } from './collection-name.ts';
import type { DiskLocation } from './disk-location.ts';
import { ECJ_COMPACT_TMP_EXT } from '../ec/ec-volume.ts';

/** Bitrot checksum sidecar written by upstream encoders beside the shards. */
export const BITROT_SIDECAR_EXT = '.ecsum';

export interface EcFilesStatus {
  hasEcx: boolean;
  hasIdx: boolean;
  shardIds: number[];
}

/** Every directory of every location: where a volume's `.vif`/`.ecsum` may sit on a multi-disk server. */
export function allEcDirs(locations: readonly DiskLocation[]): string[] {
  const dirs: string[] = [];
  for (const l of locations) dirs.push(l.dir, l.idxDir ?? l.dir);
  return [...new Set(dirs)];
}

function dirsOf(location: DiskLocation): string[] {
  return location.idxDir !== undefined && location.idxDir !== location.dir
    ? [location.dir, location.idxDir]
    : [location.dir];
}

async function removeIfExists(filePath: string): Promise<void> {
  await fs.rm(filePath, { force: true });
}

/** Shard files in a directory, grouped by volume (ids ascending). */
export async function shardFilesIn(
  dir: string,
): Promise<Array<{ collection: string; volumeId: number; shardIds: number[] }>> {
  const byBase = new Map<string, number[]>();
  for (const name of await fs.readdir(dir)) {
    const parsed = parseShardFileName(name);
    if (parsed !== null) byBase.set(parsed.base, [...(byBase.get(parsed.base) ?? []), parsed.shardId]);
  }
  const found = [];
  for (const [base, shardIds] of byBase) {
    const volume = parseVolumeBaseName(base);
    if (volume !== null && collectionNameProblem(volume.collection) === null)
      found.push({ ...volume, shardIds: shardIds.sort((a, b) => a - b) });
  }
  return found;
}

/** What EC files of the volume this location's directories hold (upstream checkEcVolumeStatus). */
export async function ecFilesStatus(
  location: DiskLocation,
  collection: string,
  volumeId: number,
): Promise<EcFilesStatus> {
  const base = checkedVolumeBaseName(collection, volumeId);
  const status: EcFilesStatus = { hasEcx: false, hasIdx: false, shardIds: [] };
  for (const dir of dirsOf(location)) {
    for (const name of await fs.readdir(dir)) {
      if (name === `${base}.ecx` || name === `${base}.ecj`) status.hasEcx = true;
      else if (name === `${base}.idx`) status.hasIdx = true;
      else {
        const shardId = shardIdOfFileName(name, base);
        if (shardId !== null && dir === location.dir) status.shardIds.push(shardId);
      }
    }
  }
  status.shardIds.sort((a, b) => a - b);
  return status;
}

/**
 * Removes staged generation files `<base>.ecNN.v<N>`, `.ecx.v<N>`, `.ecj.v<N>`, `.ecsum.v<N>`,
 * `.vif.v<N>` in `dir` with N below `olderThan` (every generation when 0). Names are matched
 * literally, never as a glob, so a collection name cannot reach another volume's files.
 */
export async function removeEcGenerationsOlderThan(dir: string, base: string, olderThan: number): Promise<void> {
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    const dot = name.lastIndexOf('.');
    if (dot <= 0) continue;
    const artifact = name.slice(0, dot);
    if (artifact !== `${base}.vif` && !artifact.startsWith(`${base}.ec`)) continue;
    const match = /^v(\d+)$/.exec(name.slice(dot + 1));
    if (match === null) continue;
    const generation = Number(match[1]);
    if (generation <= 0 || (olderThan > 0 && generation >= olderThan)) continue;
    await removeIfExists(path.join(dir, name));
  }
}

async function removeBitrotSidecars(basePath: string): Promise<void> {
  await removeIfExists(basePath + BITROT_SIDECAR_EXT);
  const dir = path.dirname(basePath);
  const prefix = `${path.basename(basePath)}${BITROT_SIDECAR_EXT}.v`;
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    if (name.startsWith(prefix)) await removeIfExists(path.join(dir, name));
  }
}

/**
 * Removes every artifact of an earlier encode (shards, `.ecx`, `.ecj`, sidecars) so a new run
 * never mixes with it; the `.vif` only where no `.idx` says a normal volume owns it.
 */
export async function removeStaleEcArtifacts(
  location: DiskLocation,
  collection: string,
  volumeId: number,
): Promise<void> {
  const base = checkedVolumeBaseName(collection, volumeId);
  for (let id = 0; id < MAX_SHARD_COUNT; id++) await removeIfExists(path.join(location.dir, `${base}.${shardExt(id)}`));
  for (const dir of dirsOf(location)) {
    await removeIfExists(path.join(dir, `${base}.ecx`));
    await removeIfExists(path.join(dir, `${base}.ecj`));
    await removeIfExists(path.join(dir, `${base}${ECJ_COMPACT_TMP_EXT}`));
    await removeBitrotSidecars(path.join(dir, base));
  }
  for (const dir of dirsOf(location)) {
    if (!(await pathExists(path.join(dir, `${base}.idx`)))) await removeIfExists(path.join(dir, `${base}.vif`));
  }
}

/** Deletes the listed shard files here; a disk left without shards loses its sidecars. */
export async function removeShardFiles(
  location: DiskLocation,
  collection: string,
  volumeId: number,
  shardIds: number[],
): Promise<void> {
  const base = checkedVolumeBaseName(collection, volumeId);
  let found = false;
  for (const id of shardIds) {
    const shardPath = path.join(location.dir, `${base}.${shardExt(id)}`);
    if (await pathExists(shardPath)) {
      found = true;
      await removeIfExists(shardPath);
    }
  }
  if (!found) return;
  if ((await ecFilesStatus(location, collection, volumeId)).shardIds.length === 0)
    await removeBitrotSidecars(path.join(location.dir, base));
}

/** Once no shard is left anywhere: the shared `.ecx`/`.ecj`, and the `.vif` unless a `.idx` owns it. */
export async function removeSharedEcIndex(
  location: DiskLocation,
  collection: string,
  volumeId: number,
  status: EcFilesStatus,
): Promise<void> {
  const base = checkedVolumeBaseName(collection, volumeId);
  if (status.hasEcx) {
    for (const dir of dirsOf(location)) {
      await removeIfExists(path.join(dir, `${base}.ecx`));
      await removeIfExists(path.join(dir, `${base}.ecj`));
      await removeIfExists(path.join(dir, `${base}${ECJ_COMPACT_TMP_EXT}`));
      await removeIfExists(path.join(dir, `${base}${ECJ_COMPACT_TMP_EXT}`));
    }
  }
  if (!status.hasIdx) await removeIfExists(path.join(location.dir, `${base}.vif`));
}

/** The encode run recorded in this location's `.vif` (0 when absent or unstamped), and whether one exists. */
export async function ecGenerationOf(
  location: DiskLocation,
  collection: string,
  volumeId: number,
): Promise<{ encodeTsNs: bigint; found: boolean }> {
  const base = checkedVolumeBaseName(collection, volumeId);
  for (const dir of dirsOf(location)) {
    try {
      const info = await readVolumeInfoFile(path.join(dir, `${base}.vif`));
      if (info !== null) return { encodeTsNs: info.ecShardConfig?.encodeTsNs ?? 0n, found: true };
    } catch {
      return { encodeTsNs: 0n, found: true };
    }
  }
  return { encodeTsNs: 0n, found: false };
}
