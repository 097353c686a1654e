// Remote object storage as a RemoteConf describes it (filer remote mounts), for FetchAndWriteNeedle.
// Every S3-compatible type upstream knows maps onto one S3 client; azure and gcs are not built
// here. Clients are cached per configuration (bounded), so connections are reused across calls.
import type { S3Client } from '@aws-sdk/client-s3';
import { validateRemoteEndpoint } from './endpoint-guard.ts';
import { getRangeInto, isNoSuchKey, makeS3Client, runBounded } from './s3-client.ts';

export interface RemoteConf {
  type: string;
  name: string;
  [field: string]: unknown;
}

export interface RemoteStorageLocation {
  name: string;
  bucket: string;
  path: string;
}

export class RemoteObjectNotFound extends Error {
  constructor() {
    super('remote object not found');
    this.name = 'RemoteObjectNotFound';
  }
}

interface S3CompatibleOptions {
  endpoint: string;
  region: string;
  accessKey: string;
  secretKey: string;
  forcePathStyle: boolean;
  anonymousWhenNoCredentials: boolean;
}

const str = (conf: RemoteConf, field: string): string =>
  typeof conf[field] === 'string' ? (conf[field] as string) : '';
const env = (name: string): string => process.env[name] ?? '';
const nvl = (a: string, b: string): string => (a !== '' ? a : b);

/** Which RemoteConf fields each S3-compatible type reads (upstream's s3CompatibleClientOptions). */
export function s3CompatibleOptions(conf: RemoteConf): S3CompatibleOptions | null {
  const base = { forcePathStyle: false, anonymousWhenNoCredentials: false };
  switch (conf.type) {
    case 's3':
      return {
        endpoint: str(conf, 's3_endpoint'),
        region: str(conf, 's3_region'),
        accessKey: str(conf, 's3_access_key'),
        secretKey: str(conf, 's3_secret_key'),
        forcePathStyle: conf.s3_force_path_style === true,
        anonymousWhenNoCredentials: true,
      };
    case 'aliyun':
      return {
        ...base,
        endpoint: str(conf, 'aliyun_endpoint'),
        region: str(conf, 'aliyun_region'),
        accessKey: nvl(str(conf, 'aliyun_access_key'), env('ALICLOUD_ACCESS_KEY_ID')),
        secretKey: nvl(str(conf, 'aliyun_secret_key'), env('ALICLOUD_ACCESS_KEY_SECRET')),
      };
    case 'b2':
      return {
        ...base,
        endpoint: str(conf, 'backblaze_endpoint'),
        region: str(conf, 'backblaze_region'),
        accessKey: str(conf, 'backblaze_key_id'),
        secretKey: str(conf, 'backblaze_application_key'),
        forcePathStyle: true,
      };
    case 'baidu':
      return {
        ...base,
        endpoint: str(conf, 'baidu_endpoint'),
        region: str(conf, 'baidu_region'),
        accessKey: nvl(str(conf, 'baidu_access_key'), env('BDCLOUD_ACCESS_KEY')),
        secretKey: nvl(str(conf, 'baidu_secret_key'), env('BDCLOUD_SECRET_KEY')),
      };
    case 'contabo':
      return {
        ...base,
        endpoint: str(conf, 'contabo_endpoint'),
        region: str(conf, 'contabo_region'),
        accessKey: nvl(str(conf, 'contabo_access_key'), env('ACCESS_KEY')),
        secretKey: nvl(str(conf, 'contabo_secret_key'), env('SECRET_KEY')),
        forcePathStyle: true,
      };
    case 'filebase':
      return {
        ...base,
        endpoint: str(conf, 'filebase_endpoint'),
        region: 'us-east-1',
        accessKey: nvl(str(conf, 'filebase_access_key'), env('AWS_ACCESS_KEY_ID')),
        secretKey: nvl(str(conf, 'filebase_secret_key'), env('AWS_SECRET_ACCESS_KEY')),
        forcePathStyle: true,
      };
    case 'storj':
      return {
        ...base,
        endpoint: str(conf, 'storj_endpoint'),
        region: 'us-west-2',
        accessKey: nvl(str(conf, 'storj_access_key'), env('AWS_ACCESS_KEY_ID')),
        secretKey: nvl(str(conf, 'storj_secret_key'), env('AWS_SECRET_ACCESS_KEY')),
        forcePathStyle: true,
      };
    case 'tencent':
      return {
        ...base,
        endpoint: str(conf, 'tencent_endpoint'),
        region: 'us-west-2',
        accessKey: nvl(str(conf, 'tencent_secret_id'), env('COS_SECRETID')),
        secretKey: nvl(str(conf, 'tencent_secret_key'), env('COS_SECRETKEY')),
        forcePathStyle: true,
      };
    case 'wasabi':
      return {
        ...base,
        endpoint: str(conf, 'wasabi_endpoint'),
        region: str(conf, 'wasabi_region'),
        accessKey: str(conf, 'wasabi_access_key'),
        secretKey: str(conf, 'wasabi_secret_key'),
        forcePathStyle: true,
      };
  }
  return null;
}

/** Types upstream can build that this server cannot (no SDK for them here). */
const KNOWN_UNSUPPORTED_TYPES = new Set(['azure', 'gcs']);

