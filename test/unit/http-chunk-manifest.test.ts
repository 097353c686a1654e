import assert from 'node:assert/strict';
import { once } from 'node:events';
import {
  type IncomingMessage,
  type Server,
  type ServerResponse,
  createServer,
  request as httpRequest,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createGzip } from 'node:zlib';
import { chunkManifestHooks } from '../../src/server/http/chunk-manifest.ts';
import { GunzipLimitError, gunzipPieces } from '../../src/server/http/gzip.ts';
import { type Fixture, send, startFixture } from '../support/http-fixture.ts';

describe('chunk manifests', () => {
  let fx: Fixture;
  before(async () => {
    fx = await startFixture(8 * 1024 * 1024, (store) => chunkManifestHooks({ store, lookup: undefined }));
  });
  after(() => fx.servers.close());

  async function upload(fid: string, body: string, query = '', type = 'application/octet-stream') {
    const res = await send(fx.admin, 'POST', `/${fid}${query}`, { 'Content-Type': type }, body);
    assert.equal(res.status, 201, res.body.toString());
  }

  it('expands, serves ranges across chunks, bypasses with cm=false, and deletes children first', async () => {
    await upload('7,0100000001', 'hello ');
    await upload('7,0200000002', 'manifest world');
    const manifest = {
      name: 'joined.txt',
      mime: 'text/plain',
      size: 20,
      chunks: [
        { fid: '7,0200000002', offset: 6, size: 14 },
        { fid: '7,0100000001', offset: 0, size: 6 },
      ],
    };
    await upload('7,0300000003', JSON.stringify(manifest), '?cm=true', 'application/json');

    const full = await send(fx.admin, 'GET', '/7,0300000003');
    assert.equal(full.status, 200);
    assert.equal(full.body.toString(), 'hello manifest world');
    assert.equal(full.headers['x-file-store'], 'chunked');
    assert.equal(full.headers['content-type'], 'text/plain');
    const range = await send(fx.admin, 'GET', '/7,0300000003', { Range: 'bytes=4-9' });
    assert.equal(range.status, 206);
    assert.equal(range.body.toString(), 'o mani');
    const raw = await send(fx.admin, 'GET', '/7,0300000003?cm=false');
    assert.deepEqual(JSON.parse(raw.body.toString()).chunks.length, 2);
    assert.equal(raw.headers['x-file-store'], undefined);

    const deleted = await send(fx.admin, 'DELETE', '/7,0300000003');
    assert.equal(deleted.status, 202);
    assert.deepEqual(JSON.parse(deleted.body.toString()), { size: 20 });
    for (const fid of ['7,0100000001', '7,0200000002', '7,0300000003'])
      assert.equal((await send(fx.admin, 'GET', `/${fid}`)).status, 404, fid);
  });

  it('keeps the manifest when a child cannot be deleted', async () => {
    await upload(
      '7,0400000004',
      JSON.stringify({ size: 1, chunks: [{ fid: 'not-a-valid-fid', offset: 0, size: 1 }] }),
      '?cm=true',
      'application/json',
    );
    const res = await send(fx.admin, 'DELETE', '/7,0400000004');
    assert.equal(res.status, 500);
    assert.match(res.body.toString(), /Wrong fid format/);
    assert.equal((await send(fx.admin, 'GET', '/7,0400000004?cm=false')).status, 200);
  });
});

describe('a manifest that does not parse', () => {
  let fx: Fixture;
  before(async () => {
    fx = await startFixture(8 * 1024 * 1024, (store) => chunkManifestHooks({ store, lookup: undefined }));
  });
  after(() => fx.servers.close());

  it('is served as stored, as upstream does', async () => {
    assert.equal(
      (
        await send(
          fx.admin,
          'POST',
          '/7,0500000005?cm=true',
          { 'Content-Type': 'application/octet-stream' },
          'manifest-placeholder-payload',
        )
      ).status,
      201,
    );
    const res = await send(fx.admin, 'GET', '/7,0500000005');
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'manifest-placeholder-payload');
  });
});

