// ScrubVolume and ScrubEcVolume over our gRPC server, in the modes the checksum test leaves out:
// a damaged volume found by FULL and marked read-only (the master told first, maintenance mode
// refusing the mark), and an EC volume scrubbed FULL and READS with a shard missing here, read
// from a peer or rebuilt from the others.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { before, describe, it } from 'node:test';
import type * as grpc from '@grpc/grpc-js';
import { RemoteEcShards } from '../../src/cluster/ec-remote-shards.ts';
import { unaryCall } from '../../src/cluster/peer-client.ts';
import { shardExt } from '../../src/ec/ec-layout.ts';
import { volumeFilePath } from '../../src/storage/volume-files.ts';
import { type FakeMaster, startFakeMaster } from '../support/fake-master.ts';
import { grpcFailure } from '../support/grpc-failure.ts';
import {
  type TestGrpcServer,
  encodeToMountedShards,
  inMaintenance,
  startTestGrpcServer,
} from '../support/grpc-test-context.ts';
import { allocateTestVolume, textNeedle } from '../support/helpers.ts';
import { flipByte } from '../support/flip-byte.ts';
import { suiteScope } from '../support/suite-scope.ts';

const NEEDLES = 4;
const payload = (id: number) => `scrub needle ${id} `.repeat(40);

