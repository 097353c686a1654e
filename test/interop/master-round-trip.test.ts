// Our server beside the unmodified Go master: the master assigns file ids on it, clients write and
// read them over HTTP, the master lists our volumes, and everything survives a restart.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../support/helpers.ts';
import { skipReason, startMaster, startOurVolumeServer } from '../support/peers.ts';

async function json(url: string): Promise<any> {
  const response = await fetch(url);
  return response.json();
}

/** Assign retries while the master grows volumes on a server that just registered. */
async function assign(master: string): Promise<{ fid: string; url: string }> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const result = await json(`http://${master}/dir/assign`);
    if (result.fid !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`assign failed: ${JSON.stringify(result)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

describe('our volume server with the real Go master', { skip: skipReason() }, () => {
  it('assign, upload, read, appear in /dir/status, restart and read again', async () => {
    const work = await tempDir('needlework-e2e-');
    const dataDir = path.join(work, 'volume');
    await mkdir(dataDir);
    const master = await startMaster(work);
    const first = await startOurVolumeServer(work, dataDir, master.address);

    const files = new Map<string, Buffer>();
    for (let i = 0; i < 5; i++) {
      const { fid, url } = await assign(master.address);
      assert.equal(url, `127.0.0.1:${first.port}`, 'the master assigns on our server');
      const body = Buffer.from(`file ${i} `.repeat(100 + i * 1000));
      const form = new FormData();
      form.append('file', new Blob([body]), `f${i}.txt`);
      const upload = await fetch(`http://${url}/${fid}`, { method: 'POST', body: form });
      assert.equal(upload.status, 201, await upload.text());
      files.set(fid, body);
    }
    const readAll = async (port: number) => {
      for (const [fid, body] of files) {
        const response = await fetch(`http://127.0.0.1:${port}/${fid}`);
        assert.equal(response.status, 200, fid);
        assert.deepEqual(Buffer.from(await response.arrayBuffer()), body, fid);
      }
    };
    await readAll(first.port);

    const status = await json(`http://${master.address}/dir/status`);
    const text = JSON.stringify(status);
    assert.match(text, new RegExp(`127\\.0\\.0\\.1:${first.port}`), 'master lists our data node');
    const vid = [...files.keys()][0]!.split(',')[0]!;
    const lookup = await json(`http://${master.address}/dir/lookup?volumeId=${vid}`);
    assert.equal(lookup.locations?.[0]?.url, `127.0.0.1:${first.port}`);

    await first.peer.stop();
    const second = await startOurVolumeServer(work, dataDir, master.address, {
      port: first.port,
      grpcPort: first.grpcPort,
    });
    await readAll(second.port);
    // The master learns our volumes again from the new heartbeat.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const again = await json(`http://${master.address}/dir/lookup?volumeId=${vid}`);
      if (again.locations?.[0]?.url === `127.0.0.1:${second.port}`) break;
      if (Date.now() > deadline) throw new Error(`volume ${vid} not re-registered: ${JSON.stringify(again)}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await second.peer.stop();
    await master.peer.stop();
  });
});
