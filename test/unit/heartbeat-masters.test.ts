// The heartbeat's per-master status against two in-process masters: a follower that names the
// leader, and the leader. One stream, to the leader; the follower stands by with the redirect it
// gave; the leader turns Degraded when its stream ends; everything is Stopped after stop.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeartbeatClient } from '../../src/cluster/heartbeat.ts';
import { silentLogger } from '../../src/log/logger.ts';
import type { ServiceSnapshot } from '../../src/status/service-status.ts';
import { Store } from '../../src/store/store.ts';
import { eventually } from '../support/eventually.ts';
import { startFakeMaster } from '../support/fake-master.ts';
import { suiteScope } from '../support/suite-scope.ts';

const LIMIT = String(1 << 30);
const WAIT = { timeoutMs: 30_000, pollMs: 20 };

describe('heartbeat status per master', () => {
  const scope = suiteScope();

  it('streams to the leader, shows the follower standing by, and each one’s own figures', async () => {
    const dir = await scope.tempDir('nw-heartbeat-masters-');
    const store = new Store([{ dir, maxVolumeCount: 8, diskType: '', diskId: 0 }], 4, silentLogger);
    await store.load();
    const leader = await startFakeMaster(scope, { answer: () => ({ volume_size_limit: LIMIT }) });
    const follower = await startFakeMaster(scope, {
      answer: () => ({ volume_size_limit: LIMIT, leader: leader.address }),
    });
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
      await eventually(
        'streaming to the leader',
        () => byName().get(`heartbeat/${leader.address}`)?.current === 'Running',
        WAIT,
      );
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

      // The leader goes away: it ends the stream, as a master that stops does.
      leader.endStreams();
      await eventually(
        'the leader fails',
        () => byName().get(`heartbeat/${leader.address}`)?.status.lastError !== null,
        WAIT,
      );
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
    await store.close();
  });
});
