// Collection names become file name prefixes (`<collection>_<vid>.dat`), so every store path
// that turns a collection into a file name checks it here, whoever supplied it (client or peer).
import { volumeBaseName } from '../storage/volume-files.ts';
import { StoreError } from './store-error.ts';

/**
 * Upstream's rule (checkVolumeCollection): one path element, so no `/`, `\` and not `.` or `..`;
 * dots and dashes elsewhere are fine. NUL is refused too: no file name can hold it. Returns
 * upstream's error text, or null when the name is fine. "" is the default collection.
 */
export function collectionNameProblem(collection: string): string | null {
  const bad = collection === '.' || collection === '..' || /[/\\\0]/.test(collection);
  return bad ? `invalid collection ${JSON.stringify(collection)}` : null;
}

/** Throws StoreError 'invalid_collection' (the gRPC layer answers INVALID_ARGUMENT). */
export function checkCollectionName(collection: string): void {
  const problem = collectionNameProblem(collection);
  if (problem !== null) throw new StoreError('invalid_collection', problem);
}

/** The volume's file base name, after checking the collection. */
export function checkedVolumeBaseName(collection: string, volumeId: number): string {
  checkCollectionName(collection);
  return volumeBaseName(collection, volumeId);
}
