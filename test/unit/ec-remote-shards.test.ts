// EC shards held by other servers, end to end against in-process peers and a fake master: the
// master's holder lookup, ranges read from a peer (VolumeEcShardRead) byte for byte, deleted
// needles, a peer of another encode run, deletes on every holder (VolumeEcBlobDelete), and a
// mount that recovers a missing `.ecx` from a peer the master names.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { RemoteEcShards, lookupEcShardHolders } from '../../src/cluster/ec-remote-shards.ts';
import { unaryCall } from '../../src/cluster/peer-client.ts';
import type { EcVolume } from '../../src/ec/ec-volume.ts';
import { shardExt } from '../../src/ec/ec-layout.ts';
import { volumeFilePath } from '../../src/storage/volume-files.ts';
import { type FakeMaster, startFakeMaster } from '../support/fake-master.ts';
import { grpcFailure } from '../support/grpc-failure.ts';
import { type TestGrpcServer, encodeToMountedShards, startTestGrpcServer } from '../support/grpc-test-context.ts';
import { allocateTestVolume, textNeedle } from '../support/helpers.ts';
import { suiteScope } from '../support/suite-scope.ts';
import { linesLogger } from '../support/lines-logger.ts';

const COLLECTION = 'ec';
const VOLUME_ID = 21;
const ALL_SHARDS = Array.from({ length: 14 }, (_, id) => id);
const NEEDLES = 5;
/** An address nobody answers on: port 1 on loopback refuses at once. */
const DEAD_PEER = '127.0.0.1:1.1';

/** The master's Location for a test server (`ip:port`, gRPC port apart). */
function locationOf(server: TestGrpcServer) {
  const [host, ports] = [server.address.slice(0, server.address.lastIndexOf(':')), server.address.split(':')[1]!];
  const [port, grpcPort] = ports.split('.');
  return { url: `${host}:${port}`, public_url: '', grpc_port: Number(grpcPort), data_center: '' };
}

