// POST/PUT of one upload to a local volume with no replicas, ahead of the app. The checks that could
// send the request elsewhere (shape, form encoding, length, volume, replicas) come first and
// touch nothing; once the body is being read the fast path answers itself, with the same
// parser and write core as the app (parseUpload, storeUpload), so the outcome is the same.
import type { BufferPool } from '../../storage/buffer-pool.ts';
import { copyCount } from '../../storage/replica-placement.ts';
import { contentLengthOf } from './body.ts';
import { writeLocally } from './default-hooks.ts';
import type { ServerContext } from './deps.ts';
import type { FastRequest } from './fast-request.ts';
import type { FastTarget } from './fast-target.ts';
import { NodeHeaderView } from './node-headers.ts';
import { MULTIPART_OVERHEAD_BYTES, type ParsedUpload, UploadError, parseUpload } from './parse-upload.ts';
import { type PlainResponse, plainJsonError } from './plain-response.ts';
import { parseGoQuery } from '../../gocompat/query.ts';
import { storeUpload } from './store-upload.ts';

/**
 * Resolves the response to send, or null (nothing read) when the app must serve the request.
 * The body is read into a buffer from `bodyBuffers`, given back once the write has settled (the
 * volume has then copied or written the needle's data, and nothing refers to it any more).
 */
export async function tryFastWrite(
  req: FastRequest,
  server: ServerContext,
  target: FastTarget,
  bodyBuffers: BufferPool,
): Promise<PlainResponse | null> {
  const h = req.headers;
  if (h.origin !== undefined || h['transfer-encoding'] !== undefined) return null;
  // Go's ParseForm would consume a urlencoded body as form values: the app's case.
  if ((h['content-type'] ?? '').toLowerCase().includes('x-www-form-urlencoded')) return null;
  const lengthBytes = contentLengthOf(h['content-length']);
  const { deps } = server;
  if (lengthBytes === undefined || lengthBytes > deps.fileSizeLimitBytes + MULTIPART_OVERHEAD_BYTES) return null;
  const query = parseGoQuery(target.rawQuery);
  if (query.error !== undefined) return null;
  const volume = deps.store.findVolume(target.volumeId);
  if (volume === undefined || volume.isReadOnly || copyCount(volume.superBlock.replicaPlacement) > 1) return null;

  const pretty = query.get('pretty') !== '';
  let upload: ParsedUpload;
  try {
    upload = await parseUpload({
      method: req.method,
      path: target.path,
      headers: new NodeHeaderView(h),
      body: req.body,
      formValue: (key) => query.get(key),
      hasFormValue: (key) => query.has(key),
      fileSizeLimitBytes: deps.fileSizeLimitBytes,
      maxGunzipBytes: server.maxGunzipBytes,
      bodyBuffers,
    });
  } catch (err) {
    if (err instanceof UploadError) return plainJsonError(400, err.message, pretty);
    throw err;
  }
  try {
    return await storeUpload(
      server,
      { path: target.path, parts: target.parts, pretty, target: target.write },
      upload,
      (write) => writeLocally(write),
    );
  } finally {
    if (upload.body !== null) bodyBuffers.give(upload.body);
  }
}
