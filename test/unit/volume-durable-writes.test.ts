// SeaweedFS 4.53 durable-write rules: fsync batching (-fsyncMinBatchBytes, -fsyncMinBatchRequests,
// -fsyncBatchWait), `.dat` synced before the index entry is published (fsync writes only), and a
// failed `.idx` append or sync stopping writes to the volume.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStorageError } from '../../src/storage/errors.ts';
import { newNeedle } from '../../src/storage/needle/needle.ts';
import { newSuperBlock } from '../../src/storage/super-block.ts';
import {
  DEFAULT_SYNC_BATCH,
  type SyncBatchOptions,
  Volume,
  type VolumeFileKind,
  type VolumeIoHooks,
} from '../../src/storage/volume.ts';
import { DiskLocation } from '../../src/store/disk-location.ts';
import { volumeInformation } from '../../src/cluster/heartbeat.ts';
import { tempDir, textNeedle } from './helpers.ts';
import { linesLogger } from './lines-logger.ts';

interface Recorder {
  hooks: VolumeIoHooks;
  events: string[];
  syncs(file: VolumeFileKind): number;
}

function recorder(extra: VolumeIoHooks = {}): Recorder {
  const events: string[] = [];
  return {
    events,
    syncs: (file) => events.filter((e) => e === `sync ${file}`).length,
    hooks: {
      async beforeWrite(file, position, length) {
        events.push(`write ${file}`);
        await extra.beforeWrite?.(file, position, length);
      },
      async beforeSync(file) {
        events.push(`sync ${file}`);
        await extra.beforeSync?.(file);
      },
    },
  };
}

async function openVolume(
  dir: string,
  options: { syncBatch?: SyncBatchOptions; hooks?: VolumeIoHooks; logs?: string[] } = {},
): Promise<Volume> {
  return Volume.open({
    location: { dir, collection: '', volumeId: 1 },
    offsetWidth: 4,
    create: newSuperBlock({ version: 3 }),
    log: linesLogger(options.logs ?? []),
    ...(options.syncBatch ? { syncBatch: options.syncBatch } : {}),
    ...(options.hooks ? { ioHooks: options.hooks } : {}),
  });
}

