// Both directions with the real Go volume server: a volume our engine wrote is served by Go
// `weed volume`; what Go then writes and deletes in it is read back by our engine.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { formatFileId } from '../../src/storage/needle/file-id.ts';
import { NeedleFlag, newNeedle } from '../../src/storage/needle/needle.ts';
import { newSuperBlock } from '../../src/storage/super-block.ts';
import { isStorageError } from '../../src/storage/errors.ts';
import { Volume } from '../../src/storage/volume.ts';
import { tempDir } from '../support/helpers.ts';
import { skipReason, startGoVolumeServer, startMaster } from '../support/peers.ts';

const COOKIE = 0x5eed_f00d;

function goStyleNeedle(id: bigint, data: Buffer, name: string, mime: string) {
  // The flags Go's upload path sets: name and mime always (< 256 bytes), last-modified always.
  return newNeedle({
    cookie: COOKIE,
    id,
    data,
    name: Buffer.from(name),
    mime: Buffer.from(mime),
    lastModified: 1_700_000_000,
    flags: NeedleFlag.HasName | NeedleFlag.HasMime | NeedleFlag.HasLastModified,
  });
}

describe('a Go weed volume server and our engine share volumes', { skip: skipReason() }, () => {
  it('Go serves what we wrote; we read what Go wrote', async () => {
    const work = await tempDir('needlework-interop-');
    const dataDir = path.join(work, 'volume');
    await mkdir(dataDir);
    const payloads = new Map<bigint, Buffer>([
      [1n, Buffer.from('hello from needlework\n')],
      [2n, Buffer.alloc(300 * 1024, 7)],
      [3n, Buffer.from('to be deleted by us')],
      [4n, Buffer.from('to be deleted by Go')],
    ]);
    const ours = await Volume.open({
      location: { dir: dataDir, collection: '', volumeId: 1 },
      offsetWidth: 4,
      create: newSuperBlock({ version: 3 }),
    });
    for (const [id, data] of payloads)
      await ours.write(goStyleNeedle(id, data, `file-${id}.bin`, 'application/x-test'));
    await ours.delete(3n, COOKIE);
    await ours.close();

    const master = await startMaster(work);
    const go = await startGoVolumeServer(work, dataDir, master.address);
    const url = (id: bigint) =>
      `http://127.0.0.1:${go.port}/${formatFileId({ volumeId: 1, needleId: id, cookie: COOKIE })}`;

    for (const id of [1n, 2n, 4n]) {
      const response = await fetch(url(id));
      assert.equal(response.status, 200, `GET ${id} from Go`);
      assert.deepEqual(Buffer.from(await response.arrayBuffer()), payloads.get(id), `body ${id}`);
      assert.equal(response.headers.get('content-type'), 'application/x-test');
    }
    assert.equal((await fetch(url(3n))).status, 404, 'our delete is a delete to Go');

    const deleted = await fetch(url(4n), { method: 'DELETE' });
    assert.equal(deleted.status, 202);
    const upload = await fetch(url(5n), {
      method: 'PUT',
      body: 'written by Go',
      headers: { 'Content-Type': 'text/x-go' },
    });
    assert.equal(upload.status, 201);
    await go.peer.stop();

    const reopened = await Volume.open({ location: { dir: dataDir, collection: '', volumeId: 1 }, offsetWidth: 4 });
    assert.deepEqual(reopened.loadReport.notes, []);
    assert.equal(reopened.isReadOnly, false);
    assert.deepEqual(Buffer.from((await reopened.read(1n)).data), payloads.get(1n));
    assert.deepEqual(Buffer.from((await reopened.read(2n)).data), payloads.get(2n));
    await assert.rejects(reopened.read(4n), (err) => isStorageError(err, 'deleted'));
    const fromGo = await reopened.read(5n, { cookie: COOKIE });
    assert.equal(Buffer.from(fromGo.data).toString(), 'written by Go');
    assert.equal(Buffer.from(fromGo.mime).toString(), 'text/x-go');
    await reopened.close();
    await master.peer.stop();
  });
});
