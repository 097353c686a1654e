// Names a peer may ask us to read or write: an extension of letters and digits, a collection
// that cannot leave the data directory. Returns the upstream error text, or null when fine.
export function extensionProblem(ext: string): string | null {
  return /^\.[A-Za-z0-9]+$/.test(ext) ? null : `invalid file extension ${JSON.stringify(ext)}`;
}

/** The store's rule, so gRPC and the store never disagree on what a collection may be. */
export { collectionNameProblem as collectionProblem } from '../../store/collection-name.ts';
