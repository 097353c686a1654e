// The body of an upload as Go's needle.ParseUpload reads it: multipart (first part with a
// filename, else the first part) or raw, then name/mime rules, gzip size, and Content-MD5.
import { createHash } from 'node:crypto';
import { EMPTY_TTL, type Ttl, parseTtl } from '../../storage/needle/ttl.ts';
import type { BufferPool } from '../../storage/buffer-pool.ts';
import { BodyTooLarge, contentLengthOf, readBodyBounded } from './body.ts';
import { gzipSync } from 'node:zlib';
import { tryParseGoBool, tryParseGoUint } from '../../gocompat/go-value-syntax.ts';
import { detectContentType } from '../../gocompat/sniff.ts';
import { gunzipBounded, gunzippedLength } from './gzip.ts';
import { parseMediaType, parseMediaTypeShared } from '../../gocompat/media-type.ts';
import { mimeByExtension } from '../../gocompat/mime-types.ts';
import { type MultipartPart, MultipartError, readMultipart } from './multipart.ts';
import { pairsFromHeaders } from './pairs.ts';
import { goPathBase } from './raw-target.ts';

/** Room for multipart framing and small form fields on top of the file size limit. */
export const MULTIPART_OVERHEAD_BYTES = 1024 * 1024;
/**
 * Form fields honoured from a multipart body when the query lacks them: upstream's control
 * fields `type` and `fsync`, plus `ts`, `ttl` and `cm` (the Rust port's extension). Small only.
 */
const FORM_FIELDS = new Set(['ts', 'ttl', 'cm', 'fsync', 'type']);
const MAX_FORM_FIELD_BYTES = 1024;
/** Upstream keeps this much of a `type`/`fsync` field: longer values cannot match "replicate" or "true". */
const CONTROL_FIELD_KEEP_BYTES = 'replicate'.length + 1;

export class UploadError extends Error {}

/** Upstream's IsCompressableFileType, by mime (it passes a base name where an extension is expected). */
export function isCompressibleMime(mime: string): boolean {
  const type = mime.split(';')[0]!.trim().toLowerCase();
  if (type.startsWith('text/')) return true;
  if (type.startsWith('application/'))
    return !type.endsWith('zstd') && (type.endsWith('xml') || type.endsWith('script'));
  if (type.startsWith('audio/')) return ['wave', 'wav', 'x-wav', 'x-pn-wav'].includes(type.slice(6));
  return false;
}

export interface ParsedUpload {
  /** Byte string. */
  fileName: string;
  data: Uint8Array;
  /** Byte string. */
  mimeType: string;
  pairs: Map<string, string>;
  isGzipped: boolean;
  /** Uncompressed length, reported as `size`. */
  originalDataSize: number;
  /** Unix seconds from `ts`; 0 when absent or invalid. */
  modifiedTimeSeconds: number;
  ttl: Ttl;
  isChunkManifest: boolean;
  /** Base64 MD5 of the uncompressed data when the client sent Content-MD5; else ''. */
  contentMd5: string;
  fsync: boolean;
  /** `type=replicate` in the query or, when the query has no `type`, a multipart field. */
  isReplicate: boolean;
  /** The request body as read (`data` may be a view of it): the caller's to give back to `bodyBuffers`, once the needle is written. */
  body: Buffer | null;
}

/** What an upload reads of the request's headers: a web Headers, or a view of node's. */
export type HeaderSource = Pick<Headers, 'get' | 'forEach'>;

export interface UploadRequest {
  method: string;
  /** Decoded URL path (byte string). */
  path: string;
  headers: HeaderSource;
  /** The Node request itself when served by @hono/node-server, else the web body stream. */
  body: AsyncIterable<Uint8Array> | null;
  /** Go's r.FormValue: query (and urlencoded body) values. */
  formValue(key: string): string;
  /** Whether the query (or urlencoded body) has the key at all, even empty; multipart fields fill in only when not. */
  hasFormValue?(key: string): boolean;
  fileSizeLimitBytes: number;
  maxGunzipBytes: number;
  /** Reused buffers for the body, when the caller gives them back (see ParsedUpload.body). */
  bodyBuffers?: BufferPool;
}

/** util.CleanWindowsPathBase. */
function cleanWindowsPathBase(name: string): string {
  return goPathBase(name.replace(/\\/g, '/'));
}

function overLimit(limitBytes: number): UploadError {
  return new UploadError(`file over the limited ${limitBytes} bytes`);
}

/** multipart.Part.FileName(): the disposition's filename, base name only ('' when none). */
function partFileName(part: MultipartPart): string {
  const disposition = part.headers.get('content-disposition');
  if (disposition === undefined) return '';
  const filename = parseMediaTypeShared(disposition)?.params.get('filename') ?? '';
  return filename === '' ? '' : goPathBase(filename);
}

