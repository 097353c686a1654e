import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { type Fixture, send, startFixture } from '../support/http-fixture.ts';

function multipartBody(
  boundary: string,
  parts: Array<{ headers: Record<string, string>; data: Uint8Array | string }>,
): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    for (const [k, v] of Object.entries(part.headers)) chunks.push(Buffer.from(`${k}: ${v}\r\n`, 'utf8'));
    chunks.push(Buffer.from('\r\n'), Buffer.from(part.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

const HEX16 = '0123456789abcdef';

describe('http ranges and conditional requests', () => {
  let f: Fixture;
  let etag = '';
  let lastModified = '';
  before(async () => {
    f = await startFixture();
    const up = await send(f.admin, 'POST', '/7,01a1b2c3d4', { 'Content-Type': 'application/octet-stream' }, HEX16);
    assert.equal(up.status, 201);
    const got = await send(f.admin, 'GET', '/7,01a1b2c3d4');
    etag = String(got.headers.etag);
    lastModified = String(got.headers['last-modified']);
  });
  after(async () => {
    await f.servers.close();
    await f.store.close();
  });

  it('serves single ranges with 206 and Content-Range', async () => {
    const r = await send(f.admin, 'GET', '/7,01a1b2c3d4', { Range: 'bytes=0-4' });
    assert.equal(r.status, 206);
    assert.equal(r.body.toString(), '01234');
    assert.equal(r.headers['content-range'], 'bytes 0-4/16');
    assert.equal(r.headers['content-length'], '5');
    const suffix = await send(f.admin, 'GET', '/7,01a1b2c3d4', { Range: 'bytes=-3' });
    assert.equal(suffix.body.toString(), 'def');
    const open = await send(f.admin, 'GET', '/7,01a1b2c3d4', { Range: 'bytes=14-' });
    assert.equal(open.body.toString(), 'ef');
    const clamped = await send(f.admin, 'GET', '/7,01a1b2c3d4', { Range: 'bytes=10-99' });
    assert.equal(clamped.headers['content-range'], 'bytes 10-15/16');
  });

  it('serves multiple ranges as multipart/byteranges with an exact length', async () => {
    const r = await send(f.admin, 'GET', '/7,01a1b2c3d4', { Range: 'bytes=0-1,4-5' });
    assert.equal(r.status, 206);
    const contentType = String(r.headers['content-type']);
    const boundary = /^multipart\/byteranges; boundary=([0-9a-f]{60})$/.exec(contentType)?.[1];
    assert.ok(boundary, contentType);
    assert.equal(Number(r.headers['content-length']), r.body.length);
    assert.equal(
      r.body.toString(),
      `--${boundary}\r\nContent-Range: bytes 0-1/16\r\nContent-Type: \r\n\r\n01\r\n--${boundary}\r\nContent-Range: bytes 4-5/16\r\nContent-Type: \r\n\r\n45\r\n--${boundary}--\r\n`,
    );
  });

  it('ignores oversized or empty range sets and refuses invalid ones with 416', async () => {
    const oversized = await send(f.admin, 'GET', '/7,01a1b2c3d4', { Range: 'bytes=0-10,5-15' });
    assert.equal(oversized.status, 200);
    assert.equal(oversized.body.length, 0);
    const empty = await send(f.admin, 'GET', '/7,01a1b2c3d4', { Range: 'bytes=' });
    assert.deepEqual([empty.status, empty.body.length], [200, 0]);
    for (const range of ['items=0-1', 'bytes=5', 'bytes=5-2', 'bytes=x-1', 'bytes=-', 'bytes=--3']) {
      const r = await send(f.admin, 'GET', '/7,01a1b2c3d4', { Range: range });
      assert.equal(r.status, 416, range);
      assert.equal(r.body.toString(), 'invalid range\n');
      assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      assert.equal(r.headers['accept-ranges'], 'bytes');
      assert.equal(r.headers['content-range'], undefined, range);
    }
    // No spec overlaps the 16 bytes (a start at or past the end, a zero suffix): 416 naming the size.
    for (const range of ['bytes=9999-10000', 'bytes=16-', 'bytes=-0', 'bytes=16-20,-0']) {
      const r = await send(f.admin, 'GET', '/7,01a1b2c3d4', { Range: range });
      assert.equal(r.status, 416, range);
      assert.equal(r.body.toString(), 'invalid range: failed to overlap\n', range);
      assert.equal(r.headers['content-range'], 'bytes */16', range);
    }
    // One overlapping spec is enough; the others are dropped.
    const partly = await send(f.admin, 'GET', '/7,01a1b2c3d4', { Range: 'bytes=20-30,2-3' });
    assert.deepEqual(
      [partly.status, partly.body.toString(), partly.headers['content-range']],
      [206, '23', 'bytes 2-3/16'],
    );
    const head = await send(f.admin, 'HEAD', '/7,01a1b2c3d4', { Range: 'bytes=0-1' });
    assert.deepEqual([head.status, head.headers['content-length']], [200, '16']);
  });

  it('answers 304 per If-None-Match, else If-Modified-Since (RFC 9110 13.2.2)', async () => {
    for (const method of ['GET', 'HEAD']) {
      const inm = await send(f.admin, method, '/7,01a1b2c3d4', { 'If-None-Match': etag });
      assert.equal(inm.status, 304, method);
      assert.equal(inm.body.length, 0);
      assert.equal(inm.headers.etag, etag);
      assert.equal(inm.headers['last-modified'], lastModified);
      const ims = await send(f.admin, method, '/7,01a1b2c3d4', { 'If-Modified-Since': lastModified });
      assert.equal(ims.status, 304, method);
    }
    // A present If-None-Match decides alone, even when it does not match.
    const both = await send(f.admin, 'GET', '/7,01a1b2c3d4', {
      'If-Modified-Since': lastModified,
      'If-None-Match': '"nope"',
    });
    assert.deepEqual([both.status, both.body.toString()], [200, HEX16]);
    const empty = await send(f.admin, 'GET', '/7,01a1b2c3d4', {
      'If-Modified-Since': lastModified,
      'If-None-Match': '',
    });
    assert.equal(empty.status, 200);
    for (const list of ['*', `"a", ${etag}`, `W/"x",W/${etag}`, `"a,b" , ${etag}`]) {
      const r = await send(f.admin, 'GET', '/7,01a1b2c3d4', { 'If-None-Match': list });
      assert.equal(r.status, 304, list);
    }
    const quotedComma = await send(f.admin, 'GET', '/7,01a1b2c3d4', { 'If-None-Match': `"${etag.slice(1, -1)},x"` });
    assert.equal(quotedComma.status, 200);
    const invalid = await send(f.admin, 'GET', '/7,01a1b2c3d4', {
      'If-Modified-Since': 'not-a-valid-http-date',
      'If-None-Match': '"nope"',
    });
    assert.deepEqual([invalid.status, invalid.body.toString()], [200, HEX16]);
    const older = await send(f.admin, 'GET', '/7,01a1b2c3d4', { 'If-Modified-Since': 'Mon, 01 Jan 2001 00:00:00 GMT' });
    assert.equal(older.status, 200);
    // If-None-Match compares weakly.
    const weak = await send(f.admin, 'GET', '/7,01a1b2c3d4', { 'If-None-Match': `W/${etag}` });
    assert.equal(weak.status, 304);
  });

  it('honours a Range only while If-Range still names the needle', async () => {
    const byEtag = await send(f.admin, 'GET', '/7,01a1b2c3d4', { Range: 'bytes=0-1', 'If-Range': etag });
    assert.deepEqual([byEtag.status, byEtag.body.toString()], [206, '01']);
    const byDate = await send(f.admin, 'GET', '/7,01a1b2c3d4', { Range: 'bytes=0-1', 'If-Range': lastModified });
    assert.equal(byDate.status, 206);
    // Stale or weak validators, other dates and junk: the whole body, 200.
    for (const ifRange of ['"other"', `W/${etag}`, 'Mon, 01 Jan 2001 00:00:00 GMT', 'not-a-date']) {
      const r = await send(f.admin, 'GET', '/7,01a1b2c3d4', { Range: 'bytes=0-1', 'If-Range': ifRange });
      assert.deepEqual([r.status, r.body.toString()], [200, HEX16], ifRange);
    }
    // An unsatisfiable Range under a stale If-Range is ignored too.
    const stale = await send(f.admin, 'GET', '/7,01a1b2c3d4', { Range: 'bytes=99-', 'If-Range': '"other"' });
    assert.equal(stale.status, 200);
  });
});

describe('http methods, ports, CORS, status and health', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture();
    await send(f.admin, 'POST', '/7,01a1b2c3d4', { 'Content-Type': 'application/octet-stream' }, 'original');
  });
  after(async () => {
    await f.servers.close();
    await f.store.close();
  });

  it('answers OPTIONS per port, with CORS when Origin is sent', async () => {
    const admin = await send(f.admin, 'OPTIONS', '/');
    assert.equal(admin.status, 200);
    assert.equal(admin.headers['access-control-allow-methods'], 'PUT, POST, GET, DELETE, OPTIONS');
    assert.equal(admin.headers['access-control-allow-headers'], '*');
    assert.equal(admin.headers['access-control-allow-origin'], undefined);
    const pub = await send(f.public, 'OPTIONS', '/', { Origin: 'http://example.com' });
    assert.equal(pub.headers['access-control-allow-methods'], 'GET, OPTIONS');
    assert.equal(pub.headers['access-control-allow-origin'], '*');
    assert.equal(pub.headers['access-control-allow-credentials'], 'true');
    for (const port of [f.admin, f.public]) {
      const get = await send(port, 'GET', '/7,01a1b2c3d4', { Origin: 'http://example.com' });
      assert.equal(get.headers['access-control-allow-origin'], '*');
    }
  });

  it('refuses unknown methods on admin (400 JSON) and ignores them on public (200)', async () => {
    for (const method of ['PATCH', 'TRACE', 'PROPFIND']) {
      const admin = await send(f.admin, method, '/7,01a1b2c3d4');
      assert.equal(admin.status, 400, method);
      assert.deepEqual(JSON.parse(admin.body.toString()), { error: `unsupported method ${method}` });
      const pub = await send(f.public, method, '/7,01a1b2c3d4');
      assert.deepEqual([pub.status, pub.body.length], [200, 0], method);
    }
  });

  it('ignores writes and deletes on the public port', async () => {
    assert.equal((await send(f.public, 'POST', '/7,01a1b2c3d4', { 'Content-Type': 'text/plain' }, 'evil')).status, 200);
    assert.equal((await send(f.public, 'PUT', '/7,01a1b2c3d4', {}, 'evil')).status, 200);
    assert.equal((await send(f.public, 'DELETE', '/7,01a1b2c3d4')).status, 200);
    const r = await send(f.admin, 'GET', '/7,01a1b2c3d4');
    assert.deepEqual([r.status, r.body.toString()], [200, 'original']);
    const pubRead = await send(f.public, 'GET', '/7,01a1b2c3d4');
    assert.deepEqual([pubRead.status, pubRead.body.toString()], [200, 'original']);
  });

  it('serves /status with Go keys, pretty JSON and no JSONP', async () => {
    const r = await send(f.admin, 'GET', '/status');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.match(String(r.headers.server), /SeaweedFS Volume/);
    assert.ok(String(r.headers['x-amz-request-id']).length >= 16);
    assert.equal(r.headers['access-control-allow-origin'], undefined);
    const status = JSON.parse(r.body.toString());
    assert.deepEqual(Object.keys(status), ['DiskStatuses', 'Version', 'Volumes']);
    assert.equal(status.Version, '30GB 4.44 ');
    const disk = status.DiskStatuses[0];
    for (const key of ['dir', 'all', 'used', 'free']) assert.ok(key in disk, key);
    assert.equal(status.Volumes.length, 1);
    assert.deepEqual(Object.keys(status.Volumes[0]), [
      'Collection',
      'DiskType',
      'RemoteStorageName',
      'ReplicaPlacement',
      'Ttl',
      'Size',
      'DeletedByteCount',
      'ModifiedAtSecond',
      'Id',
      'DiskId',
      'CompactRevision',
      'FileCount',
      'DeleteCount',
      'Version',
      'ReadOnly',
    ]);
    assert.equal(status.Volumes[0].Id, 7);
    assert.equal(status.Volumes[0].FileCount, 1);
    const pretty = await send(f.admin, 'GET', '/status?pretty=y&callback=myFunc');
    assert.ok(pretty.body.toString().split('\n').length >= 3);
    assert.ok(!pretty.body.toString().includes('myFunc('));
    assert.doesNotThrow(() => JSON.parse(pretty.body.toString()));
    // On the public port /status is an ordinary (invalid) file path.
    assert.equal((await send(f.public, 'GET', '/status')).status, 400);
  });

  it('answers /healthz and /readyz with 200, then 503 once unhealthy', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const r = await send(f.admin, 'GET', path);
      assert.deepEqual([r.status, r.body.length], [200, 0]);
      assert.match(String(r.headers.server), /SeaweedFS Volume/);
      assert.ok(r.headers['x-amz-request-id']);
    }
    assert.equal((await send(f.admin, 'POST', '/healthz')).status, 200);
    f.setHealthy(false);
    assert.equal((await send(f.admin, 'GET', '/healthz')).status, 503);
    assert.equal((await send(f.admin, 'GET', '/readyz')).status, 503);
    f.setHealthy(true);
    assert.equal((await send(f.public, 'GET', '/healthz')).status, 400);
  });

  it('ignores a client x-amz-request-id and redirects non-canonical paths', async () => {
    const r = await send(f.admin, 'GET', '/status', { 'x-amz-request-id': 'client-chosen' });
    assert.notEqual(r.headers['x-amz-request-id'], 'client-chosen');
    assert.match(String(r.headers['x-amz-request-id']), /^[0-9A-F]{20,}$/);
    const redirect = await send(f.admin, 'GET', '/x/../7,01a1b2c3d4?a=1');
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.location, '/7,01a1b2c3d4?a=1');
  });
});

