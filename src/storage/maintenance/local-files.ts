// The local files a maintenance agent reads: the `.dat` (required) and the `.idx` (may be gone).
import { type FileHandle, open } from 'node:fs/promises';
import { StorageError } from '../errors.ts';
import { type VolumeLocation, volumeFilePath } from '../volume-files.ts';

/** The volume's `.dat` for reading, or `not_found` when it has none here (a tiered volume). */
export async function openLocalDat(loc: VolumeLocation): Promise<FileHandle> {
  const datPath = volumeFilePath(loc, 'dat');
  try {
    return await open(datPath, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new StorageError('not_found', `volume ${loc.volumeId}: no local .dat at ${datPath}`);
    throw err;
  }
}

/** The whole `.idx`, or null when there is none. */
export async function readLocalIdx(loc: VolumeLocation): Promise<Buffer | null> {
  let handle: FileHandle;
  try {
    handle = await open(volumeFilePath(loc, 'idx'), 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
