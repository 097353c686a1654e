// POST/PUT of a needle (Go's PostHandler): form → vid → JWT → body → fid → write → 201/204.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { etagOf } from '../../storage/needle/crc.ts';
import { NeedleFlag, hasFlag } from '../../storage/needle/needle.ts';
import { BodyTooLarge, readBodyBounded } from './body.ts';
import type { ServerContext } from './deps.ts';
import { parseMediaType } from './media-type.ts';
import { type ParsedUpload, UploadError, parseUpload } from './parse-upload.ts';
import { type GoQuery, parseGoQuery } from './query.ts';
import type { AppEnv } from './request-info.ts';
import { WriteRefused, hasReadOnlyCause } from './default-hooks.ts';
import { emptyResponse, jsonError, jsonResponse } from './responses.ts';
import { needleFromUpload } from './upload-needle.ts';
import { uploadResultFields } from './upload-result.ts';
import { FidParseError, type WriteTarget, parseHttpVolumeId, parseUrlPath, writeTargetOf } from './url-path.ts';

/** Go's ParseForm reads at most this much of a urlencoded body. */
const MAX_FORM_BODY_BYTES = 10 * 1024 * 1024;

/**
 * Go's ParseForm: a urlencoded POST/PUT body is consumed as form values (the upload then has
 * no data, as in Go). Returns the form's values ahead of the query's, or an error message.
 */
interface FormValues {
  formValue: (key: string) => string;
  hasFormValue: (key: string) => boolean;
  bodyRead: boolean;
}

async function parseForm(c: Context<AppEnv>, query: GoQuery): Promise<FormValues | string> {
  if (query.error !== undefined) return query.error;
  const mediaType = parseMediaType(c.req.header('content-type') ?? '');
  if (mediaType?.type !== 'application/x-www-form-urlencoded') return { formValue: (key) => query.get(key), hasFormValue: (key) => query.has(key), bodyRead: false };
  let body: Buffer;
  try {
    body = await readBodyBounded(requestBody(c), MAX_FORM_BODY_BYTES);
  } catch (err) {
    return err instanceof BodyTooLarge ? 'http: POST too large' : (err as Error).message;
  }
  const form = parseGoQuery(body.toString('latin1'));
  if (form.error !== undefined) return form.error;
  return { formValue: (key) => (form.has(key) ? form.get(key) : query.get(key)), hasFormValue: (key) => form.has(key) || query.has(key), bodyRead: true };
}

/** The body as @hono/node-server's IncomingMessage when there is one: no web-stream conversion. */
function requestBody(c: Context<AppEnv>): AsyncIterable<Uint8Array> | null {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming !== undefined && !incoming.readableEnded && incoming.readableFlowing === null) return incoming;
  return c.req.raw.body;
}

export async function handleWrite(c: Context<AppEnv>, server: ServerContext): Promise<Response> {
  const info = c.get('info');
  const { hooks, deps } = server;
  const form = await parseForm(c, info.query);
  if (typeof form === 'string') return jsonError(400, form, info.pretty);

  // Go's order: vid (400) → JWT on the URL's fid text (401) → body (400) → fid (400).
  const parts = parseUrlPath(info.path);
  try {
    parseHttpVolumeId(parts.vid);
  } catch (err) {
    if (err instanceof FidParseError) return jsonError(400, err.message, info.pretty);
    throw err;
  }
  if (!hooks.authorize(c, { vidText: parts.vid, fidText: parts.fid, isWrite: true })) {
    return jsonError(401, 'wrong jwt', info.pretty);
  }

  let upload: ParsedUpload;
  try {
    upload = await parseUpload(
      {
        method: c.req.method,
        path: info.path,
        headers: c.req.raw.headers,
        body: requestBody(c),
        formValue: form.formValue,
        hasFormValue: form.hasFormValue,
        fileSizeLimitBytes: deps.fileSizeLimitBytes,
        maxGunzipBytes: server.maxGunzipBytes,
      },
      form.bodyRead,
    );
  } catch (err) {
    if (err instanceof UploadError) return jsonError(400, err.message, info.pretty);
    throw err;
  }
  // The needle written is the one the JWT named: writeTargetOf refuses a path whose write fid
  // differs from the fid text checked above.
  let target: WriteTarget;
  try {
    target = writeTargetOf(info.path, parts);
  } catch (err) {
    if (err instanceof FidParseError) return jsonError(400, err.message, info.pretty);
    throw err;
  }
  assert.equal(target.fidText, parts.fid, 'write fid must be the JWT-checked fid');
  const { volumeId } = target;
  const needle = needleFromUpload(upload, { needleId: target.needleId, cookie: target.cookie }, Math.floor(Date.now() / 1000));

  let unchanged: boolean;
  try {
    ({ unchanged } = await hooks.replicatedWrite(c, {
      volumeId,
      volume: deps.store.findVolume(volumeId),
      needle,
      fsync: upload.fsync,
      isReplicate: upload.isReplicate,
      contentMd5: upload.contentMd5,
    }));
  } catch (err) {
    deps.log(`write ${info.path}: ${(err as Error).message}`);
    // 409 for a read-only volume; the outcome header tells a client it may safely retry elsewhere.
    const headers = err instanceof WriteRefused ? new Headers({ 'X-Seaweed-Write-Outcome': 'refused-before-append' }) : undefined;
    return jsonError(hasReadOnlyCause(err) ? 409 : 500, (err as Error).message, info.pretty, headers);
  }

  const etag = etagOf(needle.checksum);
  const headers = new Headers({ ETag: `"${etag}"`, 'Content-MD5': upload.contentMd5 });
  if (unchanged) return emptyResponse(204, headers);
  const name = hasFlag(needle, NeedleFlag.HasName) ? upload.fileName : '';
  return jsonResponse(201, uploadResultFields({ name, size: upload.originalDataSize, etag, mime: upload.mimeType, contentMd5: upload.contentMd5 }), info.pretty, headers);
}
