// 4.53's EIO quarantine of a volume, end to end: the store's volume IO goes through the
// simulator's fault interface (real files, chosen calls failing with EIO) behind our HTTP and
// gRPC servers. Three consecutive EIO quarantine the volume: read-only (writes and deletes
// refused), no longer in the heartbeat (the master is told it is gone), /healthz 503,
// SeaweedFS_volumeServer_storage_io_error_total counting every EIO; its files stay on disk,
// reads are still answered, and VolumeMarkWritable lifts it.
import { silentLogger } from '../../src/log/logger.ts';
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { HeartbeatClient } from '../../src/cluster/heartbeat.ts';
import { type VolumeServerPeer, unaryCall } from '../../src/cluster/peer-client.ts';
import type { GrpcContext } from '../../src/server/grpc/context.ts';
import { registerIoErrorMetrics } from '../../src/server/metrics/io-error-metrics.ts';
import type { Volume } from '../../src/storage/volume.ts';
import { volumeFilePath } from '../../src/storage/volume-files.ts';
import { FaultyVolumeIo } from '../sim/faulty-volume-io.ts';
import { startInProcessServers } from './in-process-servers.ts';
import { send } from './http-fixture.ts';
import { suiteScope } from './suite-scope.ts';

const FID = '9,01637037d6';

describe('EIO quarantine of a volume behind the servers', () => {
  const scope = suiteScope();
  const io = new FaultyVolumeIo((path) => path.endsWith('.dat'));
  const registry = new Registry();
  const removed: number[] = [];
  let ctx: GrpcContext & { dir: string };
  let client: VolumeServerPeer;
  let admin: number;
  let volume: Volume;

  before(async () => {
    ({
      ctx,
      client,
      adminPort: admin,
    } = await startInProcessServers(scope, 'needlework-volume-quarantine-', {
      location: { volumeIo: io },
    }));
    registerIoErrorMetrics(registry, ctx.store);
    ctx.store.addListener({ volumeAdded: () => {}, volumeRemoved: (v) => removed.push(v.id) });
    volume = await ctx.store.allocateVolume({
      volumeId: 9,
      collection: '',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
  });

  const health = async () => (await send(admin, 'GET', '/healthz')).status;
  const metric = async (name: string) => {
    const text = await registry.metrics();
    const line = text.split('\n').find((l) => l.startsWith(name));
    return line === undefined ? undefined : Number(line.split(' ').pop());
  };
  const reported = () =>
    (
      new HeartbeatClient(
        ctx.store,
        ['127.0.0.1:1'],
        { ip: '127.0.0.1', port: 1, grpcPort: 2, publicUrl: '', id: '', dataCenter: '', rack: '' },
        silentLogger,
      ).fullHeartbeat().volumes ?? []
    ).map((v) => v.id);

  it('serves the volume while its disk is healthy', async () => {
    const put = await send(admin, 'POST', `/${FID}`, { 'Content-Type': 'text/plain' }, 'on failing media');
    assert.equal(put.status, 201);
    assert.equal((await send(admin, 'GET', `/${FID}`)).body.toString(), 'on failing media');
    assert.deepEqual([await health(), reported()], [200, [9]]);
  });

  it('counts EIO, and a success ends the streak', async () => {
    io.failNext.read = 2;
    for (let i = 0; i < 2; i++) assert.equal((await send(admin, 'GET', `/${FID}`)).status, 500);
    assert.equal(volume.ioErrorState().count, 2);
    assert.equal((await send(admin, 'GET', `/${FID}`)).status, 200);
    assert.deepEqual(volume.ioErrorState().count, 0);
    assert.equal(volume.isIoQuarantined, false);
    assert.equal(await health(), 200);
    assert.equal(await metric('SeaweedFS_volumeServer_storage_io_error_total'), 2);
  });

  it('quarantines after three in a row: read-only, unreported, /healthz 503, files kept', async () => {
    io.failNext.read = 3;
    for (let i = 0; i < 3; i++) assert.equal((await send(admin, 'GET', `/${FID}`)).status, 500);
    assert.equal(io.injected, 5);
    assert.equal(volume.isIoQuarantined, true);
    assert.equal(volume.isReadOnly, true);
    assert.deepEqual(removed, [9], 'the master is told the volume is gone');
    assert.deepEqual(reported(), []);
    assert.equal(await health(), 503);
    assert.equal((await send(admin, 'GET', '/readyz')).status, 503);
    assert.equal(await metric('SeaweedFS_volumeServer_storage_io_error_total'), 5);
    assert.equal(await metric('SeaweedFS_volumeServer_io_quarantine{kind="volume"}'), 1);

    const write = await send(admin, 'POST', '/9,02637037d6', { 'Content-Type': 'text/plain' }, 'refused');
    assert.notEqual(write.status, 201);
    assert.notEqual((await send(admin, 'DELETE', `/${FID}`)).status, 202);
    for (const ext of ['dat', 'idx', 'vif']) await access(volumeFilePath(volume.location, ext));
    // The disk answers again: reads are served (as upstream), the quarantine is sticky.
    assert.equal((await send(admin, 'GET', `/${FID}`)).body.toString(), 'on failing media');
    assert.equal(volume.isIoQuarantined, true);
    assert.equal(await health(), 503);
  });

  it('is lifted by VolumeMarkWritable', async () => {
    await unaryCall(client, 'VolumeMarkWritable', { volume_id: 9 });
    assert.equal(volume.isIoQuarantined, false);
    assert.deepEqual([await health(), reported()], [200, [9]]);
    assert.equal(await metric('SeaweedFS_volumeServer_io_quarantine{kind="volume"}'), 0);
    const put = await send(admin, 'POST', '/9,02637037d6', { 'Content-Type': 'text/plain' }, 'writable again');
    assert.equal(put.status, 201);
  });

  it('quarantines on write and sync errors too', async () => {
    io.failNext.write = 3;
    for (let i = 0; i < 3; i++) {
      const put = await send(admin, 'POST', `/9,0${3 + i}637037d6`, { 'Content-Type': 'text/plain' }, 'x');
      assert.equal(put.status, 500);
    }
    assert.equal(volume.isIoQuarantined, true);
    assert.equal(await health(), 503);
  });
});
