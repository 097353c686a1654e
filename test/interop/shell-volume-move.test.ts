// `weed shell` volume.move: a live volume goes from a Go volume server to ours and back (copy,
// tail, delete at the source), with no file lost and deletions kept.
import assert from 'node:assert/strict';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../unit/helpers.ts';
import { assignFids, runShell, skipReason, startGoVolumeServer, startMaster, startOurVolumeServer } from './peers.ts';

async function statusOf(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
}

describe('weed shell volume.move between Go and our server', { skip: skipReason() }, () => {
  it('moves a volume Go → ours → Go with every file intact', async () => {
    const work = await tempDir('needlework-move-');
    const goDir = path.join(work, 'go');
    const ourDir = path.join(work, 'ours');
    await mkdir(goDir);
    await mkdir(ourDir);
    const master = await startMaster(work);
    const go = await startGoVolumeServer(work, goDir, master.address);

    const fids = await assignFids(master.address, 12);
    const vid = fids[0]!.split(',')[0]!;
    for (const [i, fid] of fids.entries()) {
      assert.equal((await fetch(`http://127.0.0.1:${go.port}/${fid}`, { method: 'POST', body: `moved file ${i}\n`.repeat(40 + i) })).status, 201);
    }
    for (const fid of fids.slice(0, 3)) assert.equal((await fetch(`http://127.0.0.1:${go.port}/${fid}`, { method: 'DELETE' })).status, 202);

    const ours = await startOurVolumeServer(work, ourDir, master.address);
    const goAddress = `127.0.0.1:${go.port}.${go.grpcPort}`;
    const ourAddress = `127.0.0.1:${ours.port}.${ours.grpcPort}`;
    const expectAll = async (port: number, where: string) => {
      for (const [i, fid] of fids.entries()) {
        const got = await statusOf(`http://127.0.0.1:${port}/${fid}`);
        if (i < 3) assert.equal(got.status, 404, `${where}: deleted ${fid}`);
        else assert.deepEqual(got, { status: 200, body: `moved file ${i}\n`.repeat(40 + i) }, `${where}: ${fid}`);
      }
    };

    let output = await runShell(master.address, `lock\nvolume.move -source ${goAddress} -target ${ourAddress} -volumeId ${vid}\nunlock`);
    await expectAll(ours.port, `ours after move (shell: ${output})`);
    // (Go would still answer reads: its default -readMode=proxy forwards them to us.)
    await assert.rejects(stat(path.join(goDir, `${vid}.dat`)), 'the source copy is deleted after the move');

    output = await runShell(master.address, `lock\nvolume.move -source ${ourAddress} -target ${goAddress} -volumeId ${vid}\nunlock`);
    await expectAll(go.port, `Go after moving back (shell: ${output})`);
    await ours.peer.stop();
    await go.peer.stop();
    await master.peer.stop();
  });
});
