// The needle an upload becomes, with the flags Go's CreateNeedleFromRequest sets: name and mime
// whenever shorter than 256 bytes (even empty), LastModified always, TTL only when given.
import { type Needle, NeedleFlag, newNeedle } from '../../storage/needle/needle.ts';
import { isEmptyTtl } from '../../storage/needle/ttl.ts';
import { encodePairs } from './pairs.ts';
import type { ParsedUpload } from './parse-upload.ts';

const MAX_NAME_OR_MIME_BYTES = 255;

export function needleFromUpload(
  upload: ParsedUpload,
  ids: { needleId: bigint; cookie: number },
  nowSeconds: number,
): Needle {
  let flags = NeedleFlag.HasLastModified;
  const nameBytes = Buffer.from(upload.fileName, 'latin1');
  const mimeBytes = Buffer.from(upload.mimeType, 'latin1');
  const name = nameBytes.length <= MAX_NAME_OR_MIME_BYTES ? nameBytes : Buffer.alloc(0);
  const mime = mimeBytes.length <= MAX_NAME_OR_MIME_BYTES ? mimeBytes : Buffer.alloc(0);
  if (nameBytes.length <= MAX_NAME_OR_MIME_BYTES) flags |= NeedleFlag.HasName;
  if (mimeBytes.length <= MAX_NAME_OR_MIME_BYTES) flags |= NeedleFlag.HasMime;
  const pairs = encodePairs(upload.pairs);
  if (pairs !== undefined) flags |= NeedleFlag.HasPairs;
  if (upload.isGzipped) flags |= NeedleFlag.IsCompressed;
  if (!isEmptyTtl(upload.ttl)) flags |= NeedleFlag.HasTtl;
  if (upload.isChunkManifest) flags |= NeedleFlag.IsChunkManifest;
  return newNeedle({
    cookie: ids.cookie,
    id: ids.needleId,
    data: upload.data,
    flags,
    name,
    mime,
    pairs: pairs ?? new Uint8Array(0),
    lastModified: upload.modifiedTimeSeconds !== 0 ? upload.modifiedTimeSeconds : nowSeconds,
    ttl: upload.ttl,
  });
}
