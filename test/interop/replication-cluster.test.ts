// Two of our servers under the real master with replication 001: a write through the master's
// assign lands on both, is readable from both, and a delete reaches both.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../support/helpers.ts';
import { skipReason, startMaster, startOurVolumeServer } from '../support/peers.ts';

describe('replication 001 across two of our servers', { skip: skipReason() }, () => {
  it('a file assigned and written once is readable from both servers; a delete reaches both', async () => {
    const work = await tempDir('needlework-replication-');
    const master = await startMaster(work);
    const servers = [];
    for (const name of ['a', 'b']) {
      const dir = path.join(work, name);
      await mkdir(dir);
      servers.push(await startOurVolumeServer(work, dir, master.address));
    }
    let assigned: { fid?: string; url?: string; error?: string } = {};
    for (let attempt = 0; attempt < 60 && assigned.fid === undefined; attempt++) {
      assigned = (await (await fetch(`http://${master.address}/dir/assign?replication=001`)).json()) as typeof assigned;
      if (assigned.fid === undefined) await new Promise((resolve) => setTimeout(resolve, 300));
    }
    assert.ok(assigned.fid !== undefined, `assign failed: ${assigned.error}`);
    const body = 'replicated twice\n'.repeat(100);
    const upload = await fetch(`http://${assigned.url}/${assigned.fid}`, { method: 'POST', body });
    assert.equal(upload.status, 201, await upload.text());
    for (const server of servers) {
      // proxied=true: each server must answer from its own copy, not forward the read.
      const response = await fetch(`http://127.0.0.1:${server.port}/${assigned.fid}?proxied=true`);
      assert.equal(await response.text(), body, `server ${server.port}`);
    }
    const deleted = await fetch(`http://${assigned.url}/${assigned.fid}`, { method: 'DELETE' });
    assert.equal(deleted.status, 202);
    for (const server of servers) {
      // proxied=true keeps a server from forwarding the read: each answers for its own copy.
      assert.equal(
        (await fetch(`http://127.0.0.1:${server.port}/${assigned.fid}?proxied=true`)).status,
        404,
        `server ${server.port}`,
      );
    }
    for (const server of servers) await server.peer.stop();
    await master.peer.stop();
  });
});
