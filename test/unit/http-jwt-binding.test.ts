// A JWT names one fid: the needle written, deleted or read must be that one, whatever the URL shape.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { isStorageError } from '../../src/storage/errors.ts';
import { jwtAuthorizer } from '../../src/server/http/jwt.ts';
import { writeTargetOf, FidParseError } from '../../src/server/http/url-path.ts';
import { type Fixture, send, startFixture } from '../support/http-fixture.ts';

function sign(fid: string, key: string): string {
  const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify({ fid, exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url');
  return `${head}.${body}.${createHmac('sha256', key).update(`${head}.${body}`).digest('base64url')}`;
}

const OCTETS = { 'Content-Type': 'application/octet-stream' };

async function storedData(f: Fixture, needleId: bigint): Promise<string | undefined> {
  const volume = f.store.findVolume(7);
  assert.ok(volume);
  try {
    return Buffer.from((await volume.read(needleId)).data).toString();
  } catch (err) {
    if (isStorageError(err, 'not_found') || isStorageError(err, 'deleted')) return undefined;
    throw err;
  }
}

describe('write target parsing', () => {
  it('gives one fid for the JWT and the write, and refuses paths read two ways', () => {
    assert.deepEqual(writeTargetOf('/7,0111223344'), {
      vidText: '7',
      fidText: '0111223344',
      volumeId: 7,
      needleId: 1n,
      cookie: 0x11223344,
    });
    assert.equal(writeTargetOf('/7,0111223344.jpg').fidText, '0111223344');
    assert.deepEqual(writeTargetOf('/7,0a11223344_1'), {
      vidText: '7',
      fidText: '0a11223344_1',
      volumeId: 7,
      needleId: 0xbn,
      cookie: 0x11223344,
    });
    for (const path of ['/7/0111223344.x,0211223344', '/7/0111223344/x,0999aabbcc']) {
      assert.throws(() => writeTargetOf(path), FidParseError, path);
    }
    // Upstream cannot write to the slash shapes either (its write fid keeps the slashes).
    assert.throws(() => writeTargetOf('/7/0111223344'), /Parse needleId error/);
  });
});

describe('JWT bound to the written needle', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture(8 * 1024 * 1024, () => ({ authorize: jwtAuthorizer({ writeKey: 'k', readKey: '' }) }));
    const seed = await send(f.admin, 'POST', `/7,0211223344?jwt=${sign('7,0211223344', 'k')}`, OCTETS, 'victim');
    assert.equal(seed.status, 201, seed.body.toString());
  });
  after(async () => {
    await f.servers.close();
    await f.store.close();
  });

  it('refuses a token for one fid on a path that would overwrite another', async () => {
    const r = await send(
      f.admin,
      'POST',
      `/7/0111223344.x,0211223344?jwt=${sign('7,0111223344', 'k')}`,
      OCTETS,
      'evil',
    );
    assert.ok(r.status === 400 || r.status === 401, `status ${r.status}`);
    assert.equal(typeof JSON.parse(r.body.toString()).error, 'string');
    assert.equal(await storedData(f, 2n), 'victim');
    assert.equal(await storedData(f, 1n), undefined);
  });

  it('refuses a token for one fid on a path that would create another', async () => {
    const r = await send(
      f.admin,
      'POST',
      `/7/0111223344/x,0999aabbcc?jwt=${sign('7,0111223344', 'k')}`,
      OCTETS,
      'evil',
    );
    assert.ok(r.status === 400 || r.status === 401, `status ${r.status}`);
    assert.equal(await storedData(f, 9n), undefined);
    assert.equal(await storedData(f, 1n), undefined);
  });

  it('accepts the honest write forms with the right token and refuses a token for another fid', async () => {
    const token = sign('7,0111223344', 'k');
    assert.equal((await send(f.admin, 'POST', `/7,0111223344?jwt=${token}`, OCTETS, 'one')).status, 201);
    assert.equal((await send(f.admin, 'PUT', `/7,0111223344.jpg?jwt=${token}`, OCTETS, 'two')).status, 201);
    assert.equal(await storedData(f, 1n), 'two');
    // `_1` names needle 0x0a + 1 under the base fid's token.
    assert.equal(
      (await send(f.admin, 'POST', `/7,0a11223344_1?jwt=${sign('7,0a11223344', 'k')}`, OCTETS, 'delta')).status,
      201,
    );
    assert.equal(await storedData(f, 0xbn), 'delta');
    assert.equal((await send(f.admin, 'POST', `/7,0311223344?jwt=${token}`, OCTETS, 'x')).status, 401);
    assert.equal(await storedData(f, 3n), undefined);
  });

  it('deletes the needle the token names, never the other reading of the path', async () => {
    await send(f.admin, 'POST', `/7,0411223344?jwt=${sign('7,0411223344', 'k')}`, OCTETS, 'four');
    await send(f.admin, 'POST', `/7,0511223344?jwt=${sign('7,0511223344', 'k')}`, OCTETS, 'five');
    const path = '/7/0411223344.x,0511223344';
    assert.equal((await send(f.admin, 'DELETE', `${path}?jwt=${sign('7,0511223344', 'k')}`)).status, 401);
    assert.equal(await storedData(f, 4n), 'four');
    assert.equal(await storedData(f, 5n), 'five');
    assert.equal((await send(f.admin, 'DELETE', `${path}?jwt=${sign('7,0411223344', 'k')}`)).status, 202);
    assert.equal(await storedData(f, 4n), undefined);
    assert.equal(await storedData(f, 5n), 'five');
  });
});

describe('read JWT bound to the read needle', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture(8 * 1024 * 1024, () => ({ authorize: jwtAuthorizer({ writeKey: '', readKey: 'r' }) }));
    for (const [fid, data] of [
      ['7,0611223344', 'six'],
      ['7,0711223344', 'seven'],
      ['7,0811223344', 'eight'],
    ]) {
      assert.equal((await send(f.admin, 'POST', `/${fid}`, OCTETS, data)).status, 201);
    }
  });
  after(async () => {
    await f.servers.close();
    await f.store.close();
  });

  it('serves every upstream URL form with the right token', async () => {
    const token = sign('7,0611223344', 'r');
    for (const path of [
      '/7,0611223344',
      '/7/0611223344',
      '/7/0611223344.jpg',
      '/7,0611223344.jpg',
      '/7/0611223344/name.jpg',
    ]) {
      const r = await send(f.admin, 'GET', `${path}?jwt=${token}`);
      assert.deepEqual([r.status, r.body.toString()], [200, 'six'], path);
      assert.equal((await send(f.admin, 'GET', path)).status, 401, path);
    }
    const delta = await send(f.admin, 'GET', `/7,0611223344_2?jwt=${token}`);
    assert.deepEqual([delta.status, delta.body.toString()], [200, 'eight']);
  });

  it('serves the needle the token names, never the other reading of the path', async () => {
    const path = '/7/0611223344.x,0711223344';
    assert.equal((await send(f.admin, 'GET', `${path}?jwt=${sign('7,0711223344', 'r')}`)).status, 401);
    const r = await send(f.admin, 'GET', `${path}?jwt=${sign('7,0611223344', 'r')}`);
    assert.deepEqual([r.status, r.body.toString()], [200, 'six']);
  });
});
