// 4.53: a write to a read-only volume is a 409, and X-Seaweed-Write-Outcome says when it was
// refused before any append with nothing else started (so a client may retry it elsewhere).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jwtAuthorizer } from '../../src/server/http/jwt.ts';
import { parseUpload } from '../../src/server/http/parse-upload.ts';
import { type Fixture, send, startFixture } from '../support/http-fixture.ts';

const OCTETS = { 'Content-Type': 'application/octet-stream' };
const FID = '/7,0a1b2c3d4e';
const BOUNDARY = 'b0undary';

/** A multipart upload with the file part and optional plain fields before or after it. */
function multipart(
  fieldsBefore: Record<string, string>,
  fieldsAfter: Record<string, string>,
  data = 'refused replacement',
): Buffer {
  const field = (name: string, value: string): string =>
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  return Buffer.from(
    [
      ...Object.entries(fieldsBefore).map(([k, v]) => field(k, v)),
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="data.bin"\r\nContent-Type: application/octet-stream\r\n\r\n${data}\r\n`,
      ...Object.entries(fieldsAfter).map(([k, v]) => field(k, v)),
      `--${BOUNDARY}--\r\n`,
    ].join(''),
  );
}
const MULTIPART = { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` };

describe('writes to a read-only volume', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture();
    const up = await send(f.admin, 'POST', FID, OCTETS, 'existing bytes');
    assert.equal(up.status, 201);
    const volume = f.store.findVolume(7);
    assert.ok(volume);
    await volume.setReadOnly(true, false);
  });
  after(async () => {
    await f.servers.close();
    await f.store.close();
  });

  it('answers 409, marked refused only for a plain lone write, and leaves .dat alone', async () => {
    const datBytes = (): number => f.store.findVolume(7)!.stats().datSizeBytes;
    const sizeBefore = datBytes();
    const cases: Array<{
      name: string;
      path: string;
      headers: Record<string, string>;
      body: Buffer | string;
      refused: boolean;
    }> = [
      { name: 'plain', path: FID, headers: OCTETS, body: 'refused replacement', refused: true },
      { name: 'fsync', path: `${FID}?fsync=true`, headers: OCTETS, body: 'x', refused: false },
      { name: 'fsync escaped', path: `${FID}?fsync=%74rue`, headers: OCTETS, body: 'x', refused: false },
      { name: 'replicate', path: `${FID}?type=replicate`, headers: OCTETS, body: 'x', refused: false },
      { name: 'replicate escaped', path: `${FID}?%74ype=%72eplicate`, headers: OCTETS, body: 'x', refused: false },
      {
        name: 'multipart type first',
        path: FID,
        headers: MULTIPART,
        body: multipart({ type: 'replicate' }, {}),
        refused: false,
      },
      {
        name: 'multipart type last',
        path: FID,
        headers: MULTIPART,
        body: multipart({}, { type: 'replicate' }),
        refused: false,
      },
      {
        name: 'multipart fsync last',
        path: FID,
        headers: MULTIPART,
        body: multipart({}, { fsync: 'true' }),
        refused: false,
      },
      // A query key, even empty, wins over the multipart field.
      {
        name: 'empty query type wins',
        path: `${FID}?type=`,
        headers: MULTIPART,
        body: multipart({}, { type: 'replicate' }),
        refused: true,
      },
      // Only the first field of a name counts, and an overlong value cannot match.
      {
        name: 'first field wins',
        path: FID,
        headers: MULTIPART,
        body: multipart({ type: 'client' }, { type: 'replicate' }),
        refused: true,
      },
      {
        name: 'overlong field',
        path: FID,
        headers: MULTIPART,
        body: multipart({ type: 'replicateXYZ' }, {}),
        refused: true,
      },
      { name: 'multipart plain', path: FID, headers: MULTIPART, body: multipart({}, {}), refused: true },
    ];
    for (const c of cases) {
      const r = await send(f.admin, 'POST', c.path, c.headers, c.body);
      assert.equal(r.status, 409, `${c.name}: ${r.body.toString()}`);
      const error = JSON.parse(r.body.toString()).error as string;
      assert.match(error, /volume 7 is read only/, c.name);
      assert.equal(r.headers['x-seaweed-write-outcome'], c.refused ? 'refused-before-append' : undefined, c.name);
      assert.equal(error.startsWith('write refused before append: '), c.refused, c.name);
    }
    assert.equal(datBytes(), sizeBefore);
    const got = await send(f.admin, 'GET', FID);
    assert.deepEqual([got.status, got.body.toString()], [200, 'existing bytes']);
  });

  it('writes again once writable, with no outcome header', async () => {
    const volume = f.store.findVolume(7);
    assert.ok(volume);
    await volume.setReadOnly(false, false);
    const r = await send(f.admin, 'POST', FID, OCTETS, 'writable again');
    assert.equal(r.status, 201, r.body.toString());
    assert.equal(r.headers['x-seaweed-write-outcome'], undefined);
  });
});

