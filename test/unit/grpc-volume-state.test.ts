// Volume state and control RPCs over our gRPC server with a fake master: VolumeConfigure's
// answers (success, a bad replication, a volume not on disk, an unreadable .vif), read-only marks
// told to the master, Ping of a known master, SetState's version check, VolumeServerStatus and
// VolumeServerLeave.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { unaryCall } from '../../src/cluster/peer-client.ts';
import { volumeFilePath } from '../../src/storage/volume-files.ts';
import { type FakeMaster, startFakeMaster } from '../support/fake-master.ts';
import { grpcFailure } from '../support/grpc-failure.ts';
import { type TestGrpcServer, startTestGrpcServer, inMaintenance } from '../support/grpc-test-context.ts';
import { allocateTestVolume } from '../support/helpers.ts';
import { suiteScope } from '../support/suite-scope.ts';

/** A master address nobody answers on (port 1 refuses at once). */
const DEAD_MASTER = '127.0.0.1:1.1';

describe('volume state and control RPCs', () => {
  const scope = suiteScope();
  let master: FakeMaster;
  let server: TestGrpcServer;
  let leaves = 0;
  const vifOf = (volumeId: number) => volumeFilePath({ dir: server.ctx.dir, collection: '', volumeId }, 'vif');

  before(async () => {
    master = await startFakeMaster(scope, { startTimeNs: '1234567' });
    server = await startTestGrpcServer(scope, 'nw-grpc-volume-state-', {
      masters: [master.address, DEAD_MASTER],
      dataCenter: 'dc2',
      rack: 'r9',
      leave: async () => {
        leaves++;
      },
    });
  });

  describe('VolumeConfigure', () => {
    it('rewrites the replication in .vif and remounts the volume', async () => {
      await allocateTestVolume(server.ctx.store, 51);
      const reply = await unaryCall(server.client, 'VolumeConfigure', { volume_id: 51, replication: '010' });
      assert.equal(reply.error, '');
      const vif = JSON.parse(await fs.readFile(vifOf(51), 'utf8')) as { replication?: string };
      assert.equal(vif.replication, '010');
      assert.ok(server.ctx.store.findVolume(51) !== undefined, 'mounted again');
      const status = await unaryCall(server.client, 'VolumeSyncStatus', { volume_id: 51 });
      assert.equal(status.replication, '010');
      await server.ctx.store.deleteVolume(51, false);
    });

    it('answers a bad replication in the reply, leaving the volume alone', async () => {
      await allocateTestVolume(server.ctx.store, 52);
      const reply = await unaryCall(server.client, 'VolumeConfigure', { volume_id: 52, replication: 'x1' });
      assert.match(reply.error, /^volume configure replication x1: /);
      assert.ok(server.ctx.store.findVolume(52) !== undefined);
      await server.ctx.store.deleteVolume(52, false);
    });

    it('a volume on no disk: not found, and the remount that follows fails too', async () => {
      const reply = await unaryCall(server.client, 'VolumeConfigure', { volume_id: 404, replication: '001' });
      assert.equal(
        reply.error,
        'volume configure 001: volume 404 not found on disk. Also failed to restore mount: volume 404 not found on disk',
      );
    });

    it('a .vif that cannot be read fails the rewrite, and the remount says so too', async () => {
      await allocateTestVolume(server.ctx.store, 53);
      await fs.rm(vifOf(53));
      await fs.mkdir(vifOf(53));
      const reply = await unaryCall(server.client, 'VolumeConfigure', { volume_id: 53, replication: '001' });
      assert.match(reply.error, /^volume configure 001: .*EISDIR.*\. Also failed to restore mount: /);
      assert.equal(server.ctx.store.findVolume(53), undefined);
    });

    it('is refused in maintenance mode', async () => {
      await allocateTestVolume(server.ctx.store, 54);
      await inMaintenance(server, async () => {
        await assert.rejects(
          unaryCall(server.client, 'VolumeConfigure', { volume_id: 54, replication: '001' }),
          grpcFailure(/maintenance mode/, grpc.status.UNKNOWN),
        );
      });
      await server.ctx.store.deleteVolume(54, false);
    });
  });

  it('VolumeMarkReadonly and VolumeMarkWritable tell the master, with the volume as it is known', async () => {
    await allocateTestVolume(server.ctx.store, 55, { replication: '001' });
    const before = master.readonlyNotices.length;
    await unaryCall(server.client, 'VolumeMarkReadonly', { volume_id: 55, persist: false });
    await unaryCall(server.client, 'VolumeMarkWritable', { volume_id: 55 });
    const notices = master.readonlyNotices.slice(before);
    assert.deepEqual(
      notices.map((n) => n.is_readonly),
      [true, true, false],
      'before and after the local flag flips, then writable',
    );
    for (const n of notices) {
      assert.equal(n.volume_id, 55);
      assert.equal(n.replica_placement, 1);
      assert.equal(n.version, 3);
      assert.equal(n.ip, server.ctx.ip);
    }
    assert.equal(server.ctx.store.findVolume(55)!.isReadOnly, false);
    await assert.rejects(
      unaryCall(server.client, 'VolumeMarkWritable', { volume_id: 999 }),
      grpcFailure(/volume 999 not found/, grpc.status.UNKNOWN),
    );
  });

  it('Ping reaches a master it knows, and says which one failed', async () => {
    const ok = await unaryCall(server.client, 'Ping', { target: master.address, target_type: 'master' });
    assert.equal(ok.remote_time_ns, '1234567', "the master's own clock");
    assert.ok(BigInt(ok.stop_time_ns) >= BigInt(ok.start_time_ns));
    await assert.rejects(
      unaryCall(server.client, 'Ping', { target: DEAD_MASTER, target_type: 'master' }),
      grpcFailure(new RegExp(`^ping master ${DEAD_MASTER.replaceAll('.', '\\.')}: `), grpc.status.UNKNOWN),
    );
    await assert.rejects(
      unaryCall(server.client, 'Ping', { target: '10.9.9.9:9333', target_type: 'master' }),
      grpcFailure(/unknown ping target/, grpc.status.INVALID_ARGUMENT),
    );
    const self = await unaryCall(server.client, 'Ping', { target: '', target_type: '' });
    assert.equal(self.remote_time_ns, '0');
  });

  it('SetState refuses a stale version, and without a state answers the current one', async () => {
    const current = server.ctx.state.current;
    await assert.rejects(
      unaryCall(server.client, 'SetState', { state: { maintenance: true, version: Number(current.version) + 7 } }),
      grpcFailure(/version/, grpc.status.FAILED_PRECONDITION),
    );
    assert.equal(server.ctx.state.current.maintenance, false);
    const unchanged = await unaryCall(server.client, 'SetState', {});
    assert.deepEqual(unchanged.state, current);
  });

  it('VolumeServerStatus reports the disks, the memory and where the server stands', async () => {
    const status = await unaryCall(server.client, 'VolumeServerStatus', {});
    assert.equal(status.disk_statuses.length, 1);
    const disk = status.disk_statuses[0]!;
    assert.equal(disk.dir, server.ctx.dir);
    assert.equal(disk.disk_type, 'hdd', "an empty disk type is upstream's hdd");
    assert.equal(BigInt(disk.all), BigInt(disk.used) + BigInt(disk.free));
    assert.ok(disk.percent_free >= 0 && disk.percent_free <= 100);
    assert.ok(Number(status.memory_status!.self) > 0);
    assert.ok(status.memory_status!.goroutines >= 1);
    assert.equal(status.version, server.ctx.version);
    assert.equal(status.data_center, 'dc2');
    assert.equal(status.rack, 'r9');
  });

  it('VolumeServerLeave stops the heartbeat through the context', async () => {
    await unaryCall(server.client, 'VolumeServerLeave', {});
    assert.equal(leaves, 1);
  });

  it('ReadVolumeFileStatus reports 0 for an index file that is gone', async () => {
    await allocateTestVolume(server.ctx.store, 56);
    await fs.rm(volumeFilePath({ dir: server.ctx.dir, collection: '', volumeId: 56 }, 'idx'));
    const status = await unaryCall(server.client, 'ReadVolumeFileStatus', { volume_id: 56 });
    assert.equal(status.idx_file_timestamp_seconds, '0');
    assert.ok(Number(status.dat_file_timestamp_seconds) > 0);
  });
});
