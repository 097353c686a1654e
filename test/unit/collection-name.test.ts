// Collection names become file name prefixes (`<collection>_<vid>.dat`): names that could leave
// the data directory are refused at the store, whether they come from a client or a peer, and
// the gRPC layer answers INVALID_ARGUMENT. The data directory sits inside a parent directory the
// tests list before and after, so an escape would show up there.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { ClientResponseOf } from '../../src/server/grpc/context.ts';
import { newPeerClient, unaryCall, type VolumeServerPeer } from '../../src/cluster/peer-client.ts';
import { GRPC_CHANNEL_OPTIONS, volumeServerService } from '../../src/proto/loader.ts';
import { startGrpcServer } from '../../src/server/grpc/server.ts';
import { collectionNameProblem } from '../../src/store/collection-name.ts';
import { removeStaleEcArtifacts } from '../../src/store/ec-files.ts';
import { ServerStateStore } from '../../src/store/server-state.ts';
import { Store, StoreError } from '../../src/store/store.ts';
import { testGrpcContext } from './grpc-test-context.ts';
import { suiteScope } from './suite-scope.ts';
import { silentLogger } from '../../src/log/logger.ts';

const INVALID_ARGUMENT = grpc.status.INVALID_ARGUMENT;

function hasCode(code: grpc.status) {
  return (err: unknown) => {
    assert.equal((err as grpc.ServiceError).code, code, (err as Error).message);
    return true;
  };
}

function drain(stream: grpc.ClientReadableStream<unknown>): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.on('data', () => {});
    stream.on('end', resolve);
    stream.on('error', reject);
  });
}

async function listing(dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).sort();
}