/** Upstream reads a remote range in parts of this size. */
const READ_PART_BYTES = 4 * 1024 * 1024;
const DEFAULT_READ_CONCURRENCY = 5;
const MAX_READ_CONCURRENCY = 64;
/** One FetchAndWriteNeedle holds its whole range in memory: refuse anything bigger than this. */
export const MAX_REMOTE_READ_BYTES = 1024 * 1024 * 1024;

export class RemoteStorageClient {
  constructor(
    private readonly s3: S3Client,
    private readonly conf: RemoteConf,
  ) {}

  /** Exactly `size` bytes at `offset` of the object, in parallel ranged GETs. */
  async readFile(loc: RemoteStorageLocation, offsetBytes: number, size: number, concurrency = 0): Promise<Buffer> {
    if (!Number.isSafeInteger(offsetBytes) || offsetBytes < 0) throw new Error(`invalid offset ${offsetBytes}`);
    if (!Number.isSafeInteger(size) || size < 0 || size > MAX_REMOTE_READ_BYTES)
      throw new Error(`invalid size ${size} (at most ${MAX_REMOTE_READ_BYTES} bytes)`);
    const data = Buffer.alloc(size);
    if (size === 0) return data;
    const key = loc.path.slice(1);
    const configured = Number(this.conf.download_concurrency ?? 0);
    const workers = Math.min(
      MAX_READ_CONCURRENCY,
      concurrency > 0 ? concurrency : configured > 0 ? configured : DEFAULT_READ_CONCURRENCY,
    );
    const parts = Math.ceil(size / READ_PART_BYTES);
    const controller = new AbortController();
    try {
      await runBounded(parts, workers, async (index) => {
        const start = index * READ_PART_BYTES;
        const length = Math.min(READ_PART_BYTES, size - start);
        const got = await getRangeInto(
          this.s3,
          loc.bucket,
          key,
          offsetBytes + start,
          length,
          data,
          start,
          controller.signal,
        );
        if (got !== length) {
          throw new Error(
            `short read from ${loc.bucket}${loc.path} at offset ${offsetBytes + start}: got ${got} bytes, want ${length}`,
          );
        }
      });
    } catch (err) {
      controller.abort();
      if (isNoSuchKey(err)) throw new RemoteObjectNotFound();
      if ((err as Error).message.startsWith('short read')) throw err;
      throw new Error(`failed to download file ${loc.bucket}${loc.path}: ${(err as Error).message}`);
    }
    return data;
  }
}

const MAX_CACHED_CLIENTS = 64;
const cache = new Map<string, RemoteStorageClient>();

function cacheKey(conf: RemoteConf, guarded: boolean): string {
  const sorted = Object.keys(conf)
    .sort()
    .map((k) => [k, conf[k]]);
  return `${guarded ? 'guarded' : 'plain'}\u0000${JSON.stringify(sorted)}`;
}

function remember(key: string, client: RemoteStorageClient): RemoteStorageClient {
  if (cache.size >= MAX_CACHED_CLIENTS) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(key, client);
  return client;
}

/**
 * Upstream's BuildGuardedRemoteStorageClient: unless `allowUntrusted`, an S3-compatible conf
 * with an endpoint must pass the endpoint guard and its connections are re-checked at connect
 * time. Error texts are upstream's ("reject remote endpoint: ...", "get remote client: ...").
 */
export async function buildRemoteStorageClient(
  conf: RemoteConf | null | undefined,
  allowUntrusted: boolean,
): Promise<RemoteStorageClient> {
  const remote: RemoteConf = conf ?? { type: '', name: '' };
  const options = s3CompatibleOptions(remote);
  if (options === null) {
    const why = KNOWN_UNSUPPORTED_TYPES.has(remote.type)
      ? `remote storage type ${remote.type} is not supported by this volume server`
      : `remote storage type ${remote.type} not found`;
    throw new Error(`get remote client: make remote storage client ${remote.name}: ${why}`);
  }
  // The generic s3 type without an endpoint dials AWS itself: nothing caller-steered to guard.
  const guarded = !allowUntrusted && !(options.endpoint === '' && remote.type === 's3');
  const key = cacheKey(remote, guarded);
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  if (guarded) {
    try {
      await validateRemoteEndpoint(options.endpoint);
    } catch (err) {
      throw new Error(`reject remote endpoint: ${(err as Error).message}`);
    }
  }
  const s3 = await makeS3Client({ ...options, ...(guarded ? { guard: { allowPrivate: false } } : {}) });
  return remember(key, new RemoteStorageClient(s3, remote));
}

/** Proto text form of a location, as Go's %+v prints it in errors. */
export function formatLocation(loc: RemoteStorageLocation | null | undefined): string {
  if (loc === null || loc === undefined) return '<nil>';
  const fields: string[] = [];
  if (loc.name !== '') fields.push(`name:${JSON.stringify(loc.name)}`);
  if (loc.bucket !== '') fields.push(`bucket:${JSON.stringify(loc.bucket)}`);
  if (loc.path !== '') fields.push(`path:${JSON.stringify(loc.path)}`);
  return fields.join(' ');
}
