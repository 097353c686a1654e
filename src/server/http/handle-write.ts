// POST/PUT of a needle (Go's PostHandler): form → vid and fid → JWT → body → write → 201/204.
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
import { emptyResponse, jsonError, jsonResponse } from './responses.ts';
import { needleFromUpload } from './upload-needle.ts';
import { uploadResultFields } from './upload-result.ts';
import { FidParseError, type WriteTarget, writeTargetOf } from './url-path.ts';

/** Go's ParseForm reads at most this much of a urlencoded body. */
const MAX_FORM_BODY_BYTES = 10 * 1024 * 1024;

/**
 * Go's ParseForm: a urlencoded POST/PUT body is consumed as form values (the upload then has
 * no data, as in Go). Returns the form's values ahead of the query's, or an error message.
 */
async function parseForm(c: Context<AppEnv>, query: GoQuery): Promise<{ formValue: (key: string) => string; bodyRead: boolean } | string> {
  if (query.error !== undefined) return query.error;
  const mediaType = parseMediaType(c.req.header('content-type') ?? '');
  if (mediaType?.type !== 'application/x-www-form-urlencoded') return { formValue: (key) => query.get(key), bodyRead: false };
  let body: Buffer;
  try {
    body = await readBodyBounded(requestBody(c), MAX_FORM_BODY_BYTES);
  } catch (err) {
    return err instanceof BodyTooLarge ? 'http: POST too large' : (err as Error).message;
  }
  const form = parseGoQuery(body.toString('latin1'));
  if (form.error !== undefined) return form.error;
  return { formValue: (key) => (form.has(key) ? form.get(key) : query.get(key)), bodyRead: true };
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

  // Parsed once so the JWT is checked against the very needle written (Go parses the fid after the body).
  let target: WriteTarget;
  try {
    target = writeTargetOf(info.path);
  } catch (err) {
    if (err instanceof FidParseError) return jsonError(400, err.message, info.pretty);
    throw err;
  }
  const { volumeId } = target;
  if (!hooks.authorize(c, { vidText: target.vidText, fidText: target.fidText, isWrite: true })) {
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
        fileSizeLimitBytes: deps.fileSizeLimitBytes,
        maxGunzipBytes: server.maxGunzipBytes,
      },
      form.bodyRead,
    );
  } catch (err) {
    if (err instanceof UploadError) return jsonError(400, err.message, info.pretty);
    throw err;
  }
  const needle = needleFromUpload(upload, { needleId: target.needleId, cookie: target.cookie }, Math.floor(Date.now() / 1000));

  let unchanged: boolean;
  try {
    ({ unchanged } = await hooks.replicatedWrite(c, {
      volumeId,
      volume: deps.store.findVolume(volumeId),
      needle,
      fsync: upload.fsync,
      isReplicate: form.formValue('type') === 'replicate',
      contentMd5: upload.contentMd5,
    }));
  } catch (err) {
    deps.log(`write ${info.path}: ${(err as Error).message}`);
    return jsonError(500, (err as Error).message, info.pretty);
  }

  const etag = etagOf(needle.checksum);
  const headers = new Headers({ ETag: `"${etag}"`, 'Content-MD5': upload.contentMd5 });
  if (unchanged) return emptyResponse(204, headers);
  const name = hasFlag(needle, NeedleFlag.HasName) ? upload.fileName : '';
  return jsonResponse(201, uploadResultFields({ name, size: upload.originalDataSize, etag, mime: upload.mimeType, contentMd5: upload.contentMd5 }), info.pretty, headers);
}
