// Where a volume copied in from a peer (VolumeCopy) lands: a disk chosen for it, and staging names
// under `copying/` (a directory the volume loader never scans) for its `.dat`, `.idx` and `.vif`
// until the copy is complete and swapped in (volume-copy-swap.ts).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { volumeFilePath } from '../storage/volume-files.ts';
import type { DiskLocation } from './disk-location.ts';
import type { Store } from './store.ts';

/** Staging directory the volume loader never scans: a copy's bytes land here before the swap. */
export const COPYING_DIR = 'copying';

export interface VolumeCopyStaging {
  volumeId: number;
  collection: string;
  /** Where the copied files are written. */
  staged: { dat: string; idx: string; vif: string };
  /** The names the volume is mounted from once swapped in; `.note` marks an unfinished swap. */
  final: { dat: string; idx: string; vif: string; note: string };
  /** Removes whatever was staged (a failed or abandoned copy). */
  removeStaged(): Promise<void>;
}

/** A replica being replaced frees its slot, so its own disk is the first choice, if of the wanted type. */
export function copyTargetLocation(store: Store, volumeId: number, diskType: string): DiskLocation | undefined {
  const existing = store.findVolume(volumeId);
  const existingLocation = existing === undefined ? undefined : store.locationOf(existing);
  return existingLocation?.diskType === diskType ? existingLocation : store.pickLocation(diskType);
}

/** Creates the staging directories and clears the staged names: a crashed earlier copy's leftovers are never inherited. */
export async function stageVolumeCopy(
  location: DiskLocation,
  collection: string,
  volumeId: number,
): Promise<VolumeCopyStaging> {
  const finalLoc = location.location(collection, volumeId);
  const stagedLoc = {
    ...finalLoc,
    dir: path.join(location.dir, COPYING_DIR),
    ...(location.idxDir !== undefined ? { idxDir: path.join(location.idxDir, COPYING_DIR) } : {}),
  };
  const staged = {
    dat: volumeFilePath(stagedLoc, 'dat'),
    idx: volumeFilePath(stagedLoc, 'idx'),
    vif: volumeFilePath(stagedLoc, 'vif'),
  };
  const final = {
    dat: volumeFilePath(finalLoc, 'dat'),
    idx: volumeFilePath(finalLoc, 'idx'),
    vif: volumeFilePath(finalLoc, 'vif'),
    note: volumeFilePath(finalLoc, 'note'),
  };
  const removeStaged = async () => {
    for (const file of Object.values(staged)) await fs.rm(file, { force: true });
  };
  await fs.mkdir(path.dirname(staged.dat), { recursive: true });
  await fs.mkdir(path.dirname(staged.idx), { recursive: true });
  // Staged names are fixed per volume: a crashed earlier copy's leftovers must not be inherited.
  await removeStaged();
  return { volumeId, collection, staged, final, removeStaged };
}
