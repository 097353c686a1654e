// VolumeEcShardsCopy between two of our servers, and the EC RPCs around it: shards with their
// .ecx, .ecj, .vif and .ecsum copied byte for byte and mounted, VolumeEcShardsInfo on the copy,
// and the refusals (a disk that does not exist, a volume the source lacks, an empty .ecx) that
// leave no partial file behind; VolumeEcBlobDelete for a volume not here and in maintenance mode.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { before, describe, it } from 'node:test';
import { unaryCall } from '../../src/cluster/peer-client.ts';
import { shardExt } from '../../src/ec/ec-layout.ts';
import { volumeFilePath } from '../../src/storage/volume-files.ts';
import { grpcFailure } from '../support/grpc-failure.ts';
import {
  type TestGrpcServer,
  encodeToMountedShards,
  startTestGrpcServer,
  inMaintenance,
} from '../support/grpc-test-context.ts';
import { allocateTestVolume, textNeedle } from '../support/helpers.ts';
import { suiteScope } from '../support/suite-scope.ts';

const COLLECTION = 'copy';
const VOLUME_ID = 71;
const NEEDLES = 5;

describe('VolumeEcShardsCopy and the EC RPCs around it', () => {
  const scope = suiteScope();
  let source: TestGrpcServer;
  let dest: TestGrpcServer;
  const fileOf = (server: TestGrpcServer, ext: string, volumeId = VOLUME_ID) =>
    volumeFilePath({ dir: server.ctx.dir, collection: COLLECTION, volumeId }, ext);
  const copyRequest = (overrides: Partial<Parameters<typeof shardsCopy>[0]> = {}) => ({
    volume_id: VOLUME_ID,
    collection: COLLECTION,
    shard_ids: [0, 5],
    copy_ecx_file: true,
    copy_ecj_file: true,
    copy_vif_file: true,
    copy_ecsum_file: true,
    source_data_node: source.address,
    disk_id: 0,
    ...overrides,
  });
  const shardsCopy = (request: Parameters<typeof unaryCall<'VolumeEcShardsCopy'>>[2]) =>
    unaryCall(dest.client, 'VolumeEcShardsCopy', request);

  before(async () => {
    source = await startTestGrpcServer(scope, 'nw-ec-copy-source-');
    dest = await startTestGrpcServer(scope, 'nw-ec-copy-dest-');
    const volume = await allocateTestVolume(source.ctx.store, VOLUME_ID, { collection: COLLECTION });
    for (let id = 1; id <= NEEDLES; id++) await volume.write(textNeedle(BigInt(id), `ec copy ${id} `.repeat(30)));
    await volume.sync();
    await encodeToMountedShards(source.client, VOLUME_ID, COLLECTION);
  });

  it('copies the shards and their files byte for byte, and the copy mounts and reports them', async () => {
    await shardsCopy(copyRequest());
    for (const ext of [shardExt(0), shardExt(5), 'ecx', 'ecj', 'vif', 'ecsum'])
      assert.deepEqual(await fs.readFile(fileOf(dest, ext)), await fs.readFile(fileOf(source, ext)), `.${ext}`);
    await assert.rejects(fs.stat(fileOf(dest, shardExt(1))), 'only the shards asked for');

    await unaryCall(dest.client, 'VolumeEcShardsMount', {
      volume_id: VOLUME_ID,
      collection: COLLECTION,
      shard_ids: [0, 5],
    });
    const info = await unaryCall(dest.client, 'VolumeEcShardsInfo', { volume_id: VOLUME_ID });
    assert.deepEqual(
      info.ec_shard_infos.map((s) => [s.shard_id, s.collection, s.volume_id]),
      [
        [0, COLLECTION, VOLUME_ID],
        [5, COLLECTION, VOLUME_ID],
      ],
    );
    assert.equal(info.ec_shard_infos[0]!.size, String((await fs.stat(fileOf(source, shardExt(0)))).size));
    assert.equal(info.file_count, String(NEEDLES));
    assert.equal(info.file_deleted_count, '0');
    assert.deepEqual(
      [info.ec_shard_config?.data_shards, info.ec_shard_config?.parity_shards],
      [10, 4],
      'the default layout',
    );
  });

  it('refuses a disk that does not exist', async () => {
    await assert.rejects(
      shardsCopy(copyRequest({ disk_id: 3 })),
      grpcFailure(/^invalid disk_id 3: only have 1 disks$/),
    );
  });

  it('a volume the source lacks fails the copy and leaves no partial shard', async () => {
    await assert.rejects(
      shardsCopy(copyRequest({ volume_id: 72, shard_ids: [2] })),
      grpcFailure(/^VolumeEcShardsCopy volume 72: /),
    );
    await assert.rejects(fs.stat(fileOf(dest, shardExt(2), 72)), 'no partial file');
  });

  it('an empty .ecx on the source is refused and not kept', async () => {
    const volumeId = 73;
    await fs.writeFile(fileOf(source, shardExt(0), volumeId), Buffer.alloc(1024, 7));
    await fs.writeFile(fileOf(source, 'ecx', volumeId), Buffer.alloc(0));
    await assert.rejects(
      shardsCopy(copyRequest({ volume_id: volumeId, shard_ids: [0], copy_ecj_file: false, copy_ecsum_file: false })),
      grpcFailure(/source \.ecx is 0 bytes/),
    );
    await assert.rejects(fs.stat(fileOf(dest, 'ecx', volumeId)), 'the empty .ecx is removed');
  });

  it('VolumeEcShardsInfo names a volume it does not have', async () => {
    await assert.rejects(
      unaryCall(source.client, 'VolumeEcShardsInfo', { volume_id: 999 }),
      grpcFailure(/^VolumeEcShardsInfo: EC volume 999 not found$/),
    );
  });

  it('VolumeEcBlobDelete ignores a volume not here, and is refused in maintenance mode', async () => {
    const request = { volume_id: 998, collection: '', file_key: '1', version: 3 };
    assert.deepEqual(await unaryCall(source.client, 'VolumeEcBlobDelete', request), {});
    await inMaintenance(source, async () => {
      await assert.rejects(
        unaryCall(source.client, 'VolumeEcBlobDelete', { ...request, volume_id: VOLUME_ID, collection: COLLECTION }),
        grpcFailure(/maintenance mode/),
      );
      const entry = await source.ctx.store.ec.find(VOLUME_ID)!.findNeedle(1n);
      assert.ok(entry !== null && entry.size > 0, 'the needle is still live');
    });
  });
});
