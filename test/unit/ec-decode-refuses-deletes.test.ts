// ec.decode's window: VolumeEcShardsToVolume reads the `.ecj` once, so a delete journaled after
// it (the shards stay mounted until the new volume is) would come back to life once the decoded
// volume is mounted. Found by the soak run: such deletes are refused as read-only instead, and
// once the decoded volume is mounted they go to it.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { unaryCall } from '../../src/cluster/peer-client.ts';
import { isStorageError } from '../../src/storage/errors.ts';
import { newNeedle } from '../../src/storage/needle/needle.ts';
import { type TestGrpcServer, startTestGrpcServer } from '../support/grpc-test-context.ts';
import { suiteScope } from '../support/suite-scope.ts';

const VOLUME_ID = 11;
const ALL_SHARDS = Array.from({ length: 14 }, (_, i) => i);

describe('deletes while EC shards are decoded into a volume', () => {
  const scope = suiteScope();
  let server: TestGrpcServer;

  before(async () => {
    server = await startTestGrpcServer(scope, 'nw-ec-decode-deletes-');
    const volume = await server.ctx.store.allocateVolume({
      volumeId: VOLUME_ID,
      collection: '',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    for (let id = 1; id <= 4; id++)
      await volume.write(newNeedle({ cookie: 7, id: BigInt(id), data: Buffer.alloc(10_000 * id, id) }));
    await unaryCall(server.client, 'VolumeEcShardsGenerate', { volume_id: VOLUME_ID, collection: '' });
    await unaryCall(server.client, 'VolumeEcShardsMount', {
      volume_id: VOLUME_ID,
      collection: '',
      shard_ids: ALL_SHARDS,
    });
    await unaryCall(server.client, 'VolumeDelete', { volume_id: VOLUME_ID });
  });

  it('journals a delete before the decode, refuses one after it, and the mounted volume takes it', async () => {
    const { store } = server.ctx;
    await store.ec.deleteNeedle(VOLUME_ID, 1n);
    await unaryCall(server.client, 'VolumeEcShardsToVolume', { volume_id: VOLUME_ID, collection: '' });
    await assert.rejects(
      store.ec.deleteNeedle(VOLUME_ID, 2n),
      (err) => isStorageError(err, 'read_only') && /being decoded/.test((err as Error).message),
    );

    await unaryCall(server.client, 'VolumeMount', { volume_id: VOLUME_ID });
    const volume = store.findVolume(VOLUME_ID);
    assert.ok(volume);
    await assert.rejects(volume.read(1n), (err) => isStorageError(err, 'deleted') || isStorageError(err, 'not_found'));
    // The refused delete changed nothing: needle 2 is whole, and a retry now reaches the volume.
    assert.deepEqual(Buffer.from((await volume.read(2n)).data), Buffer.alloc(20_000, 2));
    await volume.delete(2n, 7);
    await assert.rejects(volume.read(2n), (err) => isStorageError(err, 'deleted') || isStorageError(err, 'not_found'));
  });

  it('takes deletes again when the decode fails', async () => {
    const { store } = server.ctx;
    const other = VOLUME_ID + 1;
    const volume = await store.allocateVolume({
      volumeId: other,
      collection: '',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    for (let id = 1; id <= 2; id++)
      await volume.write(newNeedle({ cookie: 7, id: BigInt(id), data: Buffer.alloc(5_000, id) }));
    await unaryCall(server.client, 'VolumeEcShardsGenerate', { volume_id: other, collection: '' });
    await unaryCall(server.client, 'VolumeEcShardsMount', { volume_id: other, collection: '', shard_ids: ALL_SHARDS });
    await unaryCall(server.client, 'VolumeDelete', { volume_id: other });
    await store.ec.deleteNeedle(other, 1n);
    await store.ec.deleteNeedle(other, 2n);
    // Nothing live: the decode fails after it began refusing deletes, and takes them again.
    await assert.rejects(
      unaryCall(server.client, 'VolumeEcShardsToVolume', { volume_id: other, collection: '' }),
      /no live entries/,
    );
    await store.ec.deleteNeedle(other, 2n);
  });
});
