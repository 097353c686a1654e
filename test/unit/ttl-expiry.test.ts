// TTL expiry, as upstream's heartbeat collection: past its TTL a volume is no longer reported,
// past the removal delay too it is deleted; nothing expires without the master's size limit;
// the service's status follows.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { HeartbeatClient } from '../../src/cluster/heartbeat.ts';
import { Store } from '../../src/store/store.ts';
import { TtlExpiry, isExpiredLongEnough, isVolumeExpired } from '../../src/store/ttl-expiry.ts';
import { tempDir, textNeedle } from './helpers.ts';
import { silentLogger } from '../../src/log/logger.ts';

const MINUTE = 60_000;

async function storeWithTtlVolume(ttl: string) {
  const dir = await tempDir();
  const store = new Store([{ dir, maxVolumeCount: 0, diskType: '', diskId: 0 }], 4, silentLogger);
  await store.load();
  await store.allocateVolume({ volumeId: 4, collection: '', replication: '000', ttl, diskType: '', version: 3 });
  await store.allocateVolume({ volumeId: 5, collection: '', replication: '000', ttl: '', diskType: '', version: 3 });
  for (const id of [4, 5]) await store.findVolume(id)!.write(textNeedle(1n, 'expires'));
  return { dir, store };
}

function reportedIds(store: Store): number[] {
  const heartbeat = new HeartbeatClient(
    store,
    ['127.0.0.1:1'],
    { ip: '127.0.0.1', port: 1, grpcPort: 2, publicUrl: '', id: '', dataCenter: '', rack: '' },
    silentLogger,
  );
  return (heartbeat.fullHeartbeat().volumes ?? []).map((v) => v.id!).sort();
}

describe('TTL expiry', () => {
  it('follows upstream: expired after the TTL in whole minutes, removable after a tenth of it (at most 10 min)', async () => {
    const { store } = await storeWithTtlVolume('30m');
    const volume = store.findVolume(4)!;
    const written = volume.stats().lastModifiedTsSeconds * 1000;
    assert.equal(isVolumeExpired(volume, 0, written + 60 * MINUTE), false, 'no size limit known: nothing expires');
    assert.equal(isVolumeExpired(volume, 1 << 30, written + 30 * MINUTE), false);
    assert.equal(isVolumeExpired(volume, 1 << 30, written + 31 * MINUTE), true);
    assert.equal(isExpiredLongEnough(volume, written + 33 * MINUTE), false);
    assert.equal(isExpiredLongEnough(volume, written + 33 * MINUTE + 1000), true);
    assert.equal(isVolumeExpired(store.findVolume(5)!, 1 << 30, written + 1000 * MINUTE), false, 'no TTL: never');
    await store.close();
  });

  it('an expired volume leaves the heartbeat at once and its files go after the delay', async () => {
    const { dir, store } = await storeWithTtlVolume('30m');
    store.volumeSizeLimitBytes = 1 << 30;
    const written = store.findVolume(4)!.stats().lastModifiedTsSeconds * 1000;
    let now = written + 10 * MINUTE;
    const expiry = new TtlExpiry(store, { nowMs: () => now });
    expiry.start();
    assert.deepEqual(reportedIds(store), [4, 5]);
    await expiry.checkNow();
    assert.ok(store.findVolume(4) !== undefined);

    now = written + 32 * MINUTE;
    await expiry.checkNow();
    assert.ok(store.findVolume(4) !== undefined, 'expired, not yet removed');
    assert.equal(expiry.statusSnapshot().status.counters.expiredNow, 1);

    now = written + 34 * MINUTE;
    await expiry.checkNow();
    assert.equal(store.findVolume(4), undefined);
    assert.deepEqual(
      (await readdir(dir)).filter((f) => f.startsWith('4.')),
      [],
    );
    assert.deepEqual(reportedIds(store), [5]);
    const status = expiry.statusSnapshot();
    assert.equal(status.current, 'Running');
    assert.deepEqual([status.status.counters.volumesDeleted, status.status.counters.expiredNow], [1, 0]);
    await expiry.stop();
    assert.equal(expiry.statusSnapshot().current, 'Stopped');
    await store.close();
  });

  it('Degraded while an expired volume cannot be deleted, Running once it is', async () => {
    const { store } = await storeWithTtlVolume('30m');
    store.volumeSizeLimitBytes = 1 << 30;
    const written = store.findVolume(4)!.stats().lastModifiedTsSeconds * 1000;
    const expiry = new TtlExpiry(store, { nowMs: () => written + 40 * MINUTE });
    expiry.start();
    const deleteVolume = store.deleteVolume.bind(store);
    store.deleteVolume = async () => {
      throw new Error('volume 4 is being copied');
    };
    await expiry.checkNow();
    assert.equal(expiry.statusSnapshot().current, 'Degraded');
    assert.match(
      expiry.statusSnapshot().status.lastError?.message ?? '',
      /delete expired volume 4: volume 4 is being copied/,
    );
    store.deleteVolume = deleteVolume;
    await expiry.checkNow();
    assert.equal(expiry.statusSnapshot().current, 'Running');
    assert.equal(store.findVolume(4), undefined);
    await expiry.stop();
    await store.close();
  });
});