function bigNeedle(id: bigint, bytes: number) {
  return newNeedle({ id, cookie: 0x42, data: Buffer.alloc(bytes, Number(id & 0xffn)) });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Settles to true once the promise settles; lets a test ask "is it still pending?". */
function settled(promise: Promise<unknown>): { done: boolean } {
  const state = { done: false };
  promise.then(
    () => (state.done = true),
    () => (state.done = true),
  );
  return state;
}

describe('fsync batching (-fsyncMinBatchBytes/-fsyncMinBatchRequests/-fsyncBatchWait)', () => {
  it('with a zero wait, a drained queue syncs at once: the first write takes its own fsync', async () => {
    const r = recorder();
    const v = await openVolume(await tempDir(), { syncBatch: { ...DEFAULT_SYNC_BATCH, waitMs: 0 }, hooks: r.hooks });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => v.write(textNeedle(BigInt(i + 1), `n${i}`), { fsync: true })),
    );
    assert.equal(r.syncs('dat'), 2, 'the first write alone, then the nine queued behind its sync');
    await v.close();
  });

  it('with the default window, concurrent fsync writes share one .dat sync', async () => {
    const r = recorder();
    const v = await openVolume(await tempDir(), { hooks: r.hooks });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => v.write(textNeedle(BigInt(i + 1), `n${i}`), { fsync: true })),
    );
    assert.equal(r.syncs('dat'), 1);
    assert.equal(r.syncs('idx'), 1);
    for (let i = 0; i < 10; i++) assert.equal(Buffer.from((await v.read(BigInt(i + 1))).data).toString(), `n${i}`);
    await v.close();
  });

  it('holds a below-minimum batch open until a straggler brings it to -fsyncMinBatchBytes', async () => {
    const r = recorder();
    const v = await openVolume(await tempDir(), {
      syncBatch: { minBytes: 2000, minRequests: 128, waitMs: 60_000 },
      hooks: r.hooks,
    });
    const first = v.write(bigNeedle(1n, 1200), { fsync: true });
    const firstState = settled(first);
    await sleep(30);
    assert.equal(firstState.done, false, 'the lone write waits for company');
    assert.equal(r.syncs('dat'), 0);
    const started = performance.now();
    await Promise.all([first, v.write(bigNeedle(2n, 1200), { fsync: true })]);
    assert.ok(performance.now() - started < 5_000, 'reaching the minimum closes the window early');
    assert.equal(r.syncs('dat'), 1, 'both writes share one sync');
    await v.close();
  });

  it('flushes at once when the drained batch reaches -fsyncMinBatchRequests', async () => {
    const r = recorder();
    const v = await openVolume(await tempDir(), {
      syncBatch: { minBytes: 1 << 30, minRequests: 4, waitMs: 60_000 },
      hooks: r.hooks,
    });
    const started = performance.now();
    await Promise.all(Array.from({ length: 4 }, (_, i) => v.write(textNeedle(BigInt(i + 1), 'x'), { fsync: true })));
    assert.ok(performance.now() - started < 5_000);
    assert.equal(r.syncs('dat'), 1);
    await v.close();
  });

  it('a lone fsync write waits at most -fsyncBatchWait, then syncs alone', async () => {
    const r = recorder();
    const v = await openVolume(await tempDir(), {
      syncBatch: { minBytes: 1 << 20, minRequests: 128, waitMs: 80 },
      hooks: r.hooks,
    });
    const started = performance.now();
    await v.write(textNeedle(1n, 'alone'), { fsync: true });
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 75, `held for the window (${elapsed} ms)`);
    assert.ok(elapsed < 5_000, `but not longer (${elapsed} ms)`);
    assert.equal(r.syncs('dat'), 1);
    await v.close();
  });

  it('never delays or syncs a write without fsync, and such a write closes an open window', async () => {
    const r = recorder();
    const v = await openVolume(await tempDir(), {
      syncBatch: { minBytes: 1 << 20, minRequests: 128, waitMs: 60_000 },
      hooks: r.hooks,
    });
    const started = performance.now();
    await v.write(textNeedle(1n, 'plain'));
    await v.delete(1n, 0x1234_5678);
    assert.equal(r.syncs('dat') + r.syncs('idx'), 0, 'upstream syncs nothing for a plain write or a delete');
    const durable = v.write(textNeedle(2n, 'durable'), { fsync: true });
    await sleep(20);
    await Promise.all([durable, v.write(textNeedle(3n, 'plain'))]);
    assert.ok(performance.now() - started < 5_000);
    assert.equal(r.syncs('dat'), 1);
    await v.close();
  });
});

describe('publish order of a durable write', () => {
  it('syncs .dat before the index entry exists, and .idx before the write is acknowledged', async () => {
    let v: Volume | undefined;
    const seen: string[] = [];
    const r = recorder({
      beforeSync(file) {
        seen.push(`${file}:${v?.lookup(5n) === undefined ? 'unpublished' : 'published'}`);
      },
    });
    v = await openVolume(await tempDir(), { hooks: r.hooks });
    const result = await v.write(textNeedle(5n, 'durable'), { fsync: true });
    assert.deepEqual(r.events, ['write dat', 'sync dat', 'write idx', 'sync idx']);
    assert.deepEqual(seen, ['dat:unpublished', 'idx:published']);
    assert.equal(v.lookup(5n)?.offsetBytes, result.offsetBytes);
    await v.close();
  });

  it('a write without fsync syncs neither file', async () => {
    const r = recorder();
    const v = await openVolume(await tempDir(), { hooks: r.hooks });
    await v.write(textNeedle(5n, 'plain'));
    assert.deepEqual(r.events, ['write dat', 'write idx']);
    await v.close();
  });

  it('an unchanged fsync re-upload still syncs before it is acknowledged (the stored copy may not be durable yet)', async () => {
    const r = recorder();
    const v = await openVolume(await tempDir(), { hooks: r.hooks });
    await v.write(textNeedle(5n, 'same'));
    r.events.length = 0;
    const again = await v.write(textNeedle(5n, 'same'), { fsync: true });
    assert.equal(again.unchanged, true);
    assert.deepEqual(r.events, ['sync dat', 'sync idx']);
    await v.close();
  });

  it('a failed .dat sync publishes nothing and cuts the append back', async () => {
    const r = recorder({
      beforeSync(file) {
        if (file === 'dat') throw new Error('EIO: i/o error, fsync');
      },
    });
    const v = await openVolume(await tempDir(), { hooks: r.hooks });
    const sizeBefore = v.stats().datSizeBytes;
    await assert.rejects(v.write(textNeedle(5n, 'lost'), { fsync: true }), /append to volume 1 at 8: EIO/);
    assert.equal(v.lookup(5n), undefined);
    assert.equal(v.stats().datSizeBytes, sizeBefore);
    assert.equal(v.isReadOnly, false, 'nothing was published, so the volume keeps taking writes');
    await v.close();
  });
});