describe('EC shards on other servers', () => {
  const scope = suiteScope();
  let holder: TestGrpcServer;
  let master: FakeMaster;
  let ecVolume: EcVolume;
  const shardPath = (dir: string, id: number) =>
    volumeFilePath({ dir, collection: COLLECTION, volumeId: VOLUME_ID }, shardExt(id));

  before(async () => {
    holder = await startTestGrpcServer(scope, 'nw-ec-remote-holder-');
    const volume = await allocateTestVolume(holder.ctx.store, VOLUME_ID, { collection: COLLECTION });
    for (let id = 1; id <= NEEDLES; id++) await volume.write(textNeedle(BigInt(id), `remote needle ${id} `.repeat(50)));
    await volume.sync();
    await encodeToMountedShards(holder.client, VOLUME_ID, COLLECTION);
    ecVolume = holder.ctx.store.ec.find(VOLUME_ID)!;
    assert.ok(ecVolume !== undefined, 'the EC volume is mounted on the holder');
    master = await startFakeMaster(scope, {
      lookupEc: (volumeId) =>
        volumeId === VOLUME_ID
          ? {
              volume_id: volumeId,
              shard_id_locations: ALL_SHARDS.map((shard_id) => ({ shard_id, locations: [locationOf(holder)] })),
            }
          : new Error(`no ec volume ${volumeId}`),
    });
  });

  it('asks the master who holds the shards, leaving this server out', async () => {
    const twoHolders = await startFakeMaster(scope, {
      lookupEc: (volume_id) => ({
        volume_id,
        shard_id_locations: [
          {
            shard_id: 3,
            locations: [
              { url: '10.0.0.1:8080', grpc_port: 18080 },
              { url: '10.0.0.9:8080', grpc_port: 18080 },
              { url: '10.0.0.2:8081', grpc_port: 0 },
            ],
          },
        ],
      }),
    });
    const holders = await lookupEcShardHolders(twoHolders.address, 4, '10.0.0.9:8080');
    assert.deepEqual([...holders], [[3, ['10.0.0.1:8080.18080', '10.0.0.2:8081']]]);
    assert.deepEqual(twoHolders.ecLookups, [4]);
    await assert.rejects(lookupEcShardHolders(master.address, 999, 'me:1'), grpcFailure(/no ec volume 999/));
  });

  it('asks the masters in turn until one answers', async () => {
    const remote = new RemoteEcShards(() => [DEAD_PEER, master.address], 'me:1');
    const holders = await remote.holdersOf(VOLUME_ID);
    assert.deepEqual(holders.get(0), [holder.address]);
    const nobody = new RemoteEcShards(() => [DEAD_PEER], 'me:1');
    await assert.rejects(nobody.holdersOf(VOLUME_ID));
    assert.equal(await nobody.read(ecVolume, 0, 0, 8, 1n), null, 'a read with no master to ask finds nothing');
  });

  it('reads a shard range from a holder byte for byte, trying the next holder when one fails', async () => {
    const remote = new RemoteEcShards(() => ['unused:1'], 'me:1', {
      lookup: async () => new Map(ALL_SHARDS.map((id) => [id, [DEAD_PEER, holder.address]])),
    });
    const onDisk = await fs.readFile(shardPath(holder.ctx.dir, 2));
    const offset = 100;
    const size = 3000;
    const bytes = await remote.read(ecVolume, 2, offset, size, 0n);
    assert.ok(bytes instanceof Buffer, 'the range is read');
    assert.deepEqual(bytes, onDisk.subarray(offset, offset + size));

    // Past the end of the shard the peer sends less than asked: not a usable read.
    assert.equal(await remote.read(ecVolume, 2, onDisk.length - 10, 20, 0n), null);
    // A shard nobody is listed for.
    const none = new RemoteEcShards(() => ['unused:1'], 'me:1', { lookup: async () => new Map() });
    assert.equal(await none.read(ecVolume, 2, 0, 10, 0n), null);
  });

  it('a peer holding another encode run of the volume is not read', async () => {
    const remote = new RemoteEcShards(() => [master.address], 'me:1');
    const otherRun = Object.assign(Object.create(ecVolume) as EcVolume, { encodeTsNs: ecVolume.encodeTsNs + 1n });
    assert.equal(await remote.read(otherRun, 0, 0, 16, 0n), null);
    const direct = holder.client.VolumeEcShardRead({
      volume_id: VOLUME_ID,
      shard_id: 0,
      offset: '0',
      size: '16',
      file_key: '0',
      encode_ts_ns: String(otherRun.encodeTsNs),
    });
    await assert.rejects(
      (async () => {
        for await (const _ of direct) {
          // The error comes before any message.
        }
      })(),
      grpcFailure(/belongs to a different encode run/),
    );
  });

  it('deletes a needle on every holder, reports the holders that failed, and reads it back as deleted', async () => {
    const key = 2n;
    const remote = new RemoteEcShards(() => ['unused:1'], 'me:1', {
      lookup: async () => new Map([[1, [holder.address, DEAD_PEER]]]),
    });
    await assert.rejects(remote.deleteNeedle(ecVolume, key, 1), (err: Error) => {
      assert.match(
        err.message,
        new RegExp(`delete ${VOLUME_ID},2 on ec shard holders: ${DEAD_PEER.replace('.', '\\.')}`),
      );
      assert.ok(!err.message.includes(holder.address), 'the live holder deleted it');
      return true;
    });
    const entry = await ecVolume.findNeedle(key);
    assert.ok(entry !== null && entry.size < 0, 'the holder journaled the delete');
    const onlyHolder = new RemoteEcShards(() => ['unused:1'], 'me:1', {
      lookup: async () => new Map([[1, [holder.address]]]),
    });
    assert.equal(await onlyHolder.read(ecVolume, 1, 0, 8, key), 'deleted');
    // Deleting again is a no-op on the holder; an unknown key is its error.
    await onlyHolder.deleteNeedle(ecVolume, key, 1);
    await assert.rejects(onlyHolder.deleteNeedle(ecVolume, 0xdeadn, 1), /needle not found/);
  });

  describe('mounting shards whose .ecx is on no local disk', () => {
    async function serverWithShardsOnly(prefix: string, masters: string[], logs: string[]) {
      const server = await startTestGrpcServer(scope, prefix, {
        masters,
        currentMaster: () => '',
        log: linesLogger(logs),
      });
      for (const id of [0, 1, 2]) await fs.copyFile(shardPath(holder.ctx.dir, id), shardPath(server.ctx.dir, id));
      return server;
    }
    const mount = (server: TestGrpcServer) =>
      unaryCall(server.client, 'VolumeEcShardsMount', {
        volume_id: VOLUME_ID,
        collection: COLLECTION,
        shard_ids: [0, 1, 2],
        recover_missing_index: true,
      });

    it('fetches .ecx, .ecj and .vif from a holder the master names, then mounts', async () => {
      const logs: string[] = [];
      const server = await serverWithShardsOnly('nw-ec-recover-', [master.address], logs);
      await mount(server);
      const ecxHere = volumeFilePath({ dir: server.ctx.dir, collection: COLLECTION, volumeId: VOLUME_ID }, 'ecx');
      assert.deepEqual(await fs.readFile(ecxHere), await fs.readFile(ecVolume.ecxPath), 'the same .ecx');
      const mounted = server.ctx.store.ec.find(VOLUME_ID);
      assert.ok(mounted !== undefined, 'the shards are mounted');
      assert.deepEqual(mounted.shardIds(), [0, 1, 2]);
      assert.equal(mounted.encodeTsNs, ecVolume.encodeTsNs, 'the .vif came along');
      assert.ok(
        logs.includes(`ec volume ${VOLUME_ID}: fetched the missing .ecx from ${holder.address}`),
        logs.join('\n'),
      );
    });

    it('without a holder to ask, leaves the shards unmounted and says why', async () => {
      const logs: string[] = [];
      const lonely = await startFakeMaster(scope, {
        lookupEc: (volume_id) => ({ volume_id, shard_id_locations: [] }),
      });
      const server = await serverWithShardsOnly('nw-ec-recover-none-', [lonely.address], logs);
      await assert.rejects(mount(server), grpcFailure(new RegExp(`mount ${VOLUME_ID}\\.0`)));
      assert.ok(logs.includes(`ec volume ${VOLUME_ID}: shards here but no peer holds its .ecx; left unmounted`));
      assert.equal(server.ctx.store.ec.find(VOLUME_ID), undefined);
      assert.deepEqual(lonely.ecLookups, [VOLUME_ID]);
    });

    it('a failed lookup or a holder without the index leaves no .ecx behind', async () => {
      const logs: string[] = [];
      const failing = await startFakeMaster(scope, { lookupEc: () => new Error('master lost its topology') });
      const server = await serverWithShardsOnly('nw-ec-recover-fail-', [failing.address], logs);
      await assert.rejects(mount(server));
      assert.ok(
        logs.some((m) => m.includes('cannot look up peers to recover a missing .ecx')),
        logs.join('\n'),
      );

      const empty = await startTestGrpcServer(scope, 'nw-ec-recover-empty-');
      const wrongHolder = await startFakeMaster(scope, {
        lookupEc: (volume_id) => ({ volume_id, shard_id_locations: [{ shard_id: 0, locations: [locationOf(empty)] }] }),
      });
      const logs2: string[] = [];
      const server2 = await serverWithShardsOnly('nw-ec-recover-wrong-', [wrongHolder.address], logs2);
      await assert.rejects(mount(server2));
      assert.ok(logs2.some((m) => m.startsWith(`ec volume ${VOLUME_ID}: fetching .ecx from ${empty.address} failed`)));
      const names = await fs.readdir(server2.ctx.dir);
      assert.ok(!names.some((n) => n.endsWith('.ecx')), `no partial .ecx: ${names.join(', ')}`);
      assert.ok(
        names.some((n) => path.extname(n) === '.ec00'),
        'the shards stay',
      );
    });
  });
});
