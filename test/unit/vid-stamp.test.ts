// 4.53 heartbeat additions: `.vid_stamp` in each data directory keeps the highest volume id seen
// and the master's topology id across restarts; the heartbeat reports them, and volume messages
// carry read_only_can_delete.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { HeartbeatClient, shortInformation, volumeInformation } from '../../src/cluster/heartbeat.ts';
import { Store } from '../../src/store/store.ts';
import { VID_STAMP_FILE, readVidStamp } from '../../src/store/vid-stamp.ts';
import { tempDir } from './helpers.ts';
import { silentLogger } from '../../src/log/logger.ts';

async function openStore(dirs: string[]): Promise<Store> {
  const store = new Store(
    dirs.map((dir, diskId) => ({ dir, maxVolumeCount: 8, diskType: '', diskId })),
    4,
    silentLogger,
  );
  await store.load();
  return store;
}

const allocate = (store: Store, volumeId: number) =>
  store.allocateVolume({ volumeId, collection: '', replication: '000', ttl: '', diskType: '', version: 3 });

describe('.vid_stamp', () => {
  it('is seeded from the volumes on disk, raised by allocations and the master, and survives their deletion', async () => {
    const dirs = [await tempDir('needlework-vid-a-'), await tempDir('needlework-vid-b-')];
    let store = await openStore(dirs);
    assert.equal(store.maxVolumeIdSeen, 0);
    assert.deepEqual(await readVidStamp(dirs[0]!), { maxVolumeId: 0 });
    await allocate(store, 12);
    await allocate(store, 7);
    assert.equal(store.maxVolumeIdSeen, 12);
    for (const dir of dirs) assert.deepEqual(await readVidStamp(dir), { maxVolumeId: 12 });
    // The master's echo raises it too; a lower echo never lowers it.
    await store.noteVolumeId(40);
    await store.noteVolumeId(3);
    await store.noteTopologyId('topo-1');
    assert.deepEqual(JSON.parse(await fs.readFile(path.join(dirs[1]!, VID_STAMP_FILE), 'utf8')), {
      maxVolumeId: 40,
      topologyId: 'topo-1',
    });
    await store.deleteVolume(12, false);
    await store.close();

    store = await openStore(dirs);
    assert.equal(store.maxVolumeIdSeen, 40);
    assert.equal(store.lastSeenTopologyId, 'topo-1');
    const beat = new HeartbeatClient(
      store,
      ['127.0.0.1:1'],
      { ip: '127.0.0.1', port: 1, grpcPort: 2, publicUrl: '', id: '', dataCenter: '', rack: '' },
      silentLogger,
    ).fullHeartbeat();
    assert.equal(beat.max_volume_id_seen, 40);
    assert.equal(beat.last_seen_topology_id, 'topo-1');
    assert.deepEqual(
      (await fs.readdir(dirs[0]!)).filter((name) => name.endsWith('.tmp')),
      [],
    );
    await store.close();
  });

  it('takes a volume id found on disk above the stamp, and ignores a corrupt stamp', async () => {
    const dir = await tempDir('needlework-vid-c-');
    let store = await openStore([dir]);
    await allocate(store, 9);
    await store.close();
    await fs.writeFile(path.join(dir, VID_STAMP_FILE), '{not json');
    store = await openStore([dir]);
    assert.equal(store.maxVolumeIdSeen, 9);
    assert.deepEqual(await readVidStamp(dir), { maxVolumeId: 9 });
    await store.close();
  });
});

describe('heartbeat volume messages', () => {
  it('carry read_only and read_only_can_delete', async () => {
    const dir = await tempDir('needlework-hb-ro-');
    const store = await openStore([dir]);
    const volume = await allocate(store, 3);
    const location = store.locationOf(volume)!;
    assert.equal(volumeInformation(volume, location).read_only_can_delete, false);
    await volume.setReadOnly(true, false, true);
    assert.equal(volumeInformation(volume, location).read_only_can_delete, true);
    assert.deepEqual(
      [shortInformation(volume, location).read_only, shortInformation(volume, location).read_only_can_delete],
      [true, true],
    );
    await volume.setReadOnly(true, false, false);
    assert.equal(volumeInformation(volume, location).read_only_can_delete, false);
    assert.equal(shortInformation(volume, location).read_only, true);
    await store.close();
  });
});