describe('a failed .idx append or sync of a durable write stops writes', () => {
  for (const failing of ['write', 'sync'] as const) {
    it(`after a failed .idx ${failing}: read only, refused writes and deletes, reported in the heartbeat, until marked writable`, async () => {
      const dir = await tempDir();
      let fail = false;
      const boom = (file: VolumeFileKind): void => {
        if (file === 'idx' && fail) {
          fail = false;
          throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
        }
      };
      const logs: string[] = [];
      const v = await openVolume(dir, {
        hooks: failing === 'write' ? { beforeWrite: (file) => boom(file) } : { beforeSync: (file) => boom(file) },
        logs,
      });
      await v.write(textNeedle(1n, 'before'));
      fail = true;
      const expected =
        failing === 'write'
          ? /^index needle 2 of volume 1 at offset \d+: EIO: i\/o error$/
          : /^sync volume 1 index: EIO: i\/o error$/;
      await assert.rejects(
        v.write(textNeedle(2n, 'durable'), { fsync: true }),
        (err) => isStorageError(err, 'io') && expected.test((err as Error).message),
      );

      assert.equal(v.isReadOnly, true);
      assert.equal(v.canDelete, false);
      assert.ok(logs.some((m) => m.includes('volume 1 stops taking writes')));
      for (const attempt of [
        v.write(textNeedle(3n, 'after')),
        v.write(textNeedle(4n, 'after'), { fsync: true }),
        v.delete(1n, 0x1234_5678),
      ]) {
        await assert.rejects(
          attempt,
          (err) => isStorageError(err, 'read_only') && (err as Error).message === 'volume 1 is read only',
        );
      }
      const location = new DiskLocation({ dir, maxVolumeCount: 0, diskType: '', diskId: 0 });
      const beat = volumeInformation(v, location);
      assert.equal(beat.read_only, true);
      assert.equal(beat.read_only_can_delete, false);
      // Reads go on.
      assert.equal(Buffer.from((await v.read(1n)).data).toString(), 'before');

      // Not persisted (upstream keeps it in memory); marking the volume writable clears it.
      assert.equal(v.volumeInfo.readOnly, false);
      await v.setReadOnly(false, true);
      await v.write(textNeedle(3n, 'after'), { fsync: true });
      assert.equal(volumeInformation(v, location).read_only, false);
      await v.close();
    });
  }

  it('a failed .idx append of a write without fsync fails that write but does not stop the volume', async () => {
    let fail = true;
    const v = await openVolume(await tempDir(), {
      hooks: {
        beforeWrite(file) {
          if (file === 'idx' && fail) {
            fail = false;
            throw new Error('EIO: i/o error');
          }
        },
      },
    });
    await assert.rejects(
      v.write(textNeedle(2n, 'plain')),
      (err) => (err as Error).message === 'index needle 2 of volume 1 at offset 8: EIO: i/o error',
    );
    assert.equal(v.isReadOnly, false);
    await v.write(textNeedle(3n, 'next'));
    assert.equal(Buffer.from((await v.read(3n)).data).toString(), 'next');
    await v.close();
  });
});
