// VolumeIo on node:fs, the production implementation: each call is node's own, passed through
// (no wrapper allocations or awaits on the read and write paths), and a FileHandle is a VolumeFile.
import { promises as fs, readSync, writeSync, writev } from 'node:fs';
import { promisify } from 'node:util';
import type { VolumeIo } from './volume-io.ts';

const writevAsync = promisify(writev);

export const nodeVolumeIo: VolumeIo = {
  open: (path, flags, mode) => fs.open(path, flags, mode),
  readSync,
  writeSync,
  writev: writevAsync,
  readFile: (path) => fs.readFile(path),
  stat: (path) => fs.stat(path),
  exists: async (path) => {
    try {
      await fs.access(path);
      return true;
    } catch {
      return false;
    }
  },
  rename: (fromPath, toPath) => fs.rename(fromPath, toPath),
  remove: (path) => fs.rm(path, { recursive: true, force: true }),
};
