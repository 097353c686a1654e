// Swapping a staged volume copy in over a replica: a copy that fails validation puts the replaced
// replica back, mounted and readable as before, and leaves nothing staged or preserved; one that
// passes replaces it the same way.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { COPYING_DIR, copyTargetLocation, stageVolumeCopy } from '../../src/store/volume-copy-staging.ts';
import { swapInVolumeCopy } from '../../src/store/volume-copy-swap.ts';
import { Store } from '../../src/store/store.ts';
import { openTestVolume, textNeedle } from './helpers.ts';
import { suiteScope } from './suite-scope.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { linesLogger } from './lines-logger.ts';

const VOLUME_ID = 21;

describe('swapping a staged volume copy in', () => {
  const scope = suiteScope();

  /** A store holding volume 21 with needle 1 = 'old', and a staged copy of it whose needle 1 = 'new'. */
  async function setUp() {
    const dir = await scope.tempDir('nw-copy-swap-');
    const store = new Store([{ dir, maxVolumeCount: 4, diskType: '', diskId: 0 }], 4, silentLogger);
    await store.load();
    scope.defer(() => store.close());
    const replica = await store.allocateVolume({
      volumeId: VOLUME_ID,
      collection: '',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    await replica.write(textNeedle(1n, 'old'));
    await replica.sync();

    const location = copyTargetLocation(store, VOLUME_ID, '');
    assert.equal(location, store.locations[0], "the replaced replica's own disk");
    const staging = await stageVolumeCopy(location!, '', VOLUME_ID);
    const sourceDir = await scope.tempDir('nw-copy-swap-source-');
    const source = await openTestVolume({ dir: sourceDir, volumeId: VOLUME_ID });
    await source.write(textNeedle(1n, 'new'));
    await source.write(textNeedle(2n, 'also new'));
    await source.close();
    await fs.copyFile(path.join(sourceDir, `${VOLUME_ID}.dat`), staging.staged.dat);
    await fs.copyFile(path.join(sourceDir, `${VOLUME_ID}.idx`), staging.staged.idx);
    const logs: string[] = [];
    return { dir, store, staging, logs };
  }

  const text = async (store: Store, id: bigint) =>
    Buffer.from((await store.findVolume(VOLUME_ID)!.read(id)).data).toString();
  const copyingLeftovers = async (dir: string) => (await fs.readdir(path.join(dir, COPYING_DIR))).sort();

  it('rolls back to the replaced replica when the copy fails validation', async () => {
    const { dir, store, staging, logs } = await setUp();
    await assert.rejects(
      swapInVolumeCopy(store, staging, {
        note: 'copying from test',
        validate: () => {
          throw new Error('counts differ');
        },
        log: linesLogger(logs),
      }),
      /^Error: failed to mount or validate volume 21: counts differ$/,
    );
    assert.equal(await text(store, 1n), 'old', 'the replaced replica is mounted again, as it was');
    await assert.rejects(store.findVolume(VOLUME_ID)!.read(2n));
    assert.deepEqual(await copyingLeftovers(dir), [], 'nothing staged or preserved is left');
    assert.deepEqual(
      (await fs.readdir(dir)).filter((n) => n.endsWith('.note')),
      [],
      'no .note left',
    );
    assert.deepEqual(logs, []);
  });

  it('replaces the replica when the copy validates', async () => {
    const { dir, store, staging } = await setUp();
    const seen: number[] = [];
    await swapInVolumeCopy(store, staging, {
      note: 'copying from test',
      validate: (volume) => void seen.push(volume.stats().fileCount),
      log: silentLogger,
    });
    assert.deepEqual(seen, [2], 'validated the mounted copy');
    assert.equal(await text(store, 1n), 'new');
    assert.equal(await text(store, 2n), 'also new');
    assert.deepEqual(await copyingLeftovers(dir), [], 'staged files moved, preserved links dropped');
  });
});