describe('ScrubVolume and ScrubEcVolume modes over gRPC', () => {
  const scope = suiteScope();
  let server: TestGrpcServer;
  let master: FakeMaster;

  async function volumeWithNeedles(volumeId: number, collection = '') {
    const volume = await allocateTestVolume(server.ctx.store, volumeId, { collection });
    for (let id = 1; id <= NEEDLES; id++) await volume.write(textNeedle(BigInt(id), payload(id)));
    await volume.sync();
    return volume;
  }

  /** Flips a byte inside needle 2's data on disk. */
  async function damage(volumeId: number): Promise<void> {
    const datPath = volumeFilePath({ dir: server.ctx.dir, collection: '', volumeId }, 'dat');
    const at = (await fs.readFile(datPath)).indexOf(payload(2));
    assert.ok(at > 0, 'the needle is on disk');
    await flipByte(datPath, at + 5);
  }

  before(async () => {
    master = await startFakeMaster(scope);
    server = await startTestGrpcServer(scope, 'nw-grpc-scrub-modes-', { masters: [master.address] });
  });

  it('FULL finds a damaged needle, INDEX does not read it, and the volume is marked read-only', async () => {
    const volume = await volumeWithNeedles(31);
    await damage(31);
    const index = await unaryCall(server.client, 'ScrubVolume', {
      volume_ids: [31],
      mode: 'INDEX',
      mark_broken_volumes_readonly: true,
    });
    assert.deepEqual(index.broken_volume_ids, [], 'the index alone is sound');
    assert.equal(volume.isReadOnly, false);

    const full = await unaryCall(server.client, 'ScrubVolume', {
      volume_ids: [31],
      mode: 'FULL',
      mark_broken_volumes_readonly: true,
    });
    assert.equal(full.total_volumes, '1');
    assert.equal(full.total_files, String(NEEDLES));
    assert.deepEqual(full.broken_volume_ids, [31]);
    assert.ok(full.details.length >= 2, full.details.join('\n'));
    assert.equal(full.details.at(-1), 'volume 31 is now read-only');
    assert.equal(volume.isReadOnly, true);
    const notice = master.readonlyNotices.find((n) => n.volume_id === 31);
    assert.ok(notice !== undefined, 'the master is told');
    assert.equal(notice.is_readonly, true);
    assert.equal(notice.ip, server.ctx.ip);
    assert.equal(notice.port, server.ctx.port);
  });

  it('a damaged volume is not marked in maintenance mode, and the scrub says why', async () => {
    const volume = await volumeWithNeedles(32);
    await damage(32);
    await inMaintenance(server, async () => {
      await assert.rejects(
        unaryCall(server.client, 'ScrubVolume', { volume_ids: [32], mode: 'FULL', mark_broken_volumes_readonly: true }),
        grpcFailure(/maintenance mode/),
      );
    });
    assert.equal(volume.isReadOnly, false);
  });

  describe('an EC volume with shard 0 missing here', () => {
    const volumeId = 41;
    const collection = 'scrub';
    let peer: TestGrpcServer;
    const ecPath = (dir: string, ext: string) => volumeFilePath({ dir, collection, volumeId }, ext);
    const scrubEc = (mode: 'INDEX' | 'FULL' | 'READS') =>
      unaryCall(server.client, 'ScrubEcVolume', { volume_ids: [volumeId], mode, force_deleted_needles_check: false });

    before(async () => {
      await volumeWithNeedles(volumeId, collection);
      await encodeToMountedShards(server.client, volumeId, collection);
      // The peer holds shard 0 of the same encode run.
      peer = await startTestGrpcServer(scope, 'nw-grpc-scrub-peer-');
      for (const ext of [shardExt(0), 'ecx', 'vif'])
        await fs.copyFile(ecPath(server.ctx.dir, ext), ecPath(peer.ctx.dir, ext));
      await unaryCall(peer.client, 'VolumeEcShardsMount', { volume_id: volumeId, collection, shard_ids: [0] });
      await unaryCall(server.client, 'VolumeEcShardsUnmount', { volume_id: volumeId, shard_ids: [0] });
    });

    it('all shards readable: every needle checks out', async () => {
      server.ctx.store.ec.remote = new RemoteEcShards(() => ['unused:1'], 'me:1', {
        lookup: async () => new Map([[0, [peer.address]]]),
      });
      try {
        const full = await scrubEc('FULL');
        assert.equal(full.total_volumes, '1');
        assert.equal(full.total_files, String(NEEDLES));
        assert.deepEqual(full.broken_volume_ids, [], full.details.join('\n'));
      } finally {
        server.ctx.store.ec.remote = null;
      }
    });

    it('FULL reports the shard it cannot read; READS rebuilds the needles from the other shards', async () => {
      const full = await scrubEc('FULL');
      assert.deepEqual(full.broken_volume_ids, [volumeId]);
      assert.deepEqual(
        full.broken_shard_infos.map((s) => [s.shard_id, s.volume_id, s.collection]),
        [[0, volumeId, collection]],
      );
      assert.ok(full.details.length > 0 && full.details.every((d) => d.startsWith('failed to read EC shard 0')));

      const reads = await scrubEc('READS');
      assert.equal(reads.total_files, String(NEEDLES));
      assert.deepEqual(reads.details, [], 'every needle was rebuilt and decoded');
      assert.deepEqual(
        reads.broken_shard_infos.map((s) => s.shard_id),
        [0],
        'the unreadable shard is still named',
      );

      const index = await scrubEc('INDEX');
      assert.deepEqual(index.broken_volume_ids, [], 'the index needs no shard');
    });

    it('names every EC volume when given none, and refuses a deleted-needle check outside FULL and READS', async () => {
      const all = await unaryCall(server.client, 'ScrubEcVolume', {
        volume_ids: [],
        mode: 'INDEX',
        force_deleted_needles_check: false,
      });
      assert.equal(all.total_volumes, '1');
      await assert.rejects(
        unaryCall(server.client, 'ScrubEcVolume', { volume_ids: [], mode: 'INDEX', force_deleted_needles_check: true }),
        (err: grpc.ServiceError) => /only supported for FULL and READS/.test(err.details),
      );
      await assert.rejects(
        unaryCall(server.client, 'ScrubEcVolume', { volume_ids: [999], mode: 'FULL' }),
        (err: grpc.ServiceError) => /EC volume id 999 not found/.test(err.details),
      );
    });
  });
});
