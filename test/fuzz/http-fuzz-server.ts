// An in-process volume server for HTTP fuzzing: volume 7 on a temporary disk, the fast path on
// (it parses URLs and bodies itself), chunk manifests expanded, and a set of known needles whose
// stored records are kept to compare against after every fuzzed request.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chunkManifestHooks } from '../../src/server/http/chunk-manifest.ts';
import { jwtAuthorizer } from '../../src/server/http/jwt.ts';
import { type HttpServers, listenHttpServers } from '../../src/server/http/index.ts';
import { Store } from '../../src/store/store.ts';
import { fidText } from './http-input-arbitraries.ts';

import { linesLogger } from '../unit/lines-logger.ts';
export const FUZZ_VOLUME_ID = 7;
/** Known needles: ids 1..KNOWN_NEEDLES under this cookie; fuzzed writes use ids from SCRATCH_FIRST_ID. */
export const KNOWN_COOKIE = 0x1122_3344;
export const KNOWN_NEEDLES = 12;
export const SCRATCH_FIRST_ID = 0x1000n;
export const SCRATCH_IDS = 64;
/** Uploads past this are refused with 400, as -fileSizeLimitMB does. */
const FILE_SIZE_LIMIT_BYTES = 256 * 1024;
/** A fuzzed request that gets no answer in this long is a hang. */
export const REQUEST_TIMEOUT_MS = 10_000;

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Set when the connection ended before a whole response (allowed only mid-body). */
  cut?: string;
}

/** One request; resolves with the reply, or with `cut` when the server ended the connection. */
export function sendRaw(
  port: number,
  method: string,
  target: string,
  headers: Record<string, string>,
  body?: Uint8Array,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path: target, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (err) =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), cut: err.message }),
      );
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => {
      req.destroy();
      reject(new Error(`no answer to ${method} ${target} within ${REQUEST_TIMEOUT_MS} ms`));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function signFidToken(fid: string, key: string, expSeconds = Math.floor(Date.now() / 1000) + 600): string {
  const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify({ fid, exp: expSeconds })).toString('base64url');
  return `${head}.${body}.${createHmac('sha256', key).update(`${head}.${body}`).digest('base64url')}`;
}

export interface KnownNeedle {
  id: bigint;
  fid: string;
  /** What the client uploaded (and reads back). */
  content: Buffer;
  /** The record as stored, to compare after every request. */
  stored: { data: Buffer; cookie: number; flags: number; checksum: number };
}

export interface FuzzServer {
  store: Store;
  port: number;
  /** Empty when writes need no JWT. */
  writeKey: string;
  known: KnownNeedle[];
  logs: string[];
  /** Requests the fast path answered itself (zero on the JWT server, which has it off). */
  fastServed: { reads: number; writes: number };
  /** Throws when a known needle's record or its read-back bytes changed, or the server does not answer. */
  checkIntact(readBack: KnownNeedle | undefined): Promise<void>;
  close(): Promise<void>;
}

/**
 * Contents of the known needles: tiny, text (stored gzipped), binary, near the fast-read bound.
 * None is empty: upstream reads no record for a zero-size entry, so any cookie deletes it (ours
 * does the same), and such a needle cannot be a victim a wrong cookie must not reach.
 */
async function knownContents(): Promise<Buffer[]> {
  const sizes = [1, 2, 7, 100, 1000, 4096, 65_536, 200_000];
  const contents = sizes.map((size) => randomBytes(size));
  // A real image, so resize and crop queries reach the transform rather than its decode failure.
  const sharp = (await import('sharp')).default;
  const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 20, b: 90 } } })
    .png()
    .toBuffer();
  contents.push(Buffer.from('hello fuzz '.repeat(500)), Buffer.from('{"a":1}'), png, Buffer.from('GIF89a'));
  return contents.slice(0, KNOWN_NEEDLES);
}

export async function startFuzzServer(options: { writeKey?: string } = {}): Promise<FuzzServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'needlework-fuzz-'));
  const logs: string[] = [];
  const log = linesLogger(logs, { maxLines: 10_000 });
  const store = new Store([{ dir, maxVolumeCount: 0, diskType: '', diskId: 0 }], 4, log);
  await store.load();
  await store.allocateVolume({
    volumeId: FUZZ_VOLUME_ID,
    collection: '',
    replication: '000',
    ttl: '',
    diskType: '',
    version: 3,
  });
  const writeKey = options.writeKey ?? '';
  const fastServed = { reads: 0, writes: 0 };
  const servers: HttpServers = await listenHttpServers(
    {
      store,
      serverVersion: '30GB 4.53',
      fileSizeLimitBytes: FILE_SIZE_LIMIT_BYTES,
      isHealthy: () => true,
      log,
      fastPath: writeKey === '' ? { reads: true, writes: true, served: fastServed } : { reads: false, writes: false },
      hooks: {
        ...chunkManifestHooks({ store, lookup: undefined }),
        ...(writeKey !== '' ? { authorize: jwtAuthorizer({ writeKey, readKey: '' }) } : {}),
      },
    },
    { host: '127.0.0.1', port: 0, closeGraceMs: 100 },
  );
  const port = servers.adminPort;
  const volume = store.findVolume(FUZZ_VOLUME_ID);
  assert.ok(volume);

  const known: KnownNeedle[] = [];
  for (const [i, content] of (await knownContents()).entries()) {
    const id = BigInt(i + 1);
    const fid = `${FUZZ_VOLUME_ID},${fidText(id, KNOWN_COOKIE)}`;
    const auth: Record<string, string> =
      writeKey !== '' ? { authorization: `Bearer ${signFidToken(fid, writeKey)}` } : {};
    const type =
      content.subarray(1, 4).toString('latin1') === 'PNG'
        ? 'image/png'
        : i % 3 === 0
          ? 'text/plain'
          : 'application/octet-stream';
    const r = await sendRaw(port, 'PUT', `/${fid}`, { 'content-type': type, ...auth }, content);
    assert.equal(r.status, 201, `seed write ${fid}: ${r.status} ${r.body.toString()}`);
    const n = await volume.read(id);
    known.push({
      id,
      fid,
      content,
      stored: { data: Buffer.from(n.data), cookie: n.cookie, flags: n.flags, checksum: n.checksum },
    });
  }

  return {
    store,
    port,
    writeKey,
    known,
    logs,
    fastServed,
    async checkIntact(readBack) {
      const v = store.findVolume(FUZZ_VOLUME_ID);
      assert.ok(v, 'volume 7 is gone');
      for (const k of known) {
        const n = await v.read(k.id);
        assert.ok(Buffer.from(n.data).equals(k.stored.data), `needle ${k.fid} data changed`);
        assert.deepEqual(
          { cookie: n.cookie, flags: n.flags, checksum: n.checksum },
          { cookie: k.stored.cookie, flags: k.stored.flags, checksum: k.stored.checksum },
          `needle ${k.fid} changed`,
        );
      }
      if (readBack !== undefined) {
        const r = await sendRaw(port, 'GET', `/${readBack.fid}`, {});
        assert.equal(r.status, 200, `read back ${readBack.fid}: ${r.status}`);
        assert.ok(r.body.equals(readBack.content), `read back ${readBack.fid}: bytes differ`);
      }
      const status = await sendRaw(port, 'GET', '/status', {});
      assert.equal(status.status, 200, 'server stopped answering /status');
    },
    async close() {
      await servers.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
