// One S3 client construction for every S3-speaking caller (remote reads, the .dat tier): static,
// anonymous or SDK-default credentials, path-style option, bounded connections with timeouts, and
// optionally the connect-time endpoint guard. Checksums only where S3 requires them, since many
// S3-compatible servers reject the SDK's newer default trailers.
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { guardedLookup } from './endpoint-guard.ts';

const CONNECT_TIMEOUT_MS = 10_000;
/** A stalled exchange frees its connection after this long without progress. */
const SOCKET_IDLE_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_SOCKETS = 64;

export interface S3ClientOptions {
  endpoint: string;
  region: string;
  accessKey: string;
  secretKey: string;
  forcePathStyle: boolean;
  /** No credentials at all: send unsigned requests (public buckets) instead of the SDK chain. */
  anonymousWhenNoCredentials?: boolean;
  /** Check every resolved address at connect time (see endpoint-guard.ts). */
  guard?: { allowPrivate: boolean };
  maxSockets?: number;
  idleSocketTimeoutMs?: number;
}

/** The environment names a source for the SDK's default credential chain. */
function credentialSourceConfigured(): boolean {
  return [
    'AWS_ACCESS_KEY_ID',
    'AWS_PROFILE',
    'AWS_DEFAULT_PROFILE',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    'AWS_SHARED_CREDENTIALS_FILE',
    'AWS_CONFIG_FILE',
  ].some((name) => (process.env[name] ?? '') !== '');
}

/** aws-sdk-go's default: an endpoint without a scheme is https. */
export function endpointUrl(endpoint: string): string | undefined {
  if (endpoint === '') return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`;
}

export type S3Sdk = typeof import('@aws-sdk/client-s3');
let sdk: Promise<S3Sdk> | null = null;

/** The SDK, loaded on first use: it costs a noticeable part of a second at startup otherwise. */
export function loadS3Sdk(): Promise<S3Sdk> {
  sdk ??= import('@aws-sdk/client-s3');
  return sdk;
}

export async function makeS3Client(options: S3ClientOptions): Promise<S3Client> {
  const { S3Client } = await loadS3Sdk();
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets !== undefined && options.maxSockets > 0 ? options.maxSockets : DEFAULT_MAX_SOCKETS,
    maxFreeSockets: 32,
    ...(options.guard !== undefined
      ? { lookup: guardedLookup(options.endpoint, options.guard.allowPrivate) as never }
      : {}),
  };
  const config: S3ClientConfig = {
    region: options.region !== '' ? options.region : 'us-east-1',
    forcePathStyle: options.forcePathStyle,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    requestHandler: {
      httpAgent: new http.Agent(agentOptions),
      httpsAgent: new https.Agent(agentOptions),
      connectionTimeout: CONNECT_TIMEOUT_MS,
      socketTimeout:
        options.idleSocketTimeoutMs !== undefined && options.idleSocketTimeoutMs > 0
          ? options.idleSocketTimeoutMs
          : SOCKET_IDLE_TIMEOUT_MS,
    },
  };
  const endpoint = endpointUrl(options.endpoint);
  if (endpoint !== undefined) config.endpoint = endpoint;
  if (options.accessKey !== '' && options.secretKey !== '') {
    config.credentials = { accessKeyId: options.accessKey, secretAccessKey: options.secretKey };
  } else if (
    options.anonymousWhenNoCredentials === true &&
    options.accessKey === '' &&
    options.secretKey === '' &&
    !credentialSourceConfigured()
  ) {
    // Public bucket: requests go out unsigned.
    config.credentials = { accessKeyId: '', secretAccessKey: '' };
    config.signer = { sign: async (request) => request };
  }
  return new S3Client(config);
}

/** S3's "no such key", however the SDK surfaces it. */
export function isNoSuchKey(err: unknown): boolean {
  const e = err as { name?: string; Code?: string } | null;
  return e?.name === 'NoSuchKey' || e?.Code === 'NoSuchKey';
}

/**
 * Reads `length` bytes at `offsetBytes` of an object into `target` at `targetOffset` with one ranged
 * GET. Returns how many bytes came; never writes past `length`.
 */
export async function getRangeInto(
  client: S3Client,
  bucket: string,
  key: string,
  offsetBytes: number,
  length: number,
  target: Buffer,
  targetOffset: number,
  signal?: AbortSignal,
): Promise<number> {
  const { GetObjectCommand } = await loadS3Sdk();
  const response = await client.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${offsetBytes}-${offsetBytes + length - 1}` }),
    signal !== undefined ? { abortSignal: signal } : {},
  );
  const body = response.Body as Readable | undefined;
  if (body === undefined) return 0;
  let received = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      const room = length - received;
      if (chunk.length > room)
        throw new Error(`bucket ${bucket} read ${key}: got more than the ${length} bytes asked for`);
      chunk.copy(target, targetOffset + received);
      received += chunk.length;
    }
  } finally {
    body.destroy();
  }
  return received;
}

/** Runs `tasks` with at most `concurrency` at once; the first failure rejects (others are left to finish). */
export async function runBounded(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < count) {
      const index = next++;
      try {
        await task(index);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker);
  await Promise.all(workers);
}
