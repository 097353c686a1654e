// File names of a volume: `<dir>/<vid>.<ext>` or `<dir>/<collection>_<vid>.<ext>`.
import path from 'node:path';

export interface VolumeLocation {
  /** Directory of `.dat` and `.vif`. */
  dir: string;
  /** Directory of `.idx` (upstream's -dir.idx); defaults to `dir`. */
  idxDir?: string;
  collection: string;
  volumeId: number;
}

export function volumeBaseName(collection: string, volumeId: number): string {
  return collection === '' ? String(volumeId) : `${collection}_${volumeId}`;
}

export function volumeFilePath(loc: VolumeLocation, ext: string): string {
  const inIdxDir = ext === 'idx' || ext === 'cpx' || ext === 'sdx' || ext === 'ldb' || ext === 'ecx' || ext === 'ecj';
  const dir = inIdxDir ? (loc.idxDir ?? loc.dir) : loc.dir;
  return path.join(dir, `${volumeBaseName(loc.collection, loc.volumeId)}.${ext}`);
}

/** Splits a base name found on disk: the collection is everything before the last '_'. */
export function parseVolumeBaseName(base: string): { collection: string; volumeId: number } | null {
  const underscore = base.lastIndexOf('_');
  const collection = underscore >= 0 ? base.slice(0, underscore) : '';
  const idText = underscore >= 0 ? base.slice(underscore + 1) : base;
  if (!/^\d{1,10}$/.test(idText)) return null;
  const volumeId = Number(idText);
  if (volumeId > 0xffff_ffff) return null;
  return { collection, volumeId };
}
