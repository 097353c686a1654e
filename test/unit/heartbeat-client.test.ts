// The SendHeartbeat client against an in-process master: the full beat it registers with, what it
// takes from the master's answers, volume and EC deltas, deltas queued before registration, a
// leader redirect, reconnects after the master goes away, and the leave beat.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { type HeartbeatIdentity, HeartbeatClient } from '../../src/cluster/heartbeat.ts';
import type { EcShardMessage } from '../../src/store/ec-shard-store.ts';
import { Store } from '../../src/store/store.ts';
import { eventually } from '../support/eventually.ts';
import { startFakeMaster } from '../support/fake-master.ts';
import { allocateTestVolume } from '../support/helpers.ts';
import { type SuiteScope, suiteScope } from '../support/suite-scope.ts';
import { linesLogger } from '../support/lines-logger.ts';
import { silentLogger } from '../../src/log/logger.ts';

const IDENTITY: HeartbeatIdentity = {
  ip: '127.0.0.9',
  port: 8089,
  grpcPort: 18089,
  publicUrl: 'public.example:8089',
  id: 'node-a',
  dataCenter: 'dc1',
  rack: 'rack7',
};
/** No pulse within a test that does not look for one. */
const NO_PULSE = { pulseMs: 600_000, leaderSwitchDelayMs: 0 };

async function testStore(scope: SuiteScope): Promise<Store> {
  const dir = await scope.tempDir('nw-heartbeat-');
  const store = new Store([{ dir, maxVolumeCount: 5, diskType: '', diskId: 0 }], 4, silentLogger);
  await store.load();
  scope.defer(() => store.close());
  return store;
}

const allocate = (store: Store, volumeId: number, collection = '') =>
  allocateTestVolume(store, volumeId, { collection, replication: '001' });

/** A heartbeat client stopped with the suite (a stopped client stays stopped). */
function client(
  scope: SuiteScope,
  store: Store,
  masters: string[],
  logs: string[],
  timing = NO_PULSE,
): HeartbeatClient {
  const heartbeat = new HeartbeatClient(store, masters, IDENTITY, linesLogger(logs), timing);
  scope.defer(() => heartbeat.stop());
  return heartbeat;
}

function registered(heartbeat: HeartbeatClient): Promise<true> {
  return eventually('registration', () => heartbeat.isConnected);
}

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const ecMessage = (id: number): EcShardMessage => ({
  id,
  collection: 'ec',
  ec_index_bits: 0b11,
  disk_type: '',
  expire_at_sec: '0',
  disk_id: 0,
  shard_sizes: ['100', '100'],
  file_count: '3',
  delete_count: '0',
  encode_ts_ns: '5',
});

