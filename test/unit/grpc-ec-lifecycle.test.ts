// An EC volume's life through our gRPC server on a real store: generate, delete shards and
// rebuild them byte for byte, decode back into a volume that reads as before, full teardown; a
// decode of a volume with nothing live (FAILED_PRECONDITION); adopting a staged decoded volume.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { unaryCall } from '../../src/cluster/peer-client.ts';
import { shardExt } from '../../src/ec/ec-layout.ts';
import { pathExists } from '../../src/storage/path-exists.ts';
import { newVolumeInfo, writeVolumeInfoFile } from '../../src/storage/volume-info.ts';
import { volumeFilePath } from '../../src/storage/volume-files.ts';
import { type TestGrpcServer, encodeToMountedShards, startTestGrpcServer } from '../support/grpc-test-context.ts';
import { textNeedle } from '../support/helpers.ts';
import { suiteScope } from '../support/suite-scope.ts';

const COLLECTION = 'ec';
const TOTAL_SHARDS = 14;
const ALL_SHARDS = Array.from({ length: TOTAL_SHARDS }, (_, id) => id);
const NEEDLE_COUNT = 6;

const payload = (id: number) => `needle ${id} `.repeat(300 + id);

function hasCode(code: grpc.status, details: RegExp) {
  return (err: unknown) => (err as grpc.ServiceError).code === code && details.test((err as grpc.ServiceError).details);
}

