// The s3 `.dat` tier: a volume's `.dat` uploaded whole under a random key, downloaded back, read by
// range. Properties are [storage.backend.s3.<id>]'s keys as the master forwards them. Parts are
// streamed from and to the file by range, so memory stays at the socket buffers whatever the size.
import { randomUUID } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { S3Client, StorageClass } from '@aws-sdk/client-s3';
import { type S3Sdk, getRangeInto, loadS3Sdk, makeS3Client, runBounded } from './s3-client.ts';
import { type BackendStorage, type TierProgress, registerBackendType } from '../storage/backend/backend.ts';

const DEFAULT_UPLOAD_CONCURRENCY = 5;
const DEFAULT_DOWNLOAD_CONCURRENCY = 5;
/** Upstream's part sizes: 64 MiB up, growing x4 until at most 1000 parts; 64 MiB down. */
const UPLOAD_PART_BYTES = 64 * 1024 * 1024;
const MAX_UPLOAD_PARTS = 1000;
const DOWNLOAD_PART_BYTES = 64 * 1024 * 1024;
/** Upstream retries a whole tier upload this many times (util.Retry). */
const UPLOAD_ATTEMPTS = 3;
const UPLOAD_RETRY_PAUSE_MS = 1_000;

function parseBool(text: string | undefined, fallback: boolean): boolean {
  if (text === undefined || text === '') return fallback;
  const t = text.toLowerCase();
  if (['1', 't', 'true', 'y', 'yes', 'on'].includes(t)) return true;
  if (['0', 'f', 'false', 'n', 'no', 'off'].includes(t)) return false;
  return fallback;
}

function parsePositive(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

function parseNonNegative(text: string | undefined): number {
  if (text === undefined || text === '') return 0;
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

export function uploadPartSizeBytes(fileSizeBytes: number): number {
  let part = UPLOAD_PART_BYTES;
  while (part * MAX_UPLOAD_PARTS < fileSizeBytes) part *= 4;
  return part;
}

/** Counts bytes as they leave, reporting through `progress` (which may reject to abort). */
async function* counted(source: AsyncIterable<Buffer>, onBytes: (n: number) => Promise<void>): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    await onBytes(chunk.length);
    yield chunk;
  }
}

export class S3BackendStorage implements BackendStorage {
  readonly type = 's3';
  private readonly accessKey: string;
  private readonly secretKey: string;
  private readonly region: string;
  readonly bucket: string;
  private readonly endpoint: string;
  private readonly storageClass: string;
  private readonly forcePathStyle: boolean;
  private readonly uploadConcurrency: number;
  private readonly downloadConcurrency: number;
  private readonly disableHttp2: boolean;
  private readonly maxConnections: number;
  private readonly idleTimeoutSeconds: number;
  private clientPromise: Promise<S3Client> | null;

  constructor(
    properties: Record<string, string>,
    readonly id: string,
    client?: S3Client,
  ) {
    this.accessKey = properties.aws_access_key_id ?? '';
    this.secretKey = properties.aws_secret_access_key ?? '';
    this.region = properties.region ?? '';
    this.bucket = properties.bucket ?? '';
    this.endpoint = properties.endpoint ?? '';
    this.storageClass = (properties.storage_class ?? '') !== '' ? properties.storage_class! : 'STANDARD_IA';
    this.forcePathStyle = parseBool(properties.force_path_style, true);
    this.uploadConcurrency = parsePositive(properties.upload_concurrency, DEFAULT_UPLOAD_CONCURRENCY);
    this.downloadConcurrency = parsePositive(properties.download_concurrency, DEFAULT_DOWNLOAD_CONCURRENCY);
    // Node's agents speak HTTP/1.1 only, so disable_http2 is kept for the round trip but moot.
    this.disableHttp2 = parseBool(properties.disable_http2, false);
    this.maxConnections = parseNonNegative(properties.max_connections);
    this.idleTimeoutSeconds = parseNonNegative(properties.idle_connection_timeout_seconds);
    this.clientPromise = client !== undefined ? Promise.resolve(client) : null;
  }

  /** The client and SDK, built on first use (the SDK loads lazily). */
  private async s3(): Promise<{ client: S3Client; sdk: S3Sdk }> {
    this.clientPromise ??= makeS3Client({
      endpoint: this.endpoint,
      region: this.region,
      accessKey: this.accessKey,
      secretKey: this.secretKey,
      forcePathStyle: this.forcePathStyle,
      ...(this.maxConnections > 0 ? { maxSockets: this.maxConnections } : {}),
      ...(this.idleTimeoutSeconds > 0 ? { idleSocketTimeoutMs: this.idleTimeoutSeconds * 1000 } : {}),
    });
    return { client: await this.clientPromise, sdk: await loadS3Sdk() };
  }

  toProperties(): Record<string, string> {
    return {
      aws_access_key_id: this.accessKey,
      aws_secret_access_key: this.secretKey,
      region: this.region,
      bucket: this.bucket,
      endpoint: this.endpoint,
      storage_class: this.storageClass,
      force_path_style: String(this.forcePathStyle),
      upload_concurrency: String(this.uploadConcurrency),
      download_concurrency: String(this.downloadConcurrency),
      disable_http2: String(this.disableHttp2),
      max_connections: String(this.maxConnections),
      idle_connection_timeout_seconds: String(this.idleTimeoutSeconds),
    };
  }

