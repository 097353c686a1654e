// Names a peer may ask us to read or write: an extension of letters and digits, a collection
// that cannot leave the data directory. Returns the upstream error text, or null when fine.
export function extensionProblem(ext: string): string | null {
  return /^\.[A-Za-z0-9]+$/.test(ext) ? null : `invalid file extension ${JSON.stringify(ext)}`;
}

export function collectionProblem(collection: string): string | null {
  const bad = collection === '.' || collection === '..' || collection.includes('/') || collection.includes('\\');
  return bad ? `invalid collection ${JSON.stringify(collection)}` : null;
}
