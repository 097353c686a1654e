// The second half of Go's PostHandler, shared by the app and the fast path: the parsed upload
// becomes a needle under the URL's fid, is written (locally and to replicas), and the outcome
// is answered as 201 with the upload result, 204 when unchanged, or Go's 400/409/500.
import assert from 'node:assert/strict';
import { etagOf } from '../../storage/needle/crc.ts';
import { NeedleFlag, hasFlag } from '../../storage/needle/needle.ts';
import type { ServerContext, WriteContext } from './deps.ts';
import { WriteRefused, hasReadOnlyCause } from './default-hooks.ts';
import type { ParsedUpload } from './parse-upload.ts';
import { type PlainResponse, plainEmpty, plainJson, plainJsonError } from './plain-response.ts';
import { needleFromUpload } from './upload-needle.ts';
import { uploadResultFields } from './upload-result.ts';
import { FidParseError, type UrlPathParts, type WriteTarget, writeTargetOf } from './url-path.ts';

export type ReplicatedWrite = (write: WriteContext) => Promise<{ unchanged: boolean }>;

export async function storeUpload(
  server: ServerContext,
  /** `target`, when the caller has parsed the path already, must be writeTargetOf(path, parts). */
  request: { path: string; parts: UrlPathParts; pretty: boolean; target?: WriteTarget },
  upload: ParsedUpload,
  replicatedWrite: ReplicatedWrite,
): Promise<PlainResponse> {
  const { deps } = server;
  // The needle written is the one the JWT named: writeTargetOf refuses a path whose write fid
  // differs from the fid text the JWT was checked against.
  let target: WriteTarget;
  try {
    target = request.target ?? writeTargetOf(request.path, request.parts);
  } catch (err) {
    if (err instanceof FidParseError) return plainJsonError(400, err.message, request.pretty);
    throw err;
  }
  assert.equal(target.fidText, request.parts.fid, 'write fid must be the JWT-checked fid');
  const { volumeId } = target;
  const needle = needleFromUpload(
    upload,
    { needleId: target.needleId, cookie: target.cookie },
    Math.floor(Date.now() / 1000),
  );

  let unchanged: boolean;
  try {
    ({ unchanged } = await replicatedWrite({
      volumeId,
      volume: deps.store.findVolume(volumeId),
      needle,
      fsync: upload.fsync,
      isReplicate: upload.isReplicate,
      contentMd5: upload.contentMd5,
    }));
  } catch (err) {
    deps.log.warn(`write ${request.path}: ${(err as Error).message}`, {
      path: request.path,
      error: (err as Error).message,
    });
    // 409 for a read-only volume; the outcome header tells a client it may safely retry elsewhere.
    const headers: Array<[string, string]> =
      err instanceof WriteRefused ? [['x-seaweed-write-outcome', 'refused-before-append']] : [];
    return plainJsonError(hasReadOnlyCause(err) ? 409 : 500, (err as Error).message, request.pretty, headers);
  }

  const etag = etagOf(needle.checksum);
  const headers: Array<[string, string]> = [
    ['content-md5', upload.contentMd5],
    ['etag', `"${etag}"`],
  ];
  if (unchanged) return plainEmpty(204, headers);
  const name = hasFlag(needle, NeedleFlag.HasName) ? upload.fileName : '';
  return plainJson(
    201,
    uploadResultFields({
      name,
      size: upload.originalDataSize,
      etag,
      mime: upload.mimeType,
      contentMd5: upload.contentMd5,
    }),
    request.pretty,
    headers,
  );
}