  async copyFile(
    filePath: string,
    progress: TierProgress,
    concurrency: number,
  ): Promise<{ key: string; sizeBytes: number }> {
    const key = randomUUID();
    const workers = concurrency > 0 ? concurrency : this.uploadConcurrency;
    let lastErr: unknown;
    for (let attempt = 1; attempt <= UPLOAD_ATTEMPTS; attempt++) {
      try {
        const sizeBytes = await this.upload(filePath, key, progress, workers);
        return { key, sizeBytes };
      } catch (err) {
        lastErr = err;
        if ((err as { abortsTier?: boolean }).abortsTier === true) break;
        if (attempt < UPLOAD_ATTEMPTS) await new Promise((r) => setTimeout(r, UPLOAD_RETRY_PAUSE_MS * attempt));
      }
    }
    throw lastErr;
  }

  private async upload(filePath: string, key: string, progress: TierProgress, workers: number): Promise<number> {
    const { client, sdk } = await this.s3();
    const sizeBytes = (await fs.stat(filePath)).size;
    let sentBytes = 0;
    const onBytes = async (n: number): Promise<void> => {
      sentBytes += n;
      try {
        await progress(sentBytes, sizeBytes === 0 ? 100 : (sentBytes * 100) / sizeBytes);
      } catch (err) {
        // The caller left: no point retrying.
        throw Object.assign(err instanceof Error ? err : new Error(String(err)), { abortsTier: true });
      }
    };
    const body = (start: number, endInclusive: number): Readable =>
      Readable.from(
        counted(
          createReadStream(filePath, { start, end: endInclusive, highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>,
          onBytes,
        ),
        {
          objectMode: false,
        },
      );
    const partBytes = uploadPartSizeBytes(sizeBytes);
    const storageClass = this.storageClass as StorageClass;
    if (sizeBytes <= partBytes) {
      await client.send(
        new sdk.PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: sizeBytes === 0 ? Buffer.alloc(0) : body(0, sizeBytes - 1),
          ContentLength: sizeBytes,
          StorageClass: storageClass,
        }),
      );
      return sizeBytes;
    }
    const created = await client.send(
      new sdk.CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, StorageClass: storageClass }),
    );
    const uploadId = created.UploadId;
    if (uploadId === undefined) throw new Error(`failed to upload file ${filePath}: no upload id`);
    const parts = Math.ceil(sizeBytes / partBytes);
    const etags: string[] = new Array<string>(parts);
    try {
      await runBounded(parts, workers, async (index) => {
        const start = index * partBytes;
        const length = Math.min(partBytes, sizeBytes - start);
        const result = await client.send(
          new sdk.UploadPartCommand({
            Bucket: this.bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: index + 1,
            ContentLength: length,
            Body: body(start, start + length - 1),
          }),
        );
        etags[index] = result.ETag ?? '';
      });
      await client.send(
        new sdk.CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
        }),
      );
    } catch (err) {
      // Best effort: the upload's own error is the one to report.
      await client
        .send(new sdk.AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }))
        .catch(() => {});
      throw err;
    }
    return sizeBytes;
  }

  async downloadFile(filePath: string, key: string, progress: TierProgress, concurrency: number): Promise<number> {
    const { client, sdk } = await this.s3();
    const workers = concurrency > 0 ? concurrency : this.downloadConcurrency;
    const head = await client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: key }));
    const sizeBytes = head.ContentLength ?? 0;
    const file = await fs.open(filePath, 'w', 0o644);
    let writtenBytes = 0;
    try {
      const parts = Math.ceil(sizeBytes / DOWNLOAD_PART_BYTES);
      await runBounded(parts, workers, async (index) => {
        const start = index * DOWNLOAD_PART_BYTES;
        const length = Math.min(DOWNLOAD_PART_BYTES, sizeBytes - start);
        const got = await this.streamRangeToFile(key, start, length, file, async (n) => {
          writtenBytes += n;
          await progress(writtenBytes, sizeBytes === 0 ? 100 : (writtenBytes * 100) / sizeBytes);
        });
        if (got !== length) throw new Error(`short read of ${key} at ${start}: got ${got} bytes, want ${length}`);
      });
      // Durable before the caller drops the remote reference and deletes the remote object.
      await file.sync();
    } catch (err) {
      throw new Error(`failed to download /buckets/${this.bucket}/${key} to ${filePath}: ${(err as Error).message}`);
    } finally {
      await file.close();
    }
    return sizeBytes;
  }

  private async streamRangeToFile(
    key: string,
    start: number,
    length: number,
    file: FileHandle,
    onBytes: (n: number) => Promise<void>,
  ): Promise<number> {
    const { client, sdk } = await this.s3();
    const response = await client.send(
      new sdk.GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=${start}-${start + length - 1}` }),
    );
    const body = response.Body as Readable | undefined;
    if (body === undefined) return 0;
    let received = 0;
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        if (received + chunk.length > length) throw new Error(`got more than the ${length} bytes asked for`);
        let done = 0;
        while (done < chunk.length) {
          const { bytesWritten } = await file.write(chunk, done, chunk.length - done, start + received + done);
          done += bytesWritten;
        }
        received += chunk.length;
        await onBytes(chunk.length);
      }
    } finally {
      body.destroy();
    }
    return received;
  }

  async deleteFile(key: string): Promise<void> {
    const { client, sdk } = await this.s3();
    await client.send(new sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async readAt(key: string, offsetBytes: number, length: number): Promise<Buffer> {
    const { client } = await this.s3();
    const target = Buffer.alloc(length);
    if (length === 0) return target;
    const got = await getRangeInto(client, this.bucket, key.replace(/^\//, ''), offsetBytes, length, target, 0);
    return target.subarray(0, got);
  }
}

/** Makes "s3" a backend type the master's [storage.backend] list may name (idempotent). */
export function registerS3BackendType(): void {
  registerBackendType('s3', (properties, id) => new S3BackendStorage(properties, id));
}
