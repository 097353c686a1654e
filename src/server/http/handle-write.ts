// POST/PUT of a needle (Go's PostHandler) in the app: form → vid → JWT → body, then storeUpload
// (fid → write → 201/204).
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { BodyTooLarge, readBodyBounded } from './body.ts';
import type { ServerContext } from './deps.ts';
import { parseMediaType } from '../../gocompat/media-type.ts';
import { type ParsedUpload, UploadError, parseUpload } from './parse-upload.ts';
import { type GoQuery, parseGoQuery } from '../../gocompat/query.ts';
import type { AppEnv } from './request-info.ts';
import { toWebResponse } from './plain-response.ts';
import { jsonError } from './responses.ts';
import { storeUpload } from './store-upload.ts';
import { FidParseError, parseHttpVolumeId, parseUrlPath } from './url-path.ts';

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
  if (mediaType?.type !== 'application/x-www-form-urlencoded')
    return { formValue: (key) => query.get(key), hasFormValue: (key) => query.has(key), bodyRead: false };
  let body: Buffer;
  try {
    body = await readBodyBounded(requestBody(c), MAX_FORM_BODY_BYTES);
  } catch (err) {
    return err instanceof BodyTooLarge ? 'http: POST too large' : (err as Error).message;
  }
  const form = parseGoQuery(body.toString('latin1'));
  if (form.error !== undefined) return form.error;
  return {
    formValue: (key) => (form.has(key) ? form.get(key) : query.get(key)),
    hasFormValue: (key) => form.has(key) || query.has(key),
    bodyRead: true,
  };
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
  return toWebResponse(
    await storeUpload(server, { path: info.path, parts, pretty: info.pretty }, upload, (write) =>
      hooks.replicatedWrite(c, write),
    ),
  );
}