describe('multipart control fields', () => {
  async function parse(query: Record<string, string>, body: Buffer) {
    return parseUpload({
      method: 'POST',
      path: '/7,0a1b2c3d4e',
      headers: new Headers({ 'content-type': MULTIPART['Content-Type'], 'content-length': String(body.length) }),
      body: (async function* () {
        yield body;
      })(),
      formValue: (key) => query[key] ?? '',
      hasFormValue: (key) => key in query,
      fileSizeLimitBytes: 1024 * 1024,
      maxGunzipBytes: 1024 * 1024,
    });
  }

  it('takes type and fsync from fields before or after the file, unless the query has them', async () => {
    assert.equal((await parse({}, multipart({ type: 'replicate' }, {}))).isReplicate, true);
    assert.equal((await parse({}, multipart({}, { type: 'replicate', fsync: 'true' }))).fsync, true);
    assert.equal((await parse({ type: '' }, multipart({}, { type: 'replicate' }))).isReplicate, false);
    assert.equal((await parse({ fsync: 'false' }, multipart({ fsync: 'true' }, {}))).fsync, false);
    const plain = await parse({}, multipart({}, {}));
    assert.deepEqual(
      [plain.isReplicate, plain.fsync, Buffer.from(plain.data).toString()],
      [false, false, 'refused replacement'],
    );
  });

  it('keeps a replica copy`s mime as sent, deducing none', async () => {
    const body = Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="page.html"\r\n\r\n<html></html>\r\n--${BOUNDARY}--\r\n`,
    );
    assert.equal((await parse({}, body)).mimeType, 'text/html; charset=utf-8');
    const replica = await parse({ type: 'replicate' }, body);
    assert.deepEqual([replica.mimeType, replica.isGzipped], ['', false]);
  });
});

describe('write error order (upstream: vid, JWT, body, then fid)', () => {
  let open: Fixture;
  let guarded: Fixture;
  before(async () => {
    open = await startFixture();
    guarded = await startFixture(8 * 1024 * 1024, () => ({ authorize: jwtAuthorizer({ writeKey: 'k', readKey: '' }) }));
  });
  after(async () => {
    for (const f of [open, guarded]) {
      await f.servers.close();
      await f.store.close();
    }
  });

  it('reports a body error before a bad fid, and a missing JWT before either', async () => {
    const noBoundary = { 'Content-Type': 'multipart/form-data' };
    const body = await send(open.admin, 'POST', '/7,bad', noBoundary, 'not-a-valid-multipart-body');
    assert.deepEqual(
      [body.status, JSON.parse(body.body.toString()).error],
      [400, 'no multipart boundary param in Content-Type'],
    );
    const fid = await send(open.admin, 'POST', '/7,bad', OCTETS, 'x');
    assert.deepEqual([fid.status, JSON.parse(fid.body.toString()).error], [400, 'Invalid fid: bad']);
    const vid = await send(open.admin, 'POST', '/x,bad', noBoundary, 'y');
    assert.equal(vid.status, 400);
    const jwt = await send(guarded.admin, 'POST', '/7,bad', noBoundary, 'y');
    assert.deepEqual([jwt.status, JSON.parse(jwt.body.toString()).error], [401, 'wrong jwt']);
    // A path read two ways is still refused, after the body.
    const ambiguous = await send(open.admin, 'POST', '/7/0111223344.x,0211223344', OCTETS, 'x');
    assert.equal(ambiguous.status, 400);
  });
});
