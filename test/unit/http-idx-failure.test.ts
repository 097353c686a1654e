// Over HTTP: after a durable write's `.idx` append fails, the volume answers later writes the
// way upstream does for a noWriteOrDelete volume (409, "volume N is read only").
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Volume } from '../../src/storage/volume.ts';
import { send, startFixture } from '../support/http-fixture.ts';

describe('HTTP writes after a failed .idx append', () => {
  it('fails the fsync write with 500, then refuses writes with 409 until the volume is marked writable', async () => {
    const f = await startFixture();
    after(() => f.servers.close());
    const location = f.store.locations[0]!;
    await location.volumes.get(7)!.close();
    let fail = false;
    const volume = await Volume.open({
      location: location.location('', 7),
      offsetWidth: 4,
      ioHooks: {
        beforeWrite(file) {
          if (file === 'idx' && fail) {
            fail = false;
            throw new Error('EIO: i/o error, write');
          }
        },
      },
    });
    location.volumes.set(7, volume);
    after(() => volume.close());

    const plain = { 'Content-Type': 'text/plain' };
    assert.equal((await send(f.admin, 'POST', '/7,01a1b2c3d4', plain, 'first')).status, 201);
    fail = true;
    const failed = await send(f.admin, 'POST', '/7,02a1b2c3d4?fsync=true', plain, 'durable');
    assert.equal(failed.status, 500);
    assert.match(
      JSON.parse(failed.body.toString()).error,
      /^failed to write to local disk: index needle 2 of volume 7 at offset \d+: EIO/,
    );

    const refused = await send(f.admin, 'POST', '/7,03a1b2c3d4', plain, 'later');
    assert.equal(refused.status, 409);
    assert.deepEqual(JSON.parse(refused.body.toString()), {
      error: 'write refused before append: failed to write to local disk: volume 7 is read only',
    });
    const refusedDurable = await send(f.admin, 'POST', '/7,03a1b2c3d4?fsync=true', plain, 'later');
    assert.equal(refusedDurable.status, 409);
    assert.deepEqual(JSON.parse(refusedDurable.body.toString()), {
      error: 'failed to write to local disk: volume 7 is read only',
    });
    assert.equal((await send(f.admin, 'GET', '/7,01a1b2c3d4')).body.toString(), 'first');

    await volume.setReadOnly(false, true);
    assert.equal((await send(f.admin, 'POST', '/7,03a1b2c3d4?fsync=true', plain, 'later')).status, 201);
  });
});
