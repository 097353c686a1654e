// `weed shell` erasure coding against our server: ec.encode turns a volume into 14 shards,
// ec.rebuild regenerates deleted shards, ec.decode turns the shards back into a volume; every
// file stays readable at each step. Then the same with shards spread over a Go and our server, and
// volumes over 10 MiB (4.53's uniform layout then has blocks over 1 MiB) encoded by Go and by us.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { newPeerClient, unaryCall } from '../../src/cluster/peer-client.ts';
import { tempDir } from '../support/helpers.ts';
import { PEER_PATIENCE, eventually } from '../support/eventually.ts';
import {
  assignFids,
  runShell,
  skipReason,
  startGoVolumeServer,
  startMaster,
  startOurVolumeServer,
} from '../support/peers.ts';

function bodyOf(i: number): string {
  return `erasure coded file ${i}\n`.repeat(30 + i * 13);
}

async function expectFiles(port: number, fids: string[], deleted: Set<number>, where: string): Promise<void> {
  for (const [i, fid] of fids.entries()) {
    const response = await fetch(`http://127.0.0.1:${port}/${fid}`);
    const text = await response.text();
    if (deleted.has(i)) assert.equal(response.status, 404, `${where}: deleted ${fid}`);
    else assert.deepEqual({ status: response.status, text }, { status: 200, text: bodyOf(i) }, `${where}: ${fid}`);
  }
}

async function shardFiles(dir: string, vid: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith(`${vid}.ec`)).sort();
}