describe('EC volume lifecycle over gRPC', () => {
  const scope = suiteScope();
  let server: TestGrpcServer;
  const loc = (volumeId: number) => ({ dir: server.ctx.dir, collection: COLLECTION, volumeId });
  const shardPath = (volumeId: number, id: number) => volumeFilePath(loc(volumeId), shardExt(id));

  async function volumeWithNeedles(volumeId: number, count: number): Promise<void> {
    const volume = await server.ctx.store.allocateVolume({
      volumeId,
      collection: COLLECTION,
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    for (let id = 1; id <= count; id++) await volume.write(textNeedle(BigInt(id), payload(id)));
    await volume.sync();
  }

  before(async () => {
    server = await startTestGrpcServer(scope, 'nw-grpc-ec-lifecycle-');
  });

  it('generates, rebuilds deleted shards byte for byte, decodes back, tears down', async () => {
    const volumeId = 11;
    await volumeWithNeedles(volumeId, NEEDLE_COUNT);
    await unaryCall(server.client, 'VolumeEcShardsGenerate', { volume_id: volumeId, collection: COLLECTION });
    for (const id of ALL_SHARDS) assert.ok(await pathExists(shardPath(volumeId, id)), `shard ${id} written`);
    for (const ext of ['ecx', 'vif', 'ecsum'])
      assert.ok(await pathExists(volumeFilePath(loc(volumeId), ext)), `.${ext} written`);

    const before2 = await fs.readFile(shardPath(volumeId, 2));
    const before11 = await fs.readFile(shardPath(volumeId, 11));
    await unaryCall(server.client, 'VolumeEcShardsDelete', {
      volume_id: volumeId,
      collection: COLLECTION,
      shard_ids: [2, 11],
      full_teardown: false,
      encode_ts_ns: '0',
    });
    assert.equal(await pathExists(shardPath(volumeId, 2)), false);
    assert.equal(await pathExists(shardPath(volumeId, 11)), false);
    assert.ok(await pathExists(volumeFilePath(loc(volumeId), 'ecx')), 'the index stays while other shards remain');

    const rebuilt = await unaryCall(server.client, 'VolumeEcShardsRebuild', {
      volume_id: volumeId,
      collection: COLLECTION,
    });
    assert.deepEqual(rebuilt.rebuilt_shard_ids, [2, 11]);
    assert.deepEqual(await fs.readFile(shardPath(volumeId, 2)), before2);
    assert.deepEqual(await fs.readFile(shardPath(volumeId, 11)), before11);

    await unaryCall(server.client, 'VolumeDelete', { volume_id: volumeId, only_empty: false });
    assert.equal(await pathExists(volumeFilePath(loc(volumeId), 'dat')), false);
    await unaryCall(server.client, 'VolumeEcShardsMount', {
      volume_id: volumeId,
      collection: COLLECTION,
      shard_ids: ALL_SHARDS,
    });
    await unaryCall(server.client, 'VolumeEcShardsToVolume', { volume_id: volumeId, collection: COLLECTION });
    await unaryCall(server.client, 'VolumeEcShardsUnmount', { volume_id: volumeId, shard_ids: ALL_SHARDS });
    await unaryCall(server.client, 'VolumeMount', { volume_id: volumeId });
    const decoded = server.ctx.store.findVolume(volumeId);
    assert.ok(decoded !== undefined, 'the decoded volume mounts');
    for (let id = 1; id <= NEEDLE_COUNT; id++)
      assert.equal(
        Buffer.from((await decoded.read(BigInt(id))).data).toString(),
        payload(id),
        `needle ${id} reads back`,
      );

    await unaryCall(server.client, 'VolumeEcShardsDelete', {
      volume_id: volumeId,
      collection: COLLECTION,
      shard_ids: [],
      full_teardown: true,
      encode_ts_ns: '0',
    });
    for (const id of ALL_SHARDS)
      assert.equal(await pathExists(shardPath(volumeId, id)), false, `shard ${id} torn down`);
    for (const ext of ['ecx', 'ecj', 'ecsum'])
      assert.equal(await pathExists(volumeFilePath(loc(volumeId), ext)), false, `.${ext} torn down`);
    assert.ok(await pathExists(volumeFilePath(loc(volumeId), 'vif')), 'the .vif stays: the decoded volume owns it');
  });

  it('refuses to decode an EC volume with no live needle (FAILED_PRECONDITION)', async () => {
    const volumeId = 12;
    await volumeWithNeedles(volumeId, 2);
    const volume = server.ctx.store.findVolume(volumeId)!;
    for (const id of [1n, 2n]) await volume.delete(id, textNeedle(id, '').cookie);
    await volume.sync();
    await encodeToMountedShards(server.client, volumeId, COLLECTION);
    await assert.rejects(
      unaryCall(server.client, 'VolumeEcShardsToVolume', { volume_id: volumeId, collection: COLLECTION }),
      hasCode(grpc.status.FAILED_PRECONDITION, /^ec volume 12 has no live entries$/),
    );
    assert.equal(await pathExists(volumeFilePath(loc(volumeId), 'dat')), false, 'nothing decoded');
  });

  it('adopts a staged decoded volume once all of .dat, .idx and .vif are staged', async () => {
    const volumeId = 13;
    await volumeWithNeedles(volumeId, NEEDLE_COUNT);
    await unaryCall(server.client, 'VolumeUnmount', { volume_id: volumeId });
    for (const ext of ['dat', 'idx'])
      await fs.rename(volumeFilePath(loc(volumeId), ext), `${volumeFilePath(loc(volumeId), ext)}.copying`);
    await fs.rm(volumeFilePath(loc(volumeId), 'vif'), { force: true });
    const adopt = () =>
      unaryCall(server.client, 'VolumeEcShardsToVolume', {
        volume_id: volumeId,
        collection: COLLECTION,
        from_staged: true,
        disk_type: '',
      });

    await assert.rejects(adopt(), hasCode(grpc.status.UNKNOWN, /^staged volume 13 missing \.vif\.copying$/));
    assert.equal(server.ctx.store.findVolume(volumeId), undefined);

    await writeVolumeInfoFile(`${volumeFilePath(loc(volumeId), 'vif')}.copying`, newVolumeInfo({ version: 3 }));
    await adopt();
    const adopted = server.ctx.store.findVolume(volumeId);
    assert.ok(adopted !== undefined, 'the staged volume is mounted');
    for (let id = 1; id <= NEEDLE_COUNT; id++)
      assert.equal(
        Buffer.from((await adopted.read(BigInt(id))).data).toString(),
        payload(id),
        `needle ${id} reads back`,
      );
    for (const ext of ['dat', 'idx', 'vif'])
      assert.equal(await pathExists(`${volumeFilePath(loc(volumeId), ext)}.copying`), false, `.${ext}.copying renamed`);
    assert.equal(await pathExists(volumeFilePath(loc(volumeId), 'note')), false, 'no .note left');

    await assert.rejects(adopt(), hasCode(grpc.status.UNKNOWN, /^staged volume 13 already exists on this server$/));
  });
});
