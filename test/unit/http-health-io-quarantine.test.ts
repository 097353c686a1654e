// 4.53's /healthz and /readyz: 503 while any local replica is quarantined after sustained EIO
// (failing media, so a load balancer drains the server), 200 again once the quarantine clears.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import type { GrpcContext } from '../../src/server/grpc/context.ts';
import { type VolumeServerPeer, unaryCall } from '../../src/cluster/peer-client.ts';
import { newNeedle } from '../../src/storage/needle/needle.ts';
import { startInProcessServers } from './in-process-servers.ts';
import { send } from './http-fixture.ts';
import { suiteScope } from './suite-scope.ts';
import { silentLogger } from '../../src/log/logger.ts';

const eio = () => Object.assign(new Error('input/output error'), { code: 'EIO' });

describe('/healthz and /readyz with IO-quarantined EC volumes', () => {
  const scope = suiteScope();
  let ctx: GrpcContext & { dir: string };
  let client: VolumeServerPeer;
  let admin: number;
  let healthy = true;

  before(async () => {
    ({
      ctx,
      client,
      adminPort: admin,
    } = await startInProcessServers(scope, 'needlework-health-quarantine-', {
      isHealthy: () => healthy,
    }));
    const volume = await ctx.store.allocateVolume({
      volumeId: 6,
      collection: 'ec',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    for (let i = 1; i <= 3; i++) await volume.write(newNeedle({ cookie: 5, id: BigInt(i), data: randomBytes(10_000) }));
    await unaryCall(client, 'VolumeEcShardsGenerate', { volume_id: 6, collection: 'ec' });
    await unaryCall(client, 'VolumeEcShardsMount', {
      volume_id: 6,
      collection: 'ec',
      shard_ids: Array.from({ length: 14 }, (_, i) => i),
    });
  });

  const statuses = async () => [
    (await send(admin, 'GET', '/healthz')).status,
    (await send(admin, 'GET', '/readyz')).status,
    (await send(admin, 'HEAD', '/healthz')).status,
  ];

  it('is 200 with healthy EC volumes mounted', async () => {
    assert.ok(ctx.store.ec.find(6) !== undefined);
    assert.deepEqual(await statuses(), [200, 200, 200]);
  });

  it('stays 200 below the EIO tolerance, then is 503 once the volume is quarantined', async () => {
    const ec = ctx.store.ec.find(6)!;
    ec.noteIoResult(eio());
    ec.noteIoResult(eio());
    assert.equal(ec.ioErrorState().quarantined, false);
    assert.deepEqual(await statuses(), [200, 200, 200]);
    ec.noteIoResult(eio());
    assert.equal(ec.ioErrorState().quarantined, true);
    const r = await send(admin, 'GET', '/healthz');
    assert.deepEqual([r.status, r.body.length], [503, 0]);
    assert.deepEqual(await statuses(), [503, 503, 503]);
  });

  it('is 200 again once the quarantine clears, and 503 for the other reasons as before', async () => {
    ctx.store.ec.find(6)!.resetIoErrorState();
    assert.deepEqual(await statuses(), [200, 200, 200]);
    healthy = false;
    assert.deepEqual(await statuses(), [503, 503, 503]);
    healthy = true;
  });
});