describe('weed shell erasure coding with our server', { skip: skipReason() }, () => {
  it('ec.encode, ec.rebuild after losing two shards, ec.decode: files readable throughout', async () => {
    const work = await tempDir('needlework-ec-');
    const dir = path.join(work, 'ours');
    await mkdir(dir);
    const master = await startMaster(work);
    const ours = await startOurVolumeServer(work, dir, master.address, undefined, [], 30);
    const fids = await assignFids(master.address, 16);
    const vid = fids[0]!.split(',')[0]!;
    for (const [i, fid] of fids.entries()) {
      assert.equal(
        (await fetch(`http://127.0.0.1:${ours.port}/${fid}`, { method: 'POST', body: bodyOf(i) })).status,
        201,
      );
    }
    const deleted = new Set([2]);
    assert.equal((await fetch(`http://127.0.0.1:${ours.port}/${fids[2]}`, { method: 'DELETE' })).status, 202);

    let output = await runShell(master.address, `lock\nec.encode -volumeId ${vid} -force\nunlock`);
    assert.equal(
      (await shardFiles(dir, vid)).filter((n) => /\.ec\d\d$/.test(n)).length,
      14,
      `14 shards after ec.encode (shell: ${output})`,
    );
    assert.ok(
      !(await readdir(dir)).includes(`${vid}.dat`),
      `the volume itself is gone after ec.encode (shell: ${output})`,
    );
    await expectFiles(ours.port, fids, deleted, `after ec.encode (shell: ${output})`);

    // A delete of an EC-coded file is journaled.
    assert.equal((await fetch(`http://127.0.0.1:${ours.port}/${fids[5]}`, { method: 'DELETE' })).status, 202);
    deleted.add(5);

    // Lose two shards, one data and one parity.
    const client = newPeerClient(`127.0.0.1:${ours.port}.${ours.grpcPort}`);
    await unaryCall(client, 'VolumeEcShardsUnmount', { volume_id: Number(vid), shard_ids: [1, 12] });
    await unaryCall(client, 'VolumeEcShardsDelete', { volume_id: Number(vid), collection: '', shard_ids: [1, 12] });
    client.close();
    assert.equal((await shardFiles(dir, vid)).filter((n) => /\.ec\d\d$/.test(n)).length, 12);
    await expectFiles(ours.port, fids, deleted, 'with shards 1 and 12 lost (reconstructing reads)');

    // The master learns of the loss through our heartbeat; then ec.rebuild regenerates both.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    output = await runShell(master.address, `lock\nec.rebuild -apply\nunlock`);
    await eventually(
      `14 shards after ec.rebuild (shell: ${output})`,
      async () => (await shardFiles(dir, vid)).filter((n) => /\.ec\d\d$/.test(n)).length === 14,
      PEER_PATIENCE,
    );
    await expectFiles(ours.port, fids, deleted, `after ec.rebuild (shell: ${output})`);

    output = await runShell(master.address, `lock\nec.decode -volumeId ${vid}\nunlock`);
    await eventually(
      `a .dat after ec.decode (shell: ${output})`,
      async () => (await readdir(dir)).includes(`${vid}.dat`),
      PEER_PATIENCE,
    );
    await expectFiles(ours.port, fids, deleted, `after ec.decode (shell: ${output})`);
    assert.deepEqual(
      (await shardFiles(dir, vid)).filter((n) => /\.ec\d\d$/.test(n)),
      [],
      `no shards left after ec.decode (shell: ${output})`,
    );

    await ours.peer.stop();
    await master.peer.stop();
  });

  it('shards spread over a Go and our server: reads from both, then ec.decode', async () => {
    const work = await tempDir('needlework-ec-mixed-');
    const goDir = path.join(work, 'go');
    const ourDir = path.join(work, 'ours');
    await mkdir(goDir);
    await mkdir(ourDir);
    const master = await startMaster(work);
    const ours = await startOurVolumeServer(work, ourDir, master.address, undefined, [], 30);
    const fids = await assignFids(master.address, 12);
    const vid = fids[0]!.split(',')[0]!;
    for (const [i, fid] of fids.entries()) {
      assert.equal(
        (await fetch(`http://127.0.0.1:${ours.port}/${fid}`, { method: 'POST', body: bodyOf(i) })).status,
        201,
      );
    }
    const go = await startGoVolumeServer(work, goDir, master.address, 30);
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    let output = await runShell(master.address, `lock\nec.encode -volumeId ${vid} -force\nunlock`);
    const onGo = (await shardFiles(goDir, vid)).filter((n) => /\.ec\d\d$/.test(n));
    const onOurs = (await shardFiles(ourDir, vid)).filter((n) => /\.ec\d\d$/.test(n));
    assert.equal(onGo.length + onOurs.length, 14, `all shards placed (go ${onGo}, ours ${onOurs}; shell: ${output})`);
    assert.ok(
      onGo.length > 0 && onOurs.length > 0,
      `shards on both servers (go ${onGo}, ours ${onOurs}; shell: ${output})`,
    );
    await expectFiles(ours.port, fids, new Set(), `read from our server (shell: ${output})`);
    await expectFiles(go.port, fids, new Set(), `read from the Go server (shell: ${output})`);

    // Our .ecx lost: mounting with recover_missing_index fetches it from the Go server.
    const ourIds = onOurs.map((name) => Number(name.slice(-2)));
    const client = newPeerClient(`127.0.0.1:${ours.port}.${ours.grpcPort}`);
    await unaryCall(client, 'VolumeEcShardsUnmount', { volume_id: Number(vid), shard_ids: ourIds });
    await rm(path.join(ourDir, `${vid}.ecx`));
    await rm(path.join(ourDir, `${vid}.ecj`), { force: true });
    await assert.rejects(
      unaryCall(client, 'VolumeEcShardsMount', { volume_id: Number(vid), collection: '', shard_ids: ourIds }),
      /no \.ecx index found/,
    );
    await unaryCall(client, 'VolumeEcShardsMount', {
      volume_id: Number(vid),
      collection: '',
      shard_ids: ourIds,
      recover_missing_index: true,
    });
    client.close();
    assert.ok((await readdir(ourDir)).includes(`${vid}.ecx`), 'the .ecx came back from the Go peer');
    await expectFiles(ours.port, fids, new Set(), 'read from our server after index recovery');

    output = await runShell(master.address, `lock\nec.decode -volumeId ${vid}\nunlock`);
    await eventually(
      `a .dat after ec.decode (shell: ${output})`,
      async () => (await readdir(ourDir)).includes(`${vid}.dat`) || (await readdir(goDir)).includes(`${vid}.dat`),
      PEER_PATIENCE,
    );
    const holder = (await readdir(ourDir)).includes(`${vid}.dat`) ? ours.port : go.port;
    await expectFiles(holder, fids, new Set(), `after ec.decode (shell: ${output})`);

    await go.peer.stop();
    await ours.peer.stop();
    await master.peer.stop();
  });
  /** Big enough that the uniform layout's block is 3 MiB: 12 files of 2 MiB each, about 24 MiB. */
  const LARGE_FILE_BYTES = 2 * 1024 * 1024;
  const LARGE_FILE_COUNT = 12;
  const MIB = 1024 * 1024;

  /** Distinct, incompressible-looking bytes per file (a hash chain), so a misplaced block shows. */
  function largeBodyOf(i: number): Buffer {
    const out = Buffer.alloc(LARGE_FILE_BYTES);
    let block = createHash('sha256').update(`large file ${i}`).digest();
    for (let at = 0; at < out.length; at += block.length) {
      block.copy(out, at);
      block = createHash('sha256').update(block).digest();
    }
    return out;
  }

  async function expectLargeFiles(port: number, fids: string[], where: string): Promise<void> {
    for (const [i, fid] of fids.entries()) {
      const response = await fetch(`http://127.0.0.1:${port}/${fid}`);
      const body = Buffer.from(await response.arrayBuffer());
      assert.equal(response.status, 200, `${where}: ${fid}`);
      assert.ok(body.equals(largeBodyOf(i)), `${where}: ${fid} differs (${body.length} bytes)`);
    }
  }

  for (const encoder of ['go', 'ours'] as const) {
    it(`a volume over 10 MiB encoded by ${encoder === 'go' ? 'Go' : 'our server'}: blocks over 1 MiB read back through both servers`, async () => {
      const work = await tempDir(`needlework-ec-large-${encoder}-`);
      const goDir = path.join(work, 'go');
      const ourDir = path.join(work, 'ours');
      await mkdir(goDir);
      await mkdir(ourDir);
      const master = await startMaster(work);
      // The encoder starts alone, so the master puts the volume there.
      const first =
        encoder === 'go'
          ? await startGoVolumeServer(work, goDir, master.address, 30)
          : await startOurVolumeServer(work, ourDir, master.address, undefined, [], 30);
      const fids = await assignFids(master.address, LARGE_FILE_COUNT);
      const vid = fids[0]!.split(',')[0]!;
      for (const [i, fid] of fids.entries()) {
        const form = new FormData();
        form.append('file', new Blob([largeBodyOf(i)]), `large-${i}.bin`);
        assert.equal(
          (await fetch(`http://127.0.0.1:${first.port}/${fid}`, { method: 'POST', body: form })).status,
          201,
        );
      }
      const second =
        encoder === 'go'
          ? await startOurVolumeServer(work, ourDir, master.address, undefined, [], 30)
          : await startGoVolumeServer(work, goDir, master.address, 30);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const datBytes = (await stat(path.join(encoder === 'go' ? goDir : ourDir, `${vid}.dat`))).size;
      assert.ok(datBytes > 10 * MIB, `the volume is over 10 MiB (${datBytes} bytes)`);

      const output = await runShell(master.address, `lock\nec.encode -volumeId ${vid} -force\nunlock`);
      const onGo = (await shardFiles(goDir, vid)).filter((n) => /\.ec\d\d$/.test(n));
      const onOurs = (await shardFiles(ourDir, vid)).filter((n) => /\.ec\d\d$/.test(n));
      assert.equal(onGo.length + onOurs.length, 14, `all shards placed (go ${onGo}, ours ${onOurs}; shell: ${output})`);
      assert.ok(
        onGo.length > 0 && onOurs.length > 0,
        `shards on both servers (go ${onGo}, ours ${onOurs}; shell: ${output})`,
      );
      // Uniform layout: one block per shard, ceil(dat / 10) rounded up to whole MiB.
      const expectedShardBytes = Math.ceil(Math.ceil(datBytes / 10) / MIB) * MIB;
      assert.ok(expectedShardBytes > MIB);
      const someShard = onOurs.length > 0 ? path.join(ourDir, onOurs[0]!) : path.join(goDir, onGo[0]!);
      assert.equal(
        (await stat(someShard)).size,
        expectedShardBytes,
        `shard size of the uniform layout (shell: ${output})`,
      );
      const [goServer, ourServer] = encoder === 'go' ? [first, second] : [second, first];
      await expectLargeFiles(ourServer.port, fids, `read from our server (shell: ${output})`);
      await expectLargeFiles(goServer.port, fids, `read from the Go server (shell: ${output})`);

      await second.peer.stop();
      await first.peer.stop();
      await master.peer.stop();
    });
  }
});
