// `weed shell` volume.vacuum, driven by the real master, compacts one of our volumes; the
// compacted files then open in a Go volume server with every live file intact.
import assert from 'node:assert/strict';
import { mkdir, open, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../support/helpers.ts';
import {
  assignFids,
  runShell,
  skipReason,
  startGoVolumeServer,
  startMaster,
  startOurVolumeServer,
} from '../support/peers.ts';

async function compactionRevision(datPath: string): Promise<number> {
  const handle = await open(datPath, 'r');
  const head = Buffer.alloc(8);
  await handle.read(head, 0, 8, 0);
  await handle.close();
  return head.readUInt16BE(4);
}

describe('weed shell volume.vacuum on our volume server', { skip: skipReason() }, () => {
  it('compacts through the master; the result opens in Go', async () => {
    const work = await tempDir('needlework-vacuum-');
    const dataDir = path.join(work, 'volume');
    await mkdir(dataDir);
    const master = await startMaster(work);
    const ours = await startOurVolumeServer(work, dataDir, master.address);

    const fids = await assignFids(master.address, 20);
    const vid = fids[0]!.split(',')[0]!;
    for (const [i, fid] of fids.entries()) {
      const response = await fetch(`http://127.0.0.1:${ours.port}/${fid}`, {
        method: 'POST',
        body: `file ${i} `.repeat(500),
      });
      assert.equal(response.status, 201);
    }
    for (const fid of fids.slice(0, 15))
      assert.equal((await fetch(`http://127.0.0.1:${ours.port}/${fid}`, { method: 'DELETE' })).status, 202);
    const datPath = path.join(dataDir, `${vid}.dat`);
    const sizeBefore = (await stat(datPath)).size;

    const output = await runShell(master.address, `lock\nvolume.vacuum -garbageThreshold=0.1 -volumeId=${vid}\nunlock`);
    const sizeAfter = (await stat(datPath)).size;
    assert.ok(sizeAfter < sizeBefore / 2, `vacuum shrank ${sizeBefore} to ${sizeAfter}; shell said: ${output}`);
    assert.equal(await compactionRevision(datPath), 1);
    for (const [i, fid] of fids.entries()) {
      const response = await fetch(`http://127.0.0.1:${ours.port}/${fid}`);
      if (i < 15) assert.equal(response.status, 404, fid);
      else assert.equal(await response.text(), `file ${i} `.repeat(500), fid);
    }

    await ours.peer.stop();
    const go = await startGoVolumeServer(work, dataDir, master.address);
    for (const [i, fid] of fids.entries()) {
      const response = await fetch(`http://127.0.0.1:${go.port}/${fid}`);
      if (i < 15) assert.equal(response.status, 404, `Go: ${fid}`);
      else assert.equal(await response.text(), `file ${i} `.repeat(500), `Go: ${fid}`);
    }
    await go.peer.stop();
    await master.peer.stop();
  });
});
