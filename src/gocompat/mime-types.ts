// Extension → media type, as Go's mime.TypeByExtension answers on a host with a typical
// /etc/mime.types: Go's built-in table plus common entries (text types get charset=utf-8, as Go adds).
const TYPES: ReadonlyMap<string, string> = new Map([
  // Go's built-in table.
  ['.avif', 'image/avif'],
  ['.css', 'text/css; charset=utf-8'],
  ['.gif', 'image/gif'],
  ['.htm', 'text/html; charset=utf-8'],
  ['.html', 'text/html; charset=utf-8'],
  ['.jpeg', 'image/jpeg'],
  ['.jpg', 'image/jpeg'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.json', 'application/json'],
  ['.mjs', 'text/javascript; charset=utf-8'],
  ['.pdf', 'application/pdf'],
  ['.png', 'image/png'],
  ['.svg', 'image/svg+xml'],
  ['.wasm', 'application/wasm'],
  ['.webp', 'image/webp'],
  ['.xml', 'text/xml; charset=utf-8'],
  // Common mime.types entries.
  ['.txt', 'text/plain; charset=utf-8'],
  ['.csv', 'text/csv; charset=utf-8'],
  ['.md', 'text/markdown; charset=utf-8'],
  ['.ico', 'image/vnd.microsoft.icon'],
  ['.bmp', 'image/bmp'],
  ['.tif', 'image/tiff'],
  ['.tiff', 'image/tiff'],
  ['.mp3', 'audio/mpeg'],
  ['.wav', 'audio/x-wav'],
  ['.ogg', 'audio/ogg'],
  ['.mp4', 'video/mp4'],
  ['.webm', 'video/webm'],
  ['.zip', 'application/zip'],
  ['.gz', 'application/gzip'],
  ['.tar', 'application/x-tar'],
  ['.7z', 'application/x-7z-compressed'],
]);

/** '' when unknown. `ext` includes the dot; matching is case-insensitive, as Go falls back to lower case. */
export function mimeByExtension(ext: string): string {
  if (ext === '') return '';
  return TYPES.get(ext) ?? TYPES.get(ext.toLowerCase()) ?? '';
}
