// ReadVolumeFileStatus's volume_info as 4.53 answers it: the volume's `.vif` as loaded, so a
// volume encoded to EC (and loaded again) reports its ec_shard_config with block_size, and a
// tiered volume its remote files.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import type { GrpcContext } from '../../src/server/grpc/context.ts';
import { newPeerClient, type VolumeServerPeer, unaryCall } from '../../src/cluster/peer-client.ts';
import { startGrpcServer } from '../../src/server/grpc/server.ts';
import { newNeedle } from '../../src/storage/needle/needle.ts';
import { newVolumeInfo, readVolumeInfoFile, writeVolumeInfoFile } from '../../src/storage/volume-info.ts';
import { volumeFilePath } from '../../src/storage/volume-files.ts';
import { testGrpcContext } from '../support/grpc-test-context.ts';
import { suiteScope } from '../support/suite-scope.ts';

describe('ReadVolumeFileStatus volume_info (4.53)', () => {
  const scope = suiteScope();
  let ctx: GrpcContext & { dir: string };
  let client: VolumeServerPeer;

  before(async () => {
    ctx = await testGrpcContext(scope, 'needlework-grpc-rvfs-');
    const server = await startGrpcServer(ctx, '127.0.0.1', 0);
    client = newPeerClient(`127.0.0.1:1.${server.port}`);
    scope.defer(async () => {
      client.close();
      await server.close();
    });
  });

  it('has no ec_shard_config for a plain volume', async () => {
    await ctx.store.allocateVolume({
      volumeId: 2,
      collection: '',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    const status = await unaryCall(client, 'ReadVolumeFileStatus', { volume_id: 2 });
    assert.equal(status.volume_info?.ec_shard_config, null);
  });

  it('reports the EC layout, block size included, of a volume encoded and loaded again', async () => {
    const volume = await ctx.store.allocateVolume({
      volumeId: 4,
      collection: 'ec',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    for (let i = 1; i <= 4; i++) await volume.write(newNeedle({ cookie: 9, id: BigInt(i), data: randomBytes(20_000) }));
    await unaryCall(client, 'VolumeEcShardsGenerate', { volume_id: 4, collection: 'ec' });
    const vif = await readVolumeInfoFile(volumeFilePath(volume.location, 'vif'));
    const written = vif?.ecShardConfig;
    assert.ok(written != null && (written.blockSizeBytes ?? 0) > 0, 'the encode recorded a block size');
    await unaryCall(client, 'VolumeUnmount', { volume_id: 4 });
    await unaryCall(client, 'VolumeMount', { volume_id: 4 });

    const status = await unaryCall(client, 'ReadVolumeFileStatus', { volume_id: 4 });
    assert.deepEqual(status.volume_info?.ec_shard_config, {
      data_shards: written.dataShards,
      parity_shards: written.parityShards,
      encode_ts_ns: written.encodeTsNs.toString(),
      block_size: String(written.blockSizeBytes),
    });
    assert.equal(status.volume_info?.ec_shard_config?.data_shards, 10);
    assert.equal(status.volume_info?.ec_shard_config?.parity_shards, 4);
  });

  it('reports block_size 0 for a legacy layout .vif without one', async () => {
    const volume = await ctx.store.allocateVolume({
      volumeId: 6,
      collection: '',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    const vifPath = volumeFilePath(volume.location, 'vif');
    await unaryCall(client, 'VolumeUnmount', { volume_id: 6 });
    await writeVolumeInfoFile(
      vifPath,
      newVolumeInfo({ version: 3, ecShardConfig: { dataShards: 6, parityShards: 3, encodeTsNs: 12345n } }),
    );
    await unaryCall(client, 'VolumeMount', { volume_id: 6 });
    const status = await unaryCall(client, 'ReadVolumeFileStatus', { volume_id: 6 });
    assert.deepEqual(status.volume_info?.ec_shard_config, {
      data_shards: 6,
      parity_shards: 3,
      encode_ts_ns: '12345',
      block_size: '0',
    });
  });

  it("lists a tiered volume's remote files", async () => {
    const volume = await ctx.store.allocateVolume({
      volumeId: 8,
      collection: '',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    const vifPath = volumeFilePath(volume.location, 'vif');
    await unaryCall(client, 'VolumeUnmount', { volume_id: 8 });
    const info = (await readVolumeInfoFile(vifPath)) ?? newVolumeInfo({ version: 3 });
    const remote = {
      backendType: 's3',
      backendId: 'default',
      key: 'abc/8.dat',
      offset: 0n,
      fileSize: 8n,
      modifiedTime: 1700000000n,
      extension: '.dat',
    };
    await writeVolumeInfoFile(vifPath, { ...info, files: [remote] });
    await unaryCall(client, 'VolumeMount', { volume_id: 8 });
    const status = await unaryCall(client, 'ReadVolumeFileStatus', { volume_id: 8 });
    assert.deepEqual(status.volume_info?.files, [
      {
        backend_type: 's3',
        backend_id: 'default',
        key: 'abc/8.dat',
        offset: '0',
        file_size: '8',
        modified_time: '1700000000',
        extension: '.dat',
      },
    ]);
  });
});
