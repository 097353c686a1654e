// SeaweedFS 4.53 volume lifecycle over gRPC: what maintenance mode still allows, the delete status
// codes, VolumeDelete only_garbage, VolumeMount's optional collection, ReadVolumeFileStatus
// expire_at_sec, VacuumVolumeCheck disk_space_low, and ReceiveFile never destroying a live
// volume's files.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { newPeerClient, type VolumeServerPeer, unaryCall } from '../../src/cluster/peer-client.ts';
import { startGrpcServer } from '../../src/server/grpc/server.ts';
import { expireAtSec } from '../../src/server/grpc/handlers/volume-state.ts';
import { parseTtl } from '../../src/storage/needle/ttl.ts';
import type { ClientRequestOf, ClientResponseOf, GrpcContext } from '../../src/server/grpc/context.ts';
import { testGrpcContext } from '../support/grpc-test-context.ts';
import { textNeedle } from '../support/helpers.ts';
import { suiteScope, type SuiteScope } from '../support/suite-scope.ts';

async function startServer(
  scope: SuiteScope,
): Promise<{ ctx: GrpcContext & { dir: string }; client: VolumeServerPeer }> {
  const ctx = await testGrpcContext(scope, 'needlework-grpc-lifecycle-');
  const server = await startGrpcServer(ctx, '127.0.0.1', 0, { streamLimits: { receiveIdleMs: 300 } });
  const client = newPeerClient(`127.0.0.1:1.${server.port}`);
  scope.defer(async () => {
    client.close();
    await server.close();
  });
  return { ctx, client };
}

async function rejects(promise: Promise<unknown>, code: grpc.status, text: RegExp): Promise<void> {
  await assert.rejects(promise, (err: grpc.ServiceError) => {
    assert.equal(err.code, code, `${err.code}: ${err.details}`);
    assert.match(err.details, text);
    return true;
  });
}

function receive(
  client: VolumeServerPeer,
  messages: ClientRequestOf<'ReceiveFile'>[],
  end: boolean,
): Promise<ClientResponseOf<'ReceiveFile'>> {
  return new Promise((resolve, reject) => {
    const call = client.ReceiveFile((err, r) => (err || r === undefined ? reject(err) : resolve(r)));
    for (const message of messages) call.write(message);
    if (end) call.end();
  });
}

const allocate = (ctx: GrpcContext, volumeId: number, collection = '', ttl = '') =>
  ctx.store.allocateVolume({ volumeId, collection, replication: '000', ttl, diskType: '', version: 3 });

