// `weed shell` volume.move: a live volume goes from a Go volume server to ours and back (copy,
// tail, delete at the source), with no file lost and deletions kept; and a move with writers
// running throughout, where every acknowledged write must be readable at the destination.
import assert from 'node:assert/strict';
import { mkdir, stat } from 'node:fs/promises';
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
      assert.equal(
        (
          await fetch(`http://127.0.0.1:${go.port}/${fid}`, {
            method: 'POST',
            body: `moved file ${i}\n`.repeat(40 + i),
          })
        ).status,
        201,
      );
    }
    for (const fid of fids.slice(0, 3))
      assert.equal((await fetch(`http://127.0.0.1:${go.port}/${fid}`, { method: 'DELETE' })).status, 202);

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

    let output = await runShell(
      master.address,
      `lock\nvolume.move -source ${goAddress} -target ${ourAddress} -volumeId ${vid}\nunlock`,
    );
    await expectAll(ours.port, `ours after move (shell: ${output})`);
    // (Go would still answer reads: its default -readMode=proxy forwards them to us.)
    await assert.rejects(stat(path.join(goDir, `${vid}.dat`)), 'the source copy is deleted after the move');

    output = await runShell(
      master.address,
      `lock\nvolume.move -source ${ourAddress} -target ${goAddress} -volumeId ${vid}\nunlock`,
    );
    await expectAll(go.port, `Go after moving back (shell: ${output})`);
    await ours.peer.stop();
    await go.peer.stop();
    await master.peer.stop();
  });

  it('moves a volume ours → Go → ours with writers running throughout: no acknowledged write is lost', async () => {
    const work = await tempDir('needlework-move-live-');
    const goDir = path.join(work, 'go');
    const ourDir = path.join(work, 'ours');
    await mkdir(goDir);
    await mkdir(ourDir);
    const master = await startMaster(work);
    const ours = await startOurVolumeServer(work, ourDir, master.address);
    const pool = await assignFids(master.address, 20_000);
    const vid = pool[0]!.split(',')[0]!;
    const go = await startGoVolumeServer(work, goDir, master.address);
    const servers = { ours: ours.port, go: go.port };
    const payload = (fid: string) => `live write ${fid}\n`.repeat(3 + (fid.length % 5));

    // Writers take fids (one volume's) from the pool and try the server that should hold the volume, then the
    // other one; a 201 from either is an acknowledged write.
    const acknowledged: string[] = [];
    let refused = 0;
    let next = 0;
    let holder: keyof typeof servers = 'ours';
    let running = true;
    const writer = async (): Promise<void> => {
      while (running && next < pool.length) {
        const fid = pool[next++]!;
        const order: Array<keyof typeof servers> = holder === 'ours' ? ['ours', 'go'] : ['go', 'ours'];
        let acked = false;
        for (const server of order) {
          const response = await fetch(`http://127.0.0.1:${servers[server]}/${fid}`, {
            method: 'POST',
            body: payload(fid),
          }).catch(() => null);
          await response?.arrayBuffer();
          if (response?.status === 201) {
            acked = true;
            break;
          }
        }
        if (acked) acknowledged.push(fid);
        else refused++;
        // Paced, so the pool lasts through both moves.
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const writers = Array.from({ length: 4 }, writer);
    while (acknowledged.length < 50) await new Promise((resolve) => setTimeout(resolve, 20));

    const expectAcknowledged = async (port: number, where: string) => {
      const snapshot = [...acknowledged];
      for (const fid of snapshot)
        assert.deepEqual(
          await statusOf(`http://127.0.0.1:${port}/${fid}`),
          { status: 200, body: payload(fid) },
          `${where}: ${fid}`,
        );
      return snapshot.length;
    };
    const ourAddress = `127.0.0.1:${ours.port}.${ours.grpcPort}`;
    const goAddress = `127.0.0.1:${go.port}.${go.grpcPort}`;
    let output = await runShell(
      master.address,
      `lock\nvolume.move -source ${ourAddress} -target ${goAddress} -volumeId ${vid}\nunlock`,
    );
    holder = 'go';
    assert.match(output, /moved volume/, output);
    const checkedAfterFirst = await expectAcknowledged(go.port, `Go after the move (shell: ${output})`);

    output = await runShell(
      master.address,
      `lock\nvolume.move -source ${goAddress} -target ${ourAddress} -volumeId ${vid}\nunlock`,
    );
    holder = 'ours';
    assert.match(output, /moved volume/, output);
    running = false;
    await Promise.all(writers);
    const checked = await expectAcknowledged(ours.port, `ours after moving back (shell: ${output})`);
    assert.ok(
      checked > checkedAfterFirst,
      `writes were acknowledged between the moves (${checkedAfterFirst} then ${checked}, ${refused} refused)`,
    );
    await assert.rejects(stat(path.join(goDir, `${vid}.dat`)), 'the Go copy is deleted after the move back');
    await ours.peer.stop();
    await go.peer.stop();
    await master.peer.stop();
  });
});
