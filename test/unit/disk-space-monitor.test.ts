// The disk-space monitor (-minFreeSpace): below the reserve a folder's volumes refuse writes, the
// heartbeat offers no free slots and reports them read-only, no volume is allocated there; once
// space is back, the next pass lifts it. Disk space comes from an injected statfs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveMaxVolumeCount, volumeInformation } from '../../src/cluster/heartbeat.ts';
import { isStorageError } from '../../src/storage/errors.ts';
import { DiskSpaceMonitor } from '../../src/store/disk-space-monitor.ts';
import { isDiskSpaceLow, type DiskSpace, type MinFreeSpace } from '../../src/store/min-free-space.ts';
import { StoreError } from '../../src/store/store-error.ts';
import { Store } from '../../src/store/store.ts';
import { tempDir, textNeedle } from './helpers.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { linesLogger } from './lines-logger.ts';

const GIB = 1024 ** 3;
const TEN_PERCENT: MinFreeSpace = { kind: 'percent', percent: 10, raw: '10' };

async function storeWith(minFreeSpace: MinFreeSpace | undefined): Promise<Store> {
  const store = new Store(
    [{ dir: await tempDir(), maxVolumeCount: 8, diskType: '', diskId: 0, ...(minFreeSpace ? { minFreeSpace } : {}) }],
    4,
    silentLogger,
  );
  await store.load();
  return store;
}

const allocate = (store: Store, volumeId: number) =>
  store.allocateVolume({ volumeId, collection: '', replication: '000', ttl: '', diskType: '', version: 3 });

describe('disk-space monitor (-minFreeSpace)', () => {
  it('turns a folder read-only below the reserve, and writable again once space is back', async () => {
    const store = await storeWith(TEN_PERCENT);
    let space: DiskSpace = { totalBytes: 100 * GIB, freeBytes: 50 * GIB };
    const logs: string[] = [];
    const monitor = new DiskSpaceMonitor(store.locations, {
      statDiskSpace: async () => space,
      log: linesLogger(logs),
    });
    await monitor.checkNow();
    const volume = await allocate(store, 1);
    await volume.write(textNeedle(1n, 'plenty of space'));
    const location = store.locations[0]!;
    assert.equal(effectiveMaxVolumeCount(location), 8);

    space = { totalBytes: 100 * GIB, freeBytes: 9 * GIB };
    await monitor.checkNow();
    assert.equal(location.isDiskSpaceLow, true);
    assert.equal(volume.isReadOnly, true);
    assert.equal(volume.isDiskSpaceLow, true);
    await assert.rejects(volume.write(textNeedle(2n, 'refused')), (err) => isStorageError(err, 'read_only'));
    assert.equal(
      (await volume.delete(1n, 0x1234_5678)) > 0,
      true,
      'deletes still go through, as upstream (only noWriteOrDelete stops them)',
    );
    await assert.rejects(allocate(store, 2), (err) => err instanceof StoreError && err.code === 'no_free_space');
    assert.equal(effectiveMaxVolumeCount(location), 1, 'the heartbeat offers only the slots in use');
    const info = volumeInformation(volume, location);
    assert.equal(info.read_only, true);
    assert.equal(info.read_only_can_delete, false, 'low space alone is not noWriteCanDelete');
    assert.match(logs.join('\n'), /disk free 9\.00% < required 10\.00%: its volumes are read-only/);
    assert.deepEqual(monitor.stats.lowLocations, [location.dir]);
    assert.equal(volume.drainStats.drainsTotal, 1, "the pass held each volume's drain barrier");

    space = { totalBytes: 100 * GIB, freeBytes: 11 * GIB };
    await monitor.checkNow();
    assert.equal(volume.isReadOnly, false);
    await volume.write(textNeedle(3n, 'space is back'));
    assert.equal(Buffer.from((await volume.read(3n)).data).toString(), 'space is back');
    assert.match(logs.at(-1) ?? '', /writes resume/);
    assert.equal(monitor.stats.passesTotal, 3);
    await store.close();
  });

  it('an operator mark outlives the low-space flag, and the flag never lifts an operator mark', async () => {
    const store = await storeWith(TEN_PERCENT);
    let space: DiskSpace = { totalBytes: 100, freeBytes: 5 };
    const monitor = new DiskSpaceMonitor(store.locations, { statDiskSpace: async () => space });
    const volume = await allocate(store, 1);
    await volume.setReadOnly(true, false);
    await monitor.checkNow();
    assert.equal(volume.isReadOnlyByState && volume.isDiskSpaceLow, true);
    space = { totalBytes: 100, freeBytes: 50 };
    await monitor.checkNow();
    assert.equal(volume.isReadOnly, true, 'still marked read-only by the operator');
    await store.close();
  });

  it('a byte reserve compares free bytes; a folder without a reserve is never low; a failed statfs changes nothing', async () => {
    assert.equal(
      isDiskSpaceLow(
        { kind: 'bytes', bytes: 10 * GIB, raw: '10GiB' },
        { totalBytes: 100 * GIB, freeBytes: 10 * GIB - 1 },
      ).low,
      true,
    );
    assert.equal(
      isDiskSpaceLow({ kind: 'bytes', bytes: 10 * GIB, raw: '10GiB' }, { totalBytes: 100 * GIB, freeBytes: 10 * GIB })
        .low,
      false,
    );
    assert.equal(
      isDiskSpaceLow(TEN_PERCENT, { totalBytes: 0, freeBytes: 0 }).low,
      true,
      'an empty filesystem has 0% free',
    );

    const unreserved = await storeWith(undefined);
    const none = new DiskSpaceMonitor(unreserved.locations, {
      statDiskSpace: async () => ({ totalBytes: 100, freeBytes: 0 }),
    });
    await none.checkNow();
    assert.equal(unreserved.locations[0]!.isDiskSpaceLow, false);
    await unreserved.close();

    const store = await storeWith(TEN_PERCENT);
    let fail = false;
    const monitor = new DiskSpaceMonitor(store.locations, {
      statDiskSpace: async () => {
        if (fail) throw new Error('EIO');
        return { totalBytes: 100, freeBytes: 1 };
      },
    });
    await monitor.checkNow();
    assert.equal(store.locations[0]!.isDiskSpaceLow, true);
    fail = true;
    await monitor.checkNow();
    assert.equal(store.locations[0]!.isDiskSpaceLow, true, 'a failed check keeps the last verdict');
    assert.match(monitor.stats.lastError, /statfs .*: EIO/);
    await store.close();
  });

  it('runs a pass every interval once started, and stops', async () => {
    const store = await storeWith(TEN_PERCENT);
    let freeBytes = 50;
    let calls = 0;
    const monitor = new DiskSpaceMonitor(store.locations, {
      intervalMs: 10,
      statDiskSpace: async () => {
        calls++;
        return { totalBytes: 100, freeBytes };
      },
    });
    await monitor.start();
    assert.equal(calls, 1, 'the first pass runs inside start()');
    assert.equal(monitor.stats.running, true);
    freeBytes = 1;
    for (let i = 0; i < 200 && !store.locations[0]!.isDiskSpaceLow; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(store.locations[0]!.isDiskSpaceLow, true, 'a later pass saw the disk fill up');
    monitor.stop();
    assert.equal(monitor.stats.running, false);
    const callsAtStop = calls;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(calls <= callsAtStop + 1, 'no passes after stop (at most the one in flight)');
    await store.close();
  });
});