/** gzip of `sizeBytes` zeros, deflated piece by piece so the test never holds the inflated bytes. */
async function gzippedZeros(sizeBytes: number): Promise<Buffer> {
  const gzip = createGzip();
  const out: Buffer[] = [];
  gzip.on('data', (piece: Buffer) => out.push(piece));
  const done = new Promise<void>((resolve, reject) => {
    gzip.on('end', resolve);
    gzip.on('error', reject);
  });
  const piece = Buffer.alloc(1024 * 1024);
  for (let left = sizeBytes; left > 0; left -= piece.length) {
    if (!gzip.write(left >= piece.length ? piece : piece.subarray(0, left))) await once(gzip, 'drain');
  }
  gzip.end();
  await done;
  return Buffer.concat(out);
}

describe('a gzip chunk that inflates past its listed size', () => {
  let fx: Fixture;
  before(async () => {
    fx = await startFixture(8 * 1024 * 1024, (store) =>
      chunkManifestHooks({ store, lookup: undefined, chunkInflateSlackBytes: 4096 }),
    );
  });
  after(() => fx.servers.close());

  it('fails the read with 500 while other reads are served, and within the slack is cut to size', async () => {
    const bomb = await gzippedZeros(64 * 1024 * 1024);
    assert.ok(bomb.length < 256 * 1024, `bomb is ${bomb.length} bytes`);
    const stored = await send(
      fx.admin,
      'POST',
      '/7,0a0000000a',
      { 'Content-Type': 'application/octet-stream', 'Content-Encoding': 'gzip' },
      bomb,
    );
    assert.equal(stored.status, 201, stored.body.toString());
    const manifest = {
      name: 'bomb.bin',
      mime: 'text/plain',
      size: 1024 * 1024,
      chunks: [{ fid: '7,0a0000000a', offset: 0, size: 1024 * 1024 }],
    };
    assert.equal(
      (
        await send(
          fx.admin,
          'POST',
          '/7,0b0000000b?cm=true',
          { 'Content-Type': 'application/json' },
          JSON.stringify(manifest),
        )
      ).status,
      201,
    );
    assert.equal(
      (await send(fx.admin, 'POST', '/7,0c0000000c', { 'Content-Type': 'application/octet-stream' }, 'plain needle'))
        .status,
      201,
    );

    const [bombRead, plainRead] = await Promise.all([
      send(fx.public, 'GET', '/7,0b0000000b', { Range: 'bytes=0-9' }),
      send(fx.public, 'GET', '/7,0c0000000c'),
    ]);
    assert.equal(bombRead.status, 500);
    assert.equal(plainRead.status, 200);
    assert.equal(plainRead.body.toString(), 'plain needle');
    assert.ok(
      fx.logs.some((line) => line.includes('inflates past its listed 1048576 bytes')),
      fx.logs.join('\n'),
    );

    // 8 KiB inflated, listed as 6 KiB: 2 KiB over, within the 4 KiB slack, so cut to size as upstream does.
    assert.equal(
      (
        await send(
          fx.admin,
          'POST',
          '/7,0d0000000d',
          { 'Content-Type': 'application/octet-stream', 'Content-Encoding': 'gzip' },
          await gzippedZeros(8192),
        )
      ).status,
      201,
    );
    const near = {
      mime: 'application/octet-stream',
      size: 6144,
      chunks: [{ fid: '7,0d0000000d', offset: 0, size: 6144 }],
    };
    assert.equal(
      (
        await send(
          fx.admin,
          'POST',
          '/7,0e0000000e?cm=true',
          { 'Content-Type': 'application/json' },
          JSON.stringify(near),
        )
      ).status,
      201,
    );
    const served = await send(fx.public, 'GET', '/7,0e0000000e');
    assert.equal(served.status, 200);
    assert.deepEqual(served.body, Buffer.alloc(6144));
  });

  it('stops inflating at the cap', async () => {
    const bomb = await gzippedZeros(64 * 1024 * 1024);
    const capBytes = 256 * 1024;
    let yieldedBytes = 0;
    await assert.rejects(
      (async () => {
        for await (const piece of gunzipPieces(bomb, capBytes)) yieldedBytes += piece.length;
      })(),
      (err: Error) => err instanceof GunzipLimitError,
    );
    assert.ok(yieldedBytes <= capBytes, `${yieldedBytes} bytes yielded past a ${capBytes} cap`);
  });
});

