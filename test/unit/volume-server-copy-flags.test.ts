// The CLI flags behind 4.53's copy RPCs, through the whole server as `needlework volume` starts
// it: without -volume.allowUntrustedRemoteEndpoints a loopback copy source is refused; with it the
// copy runs, paced by -maintenanceMBps when the caller names no rate.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { parseVolumeFlags } from '../../src/cli/flags.ts';
import { emptySecurityConfig } from '../../src/security/security-config.ts';
import { type RunningServer, startVolumeServer } from '../../src/cli/volume-server.ts';
import { newPeerClient, type VolumeServerPeer } from '../../src/cluster/peer-client.ts';
import { newNeedle } from '../../src/storage/needle/needle.ts';
import { Store } from '../../src/store/store.ts';
import { freePort } from '../interop/peers.ts';
import { volumeCopyMessages } from './grpc-test-context.ts';
import { suiteScope, type SuiteScope } from './suite-scope.ts';
import { silentLogger } from '../../src/log/logger.ts';

const VOLUME_ID = 3;
const NEEDLES = 24;
const NEEDLE_BYTES = 64 * 1024; // 1.5 MiB of .dat in all

interface Started {
  server: RunningServer;
  client: VolumeServerPeer;
  /** host:httpPort.grpcPort, as a master names a peer. */
  address: string;
  dir: string;
}

async function start(scope: SuiteScope, extraFlags: string[], dir?: string): Promise<Started> {
  const dataDir = dir ?? (await scope.tempDir('needlework-copy-flags-'));
  const http = await freePort();
  const grpcPort = await freePort();
  const config = parseVolumeFlags([
    `-dir=${dataDir}`,
    '-ip=127.0.0.1',
    `-port=${http}`,
    `-port.grpc=${grpcPort}`,
    '-master=',
    '-preStopSeconds=0',
    '-max=4',
    ...extraFlags,
  ]);
  const server = await startVolumeServer(config, emptySecurityConfig(), silentLogger);
  const address = `127.0.0.1:${http}.${grpcPort}`;
  const client = newPeerClient(address);
  scope.defer(async () => {
    client.close();
    await server.stop('test');
  });
  return { server, client, address, dir: dataDir };
}

describe('copy flags on the started server', () => {
  const scope = suiteScope();
  let source: Started;

  before(async () => {
    const dir = await scope.tempDir('needlework-copy-flags-source-');
    const store = new Store([{ dir, maxVolumeCount: 4, diskType: '', diskId: 0 }], 4, silentLogger);
    await store.load();
    const volume = await store.allocateVolume({
      volumeId: VOLUME_ID,
      collection: '',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    for (let i = 1; i <= NEEDLES; i++)
      await volume.write(newNeedle({ cookie: 0x0a0b0c0d, id: BigInt(i), data: randomBytes(NEEDLE_BYTES) }));
    await store.close();
    source = await start(scope, [], dir);
  });

  it('refuses a loopback source by default, as 4.53', async () => {
    const target = await start(scope, []);
    await assert.rejects(
      volumeCopyMessages(target.client, { volume_id: VOLUME_ID, source_data_node: source.address }),
      (err: grpc.ServiceError) => {
        assert.equal(err.code, grpc.status.UNKNOWN);
        assert.equal(
          err.details,
          `invalid source data node ${source.address}: remote endpoint "${source.address}" resolves to loopback address 127.0.0.1`,
        );
        return true;
      },
    );
  });

  it('copies from it with -volume.allowUntrustedRemoteEndpoints, paced by -maintenanceMBps', async () => {
    const target = await start(scope, ['-volume.allowUntrustedRemoteEndpoints', '-maintenanceMBps=1']);
    const started = Date.now();
    await volumeCopyMessages(target.client, { volume_id: VOLUME_ID, source_data_node: source.address });
    const elapsed = Date.now() - started;
    // 1.5 MiB at 1 MiB/s; unpaced, a local copy of this size takes a few tens of milliseconds.
    assert.ok(elapsed >= 1200, `paced at -maintenanceMBps=1: ${elapsed} ms`);
  });

  it("lets the caller's io_byte_per_second override -maintenanceMBps", async () => {
    const target = await start(scope, ['-volume.allowUntrustedRemoteEndpoints', '-maintenanceMBps=1']);
    const started = Date.now();
    await volumeCopyMessages(target.client, {
      volume_id: VOLUME_ID,
      source_data_node: source.address,
      io_byte_per_second: String(1024 ** 3),
    });
    assert.ok(Date.now() - started < 1200);
  });
});