describe('http multipart uploads', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture(64 * 1024);
  });
  after(async () => {
    await f.servers.close();
    await f.store.close();
  });

  it('takes the first part with a filename (base name), its type, and Rust-style form fields', async () => {
    const body = multipartBody('XyZ', [
      { headers: { 'Content-Disposition': 'form-data; name="ts"' }, data: '1700000000' },
      { headers: { 'Content-Disposition': 'form-data; name="ttl"' }, data: '7d' },
      {
        headers: {
          'Content-Disposition': 'form-data; name="file"; filename="C:\\dir\\multipart.txt"',
          'Content-Type': 'text/plain',
        },
        data: 'file body',
      },
    ]);
    const r = await send(
      f.admin,
      'POST',
      '/7,01a1b2c3d4',
      { 'Content-Type': 'multipart/form-data; boundary=XyZ' },
      body,
    );
    assert.equal(r.status, 201, r.body.toString());
    assert.deepEqual(JSON.parse(r.body.toString()), {
      name: 'multipart.txt',
      size: 9,
      eTag: JSON.parse(r.body.toString()).eTag,
      mime: 'text/plain',
    });
    const g = await send(f.admin, 'GET', '/7,01a1b2c3d4');
    assert.equal(g.body.toString(), 'file body');
    assert.equal(g.headers['last-modified'], 'Tue, 14 Nov 2023 22:13:20 GMT');
    assert.equal(g.headers['content-disposition'], 'inline; filename=multipart.txt');
    const needle = await f.store.findVolume(7)?.read(1n);
    assert.deepEqual(needle?.ttl, { count: 1, unit: 4 });
  });

  it('uses the first part when no part has a filename, and sets empty name and mime flags', async () => {
    const body = multipartBody('b1', [
      { headers: { 'Content-Disposition': 'form-data; name="a"' }, data: 'first' },
      { headers: { 'Content-Disposition': 'form-data; name="b"' }, data: 'second' },
    ]);
    const r = await send(
      f.admin,
      'POST',
      '/7,02a1b2c3d4',
      { 'Content-Type': 'multipart/form-data; boundary=b1' },
      body,
    );
    assert.equal(r.status, 201);
    const json = JSON.parse(r.body.toString());
    assert.equal(json.name, undefined);
    assert.equal(json.mime, undefined);
    const needle = await f.store.findVolume(7)?.read(2n);
    assert.equal(Buffer.from(needle?.data ?? []).toString(), 'first');
    assert.equal((needle?.flags ?? 0) & 0x0e, 0x0e, 'HasName, HasMime, HasLastModified');
  });

  it('handles gzip parts, non-ASCII names, and malformed requests', async () => {
    const body = multipartBody('gz', [
      {
        headers: {
          'Content-Disposition': 'form-data; name="file"; filename="résumé.txt"',
          'Content-Encoding': 'gzip',
          'Content-Type': 'text/plain',
        },
        data: gzipSync('plain text'),
      },
    ]);
    const r = await send(
      f.admin,
      'POST',
      '/7,03a1b2c3d4',
      { 'Content-Type': 'multipart/form-data; boundary=gz' },
      body,
    );
    assert.equal(r.status, 201, r.body.toString());
    assert.equal(JSON.parse(r.body.toString()).size, 'plain text'.length);
    assert.equal(JSON.parse(r.body.toString()).name, 'résumé.txt');
    const g = await send(f.admin, 'GET', '/7,03a1b2c3d4');
    assert.equal(g.body.toString(), 'plain text');
    assert.equal(g.headers['content-disposition'], "inline; filename*=utf-8''r%C3%A9sum%C3%A9.txt");

    const noBoundary = await send(f.admin, 'POST', '/7,04a1b2c3d4', { 'Content-Type': 'multipart/form-data' }, 'x');
    assert.equal(noBoundary.status, 400);
    assert.match(noBoundary.body.toString(), /boundary/);
    const noType = await send(f.admin, 'POST', '/7,04a1b2c3d4', {}, 'x');
    assert.deepEqual(JSON.parse(noType.body.toString()), { error: "request Content-Type isn't multipart/form-data" });
    const truncated = await send(
      f.admin,
      'POST',
      '/7,04a1b2c3d4',
      { 'Content-Type': 'multipart/form-data; boundary=t' },
      '--t\r\nContent-Disposition: form-data; name="f"; filename="a"\r\n\r\nno end',
    );
    assert.deepEqual(JSON.parse(truncated.body.toString()), { error: 'unexpected EOF' });
    const big = multipartBody('big', [
      {
        headers: { 'Content-Disposition': 'form-data; name="file"; filename="big.bin"' },
        data: Buffer.alloc(64 * 1024 + 1),
      },
    ]);
    const tooBig = await send(
      f.admin,
      'POST',
      '/7,04a1b2c3d4',
      { 'Content-Type': 'multipart/form-data; boundary=big' },
      big,
    );
    assert.deepEqual(JSON.parse(tooBig.body.toString()), { error: `file over the limited ${64 * 1024} bytes` });
  });

  it('takes the filename from a raw upload Content-Disposition', async () => {
    const r = await send(
      f.admin,
      'PUT',
      '/7,05a1b2c3d4',
      { 'Content-Disposition': 'attachment; filename="photo.png"' },
      'raw',
    );
    const json = JSON.parse(r.body.toString());
    assert.equal(json.name, 'photo.png');
    assert.equal(json.mime, 'image/png');
  });
});