describe('gRPC volume lifecycle (4.53)', () => {
  const scope = suiteScope();
  let ctx: GrpcContext & { dir: string };
  let client: VolumeServerPeer;

  before(async () => {
    ({ ctx, client } = await startServer(scope));
  });

  it('maintenance mode allows VolumeDelete and VolumeMarkReadonly but not VolumeMarkWritable', async () => {
    await allocate(ctx, 15);
    await allocate(ctx, 16);
    await ctx.state.set({ maintenance: true, version: ctx.state.current.version });
    try {
      await unaryCall(client, 'VolumeDelete', { volume_id: 15, only_empty: true });
      assert.equal(ctx.store.findVolume(15), undefined);
      await unaryCall(client, 'VolumeMarkReadonly', { volume_id: 16, persist: false });
      assert.equal(ctx.store.findVolume(16)?.isReadOnly, true);
      await rejects(
        unaryCall(client, 'VolumeMarkWritable', { volume_id: 16 }),
        grpc.status.UNKNOWN,
        /maintenance mode/,
      );
      await rejects(
        unaryCall(client, 'VolumeMarkReadonly', { volume_id: 98773, persist: true }),
        grpc.status.UNKNOWN,
        /not found/,
      );
      await rejects(unaryCall(client, 'AllocateVolume', { volume_id: 17 }), grpc.status.UNKNOWN, /maintenance mode/);
    } finally {
      await ctx.state.set({ maintenance: false, version: ctx.state.current.version });
    }
    await unaryCall(client, 'VolumeDelete', { volume_id: 16 });
  });

  it('VolumeDelete answers NOT_FOUND and FAILED_PRECONDITION with the store text', async () => {
    await rejects(
      unaryCall(client, 'VolumeDelete', { volume_id: 4040 }),
      grpc.status.NOT_FOUND,
      /delete volume 4040 not found on disk/,
    );
    const volume = await allocate(ctx, 20);
    await volume.write(textNeedle(1n, 'live'));
    await rejects(
      unaryCall(client, 'VolumeDelete', { volume_id: 20, only_empty: true }),
      grpc.status.FAILED_PRECONDITION,
      /volume not empty/,
    );
    assert.notEqual(ctx.store.findVolume(20), undefined);
    await unaryCall(client, 'VolumeDelete', { volume_id: 20 });
  });

  it('VolumeDelete only_garbage removes a volume whose every byte is deleted, and only that', async () => {
    const live = await allocate(ctx, 21);
    await live.write(textNeedle(1n, 'live'));
    await rejects(
      unaryCall(client, 'VolumeDelete', { volume_id: 21, only_garbage: true }),
      grpc.status.FAILED_PRECONDITION,
      /volume not empty/,
    );
    assert.notEqual(ctx.store.findVolume(21), undefined);
    // A fresh volume has nothing written: only_garbage alone does not take it, only_empty does.
    await allocate(ctx, 22);
    await rejects(
      unaryCall(client, 'VolumeDelete', { volume_id: 22, only_garbage: true }),
      grpc.status.FAILED_PRECONDITION,
      /volume not empty/,
    );
    await unaryCall(client, 'VolumeDelete', { volume_id: 22, only_empty: true, only_garbage: true });
    await live.delete(1n, 0x1234_5678);
    await unaryCall(client, 'VolumeDelete', { volume_id: 21, only_garbage: true });
    assert.equal(ctx.store.findVolume(21), undefined);
    await assert.rejects(fs.stat(path.join(ctx.dir, '21.dat')), { code: 'ENOENT' });
  });

  it('VolumeMount prefers the named collection when two hold the same id', async () => {
    await allocate(ctx, 30, 'alpha');
    await ctx.store.unmountVolume(30);
    await allocate(ctx, 30, 'beta');
    await ctx.store.unmountVolume(30);
    await unaryCall(client, 'VolumeMount', { volume_id: 30, collection: 'beta' });
    assert.equal(ctx.store.findVolume(30)?.collection, 'beta');
    await ctx.store.unmountVolume(30);
    await unaryCall(client, 'VolumeMount', { volume_id: 30, collection: 'alpha' });
    assert.equal(ctx.store.findVolume(30)?.collection, 'alpha');
    await unaryCall(client, 'VolumeDelete', { volume_id: 30 });
    await unaryCall(client, 'VolumeMount', { volume_id: 30, collection: 'beta' });
    await unaryCall(client, 'VolumeDelete', { volume_id: 30 });
  });

  it('ReadVolumeFileStatus expire_at_sec counts the TTL from the last write', async () => {
    assert.equal(expireAtSec(parseTtl(''), 1_700_000_000), 0);
    assert.equal(expireAtSec(parseTtl('3m'), 1_700_000_000), 1_700_000_180);
    assert.equal(expireAtSec(parseTtl('1h'), 0, 1_700_000_000_500), 1_700_003_600);
    const volume = await allocate(ctx, 40, '', '5m');
    await volume.write(textNeedle(1n, 'expiring'));
    const status = await unaryCall(client, 'ReadVolumeFileStatus', { volume_id: 40 });
    assert.equal(Number(status.expire_at_sec), volume.stats().lastModifiedTsSeconds + 300);
    const plain = await unaryCall(client, 'ReadVolumeFileStatus', { volume_id: 20_000 }).catch(() => null);
    assert.equal(plain, null);
    await unaryCall(client, 'VolumeDelete', { volume_id: 40 });
  });

  it('VacuumVolumeCheck reports disk_space_low and NOT_FOUND', async () => {
    await allocate(ctx, 41);
    const check = await unaryCall(client, 'VacuumVolumeCheck', { volume_id: 41 });
    assert.equal(check.disk_space_low, false);
    await rejects(
      unaryCall(client, 'VacuumVolumeCheck', { volume_id: 4141 }),
      grpc.status.NOT_FOUND,
      /not found during check compact/,
    );
    await unaryCall(client, 'VolumeDelete', { volume_id: 41 });
  });

  it('ReceiveFile refuses to overwrite a mounted volume`s live files', async () => {
    const volume = await allocate(ctx, 50);
    await volume.write(textNeedle(1n, 'precious'));
    const datBefore = await fs.readFile(path.join(ctx.dir, '50.dat'));
    for (const ext of ['.dat', '.idx', '.vif']) {
      const answer = await receive(
        client,
        [{ info: { volume_id: 50, ext, collection: '' } }, { file_content: Buffer.from('garbage') }],
        true,
      );
      assert.match(answer.error, /is mounted; refusing to overwrite/);
    }
    assert.deepEqual(await fs.readFile(path.join(ctx.dir, '50.dat')), datBefore);
    assert.equal((await volume.read(1n)).data.toString(), 'precious');
  });

  it('ReceiveFile into a mounted volume writes a temp file and keeps the old one when the sender stalls', async () => {
    const target = path.join(ctx.dir, '50.tmprecv');
    await fs.writeFile(target, 'old contents');
    await assert.rejects(
      receive(
        client,
        [{ info: { volume_id: 50, ext: '.tmprecv', collection: '' } }, { file_content: Buffer.from('new, partial') }],
        false,
      ),
      (err: grpc.ServiceError) => err.code === grpc.status.DEADLINE_EXCEEDED,
    );
    assert.equal(await fs.readFile(target, 'utf8'), 'old contents');
    const answer = await receive(
      client,
      [
        { info: { volume_id: 50, ext: '.tmprecv', collection: '' } },
        { file_content: Buffer.from('new ') },
        { file_content: Buffer.from('contents') },
      ],
      true,
    );
    assert.deepEqual(answer, { bytes_written: '12', error: '' });
    assert.equal(await fs.readFile(target, 'utf8'), 'new contents');
    assert.deepEqual(
      (await fs.readdir(ctx.dir)).filter((name) => name.includes('.receiving')),
      [],
    );
  });
});
