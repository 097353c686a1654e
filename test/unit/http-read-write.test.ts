import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync, gunzipSync } from 'node:zlib';
import { type Fixture, send, startFixture } from '../support/http-fixture.ts';

const FID = '7,01e240a1b2c3d4';
const PAYLOAD = 'hello volume server round trip!';

describe('http upload, read, delete', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture();
  });
  after(async () => {
    await f.servers.close();
    await f.store.close();
  });

  it('uploads raw bytes (201 JSON), then 204 for the same bytes', async () => {
    const r = await send(f.admin, 'POST', `/${FID}`, { 'Content-Type': 'application/octet-stream' }, PAYLOAD);
    assert.equal(r.status, 201, r.body.toString());
    const json = JSON.parse(r.body.toString());
    assert.equal(json.name, FID);
    assert.equal(json.size, PAYLOAD.length);
    assert.match(json.eTag, /^[0-9a-f]{8}$/);
    assert.equal(json.mime, 'application/octet-stream');
    assert.equal(r.headers.etag, `"${json.eTag}"`);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.match(String(r.headers.server), /SeaweedFS Volume 30GB 4.44/);
    assert.ok(String(r.headers['x-amz-request-id']).length >= 16);
    assert.deepEqual(Object.keys(json), ['name', 'size', 'eTag', 'mime']);

    const again = await send(f.admin, 'POST', `/${FID}`, { 'Content-Type': 'application/octet-stream' }, PAYLOAD);
    assert.equal(again.status, 204);
    assert.equal(again.headers.etag, `"${json.eTag}"`);
    assert.equal(again.body.length, 0);
  });

  it('reads back with ETag, Last-Modified, Content-Disposition, Accept-Ranges', async () => {
    const r = await send(f.admin, 'GET', `/${FID}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), PAYLOAD);
    assert.match(String(r.headers.etag), /^"[0-9a-f]{8}"$/);
    assert.match(String(r.headers['last-modified']), /GMT$/);
    assert.equal(r.headers['accept-ranges'], 'bytes');
    assert.equal(r.headers['content-length'], String(PAYLOAD.length));
    assert.equal(r.headers['content-disposition'], `inline; filename="${FID}"`);
    // Stored mime is octet-stream, no extension: Go sniffs the body.
    assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
  });

  it('reads all URL shapes', async () => {
    for (const path of ['/7/01e240a1b2c3d4', '/7/01e240a1b2c3d4/report.txt', `/${FID}.txt`, `/a/b/c/${FID}`]) {
      const r = await send(f.admin, 'GET', path);
      assert.equal(r.status, 200, path);
      assert.equal(r.body.toString(), PAYLOAD, path);
    }
    const named = await send(f.admin, 'GET', '/7/01e240a1b2c3d4/report.txt?dl=t');
    assert.equal(named.headers['content-disposition'], 'attachment; filename=report.txt');
    assert.equal(named.headers['content-type'], 'text/plain; charset=utf-8');
    const notBool = await send(f.admin, 'GET', '/7/01e240a1b2c3d4/report.txt?dl=yes');
    assert.equal(notBool.headers['content-disposition'], 'inline; filename=report.txt');
  });

  it('HEAD gives the GET length and no body', async () => {
    const r = await send(f.admin, 'HEAD', `/${FID}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-length'], String(PAYLOAD.length));
    assert.equal(r.body.length, 0);
    const pub = await send(f.public, 'HEAD', `/${FID}`);
    assert.equal(pub.status, 200);
    assert.equal(pub.headers['content-length'], String(PAYLOAD.length));
  });

  it('answers 404 for a wrong cookie and 400 for malformed paths', async () => {
    assert.equal((await send(f.admin, 'GET', '/7,01e240a1b2c3d5')).status, 404);
    assert.equal((await send(f.admin, 'HEAD', '/7,01e240a1b2c3d5')).status, 404);
    assert.equal((await send(f.admin, 'GET', '/7,01e240ffffffff')).status, 404);
    for (const path of [
      '/invalid,needle',
      '/not-a-vid/not-a-fid',
      '/invalid,12345678',
      '/7,bad',
      '/status',
      '/stats/counter',
    ]) {
      const r = await send(f.public, 'GET', path);
      assert.equal(r.status, 400, path);
      assert.equal(r.body.length, 0, path);
    }
    const badVid = await send(f.admin, 'POST', '/invalid,12345678', {}, 'x');
    assert.equal(badVid.status, 400);
    assert.deepEqual(JSON.parse(badVid.body.toString()), {
      error: 'strconv.ParseUint: parsing "invalid": invalid syntax',
    });
    const badFid = await send(f.admin, 'POST', '/7,bad', { 'Content-Type': 'text/plain' }, 'x');
    assert.equal(badFid.status, 400);
    assert.deepEqual(JSON.parse(badFid.body.toString()), { error: 'Invalid fid: bad' });
    const slashWrite = await send(f.admin, 'PUT', '/7/01e240a1b2c3d4', {}, 'x');
    assert.equal(slashWrite.status, 400);
    // Non-local volume: readMode seam defaults to 404.
    assert.equal((await send(f.admin, 'GET', '/99,01e240a1b2c3d4')).status, 404);
  });

  it('honours ts, Seaweed- pairs, S3 passthrough and image/png mime', async () => {
    const fid = '7,02a1b2c3d4';
    const r = await send(
      f.admin,
      'PUT',
      `/${fid}?ts=1700000000`,
      { 'Content-Type': 'image/png', 'Seaweed-Foo-bar': 'baz', 'Seaweed-Alpha': 'a' },
      'not really a png',
    );
    assert.equal(r.status, 201, r.body.toString());
    assert.equal(JSON.parse(r.body.toString()).mime, 'image/png');
    const g = await send(f.admin, 'GET', `/${fid}`);
    assert.equal(g.headers['content-type'], 'image/png');
    assert.equal(g.headers['last-modified'], 'Tue, 14 Nov 2023 22:13:20 GMT');
    assert.equal(g.headers['foo-bar'], 'baz');
    assert.equal(g.headers.alpha, 'a');
    const p = await send(
      f.admin,
      'GET',
      `/${fid}?response-content-type=text/plain&response-cache-control=no-store&response-content-language=fr&response-expires=Thu,+01+Jan+2099+00:00:00+GMT`,
    );
    assert.equal(p.headers['content-type'], 'text/plain');
    assert.equal(p.headers['cache-control'], 'no-store');
    assert.equal(p.headers['content-language'], 'fr');
    assert.equal(p.headers.expires, 'Thu, 01 Jan 2099 00:00:00 GMT');
  });

  it('checks Content-MD5 and the size limit', async () => {
    const md5Bad = await send(
      f.admin,
      'POST',
      '/7,03a1b2c3d4',
      { 'Content-Type': 'text/plain', 'Content-MD5': 'AAAAAAAAAAAAAAAAAAAAAA==' },
      'abc',
    );
    assert.equal(md5Bad.status, 400);
    assert.match(
      JSON.parse(md5Bad.body.toString()).error,
      /^Content-MD5 did not match md5 of file data expected \[AAAAAAAAAAAAAAAAAAAAAA==\] received \[kAFQmDzST7DWlj99KOF\/cg==\] size 3$/,
    );
    const md5Good = await send(
      f.admin,
      'POST',
      '/7,03a1b2c3d4',
      { 'Content-Type': 'text/plain', 'Content-MD5': 'kAFQmDzST7DWlj99KOF/cg==' },
      'abc',
    );
    assert.equal(md5Good.status, 201);
    assert.equal(JSON.parse(md5Good.body.toString()).contentMd5, 'kAFQmDzST7DWlj99KOF/cg==');
    assert.equal(md5Good.headers['content-md5'], 'kAFQmDzST7DWlj99KOF/cg==');
    const tooBig = await send(
      f.admin,
      'POST',
      '/7,04a1b2c3d4',
      { 'Content-Type': 'application/octet-stream' },
      Buffer.alloc(8 * 1024 * 1024 + 1),
    );
    assert.equal(tooBig.status, 400);
    assert.deepEqual(JSON.parse(tooBig.body.toString()), { error: `file over the limited ${8 * 1024 * 1024} bytes` });
    const exact = await send(
      f.admin,
      'POST',
      '/7,04a1b2c3d4',
      { 'Content-Type': 'application/octet-stream' },
      Buffer.alloc(8 * 1024 * 1024, 1),
    );
    assert.equal(exact.status, 201);
  });

  it('stores gzip uploads compressed and serves them per Accept-Encoding', async () => {
    const text = 'compressible text '.repeat(50);
    const gz = gzipSync(text);
    const up = await send(
      f.admin,
      'POST',
      '/7,05a1b2c3d4',
      { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' },
      gz,
    );
    assert.equal(up.status, 201);
    assert.equal(JSON.parse(up.body.toString()).size, text.length);
    const zipped = await send(f.admin, 'GET', '/7,05a1b2c3d4', { 'Accept-Encoding': 'gzip' });
    assert.equal(zipped.status, 200);
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(zipped.body).toString(), text);
    const plain = await send(f.admin, 'GET', '/7,05a1b2c3d4', { 'Accept-Encoding': 'identity' });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body.toString(), text);
    assert.equal(plain.headers['content-type'], 'text/plain');
    const head = await send(f.admin, 'HEAD', '/7,05a1b2c3d4');
    assert.equal(head.headers['content-length'], String(text.length));
  });

  it('deletes: 202 with the stored size, then 404, readDeleted, cookie mismatch 400', async () => {
    const fid = '7,06a1b2c3d4';
    await send(
      f.admin,
      'POST',
      `/${fid}?ts=1700000000`,
      { 'Content-Type': 'application/octet-stream' },
      'to be deleted',
    );
    const before = await send(f.admin, 'GET', `/${fid}`);
    const wrongCookie = await send(f.admin, 'DELETE', '/7,06a1b2c3d5');
    assert.equal(wrongCookie.status, 400);
    assert.deepEqual(JSON.parse(wrongCookie.body.toString()), { error: 'File Random Cookie does not match.' });
    const storedSize = f.store.findVolume(7)?.lookup(6n)?.size;
    const del = await send(f.admin, 'DELETE', `/${fid}?ts=1800000000`);
    assert.equal(del.status, 202);
    assert.deepEqual(JSON.parse(del.body.toString()), { size: storedSize });
    assert.ok((storedSize ?? 0) > 'to be deleted'.length);
    assert.equal((await send(f.admin, 'GET', `/${fid}`)).status, 404);
    const deleted = await send(f.admin, 'GET', `/${fid}?readDeleted=true`);
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.toString(), 'to be deleted');
    assert.equal(deleted.headers['last-modified'], before.headers['last-modified']);
    const again = await send(f.admin, 'DELETE', `/${fid}`);
    assert.equal(again.status, 404);
    assert.deepEqual(JSON.parse(again.body.toString()), { size: 0 });
    const missingVolume = await send(f.admin, 'DELETE', '/99,06a1b2c3d4');
    assert.deepEqual([missingVolume.status, missingVolume.body.toString()], [404, '{"size":0}']);
    const badFid = await send(f.admin, 'DELETE', '/7,zz');
    assert.equal(badFid.status, 400);
  });

  it('handles empty uploads, urlencoded bodies, bad queries and read-only volumes like Go', async () => {
    const empty = await send(f.admin, 'PUT', '/7,07a1b2c3d4', { 'Content-Type': 'text/plain' }, '');
    assert.equal(empty.status, 201);
    assert.deepEqual(JSON.parse(empty.body.toString()), { name: '7,07a1b2c3d4', eTag: '00000000', mime: 'text/plain' });
    const readEmpty = await send(f.admin, 'GET', '/7,07a1b2c3d4');
    assert.deepEqual([readEmpty.status, readEmpty.body.length, readEmpty.headers.etag], [200, 0, '"00000000"']);
    const delEmpty = await send(f.admin, 'DELETE', '/7,07a1b2c3d4');
    assert.deepEqual([delEmpty.status, delEmpty.body.toString()], [202, '{"size":0}']);

    // Go's ParseForm consumes a urlencoded body before the upload is read: the needle is empty.
    const form = await send(
      f.admin,
      'POST',
      '/7,08a1b2c3d4',
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      'ts=1700000000',
    );
    assert.equal(form.status, 201);
    const formRead = await send(f.admin, 'GET', '/7,08a1b2c3d4');
    assert.equal(formRead.body.length, 0);

    const badQuery = await send(f.admin, 'POST', '/7,09a1b2c3d4?x=%zz', { 'Content-Type': 'text/plain' }, 'x');
    assert.deepEqual(
      [badQuery.status, JSON.parse(badQuery.body.toString())],
      [400, { error: 'invalid URL escape "%zz"' }],
    );
    const prettyError = await send(f.admin, 'POST', '/7,bad?pretty=1', { 'Content-Type': 'text/plain' }, 'x');
    assert.equal(prettyError.body.toString(), '{\n  "error": "Invalid fid: bad"\n}');

    const volume = f.store.findVolume(7);
    assert.ok(volume);
    await volume.setReadOnly(true, false);
    try {
      const ro = await send(f.admin, 'POST', '/7,09a1b2c3d4', { 'Content-Type': 'text/plain' }, 'x');
      // 4.53: 409, and refused before append (a lone plain write).
      assert.equal(ro.status, 409);
      assert.deepEqual(JSON.parse(ro.body.toString()), {
        error: 'write refused before append: failed to write to local disk: volume 7 is read only',
      });
      assert.equal(ro.headers['x-seaweed-write-outcome'], 'refused-before-append');
      const roDelete = await send(f.admin, 'DELETE', `/${FID}`);
      assert.equal(roDelete.status, 500);
      assert.match(JSON.parse(roDelete.body.toString()).error, /^Deletion Failed: /);
    } finally {
      await volume.setReadOnly(false, false);
    }
    const missing = await send(f.admin, 'POST', '/99,09a1b2c3d4', { 'Content-Type': 'text/plain' }, 'x');
    assert.equal(missing.status, 500);
  });
});