interface CountingServer {
  fx: Fixture;
  /** URLs of the GET/HEAD requests the store handler received. */
  reads: string[];
  /** URLs of the DELETE requests it received. */
  deletes: string[];
}

/** A fixture whose store-handler requests are recorded, with chunk lookups answered from `peers`. */
async function countingServer(peers: Map<number, string>, holdsVolume: number): Promise<CountingServer> {
  const reads: string[] = [];
  const deletes: string[] = [];
  const lookup = {
    lookup: async (volumeId: number) =>
      peers.has(volumeId) ? [{ url: peers.get(volumeId) as string, publicUrl: '' }] : [],
  };
  const fx = await startFixture(8 * 1024 * 1024, (store) => ({
    ...chunkManifestHooks({ store, lookup }),
    aroundDownload: (c, run) => {
      reads.push(c.req.url);
      return run();
    },
    guardWrite: (c) => {
      if (c.req.method === 'DELETE') deletes.push(c.req.url);
      return true;
    },
  }));
  if (holdsVolume !== 7) {
    await fx.store.deleteVolume(7, false);
    await fx.store.allocateVolume({
      volumeId: holdsVolume,
      collection: '',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
  }
  return { fx, reads, deletes };
}

describe('manifests that list each other', () => {
  const peers = new Map<number, string>();
  let a: CountingServer;
  let b: CountingServer;
  before(async () => {
    a = await countingServer(peers, 7);
    b = await countingServer(peers, 8);
    peers.set(7, `127.0.0.1:${a.fx.admin}`);
    peers.set(8, `127.0.0.1:${b.fx.admin}`);
  });
  after(async () => {
    await a.fx.servers.close();
    await b.fx.servers.close();
  });

  async function upload(server: CountingServer, fid: string, body: string, query = '') {
    const res = await send(server.fx.admin, 'POST', `/${fid}${query}`, { 'Content-Type': 'application/json' }, body);
    assert.equal(res.status, 201, res.body.toString());
  }

  it('across two servers: one read ends in an error after one chunk fetch, asked for with cm=false', async () => {
    // Listed sizes beyond the stored JSON: the raw manifest the peer sends is short.
    await upload(
      a,
      '7,1100000011',
      JSON.stringify({ mime: 'text/plain', size: 4096, chunks: [{ fid: '8,1200000012', offset: 0, size: 4096 }] }),
      '?cm=true',
    );
    await upload(
      b,
      '8,1200000012',
      JSON.stringify({ mime: 'text/plain', size: 4096, chunks: [{ fid: '7,1100000011', offset: 0, size: 4096 }] }),
      '?cm=true',
    );
    a.reads.length = 0;
    b.reads.length = 0;

    const res = await send(a.fx.admin, 'GET', '/7,1100000011');
    assert.equal(res.status, 500);
    assert.deepEqual(
      a.reads.map((url) => new URL(url).pathname),
      ['/7,1100000011'],
    );
    assert.equal(b.reads.length, 1, b.reads.join('\n'));
    const fetched = new URL(b.reads[0] as string);
    assert.equal(fetched.pathname, '/8,1200000012');
    assert.equal(fetched.searchParams.get('cm'), 'false');
  });

  it('across two servers: a delete is refused by the peer instead of looping', async () => {
    await upload(
      a,
      '7,1300000013',
      JSON.stringify({ size: 1, chunks: [{ fid: '8,1400000014', offset: 0, size: 1 }] }),
      '?cm=true',
    );
    await upload(
      b,
      '8,1400000014',
      JSON.stringify({ size: 1, chunks: [{ fid: '7,1300000013', offset: 0, size: 1 }] }),
      '?cm=true',
    );
    a.deletes.length = 0;
    b.deletes.length = 0;

    const res = await send(a.fx.admin, 'DELETE', '/7,1300000013');
    assert.equal(res.status, 500);
    assert.match(res.body.toString(), /chunk delete 8,1400000014: status 500/);
    assert.equal(a.deletes.length, 1, a.deletes.join('\n'));
    assert.deepEqual(
      b.deletes.map((url) => new URL(url).search),
      ['?cm=false'],
    );
    // Both manifests are kept.
    assert.equal((await send(a.fx.admin, 'GET', '/7,1300000013?cm=false')).status, 200);
    assert.equal((await send(b.fx.admin, 'GET', '/8,1400000014?cm=false')).status, 200);
  });

  it('on one server: a chunk that is a manifest is served as stored, not expanded', async () => {
    const inner = JSON.stringify({ size: 10, chunks: [{ fid: '7,1500000015', offset: 0, size: 10 }] });
    await upload(
      a,
      '7,1500000015',
      JSON.stringify({
        mime: 'application/octet-stream',
        size: inner.length,
        chunks: [{ fid: '7,1600000016', offset: 0, size: inner.length }],
      }),
      '?cm=true',
    );
    await upload(a, '7,1600000016', inner, '?cm=true');
    const res = await send(a.fx.admin, 'GET', '/7,1500000015');
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), inner);
  });
});