describe('collection names', () => {
  const scope = suiteScope();
  let parent: string;
  let dir: string;
  let store: Store;
  let client: VolumeServerPeer;

  before(async () => {
    parent = await scope.tempDir('needlework-collection-name-');
    dir = path.join(parent, 'data');
    store = new Store([{ dir, maxVolumeCount: 8, diskType: '', diskId: 0 }], 4, silentLogger);
    await store.load();
    scope.defer(() => store.close());
    const state = new ServerStateStore(ServerStateStore.pathIn(dir));
    await state.load();
    const ctx = { ...(await testGrpcContext(scope, 'needlework-collection-name-unused-')), dir, store, state };
    const server = await startGrpcServer(ctx, '127.0.0.1', 0);
    client = newPeerClient(`127.0.0.1:1.${server.port}`);
    scope.defer(async () => {
      client.close();
      await server.close();
    });
  });

  it('follows upstream: separators and bare dot names are refused, NUL too; the rest is fine', () => {
    for (const bad of ['..', '.', '../escaped', 'a/b', 'a\\b', '/abs', 'a\0b', '..\\x']) {
      assert.notEqual(collectionNameProblem(bad), null, JSON.stringify(bad));
    }
    for (const good of ['', 'pics', 'a_b-c.d', '...', '..x', 'x..', 'with space']) {
      assert.equal(collectionNameProblem(good), null, JSON.stringify(good));
    }
    assert.equal(collectionNameProblem('../x'), 'invalid collection "../x"');
  });

  it('AllocateVolume with "../escaped" is INVALID_ARGUMENT and creates nothing outside -dir', async () => {
    const parentBefore = await listing(parent);
    const dirBefore = await listing(dir);
    const refusal = unaryCall(client, 'AllocateVolume', {
      volume_id: 7,
      collection: '../escaped',
      replication: '000',
      ttl: '',
      disk_type: '',
      version: 3,
    });
    const outcome = await refusal.then(
      () => null,
      (err: unknown) => err,
    );
    assert.deepEqual(await listing(parent), parentBefore);
    assert.deepEqual(await listing(dir), dirBefore);
    assert.ok(outcome !== null && hasCode(INVALID_ARGUMENT)(outcome));
    assert.equal(store.findVolume(7), undefined);
  });

  it('refuses a NUL byte', async () => {
    await assert.rejects(
      unaryCall(client, 'AllocateVolume', {
        volume_id: 8,
        collection: 'a\0b',
        replication: '000',
        ttl: '',
        disk_type: '',
        version: 3,
      }),
      hasCode(INVALID_ARGUMENT),
    );
    assert.equal(store.findVolume(8), undefined);
  });

  it('the store itself refuses, so every caller (HTTP, gRPC, peers) goes through the check', async () => {
    await assert.rejects(
      store.allocateVolume({
        volumeId: 9,
        collection: '../escaped',
        replication: '000',
        ttl: '',
        diskType: '',
        version: 3,
      }),
      (err: unknown) => err instanceof StoreError && err.code === 'invalid_collection',
    );
    assert.throws(() => store.locations[0]!.location('../x', 9), StoreError);
    await assert.rejects(removeStaleEcArtifacts(store.locations[0]!, '../decoy', 9), StoreError);
    await assert.rejects(store.ec.mount('../decoy', 9, 0), StoreError);
    await assert.rejects(store.deleteCollection('..'), StoreError);
  });

  it('VolumeEcShardsDelete with "../decoy" leaves files outside -dir alone', async () => {
    const decoys = ['decoy_7.ec00', 'decoy_7.ecx', 'decoy_7.ecj', 'decoy_7.vif', 'decoy_7.ecsum'];
    for (const name of decoys) await fs.writeFile(path.join(parent, name), 'keep me');
    const outcomes = [];
    for (const fullTeardown of [true, false]) {
      const call = unaryCall(client, 'VolumeEcShardsDelete', {
        volume_id: 7,
        collection: '../decoy',
        shard_ids: [0],
        full_teardown: fullTeardown,
        encode_ts_ns: '0',
      });
      outcomes.push(
        await call.then(
          () => null,
          (err: unknown) => err,
        ),
      );
    }
    for (const name of decoys)
      assert.equal(await fs.readFile(path.join(parent, name), 'utf8').catch(() => 'deleted'), 'keep me', name);
    for (const outcome of outcomes) assert.ok(outcome !== null && hasCode(INVALID_ARGUMENT)(outcome));
  });

  it('other EC and copy RPCs refuse the name before touching files', async () => {
    const parentBefore = await listing(parent);
    const bad = '../decoy';
    await assert.rejects(
      unaryCall(client, 'VolumeEcShardsGenerate', { volume_id: 7, collection: bad }),
      hasCode(INVALID_ARGUMENT),
    );
    await assert.rejects(
      unaryCall(client, 'VolumeEcShardsRebuild', { volume_id: 7, collection: bad }),
      hasCode(INVALID_ARGUMENT),
    );
    await assert.rejects(
      unaryCall(client, 'VolumeEcShardsMount', { volume_id: 7, collection: bad, shard_ids: [0] }),
      hasCode(INVALID_ARGUMENT),
    );
    await assert.rejects(
      unaryCall(client, 'VolumeEcShardsToVolume', { volume_id: 7, collection: bad, from_staged: true }),
      hasCode(INVALID_ARGUMENT),
    );
    await assert.rejects(
      unaryCall(client, 'VolumeEcShardsCopy', {
        volume_id: 7,
        collection: bad,
        shard_ids: [0],
        copy_ecx_file: true,
        source_data_node: '127.0.0.1:1.1',
      }),
      hasCode(INVALID_ARGUMENT),
    );
    await assert.rejects(unaryCall(client, 'DeleteCollection', { collection: bad }), hasCode(INVALID_ARGUMENT));
    await assert.rejects(
      drain(
        client.CopyFile({
          volume_id: 7,
          ext: '.ecx',
          collection: bad,
          is_ec_volume: true,
          compaction_revision: 0xffff_ffff,
          stop_offset: '100',
        }),
      ),
      hasCode(INVALID_ARGUMENT),
    );
    assert.deepEqual(await listing(parent), parentBefore);
  });

  it("ReceiveFile answers with upstream's error and writes nothing outside -dir", async () => {
    const parentBefore = await listing(parent);
    const response = await new Promise<ClientResponseOf<'ReceiveFile'>>((resolve, reject) => {
      const call = client.ReceiveFile((err, r) => (err || r === undefined ? reject(err) : resolve(r)));
      call.write({ info: { volume_id: 7, ext: '.ec00', collection: '../pwned', is_ec_volume: true, disk_id: 0 } });
      call.write({ file_content: Buffer.from('x') });
      call.end();
    });
    assert.equal(response.error, 'invalid collection "../pwned"');
    assert.deepEqual(await listing(parent), parentBefore);
  });

  it('VolumeCopy refuses a peer that reports collection "../pwned", keeping the local copy', async () => {
    await store.allocateVolume({
      volumeId: 9,
      collection: 'keep',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    const fake = new grpc.Server(GRPC_CHANNEL_OPTIONS);
    fake.addService(volumeServerService(), {
      ReadVolumeFileStatus: (_call: unknown, callback: grpc.sendUnaryData<object>) =>
        callback(null, {
          volume_id: 9,
          idx_file_size: '0',
          dat_file_size: '8',
          dat_file_timestamp_seconds: '0',
          compaction_revision: 0,
          collection: '../pwned',
          disk_type: '',
          version: 3,
        }),
      // A consistent little volume: an 8-byte v3 super block, an empty .idx, no .vif.
      CopyFile: (call: grpc.ServerWritableStream<{ ext: string }, object>) => {
        if (call.request.ext === '.dat')
          call.write({ file_content: Buffer.from([3, 0, 0, 0, 0, 0, 0, 0]), modified_ts_ns: '1000000' });
        if (call.request.ext === '.idx') call.write({ file_content: Buffer.alloc(0), modified_ts_ns: '1000000' });
        call.end();
      },
    });
    const fakePort = await new Promise<number>((resolve, reject) =>
      fake.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    );
    scope.defer(() => fake.forceShutdown());
    const parentBefore = await listing(parent);
    const copy = drain(
      client.VolumeCopy({
        volume_id: 9,
        collection: '',
        source_data_node: `127.0.0.1:1.${fakePort}`,
        disk_type: '',
        io_byte_per_second: '0',
      }),
    );
    const outcome = await copy.then(
      () => null,
      (err: unknown) => err,
    );
    assert.deepEqual(await listing(parent), parentBefore);
    assert.ok(outcome !== null && hasCode(INVALID_ARGUMENT)(outcome));
    assert.equal(
      store.findVolume(9)?.collection,
      'keep',
      'the existing volume is not deleted for a copy that cannot happen',
    );
  });

  it('still takes "", "pics" and "a_b-c.d", and loads them back after a restart', async () => {
    for (const [volumeId, collection] of [
      [11, ''],
      [12, 'pics'],
      [13, 'a_b-c.d'],
    ] as const) {
      await unaryCall(client, 'AllocateVolume', {
        volume_id: volumeId,
        collection,
        replication: '000',
        ttl: '',
        disk_type: '',
        version: 3,
      });
    }
    const names = await listing(dir);
    for (const name of ['11.dat', 'pics_12.dat', 'a_b-c.d_13.dat']) assert.ok(names.includes(name), name);
    await unaryCall(client, 'VolumeEcShardsDelete', {
      volume_id: 12,
      collection: 'pics',
      shard_ids: [],
      full_teardown: true,
      encode_ts_ns: '0',
    });

    const reloaded = new Store([{ dir, maxVolumeCount: 8, diskType: '', diskId: 0 }], 4, silentLogger);
    // A file whose name parses to a refused collection is skipped at load, not fatal.
    await fs.writeFile(path.join(dir, '.._14.dat'), 'not a volume');
    try {
      await reloaded.load();
      assert.equal(reloaded.findVolume(11)?.collection, '');
      assert.equal(reloaded.findVolume(12)?.collection, 'pics');
      assert.equal(reloaded.findVolume(13)?.collection, 'a_b-c.d');
      assert.equal(reloaded.findVolume(14), undefined);
    } finally {
      await reloaded.close();
    }
  });
});