describe('heartbeat client', () => {
  const scope = suiteScope();

  it('registers with a full beat, takes the master answers, streams deltas, and leaves', async () => {
    const store = await testStore(scope);
    await allocate(store, 3, 'pics');
    const master = await startFakeMaster(scope, {
      answer: () => ({
        volume_size_limit: String(64 << 20),
        max_volume_id: 42,
        topology_id: 'topology-1',
        duplicated_uuids: ['dup-uuid'],
      }),
    });
    const logs: string[] = [];
    const heartbeat = client(scope, store, [master.address], logs);
    assert.equal(heartbeat.statusSnapshot().current, 'Stopped', 'not started yet');
    heartbeat.start();

    const first = await master.beat('full beat', () => true);
    assert.equal(first.ip, IDENTITY.ip);
    assert.equal(first.port, IDENTITY.port);
    assert.equal(first.grpc_port, IDENTITY.grpcPort);
    assert.equal(first.public_url, IDENTITY.publicUrl);
    assert.equal(first.id, IDENTITY.id);
    assert.equal(first.data_center, 'dc1');
    assert.equal(first.rack, 'rack7');
    assert.deepEqual(
      first.volumes.map((v) => [v.id, v.collection, v.replica_placement, v.version, v.read_only]),
      [[3, 'pics', 1, 3, false]],
    );
    assert.equal(first.has_no_volumes, false);
    assert.equal(first.has_no_ec_shards, true);
    assert.deepEqual(first.max_volume_counts, { '': 5 });
    assert.deepEqual(
      first.disk_tags.map((t) => [t.disk_id, t.type, t.max_volume_count]),
      [[0, '', '5']],
    );
    assert.deepEqual(first.location_uuids, [store.locations[0]!.uuid]);
    assert.equal(first.max_volume_id_seen, 3, 'the highest volume id on disk');

    await registered(heartbeat);
    assert.equal(heartbeat.hasRegistered, true);
    assert.equal(heartbeat.master, master.address);
    assert.equal(store.volumeSizeLimitBytes, 64 << 20, "the master's volume size limit is taken");
    assert.equal(store.maxVolumeIdSeen, 42, "the master's volume id sequence raises ours");
    assert.equal(store.lastSeenTopologyId, 'topology-1');
    assert.ok(logs.includes(`registered with master ${master.address}`), logs.join('\n'));
    assert.ok(logs.some((m) => m.includes('duplicate directory UUIDs dup-uuid')));
    const running = heartbeat.statusSnapshot();
    assert.equal(running.current, 'Running');
    assert.equal(running.status.detail, `streaming to ${master.address}`);

    await allocate(store, 4);
    const added = await master.beat('new volume delta', (b) => b.new_volumes.length > 0);
    assert.deepEqual(
      added.new_volumes.map((v) => [v.id, v.collection]),
      [[4, '']],
    );
    assert.deepEqual(added.volumes, [], 'a delta carries no full list');
    assert.equal(added.ip, IDENTITY.ip, 'a delta names the server');

    await store.deleteVolume(4, false);
    const removed = await master.beat('deleted volume delta', (b) => b.deleted_volumes.length > 0);
    assert.deepEqual(
      removed.deleted_volumes.map((v) => v.id),
      [4],
    );

    heartbeat.ecShardsChanged('added', ecMessage(77));
    const ecAdded = await master.beat('new EC shards delta', (b) => b.new_ec_shards.length > 0);
    assert.deepEqual(
      ecAdded.new_ec_shards.map((s) => [s.id, s.collection, s.ec_index_bits]),
      [[77, 'ec', 0b11]],
    );
    assert.deepEqual(ecAdded.new_volumes, [], 'EC deltas travel in their own message');
    assert.equal(store.maxVolumeIdSeen, 77, 'an added EC volume raises the id bound');
    heartbeat.ecShardsChanged('removed', ecMessage(77));
    const ecRemoved = await master.beat('deleted EC shards delta', (b) => b.deleted_ec_shards.length > 0);
    assert.deepEqual(
      ecRemoved.deleted_ec_shards.map((s) => s.id),
      [77],
    );

    const beforeLeave = master.beats.length;
    await heartbeat.stop();
    const leave = await master.beat('leave beat', () => true, beforeLeave);
    assert.equal(leave.has_no_volumes, true);
    assert.equal(leave.has_no_ec_shards, true);
    assert.equal(leave.max_file_key, '0');
    assert.deepEqual(leave.volumes, []);
    await eventually('stream end', () => master.openStreams() === 0);
    assert.equal(heartbeat.statusSnapshot().current, 'Stopped');
    const afterLeave = master.beats.length;
    await heartbeat.stop();
    assert.equal(master.beats.length, afterLeave, 'a second stop sends nothing');
  });

  it('queues deltas until the master first answers, then sends them', async () => {
    const store = await testStore(scope);
    // Silent until the test answers: the client is streaming but not registered.
    const master = await startFakeMaster(scope, { answer: () => null });
    const heartbeat = client(scope, store, [master.address], []);
    heartbeat.start();
    await master.beat('full beat', () => true);
    const starting = heartbeat.statusSnapshot();
    assert.equal(starting.current, 'Starting');
    assert.equal(starting.status.detail, `reconnecting (last master ${master.address})`);

    await allocate(store, 9);
    heartbeat.ecShardsChanged('added', ecMessage(12));
    assert.equal(master.beats.length, 1, 'nothing is sent before the master answers');
    assert.equal(heartbeat.statusSnapshot().status.queueDepth, 2);

    master.send({ volume_size_limit: String(1 << 30) });
    const delta = await master.beat('queued volume delta', (b) => b.new_volumes.length > 0);
    assert.deepEqual(
      delta.new_volumes.map((v) => v.id),
      [9],
    );
    const ecDelta = await master.beat('queued EC delta', (b) => b.new_ec_shards.length > 0);
    assert.deepEqual(
      ecDelta.new_ec_shards.map((s) => s.id),
      [12],
    );
    assert.equal(heartbeat.statusSnapshot().status.queueDepth, 0);
  });

  it('follows a leader redirect to the master it names', async () => {
    const store = await testStore(scope);
    const leader = await startFakeMaster(scope);
    const follower = await startFakeMaster(scope, { answer: () => ({ leader: leader.address }) });
    const logs: string[] = [];
    const heartbeat = client(scope, store, [follower.address], logs);
    heartbeat.start();
    await leader.beat('full beat at the leader', () => true);
    await registered(heartbeat);
    assert.equal(heartbeat.master, leader.address);
    assert.ok(logs.includes(`heartbeat: master ${follower.address} says the leader is ${leader.address}`));
    await eventually('follower stream closed', () => follower.openStreams() === 0);
    assert.equal(follower.beats.length, 1, 'one beat to the follower, then it is left');
  });

  it('sends a full beat every pulse, and reconnects when the master closes the stream', async () => {
    const store = await testStore(scope);
    await allocate(store, 5);
    const master = await startFakeMaster(scope);
    const logs: string[] = [];
    const heartbeat = client(scope, store, [master.address], logs, { pulseMs: 300, leaderSwitchDelayMs: 0 });
    heartbeat.start();
    await registered(heartbeat);
    const pulse = await master.beat('a pulse', (b) => b.volumes.length === 1, 1);
    assert.deepEqual(
      pulse.volumes.map((v) => v.id),
      [5],
      'each pulse repeats the full list',
    );
    assert.equal(master.streamsOpened, 1, 'pulses travel on the same stream');

    master.endStreams();
    const degraded = await eventually('degraded status', () => {
      const snapshot = heartbeat.statusSnapshot();
      return snapshot.current === 'Degraded' ? snapshot : undefined;
    });
    assert.equal(degraded.status.detail, `reconnecting (last master ${master.address})`);
    assert.equal(heartbeat.isConnected, false);
    await eventually('second stream', () => master.streamsOpened === 2);
    await registered(heartbeat);
    assert.ok(
      logs.some((m) =>
        m.startsWith(`heartbeat to master ${master.address} ended: stream closed by master; serving local volumes`),
      ),
      logs.join('\n'),
    );
    assert.equal(heartbeat.statusSnapshot().current, 'Running', 'a fresh answer clears the failure');
  });

  it('keeps retrying an unreachable master, degraded and unregistered', async () => {
    const store = await testStore(scope);
    const nowhere = `127.0.0.1:1.${await closedPort()}`;
    const logs: string[] = [];
    const heartbeat = client(scope, store, [nowhere], logs, { pulseMs: 50, leaderSwitchDelayMs: 0 });
    heartbeat.start();
    // Two failed attempts: the first and a retry after the pulse.
    await eventually(
      'two failed attempts',
      () => logs.filter((m) => m.includes('not registered with any master yet')).length >= 2,
    );
    const snapshot = heartbeat.statusSnapshot();
    assert.equal(snapshot.current, 'Degraded');
    assert.equal(heartbeat.hasRegistered, false);
    assert.ok(
      logs.every((m) => m.startsWith(`heartbeat to master ${nowhere} ended: `)),
      logs.join('\n'),
    );
    await heartbeat.stop();
    assert.equal(heartbeat.statusSnapshot().current, 'Stopped');
  });
});