function partFormName(part: MultipartPart): string {
  const parsed = parseMediaTypeShared(part.headers.get('content-disposition') ?? '');
  return parsed?.type === 'form-data' ? (parsed.params.get('name') ?? '') : '';
}

interface BodyParts {
  fileName: string;
  data: Uint8Array;
  contentType: string;
  mimeType: string;
  isGzipped: boolean;
  partContentMd5: string;
  formFields: Map<string, string>;
  /** The whole body as read, or null when nothing was. */
  body: Buffer | null;
}

async function readMultipartBody(request: UploadRequest, contentType: string): Promise<BodyParts> {
  const limit = request.fileSizeLimitBytes;
  const mediaType = contentType === '' ? undefined : parseMediaType(contentType);
  if (mediaType === undefined || mediaType.type !== 'multipart/form-data') {
    throw new UploadError("request Content-Type isn't multipart/form-data");
  }
  const boundary = mediaType.params.get('boundary');
  if (boundary === undefined) throw new UploadError('no multipart boundary param in Content-Type');
  let body: Buffer;
  try {
    body = await readBodyBounded(
      request.body,
      limit + MULTIPART_OVERHEAD_BYTES,
      contentLengthOf(request.headers.get('content-length') ?? undefined),
      request.bodyBuffers,
    );
  } catch (err) {
    if (err instanceof BodyTooLarge) throw overLimit(limit);
    throw new UploadError((err as Error).message);
  }

  const parts = readMultipart(body, boundary);
  const formFields = new Map<string, string>();
  const noteField = (part: MultipartPart): void => {
    const name = partFormName(part);
    if (!FORM_FIELDS.has(name) || formFields.has(name) || !part.complete) return;
    if (name === 'type' || name === 'fsync') {
      // The first such field counts, however long (kept cut short, as upstream does).
      formFields.set(name, part.data.subarray(0, CONTROL_FIELD_KEEP_BYTES).toString('latin1'));
    } else if (part.data.length <= MAX_FORM_FIELD_BYTES) {
      formFields.set(name, part.data.toString('utf8'));
    }
  };
  let first: MultipartPart | undefined;
  try {
    first = parts.next().value as MultipartPart | undefined;
  } catch (err) {
    if (err instanceof MultipartError) throw new UploadError(err.message);
    throw err;
  }
  if (first === undefined) throw new UploadError('EOF');
  if (!first.complete) throw new UploadError('unexpected EOF');
  if (first.data.length > limit) throw overLimit(limit);
  let chosen = first;
  let fileName = partFileName(first);
  if (fileName === '') noteField(first);
  // Go keeps looking for a part with a filename and stops quietly at a broken part; we also
  // read on past it for the form fields.
  try {
    for (const part of parts) {
      const name = partFileName(part);
      if (name === '' || fileName !== '') {
        if (name === '') noteField(part);
        continue;
      }
      if (!part.complete) throw new UploadError('unexpected EOF');
      if (part.data.length > limit) throw overLimit(limit);
      chosen = part;
      fileName = name;
    }
  } catch (err) {
    if (!(err instanceof MultipartError)) throw err;
  }
  if (fileName !== '') fileName = cleanWindowsPathBase(fileName);
  return {
    fileName,
    data: chosen.data,
    contentType: chosen.headers.get('content-type') ?? '',
    mimeType: '',
    isGzipped: chosen.headers.get('content-encoding') === 'gzip',
    partContentMd5: chosen.headers.get('content-md5') ?? '',
    formFields,
    body,
  };
}

async function readRawBody(request: UploadRequest, contentType: string, bodyAlreadyRead: boolean): Promise<BodyParts> {
  const limit = request.fileSizeLimitBytes;
  let disposition = request.headers.get('content-disposition') ?? '';
  let fileName = '';
  if (disposition.includes('name=')) {
    if (!disposition.startsWith('inline') && !disposition.startsWith('attachment'))
      disposition = `attachment; ${disposition}`;
    const parsed = parseMediaType(disposition);
    if (parsed !== undefined) fileName = parsed.params.get('filename') ?? parsed.params.get('name') ?? '';
  }
  fileName = fileName !== '' ? cleanWindowsPathBase(fileName) : goPathBase(request.path);
  let data: Buffer | null = null;
  if (!bodyAlreadyRead) {
    try {
      data = await readBodyBounded(
        request.body,
        limit,
        contentLengthOf(request.headers.get('content-length') ?? undefined),
        request.bodyBuffers,
      );
    } catch (err) {
      if (err instanceof BodyTooLarge) throw overLimit(limit);
      throw new UploadError((err as Error).message);
    }
  }
  return {
    fileName,
    data: data ?? new Uint8Array(0),
    contentType,
    mimeType: contentType,
    isGzipped: request.headers.get('content-encoding') === 'gzip',
    partContentMd5: '',
    formFields: new Map(),
    body: data,
  };
}

