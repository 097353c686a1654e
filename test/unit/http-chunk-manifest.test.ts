import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chunkManifestHooks } from '../../src/server/http/chunk-manifest.ts';
import { type Fixture, send, startFixture } from './http-fixture.ts';

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
    const manifest = { name: 'joined.txt', mime: 'text/plain', size: 20, chunks: [{ fid: '7,0200000002', offset: 6, size: 14 }, { fid: '7,0100000001', offset: 0, size: 6 }] };
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
    for (const fid of ['7,0100000001', '7,0200000002', '7,0300000003']) assert.equal((await send(fx.admin, 'GET', `/${fid}`)).status, 404, fid);
  });

  it('keeps the manifest when a child cannot be deleted', async () => {
    await upload('7,0400000004', JSON.stringify({ size: 1, chunks: [{ fid: 'not-a-valid-fid', offset: 0, size: 1 }] }), '?cm=true', 'application/json');
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
    assert.equal((await send(fx.admin, 'POST', '/7,0500000005?cm=true', { 'Content-Type': 'application/octet-stream' }, 'manifest-placeholder-payload')).status, 201);
    const res = await send(fx.admin, 'GET', '/7,0500000005');
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'manifest-placeholder-payload');
  });
});
