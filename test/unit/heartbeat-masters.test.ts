// The heartbeat's per-master status against two in-process masters: a follower that names the
// leader, and the leader. One stream, to the leader; the follower stands by with the redirect it
// gave; the leader turns Degraded when it goes away; everything is Stopped after stop.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { HeartbeatClient } from '../../src/cluster/heartbeat.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { masterClientConstructor } from '../../src/proto/loader.ts';
import type { ServiceSnapshot } from '../../src/status/service-status.ts';
import { Store } from '../../src/store/store.ts';
import { tempDir } from './helpers.ts';

/** A master whose SendHeartbeat answers every beat with `leader` ('' = itself). */
async function fakeMaster(leader: () => string): Promise<{ address: string; server: grpc.Server }> {
  const server = new grpc.Server();
  const service = (masterClientConstructor() as unknown as { service: grpc.ServiceDefinition }).service;
  server.addService(service, {
    SendHeartbeat: (call: grpc.ServerDuplexStream<unknown, unknown>) => {
      call.on('data', () => call.write({ volume_size_limit: 1024 * 1024 * 1024, leader: leader() }));
      call.on('end', () => call.end());
      call.on('error', () => {});
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  // `host:port.grpcPort`: the master's HTTP port is never dialled by the heartbeat.
  return { address: `127.0.0.1:${port + 1}.${port}`, server };
}

async function until(what: string, check: () => boolean, limitMs = 30_000): Promise<void> {
  const deadlineMs = Date.now() + limitMs;
  while (!check() && Date.now() < deadlineMs) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(check(), what);
}

describe('heartbeat status per master', () => {
  it('streams to the leader, shows the follower standing by, and each one’s own figures', async () => {
    const dir = await tempDir();
    const store = new Store([{ dir, maxVolumeCount: 8, diskType: '', diskId: 0 }], 4, silentLogger);
    await store.load();
    const leader = await fakeMaster(() => '');
    const follower = await fakeMaster(() => leader.address);
    const heartbeat = new HeartbeatClient(
      store,
      [follower.address],
      { ip: '127.0.0.1', port: 1, grpcPort: 2, publicUrl: '', id: '', dataCenter: '', rack: '' },
      silentLogger,
    );
    const byName = () => new Map<string, ServiceSnapshot>(heartbeat.masterSnapshots().map((s) => [s.name, s]));
    assert.deepEqual(
      [...byName().values()].map((s) => [s.name, s.current]),
      [[`heartbeat/${follower.address}`, 'Stopped']],
      'before start: the seed, stopped',
    );
    heartbeat.start();
    try {
      await until('streaming to the leader', () => byName().get(`heartbeat/${leader.address}`)?.current === 'Running');
      const shown = byName();
      const atLeader = shown.get(`heartbeat/${leader.address}`)!;
      const atFollower = shown.get(`heartbeat/${follower.address}`)!;
      assert.equal(atLeader.desired.enabled, true);
      assert.equal(atLeader.desired.seed, false, 'learnt from the redirect');
      assert.ok((atLeader.status.counters.responses ?? 0) >= 1);
      assert.notEqual(atLeader.status.lastSuccessAtMs, null);
      assert.equal(atFollower.current, 'Stopped');
      assert.equal(atFollower.desired.enabled, false, 'standing by is what is wanted of a follower');
      assert.equal(atFollower.status.counters.redirects, 1);
      assert.equal(atFollower.status.detail, `standing by: named ${leader.address} the leader`);
      assert.equal(heartbeat.statusSnapshot().current, 'Running');

      leader.server.forceShutdown();
      await until('the leader fails', () => byName().get(`heartbeat/${leader.address}`)?.status.lastError !== null);
      const lost = byName().get(`heartbeat/${leader.address}`)!;
      assert.notEqual(lost.current, 'Running');
      assert.ok(lost.current === 'Degraded' || lost.current === 'Stopped', lost.current);
      assert.equal(byName().get(`heartbeat/${follower.address}`)!.status.lastError, null, 'the follower never failed');
    } finally {
      await heartbeat.stop();
    }
    assert.deepEqual(
      [...byName().values()].map((s) => s.current),
      ['Stopped', 'Stopped'],
    );
    follower.server.forceShutdown();
    await store.close();
  });
});