describe('a client that leaves while a chunk is fetched', () => {
  let fx: Fixture;
  let peer: Server;
  /** Called with each request the slow peer receives. */
  let onPeerRequest: (req: IncomingMessage, res: ServerResponse) => void = () => {};
  before(async () => {
    peer = createServer((req, res) => onPeerRequest(req, res));
    peer.listen(0, '127.0.0.1');
    await once(peer, 'listening');
    const peerUrl = `127.0.0.1:${(peer.address() as AddressInfo).port}`;
    fx = await startFixture(8 * 1024 * 1024, (store) =>
      chunkManifestHooks({ store, lookup: { lookup: async () => [{ url: peerUrl, publicUrl: '' }] } }),
    );
    const manifest = {
      mime: 'text/plain',
      size: 1024 * 1024,
      chunks: [{ fid: '9,2100000021', offset: 0, size: 1024 * 1024 }],
    };
    assert.equal(
      (
        await send(
          fx.admin,
          'POST',
          '/7,2000000020?cm=true',
          { 'Content-Type': 'application/json' },
          JSON.stringify(manifest),
        )
      ).status,
      201,
    );
  });
  after(async () => {
    peer.closeAllConnections();
    peer.close();
    await fx.servers.close();
  });

  for (const stage of ['before the peer answers', 'while the peer sends the body'] as const) {
    it(`cancels the peer's fetch ${stage}`, { timeout: 20_000 }, async () => {
      let peerGotRequest!: () => void;
      const requested = new Promise<void>((resolve) => {
        peerGotRequest = resolve;
      });
      const peerClosed = new Promise<void>((resolve) => {
        onPeerRequest = (_req, res) => {
          res.on('close', () => resolve());
          // Never finishes: either no answer at all, or a few bytes of a 1 MiB body.
          if (stage === 'while the peer sends the body') {
            res.writeHead(206, { 'Content-Type': 'text/plain', 'Content-Length': String(1024 * 1024) });
            res.write('a few bytes, then nothing');
          }
          peerGotRequest();
        };
      });
      const client = httpRequest({ host: '127.0.0.1', port: fx.public, path: '/7,2000000020' });
      client.on('error', () => {});
      client.end();
      await requested;
      if (stage === 'while the peer sends the body') {
        const [res] = (await once(client, 'response')) as [IncomingMessage];
        assert.equal(res.statusCode, 200);
        res.on('error', () => {});
      }
      client.destroy();
      await peerClosed;
    });
  }
});
