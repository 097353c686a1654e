// The fast path must answer exactly as the app does. Two listeners share one store: one with the
// fast path on, one without. Each request goes to both and the replies are compared (status,
// body, and every header but Date and the request id); the fast path's own counters show which
// requests it really served, so the comparison cannot pass by everything falling through.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listenHttpServers, type HttpServers } from '../../src/server/http/index.ts';
import { Store } from '../../src/store/store.ts';
import { type Reply, send } from '../support/http-fixture.ts';
import { tempDir } from '../support/helpers.ts';
import { silentLogger } from '../../src/log/logger.ts';

const VOLUME_ID = 7;
const VARYING_HEADERS = new Set(['date', 'x-amz-request-id']);

/** `fidText` (a raw upload's name is its path) is replaced so replies for two fids compare. */
function comparable(reply: Reply, fidText = ''): { status: number; headers: Record<string, unknown>; body: string } {
  const headers: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(reply.headers).sort(([a], [b]) => a.localeCompare(b))) {
    if (!VARYING_HEADERS.has(name)) headers[name] = value;
  }
  const body = reply.body.toString('latin1');
  return { status: reply.status, headers, body: fidText === '' ? body : body.replaceAll(fidText, '<fid>') };
}

function multipart(boundary: string, data: Buffer | string, partHeaders: string[]): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\n${partHeaders.join('\r\n')}\r\n\r\n`, 'latin1'),
    Buffer.isBuffer(data) ? data : Buffer.from(data, 'latin1'),
    Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'),
  ]);
}

interface Upload {
  name: string;
  method: 'POST' | 'PUT';
  query?: string;
  headers: Record<string, string>;
  body: Buffer;
  /** Whether the fast path is expected to answer it itself. */
  fast: boolean;
}

const BOUNDARY = 'fastpathboundary';
const form = (data: Buffer | string, ...partHeaders: string[]) => ({
  headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` },
  body: multipart(BOUNDARY, data, partHeaders),
});
const uploads: Upload[] = [
  {
    name: 'multipart with name and mime',
    method: 'POST',
    fast: true,
    ...form(
      'hello world',
      'Content-Disposition: form-data; name="file"; filename="a.bin"',
      'Content-Type: image/bench',
    ),
  },
  {
    name: 'multipart without a name',
    method: 'POST',
    fast: true,
    ...form(Buffer.alloc(1500, 7), 'Content-Disposition: form-data; name="file"'),
  },
  {
    name: 'compressible text (stored gzipped)',
    method: 'POST',
    fast: true,
    ...form(
      'text '.repeat(400),
      'Content-Disposition: form-data; name="file"; filename="t.txt"',
      'Content-Type: text/plain',
    ),
  },
  {
    name: 'raw PUT',
    method: 'PUT',
    fast: true,
    headers: { 'Content-Type': 'application/octet-stream' },
    body: Buffer.alloc(3000, 1),
  },
  {
    name: 'with ts and pairs',
    method: 'POST',
    query: 'ts=1700000000',
    fast: true,
    ...(() => {
      const f = form('paired', 'Content-Disposition: form-data; name="file"; filename="p.dat"');
      return { ...f, headers: { ...f.headers, 'Seaweed-Color': 'blue' } };
    })(),
  },
  {
    name: 'good Content-MD5',
    method: 'POST',
    fast: true,
    ...(() => {
      const f = form('md5 body', 'Content-Disposition: form-data; name="file"; filename="m.bin"');
      return { ...f, headers: { ...f.headers, 'Content-MD5': 'W9Vk3MjNBMgbOEd+Z+AF3w==' } };
    })(),
  },
  {
    name: 'bad Content-MD5 (400)',
    method: 'POST',
    fast: true,
    ...(() => {
      const f = form('md5 body', 'Content-Disposition: form-data; name="file"; filename="m.bin"');
      return { ...f, headers: { ...f.headers, 'Content-MD5': 'AAAAAAAAAAAAAAAAAAAAAA==' } };
    })(),
  },
  {
    name: 'multipart with no parts (400)',
    method: 'POST',
    fast: true,
    headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` },
    body: Buffer.from(`--${BOUNDARY}--\r\n`),
  },
  {
    name: 'urlencoded form (declined)',
    method: 'POST',
    fast: false,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: Buffer.from('a=b'),
  },
  {
    name: 'bad query escape (declined)',
    method: 'POST',
    query: 'ts=%zz',
    fast: false,
    ...form('x', 'Content-Disposition: form-data; name="file"; filename="q.bin"'),
  },
];

describe('the fast path answers as the app does', () => {
  let store: Store;
  let fastServers: HttpServers;
  let appServers: HttpServers;
  const served: { reads: number; writes: number; deletes?: number } = { reads: 0, writes: 0 };
  let nextKey = 0x100;

  before(async () => {
    const dir = await tempDir('needlework-fast-path-');
    store = new Store([{ dir, maxVolumeCount: 0, diskType: '', diskId: 0 }], 4, silentLogger);
    await store.load();
    await store.allocateVolume({
      volumeId: VOLUME_ID,
      collection: '',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    const deps = {
      store,
      serverVersion: '30GB 4.53',
      fileSizeLimitBytes: 1024 * 1024,
      isHealthy: () => true,
      log: silentLogger,
    };
    fastServers = await listenHttpServers(
      { ...deps, fastPath: { reads: true, writes: true, served } },
      { host: '127.0.0.1', port: 0, closeGraceMs: 100 },
    );
    appServers = await listenHttpServers(deps, { host: '127.0.0.1', port: 0, closeGraceMs: 100 });
  });
  after(async () => {
    await fastServers.close();
    await appServers.close();
    await store.close();
  });

  const fid = (key: number, cookie = 0x12345678) =>
    `${VOLUME_ID},${key.toString(16)}${cookie.toString(16).padStart(8, '0')}`;

  for (const upload of uploads) {
    it(`writes: ${upload.name}`, async () => {
      const path = (key: number) => `/${fid(key)}${upload.query !== undefined ? `?${upload.query}` : ''}`;
      const before = served.writes;
      // Fresh ids on each side: the answers of a first write are compared.
      const fastKey = nextKey++;
      const appKey = nextKey++;
      const fast = await send(fastServers.adminPort, upload.method, path(fastKey), upload.headers, upload.body);
      const app = await send(appServers.adminPort, upload.method, path(appKey), upload.headers, upload.body);
      assert.deepEqual(comparable(fast, fid(fastKey)), comparable(app, fid(appKey)));
      assert.equal(served.writes - before, upload.fast ? 1 : 0, 'served by the fast path');
    });
  }

  it('writes: an unchanged re-upload answers 204 on both', async () => {
    const { headers, body } = form('same bytes', 'Content-Disposition: form-data; name="file"; filename="s.bin"');
    const key = nextKey++;
    await send(appServers.adminPort, 'POST', `/${fid(key)}`, headers, body);
    const fast = await send(fastServers.adminPort, 'POST', `/${fid(key)}`, headers, body);
    const app = await send(appServers.adminPort, 'POST', `/${fid(key)}`, headers, body);
    assert.equal(fast.status, 204);
    assert.deepEqual(comparable(fast), comparable(app));
  });

  it('writes: bodies in reused buffers never leak into another needle', async () => {
    // Large bodies come from a pool and go back once written: concurrent uploads of distinct
    // bytes (in several pool size classes) must each read back exactly as sent.
    const before = served.writes;
    const sizesBytes = [100_000, 100_000, 100_000, 300_000];
    const uploadsSent = Array.from({ length: 48 }, (_, i) => {
      const data = Buffer.alloc(sizesBytes[i % sizesBytes.length] as number, i + 1);
      data.writeUInt32BE(i, 0);
      return { key: nextKey++, data };
    });
    // A few senders, each one upload after another: buffers given back are taken again at once.
    const SENDERS = 6;
    await Promise.all(
      Array.from({ length: SENDERS }, async (_, sender) => {
        for (let i = sender; i < uploadsSent.length; i += SENDERS) {
          const { key, data } = uploadsSent[i] as { key: number; data: Buffer };
          const { headers, body } = form(
            data,
            'Content-Disposition: form-data; name="file"; filename="big.bin"',
            'Content-Type: image/bench',
          );
          assert.equal((await send(fastServers.adminPort, 'POST', `/${fid(key)}`, headers, body)).status, 201);
        }
      }),
    );
    assert.equal(served.writes - before, uploadsSent.length, 'served by the fast path');
    for (const { key, data } of uploadsSent) {
      const read = await send(appServers.adminPort, 'GET', `/${fid(key)}`);
      assert.equal(read.status, 200);
      assert.ok(read.body.equals(data), `needle ${key.toString(16)} reads back as written`);
    }
  });

  describe('deletes', () => {
    const cases: Array<{
      name: string;
      write: boolean;
      cookie?: number;
      query?: string;
      times?: number;
      fast: boolean;
    }> = [
      { name: 'a live needle (202 with its size)', write: true, fast: true },
      { name: 'a missing needle (declined, 404)', write: false, fast: false },
      { name: 'a wrong cookie (declined, 400)', write: true, cookie: 0x1, fast: false },
      { name: 'with a query (declined)', write: true, query: 'type=replicate', fast: false },
      { name: 'twice: the second finds a tombstone (declined, 404)', write: true, times: 2, fast: true },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const { headers, body } = form('delete me', 'Content-Disposition: form-data; name="file"; filename="d.bin"');
        const before = served.deletes ?? 0;
        const [fastKey, appKey] = [nextKey++, nextKey++];
        const path = (key: number) => `/${fid(key, c.cookie)}${c.query !== undefined ? `?${c.query}` : ''}`;
        for (const key of c.write ? [fastKey, appKey] : []) {
          assert.equal((await send(appServers.adminPort, 'POST', `/${fid(key)}`, headers, body)).status, 201);
        }
        for (let i = 0; i < (c.times ?? 1); i++) {
          const fast = await send(fastServers.adminPort, 'DELETE', path(fastKey));
          const app = await send(appServers.adminPort, 'DELETE', path(appKey));
          assert.deepEqual(comparable(fast), comparable(app));
        }
        assert.equal((served.deletes ?? 0) - before, c.fast ? 1 : 0, 'served by the fast path');
        if (c.fast) assert.equal((await send(appServers.adminPort, 'GET', `/${fid(fastKey)}`)).status, 404);
      });
    }
  });

  describe('reads', () => {
    const keys: Record<string, number> = {};
    before(async () => {
      for (const [label, upload] of uploads.slice(0, 6).map((u, i) => [`u${i}`, u] as const)) {
        keys[label] = nextKey;
        const reply = await send(
          appServers.adminPort,
          upload.method,
          `/${fid(nextKey++)}${upload.query !== undefined ? `?${upload.query}` : ''}`,
          upload.headers,
          upload.body,
        );
        assert.equal(reply.status, 201);
      }
      keys.deleted = keys.u0 as number;
      keys.deletedCopy = nextKey;
      const { headers, body } = form('to delete', 'Content-Disposition: form-data; name="file"; filename="d.bin"');
      await send(appServers.adminPort, 'POST', `/${fid(nextKey)}`, headers, body);
      assert.equal((await send(appServers.adminPort, 'DELETE', `/${fid(nextKey++)}`)).status, 202);
    });

    const cases: Array<{
      name: string;
      method?: string;
      key: string;
      cookie?: number;
      suffix?: string;
      headers?: Record<string, string>;
      fast: boolean;
    }> = [
      { name: 'named needle with mime', key: 'u0', fast: true },
      { name: 'needle without a name (sniffed type)', key: 'u1', fast: true },
      { name: 'with an extension in the URL', key: 'u1', suffix: '.jpg', fast: true },
      { name: 'gzipped needle, client takes gzip', key: 'u2', headers: { 'Accept-Encoding': 'gzip' }, fast: true },
      { name: 'gzipped needle, client does not (declined)', key: 'u2', fast: false },
      { name: 'raw PUT', key: 'u3', fast: true },
      { name: 'needle with pairs (declined)', key: 'u4', fast: false },
      { name: 'HEAD', method: 'HEAD', key: 'u0', fast: true },
      { name: 'HEAD without a type (declined)', method: 'HEAD', key: 'u1', fast: false },
      { name: 'range (declined)', key: 'u0', headers: { Range: 'bytes=0-3' }, fast: false },
      { name: 'If-None-Match (declined)', key: 'u0', headers: { 'If-None-Match': '"x"' }, fast: false },
      { name: 'wrong cookie (declined, 404)', key: 'u0', cookie: 0x1, fast: false },
      { name: 'deleted (declined, 404)', key: 'deletedCopy', fast: false },
      { name: 'query string (declined)', key: 'u0', suffix: '?dl=true', fast: false },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const path = `/${fid(keys[c.key] as number, c.cookie)}${c.suffix ?? ''}`;
        const before = served.reads;
        const fast = await send(fastServers.adminPort, c.method ?? 'GET', path, c.headers);
        const app = await send(appServers.adminPort, c.method ?? 'GET', path, c.headers);
        assert.deepEqual(comparable(fast), comparable(app));
        assert.equal(served.reads - before, c.fast ? 1 : 0, 'served by the fast path');
      });
    }

    it('a missing volume and a missing needle fall through to 404', async () => {
      const before = served.reads;
      for (const path of [`/99,${(0x55).toString(16)}12345678`, `/${fid(0xfffff)}`]) {
        const fast = await send(fastServers.adminPort, 'GET', path);
        assert.equal(fast.status, 404);
        assert.deepEqual(comparable(fast), comparable(await send(appServers.adminPort, 'GET', path)));
      }
      assert.equal(served.reads, before);
    });
  });
});
