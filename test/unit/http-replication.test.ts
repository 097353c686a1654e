// Replica fan-out (4.53): the forward runs alongside the local write, each forward is bounded,
// the first failure answers the client, read-only holders get no writes, and deletes reach
// every holder that may delete whatever another answers.
import assert from 'node:assert/strict';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { VolumeLocationInfo } from '../../src/cluster/volume-lookup.ts';
import { replicaRequestBoundMs, replicationHooks } from '../../src/server/http/replication.ts';
import { type Fixture, send, startFixture } from '../support/http-fixture.ts';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A fake peer volume server: records requests and answers as `reply` says. */
async function startPeer() {
  const received: Received[] = [];
  let reply: (req: Received, res: ServerResponse) => void = (_req, res) => res.writeHead(201).end('{}');
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      received.push(r);
      reply(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    answer(fn: typeof reply) {
      reply = fn;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
type Peer = Awaited<ReturnType<typeof startPeer>>;

const SELF = 'self.invalid:1';
const OCTETS = { 'Content-Type': 'application/octet-stream' };
const REPLICA_TIMEOUT_MS = 1500;

describe('replicated writes and deletes', () => {
  let f: Fixture;
  let a: Peer;
  let b: Peer;
  let locations: VolumeLocationInfo[] = [];
  before(async () => {
    a = await startPeer();
    b = await startPeer();
    const lookup = { lookup: async () => locations, forget: () => {} };
    f = await startFixture(8 * 1024 * 1024, () =>
      replicationHooks({ lookup, selfAddress: SELF, replicaTimeoutMs: REPLICA_TIMEOUT_MS }),
    );
    // 002: three copies, here and on both peers.
    await f.store.allocateVolume({
      volumeId: 8,
      collection: '',
      replication: '002',
      ttl: '3m',
      diskType: '',
      version: 3,
    });
  });
  beforeEach(() => {
    locations = [
      { url: SELF, publicUrl: SELF },
      { url: a.url, publicUrl: a.url },
      { url: b.url, publicUrl: b.url },
    ];
    a.received.length = 0;
    b.received.length = 0;
    for (const peer of [a, b]) peer.answer((req, res) => res.writeHead(req.method === 'DELETE' ? 202 : 201).end('{}'));
  });
  after(async () => {
    await f.servers.close();
    await f.store.close();
    await a.close();
    await b.close();
  });

  it('bounds each forward by a base plus 1 ms per KiB of body', () => {
    assert.equal(replicaRequestBoundMs(0), 10_000);
    assert.equal(replicaRequestBoundMs(1024 * 1024), 11_000);
    assert.equal(replicaRequestBoundMs(512 * 1024, 100), 600);
  });

  it('forwards while writing locally, with the volume TTL and the client token', async () => {
    const volume = f.store.findVolume(8);
    assert.ok(volume);
    // The local write waits until a peer has the forward: a fan-out after the local write would hang here.
    const original = volume.write.bind(volume);
    let peerGotIt!: () => void;
    const forwarded = new Promise<void>((resolve) => (peerGotIt = resolve));
    a.answer((_req, res) => {
      peerGotIt();
      res.writeHead(201).end('{}');
    });
    volume.write = async (n, options) => {
      await forwarded;
      return original(n, options);
    };
    try {
      const r = await send(f.admin, 'POST', '/8,01a1b2c3d4?jwt=tok', OCTETS, 'replicated bytes');
      assert.equal(r.status, 201, r.body.toString());
    } finally {
      volume.write = original;
    }
    for (const peer of [a, b]) {
      assert.equal(peer.received.length, 1);
      const [req] = peer.received;
      const query = new URL(`http://x${req!.url}`).searchParams;
      assert.deepEqual([query.get('type'), query.get('ttl')], ['replicate', '3m']);
      assert.equal(req!.headers.authorization, 'BEARER tok');
      assert.ok(req!.body.includes('replicated bytes'));
    }
    assert.equal(Buffer.from((await volume.read(1n)).data).toString(), 'replicated bytes');
  });

  it('answers at the first failed forward, cancelling the others, after the local write', async () => {
    a.answer((_req, res) => res.writeHead(500).end('{"error":"disk on fire"}'));
    b.answer(() => {}); // never answers
    const startedMs = Date.now();
    const r = await send(f.admin, 'POST', '/8,02a1b2c3d4', OCTETS, 'x');
    assert.equal(r.status, 500);
    assert.match(
      JSON.parse(r.body.toString()).error,
      /^failed to write to replicas for volume 8: \[127\.0\.0\.1:\d+\]: disk on fire$/,
    );
    assert.ok(Date.now() - startedMs < REPLICA_TIMEOUT_MS / 2, 'did not wait for the silent peer');
  });

  it('gives up on a silent peer at its bound', async () => {
    b.answer(() => {});
    const r = await send(f.admin, 'POST', '/8,03a1b2c3d4', OCTETS, 'x');
    assert.equal(r.status, 500);
    assert.match(
      JSON.parse(r.body.toString()).error,
      new RegExp(`\\[${b.url}\\]: timed out after ${REPLICA_TIMEOUT_MS} ms`),
    );
  });

  it('writes to writable holders only and refuses when too few are left', async () => {
    locations[1] = { ...locations[1]!, readOnly: true, readOnlyCanDelete: true };
    const r = await send(f.admin, 'POST', '/8,04a1b2c3d4', OCTETS, 'x');
    assert.equal(r.status, 500);
    assert.equal(
      JSON.parse(r.body.toString()).error,
      'writable replication locations [2] is less than volume 8 replication copy count [3]',
    );
    assert.deepEqual([a.received.length, b.received.length], [0, 0]);
  });

  it('deletes on every holder that may delete, whatever one of them answers', async () => {
    const up = await send(f.admin, 'POST', '/8,05a1b2c3d4', OCTETS, 'to delete');
    assert.equal(up.status, 201, up.body.toString());
    a.received.length = 0;
    b.received.length = 0;
    locations[1] = { ...locations[1]!, readOnly: true, readOnlyCanDelete: true };
    a.answer((_req, res) => res.writeHead(500).end('{"error":"nope"}'));
    const r = await send(f.admin, 'DELETE', '/8,05a1b2c3d4');
    assert.equal(r.status, 500);
    assert.match(JSON.parse(r.body.toString()).error, /^Deletion Failed: \[127\.0\.0\.1:\d+\]: nope$/);
    // Both got it: the failing one did not keep the delete from the other.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual([a.received.map((q) => q.method), b.received.map((q) => q.method)], [['DELETE'], ['DELETE']]);
    assert.match(b.received[0]!.url, /^\/8,05a1b2c3d4\?type=replicate$/);
  });

  it('counts a read-only holder that cannot delete as missing for deletes', async () => {
    const up = await send(f.admin, 'POST', '/8,06a1b2c3d4', OCTETS, 'kept');
    assert.equal(up.status, 201, up.body.toString());
    locations[2] = { ...locations[2]!, readOnly: true };
    const r = await send(f.admin, 'DELETE', '/8,06a1b2c3d4');
    assert.equal(r.status, 500);
    assert.match(
      JSON.parse(r.body.toString()).error,
      /replication locations \[2\] is less than volume 8 replication copy count \[3\]/,
    );
  });
});