describe('http streaming of large needles', () => {
  let f: Fixture;
  const big = Buffer.alloc(3 * 1024 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 11)) & 0xff;
  before(async () => {
    f = await startFixture();
    const up = await send(f.admin, 'POST', '/7,0aa1b2c3d4', { 'Content-Type': 'application/octet-stream' }, big);
    assert.equal(up.status, 201);
  });
  after(async () => {
    await f.servers.close();
    await f.store.close();
  });

  it('streams a 3 MiB needle from disk without a whole-needle read', async () => {
    const volume = f.store.findVolume(7);
    assert.ok(volume);
    const originalRead = volume.read.bind(volume);
    volume.read = async () => {
      throw new Error('large plain needles must be streamed, not read whole');
    };
    try {
      const r = await send(f.admin, 'GET', '/7,0aa1b2c3d4');
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-length'], String(big.length));
      assert.equal(r.headers['content-type'], 'application/octet-stream');
      assert.ok(r.body.equals(big));
      const head = await send(f.admin, 'HEAD', '/7,0aa1b2c3d4');
      assert.equal(head.headers['content-length'], String(big.length));
      const range = await send(f.admin, 'GET', '/7,0aa1b2c3d4', { Range: 'bytes=1048570-1048600' });
      assert.equal(range.status, 206);
      assert.ok(range.body.equals(big.subarray(1048570, 1048601)));
      const multi = await send(f.admin, 'GET', '/7,0aa1b2c3d4', { Range: 'bytes=0-9,3000000-3000009' });
      assert.equal(multi.status, 206);
      assert.equal(Number(multi.headers['content-length']), multi.body.length);
      assert.ok(multi.body.includes(big.subarray(3000000, 3000010)));
    } finally {
      volume.read = originalRead;
    }
  });

  it('serves a second streamed download while the first is unread', async () => {
    const first = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port: f.admin, path: '/7,0aa1b2c3d4' }, resolve).on('error', reject).end();
    });
    first.pause();
    const second = await send(f.admin, 'GET', '/7,0aa1b2c3d4');
    assert.equal(second.body.length, big.length);
    first.destroy();
  });
});

