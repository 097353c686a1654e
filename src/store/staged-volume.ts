// Adopting a volume another server decoded and staged here as `.dat/.idx/.vif.copying`
// (VolumeEcShardsToVolume with from_staged): the staged files are renamed into place under a
// `.note`, then mounted.
import { promises as fs } from 'node:fs';
import { pathExists } from '../storage/path-exists.ts';
import { type VolumeLocation, volumeFilePath } from '../storage/volume-files.ts';
import { normalizeDiskType } from './disk-location.ts';
import type { Store } from './store.ts';

export interface StagedVolumeRequest {
  volumeId: number;
  collection: string;
  /** The disk type the staged files were written to ('' for hdd). */
  diskType: string;
}

/** The staged volume on the first disk of the wanted type with its `.dat.copying`. */
async function findStaged(store: Store, request: StagedVolumeRequest): Promise<VolumeLocation | undefined> {
  const wanted = normalizeDiskType(request.diskType);
  for (const location of store.locations) {
    if (location.diskType !== wanted) continue;
    const candidate = location.location(request.collection, request.volumeId);
    if (await pathExists(`${volumeFilePath(candidate, 'dat')}.copying`)) return candidate;
  }
  return undefined;
}

export async function adoptStagedVolume(store: Store, request: StagedVolumeRequest): Promise<void> {
  if (store.findVolume(request.volumeId) !== undefined)
    throw new Error(`staged volume ${request.volumeId} already exists on this server`);
  const loc = await findStaged(store, request);
  if (loc === undefined)
    throw new Error(`staged volume ${request.volumeId}: no .dat.copying found on a ${request.diskType} disk`);
  for (const ext of ['dat', 'idx', 'vif']) {
    if (!(await pathExists(`${volumeFilePath(loc, ext)}.copying`)))
      throw new Error(`staged volume ${request.volumeId} missing .${ext}.copying`);
  }
  // The `.note` makes a crash half way sweep the partial volume at the next start.
  const note = volumeFilePath(loc, 'note');
  await fs.writeFile(note, `adopting decoded volume ${request.volumeId}`);
  try {
    for (const ext of ['vif', 'dat', 'idx'])
      await fs.rename(`${volumeFilePath(loc, ext)}.copying`, volumeFilePath(loc, ext));
  } finally {
    await fs.rm(note, { force: true });
  }
  try {
    await store.mountVolume(request.volumeId);
  } catch (err) {
    throw new Error(`mount staged volume ${request.volumeId}: ${(err as Error).message}`);
  }
}
