// Mutual TLS with the real Go master: both read one security.toml ([grpc] ca, [grpc.master] and
// [grpc.volume] cert/key). Our heartbeat must reach the master over mTLS (it lists our volumes),
// and the master must reach our gRPC server over mTLS (a vacuum it drives compacts our volume,
// which our Prometheus metrics record).
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { tempDir } from '../support/helpers.ts';
import { sample } from '../support/prom-text.ts';
import { makeTestPki, opensslMissing } from '../support/test-certs.ts';
import { assignFids, freePort, skipReason, startMaster, startOurVolumeServer } from '../support/peers.ts';
import { PEER_PATIENCE, eventually } from '../support/eventually.ts';

describe('mutual TLS between the Go master and our server', { skip: skipReason() || opensslMissing() }, () => {
  it('heartbeats over mTLS and serves the master mTLS gRPC calls', async () => {
    const work = await tempDir('needlework-tls-interop-');
    const pki = await makeTestPki();
    after(() => pki.remove());
    const configDir = path.join(work, 'config');
    const dataDir = path.join(work, 'volume');
    await mkdir(configDir);
    await mkdir(dataDir);
    await writeFile(
      path.join(configDir, 'security.toml'),
      [
        '[grpc]',
        `ca = "${pki.caCert}"`,
        '[grpc.master]',
        `cert = "${pki.server.cert}"`,
        `key = "${pki.server.key}"`,
        '[grpc.volume]',
        `cert = "${pki.server.cert}"`,
        `key = "${pki.server.key}"`,
        '',
      ].join('\n'),
    );
    const master = await startMaster(work, configDir);
    const metricsPort = await freePort();
    // One volume slot: the master vacuums a server's volumes one at a time with 10 s pauses.
    const ours = await startOurVolumeServer(
      work,
      dataDir,
      master.address,
      undefined,
      ['--config_dir', configDir, '--metricsPort', String(metricsPort)],
      1,
    );

    // Registration needs the heartbeat stream, i.e. our mTLS client against the master's server.
    const fids = await assignFids(master.address, 2);
    for (const fid of fids) {
      const form = new FormData();
      form.append('file', new Blob([Buffer.alloc(4096, 7)]), 'f.bin');
      const upload = await fetch(`http://127.0.0.1:${ours.port}/${fid}`, { method: 'POST', body: form });
      assert.equal(upload.status, 201, await upload.text());
    }
    assert.equal((await fetch(`http://127.0.0.1:${ours.port}/${fids[1]}`, { method: 'DELETE' })).status, 202);

    // The master's vacuum calls our VacuumVolumeCheck/Compact/Commit: its mTLS client, our server.
    const scrapeCompacts = async (): Promise<number> => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      return sample(text, 'SeaweedFS_volumeServer_vacuuming_commit_count', { success: 'true' }) ?? 0;
    };
    await eventually(
      'a vacuum driven by the master',
      async () => {
        await (await fetch(`http://${master.address}/vol/vacuum?garbageThreshold=0.01`)).arrayBuffer();
        return (await scrapeCompacts()) >= 1;
      },
      PEER_PATIENCE,
    );
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    assert.ok((sample(text, 'SeaweedFS_volumeServer_vacuuming_compact_count', { success: 'true' }) ?? 0) >= 1);
    const read = await fetch(`http://127.0.0.1:${ours.port}/${fids[0]}`);
    assert.equal(read.status, 200, 'the live file survives the compaction');
    await read.arrayBuffer();

    await ours.peer.stop();
    await master.peer.stop();
  });
});