function md5Base64(data: Uint8Array): string {
  return createHash('md5').update(data).digest('base64');
}

/**
 * Parses an upload. `bodyAlreadyRead` is set when Go's ParseForm consumed a urlencoded body
 * (the data is then empty, as in Go). Throws UploadError (400) with Go's messages.
 */
export async function parseUpload(request: UploadRequest, bodyAlreadyRead = false): Promise<ParsedUpload> {
  const pairs = pairsFromHeaders(request.headers);
  const contentType = request.headers.get('content-type') ?? '';
  const isMultipart = request.method === 'POST' && (contentType === '' || contentType.includes('form-data'));
  const body = isMultipart
    ? await readMultipartBody(request, contentType)
    : await readRawBody(request, contentType, bodyAlreadyRead);

  // A query key, even empty, wins; multipart fields fill in for keys the query lacks.
  const formValue = (key: string): string => {
    if (body.formFields.size === 0) return request.formValue(key);
    const inQuery = request.hasFormValue !== undefined ? request.hasFormValue(key) : request.formValue(key) !== '';
    return inQuery ? request.formValue(key) : (body.formFields.get(key) ?? '');
  };
  const isReplicate = formValue('type') === 'replicate';
  const isChunkManifest = tryParseGoBool(formValue('cm')) === true;
  let mimeType = body.mimeType;
  if (isReplicate) {
    // A replica copy keeps the mime the source stored, with nothing deduced.
    mimeType = body.contentType;
  } else if (!isChunkManifest) {
    const dot = body.fileName.lastIndexOf('.');
    const mtype = dot > 0 ? mimeByExtension(body.fileName.slice(dot).toLowerCase()) : '';
    const ct = body.contentType;
    if (ct !== '' && ct !== 'application/octet-stream' && mtype !== ct) {
      mimeType = ct;
    } else if (mtype !== '' && mimeType === '' && mtype !== 'application/octet-stream') {
      mimeType = mtype;
    }
  }

  // LastModified is kept in 5 bytes on disk; an absent or bad ts means "now" (0 here).
  const ts = tryParseGoUint(formValue('ts'), 10, 64);
  const modifiedTimeSeconds = ts === undefined ? 0 : Number(ts & 0xff_ffff_ffffn);
  let ttl: Ttl = EMPTY_TTL;
  try {
    ttl = parseTtl(formValue('ttl'));
  } catch {
    ttl = EMPTY_TTL; // Go silently ignores an unparsable ttl
  }

  const expectedMd5 = request.headers.get('content-md5') || body.partContentMd5;
  let originalDataSize = body.data.length;
  let uncompressed = body.data;
  if (body.isGzipped) {
    if (expectedMd5 !== '') {
      try {
        uncompressed = await gunzipBounded(body.data, request.maxGunzipBytes);
        originalDataSize = uncompressed.length;
      } catch {
        // Go keeps the compressed bytes and size when they do not gunzip.
      }
    } else {
      originalDataSize = (await gunzippedLength(body.data)) ?? originalDataSize;
    }
  }
  let contentMd5 = '';
  if (expectedMd5 !== '') {
    contentMd5 = md5Base64(uncompressed);
    if (expectedMd5 !== contentMd5) {
      throw new UploadError(
        `Content-MD5 did not match md5 of file data expected [${expectedMd5}] received [${contentMd5}] size ${uncompressed.length}`,
      );
    }
  }
  // Upstream stores compressible uploads gzipped (never replica copies, which arrive as stored).
  let data = body.data;
  let isGzipped = body.isGzipped;
  if (!isGzipped && !isChunkManifest && !isReplicate && data.length > 0) {
    // Upstream sniffs only when no mime was given; octet-stream means "unknown": not compressed.
    const effective = mimeType === '' ? detectContentType(data.subarray(0, 512)) : mimeType;
    if (effective !== 'application/octet-stream' && isCompressibleMime(effective)) {
      const compressed = gzipSync(data);
      if (compressed.length * 10 < data.length * 9) {
        data = compressed;
        isGzipped = true;
      }
    }
  }
  return {
    fileName: body.fileName,
    data,
    mimeType,
    pairs,
    isGzipped,
    originalDataSize,
    modifiedTimeSeconds,
    ttl,
    isChunkManifest,
    contentMd5,
    fsync: formValue('fsync') === 'true',
    isReplicate,
    body: body.body,
  };
}