describe('automatic gzip of compressible uploads', () => {
  let fx: Fixture;
  before(async () => {
    fx = await startFixture();
  });
  after(() => fx.servers.close());

  it('stores compressible text gzipped, serves it plain or gzipped, leaves images and small text alone', async () => {
    const text = 'the quick brown fox jumps over the lazy dog\n'.repeat(200);
    assert.equal((await send(fx.admin, 'POST', '/7,0a00000001', { 'Content-Type': 'text/plain' }, text)).status, 201);
    const stored = await fx.store.findVolume(7)!.read(0x0an);
    assert.ok((stored.flags & 0x01) !== 0, 'stored with the compressed flag');
    assert.ok(stored.data.length < text.length / 5);
    assert.equal((await send(fx.admin, 'GET', '/7,0a00000001')).body.toString(), text);
    const gz = await send(fx.admin, 'GET', '/7,0a00000001', { 'Accept-Encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.body).toString(), text);
    // The same upload again is recognised as unchanged (gzip output is deterministic).
    assert.equal((await send(fx.admin, 'POST', '/7,0a00000001', { 'Content-Type': 'text/plain' }, text)).status, 204);

    assert.equal((await send(fx.admin, 'POST', '/7,0b00000001', { 'Content-Type': 'image/png' }, text)).status, 201);
    assert.equal(
      (await send(fx.admin, 'POST', '/7,0d00000001', { 'Content-Type': 'application/octet-stream' }, text)).status,
      201,
    );
    assert.equal(
      (await fx.store.findVolume(7)!.read(0x0dn)).flags & 0x01,
      0,
      'octet-stream is unknown: not compressed',
    );
    assert.equal((await fx.store.findVolume(7)!.read(0x0bn)).flags & 0x01, 0, 'images are not compressed');
    assert.equal((await send(fx.admin, 'POST', '/7,0c00000001', { 'Content-Type': 'text/plain' }, 'tiny')).status, 201);
    assert.equal((await fx.store.findVolume(7)!.read(0x0cn)).flags & 0x01, 0, 'no gain, no gzip');
  });
});
