// Swapping a completely copied volume (staged by volume-copy-staging.ts) in over whatever replica
// holds its names: that replica is preserved by hard links first, so a failed swap puts it back
// (and remounts it); a `.note` marks an unfinished swap so a crash half way is swept at start.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathExists } from '../storage/path-exists.ts';
import type { Volume } from '../storage/volume.ts';
import { volumeFilePath } from '../storage/volume-files.ts';
import type { Store } from './store.ts';
import { COPYING_DIR, type VolumeCopyStaging } from './volume-copy-staging.ts';
import type { Logger } from '../log/logger.ts';

const REPLICA_FILE_EXTS = ['dat', 'idx', 'vif', 'note'] as const;

/** Files a replaced replica keeps until the swap succeeds: hard links under `copying/`. */
interface PreservedFile {
  original: string;
  link: string;
}

/**
 * Hard-links each existing file into a `copying/` sibling so its inode survives the replica's
 * delete. Throws when an existing file cannot be preserved: deleting then would leave nothing to
 * roll back to.
 */
async function preserveFiles(files: string[]): Promise<PreservedFile[]> {
  const preserved: PreservedFile[] = [];
  for (const original of new Set(files)) {
    if (!(await pathExists(original))) continue;
    const link = path.join(path.dirname(original), COPYING_DIR, `replaced_${path.basename(original)}`);
    await fs.mkdir(path.dirname(link), { recursive: true });
    await fs.rm(link, { force: true });
    await fs.link(original, link);
    preserved.push({ original, link });
  }
  return preserved;
}

/** Puts preserved files back at their names, over whatever a failed swap left there. */
async function restoreFiles(preserved: PreservedFile[], log: Logger): Promise<void> {
  for (const { original, link } of preserved) {
    try {
      await fs.rename(link, original);
    } catch (err) {
      log.error(`restore ${original} from ${link}: ${(err as Error).message}`);
    }
  }
}

export interface VolumeCopySwap {
  /** What the `.note` says while the swap runs (upstream names the source). */
  note: string;
  /** Checks the mounted copy before it is kept; a throw rolls the swap back. */
  validate: (volume: Volume) => void;
  log: Logger;
}

/** Mounts the staged copy under its final names; on any failure the replaced replica is back as it was. */
export async function swapInVolumeCopy(store: Store, staging: VolumeCopyStaging, swap: VolumeCopySwap): Promise<void> {
  const { volumeId, collection, staged, final } = staging;
  // Whatever replica holds the final names (mounted now, perhaps on another disk, or only on
  // disk) is preserved by hard links first, so a failed swap can put it back.
  const replaced = store.findVolume(volumeId);
  const replacedFiles =
    replaced === undefined
      ? [final.dat, final.idx, final.vif, final.note]
      : REPLICA_FILE_EXTS.map((ext) => volumeFilePath(replaced.location, ext));
  let preserved: PreservedFile[];
  try {
    preserved = await preserveFiles(replacedFiles);
  } catch (err) {
    await staging.removeStaged();
    throw new Error(`preserve files of existing volume ${volumeId} for rollback: ${(err as Error).message}`);
  }
  const moved: string[] = [];
  let replacedRemoved = false;
  try {
    if (replaced !== undefined) {
      try {
        // Keep the remote object: the copy's `.vif` may name the same one the replaced replica does.
        await store.deleteVolume(volumeId, false, false, true);
      } catch (err) {
        throw new Error(`failed to delete existing volume ${volumeId}: ${(err as Error).message}`);
      }
      replacedRemoved = true;
    } else {
      for (const file of replacedFiles) await fs.rm(file, { force: true });
    }
    // The .note marks an unfinished swap: a crash mid-rename leaves it, and the next start sweeps
    // the partial set.
    await fs.writeFile(final.note, swap.note);
    for (const ext of ['vif', 'dat', 'idx'] as const) {
      try {
        await fs.rename(staged[ext], final[ext]);
        moved.push(final[ext]);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    await fs.rm(final.note, { force: true });
    try {
      await store.mountVolume(volumeId, collection, swap.validate);
    } catch (err) {
      throw new Error(`failed to mount or validate volume ${volumeId}: ${(err as Error).message}`);
    }
  } catch (err) {
    for (const file of moved) await fs.rm(file, { force: true });
    await fs.rm(final.note, { force: true });
    await staging.removeStaged();
    await restoreFiles(preserved, swap.log);
    if (replacedRemoved) {
      await store.mountVolume(volumeId, replaced!.collection).catch((mountErr: unknown) => {
        swap.log.error(`remount replaced replica of volume ${volumeId}: ${(mountErr as Error).message}`, {
          volumeId,
          error: (mountErr as Error).message,
        });
      });
    }
    throw err;
  }
  for (const { link } of preserved) await fs.rm(link, { force: true });
}