describe('static assets', () => {
  let fx: Fixture;
  before(async () => {
    fx = await startFixture();
  });
  after(() => fx.servers.close());

  it('serves favicon and /seaweedfsstatic files on both ports, 404 for anything else', async () => {
    for (const port of [fx.admin, fx.public]) {
      const icon = await send(port, 'GET', '/favicon.ico');
      assert.equal(icon.status, 200);
      assert.ok(icon.body.length > 0);
      const png = await send(port, 'GET', '/seaweedfsstatic/seaweed50x50.png');
      assert.equal(png.status, 200);
      assert.equal(png.headers['content-type'], 'image/png');
      assert.deepEqual([...png.body.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
      assert.equal((await send(port, 'GET', '/seaweedfsstatic/missing.png')).status, 404);
      // A traversal attempt is cleaned and redirected (Go's ServeMux), never served from disk.
      const traversal = await send(port, 'GET', '/seaweedfsstatic/..%2Fpackage.json');
      assert.equal(traversal.status, 301);
      assert.ok(!traversal.body.toString().includes('needlework'));
      assert.notEqual((await send(port, 'GET', '/package.json')).status, 200);
    }
  });
});

describe('/stats endpoints', () => {
  let fx: Fixture;
  before(async () => {
    fx = await startFixture();
  });
  after(() => fx.servers.close());

  it('report request counters, memory and disks on the admin port only', async () => {
    await send(fx.admin, 'GET', '/status');
    const counter = JSON.parse((await send(fx.admin, 'GET', '/stats/counter')).body.toString());
    assert.ok(counter.Counters.Total >= 1);
    assert.ok(counter.Version.length > 0);
    const memory = JSON.parse((await send(fx.admin, 'GET', '/stats/memory')).body.toString());
    assert.ok(memory.Memory.Self > 0);
    const disk = JSON.parse((await send(fx.admin, 'GET', '/stats/disk')).body.toString());
    assert.equal(disk.DiskStatuses.length, 1);
    assert.equal((await send(fx.public, 'GET', '/stats/disk')).status, 400, 'the public port has no stats');
  });
});
