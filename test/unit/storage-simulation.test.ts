// The deterministic storage fault simulator (test/sim/) over a few thousand seeds, plus the
// seeds and the cases it found.
//
// The model (test/sim/volume-model.ts, test/sim/sim-disk.ts):
// - Disk: each file holds durable bytes (as of its last successful fsync) and the writes and
//   truncates since. A crash keeps the durable bytes plus a prefix of those operations per file,
//   the last kept write possibly torn. Names (create, rename, unlink) are durable at once.
// - Operations, from the seed: writes (some with fsync, some large enough for the vectored
//   path), overwrites, deletes, reads, concurrent groups batched together, syncs, vacuum compact
//   then commit or cleanup, EC encode (every key read back through the shards), and marking the
//   volume writable after an IO quarantine.
// - Faults, from the seed: EIO on reads, writes, fsyncs and truncates, ENOSPC on growing writes,
//   short writes, latency, and a crash at a random IO call of each epoch (or after its last op).
// - Acknowledged: a write or delete whose promise resolved. Writes are not synced by default (as
//   upstream), so durability comes from an fsync that covers the operation: a write with
//   fsync=true (its .dat and .idx are synced before it resolves, which also covers everything
//   acknowledged before it began), Volume.sync(), or a vacuum commit.
// - After each crash the volume is reloaded on a healthy disk and every key is read back:
//   an acknowledged write covered by an fsync reads back byte-identical (unless a later operation
//   on its key may have replaced it); an unacknowledged write is absent or whole; a delete
//   covered by an fsync stays deleted; the volume loads, or is read-only with a reason; no read
//   returns bytes that no operation wrote. While the volume runs, reads are checked the same way
//   against the acknowledged state.
// A failing seed prints `seed=N` with the operations, faults and volume log, and the command
// that replays it exactly: npm run simulate -- --seeds 1 --seed N.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStorageError } from '../../src/storage/errors.ts';
import { newNeedle } from '../../src/storage/needle/needle.ts';
import { newSuperBlock } from '../../src/storage/super-block.ts';
import { Volume } from '../../src/storage/volume.ts';
import { DEFAULT_SIM_OPTIONS, type SimOptions, runSeed } from '../sim/run-seed.ts';
import { SimDisk } from '../sim/sim-disk.ts';
import { SimVolumeIo } from '../sim/sim-volume-io.ts';
import { prng } from './prng.ts';

/** Seeds npm test runs, with shorter sequences than npm run simulate's default. */
const SEEDS = 2000;
const SHORT: SimOptions = { ops: 14, epochs: 2, keys: 10 };
/** The options the regression seeds were found with (before the simulator had EC encodes). */
const FOUND_LONG: SimOptions = { ...DEFAULT_SIM_OPTIONS, ecRate: 0 };
const FOUND_SHORT: SimOptions = { ...SHORT, ecRate: 0 };
/** Seeds that found a bug, replayed with the options they failed under. */
const REGRESSION_SEEDS: Array<{ seed: number; options: SimOptions; why: string }> = [
  {
    seed: 1,
    options: FOUND_LONG,
    why: 'a vacuum commit whose reload failed kept writing to the unlinked old files',
  },
  { seed: 100913, options: FOUND_SHORT, why: 'a delete whose .idx row failed, deleted again, came back after a crash' },
  { seed: 1846, options: FOUND_LONG, why: 'a write whose .idx row failed, then deleted, read back empty' },
  { seed: 2099, options: FOUND_LONG, why: 'an fsync failure cut back, then crash: read-only with the reason' },
  {
    seed: 101661,
    options: FOUND_SHORT,
    why: 'a write whose .idx row failed came back from the tail scan over a later delete',
  },
];

describe('storage fault simulator', () => {
  for (const { seed, options, why } of REGRESSION_SEEDS) {
    it(`seed ${seed}: ${why}`, async () => {
      await runSeed(seed, options);
    });
  }

  it(`finds nothing in ${SEEDS} seeds`, async () => {
    let crashes = 0;
    let faults = 0;
    for (let seed = 100_000; seed < 100_000 + SEEDS; seed++) {
      const outcome = await runSeed(seed, SHORT);
      crashes += outcome.crashes;
      faults += outcome.faults;
    }
    // The runs must have exercised what they claim to.
    assert.ok(crashes >= SEEDS, `${crashes} crashes`);
    assert.ok(faults > SEEDS / 4, `${faults} faults injected`);
  });

  it('replays a seed exactly', async () => {
    assert.deepEqual(await runSeed(4242, SHORT), await runSeed(4242, SHORT));
  });
});

describe('a vacuum commit whose reload fails after the swap', () => {
  const location = { dir: '/sim', collection: '', volumeId: 3 };
  const open = (io: SimVolumeIo, create: boolean) =>
    Volume.open({
      location,
      offsetWidth: 4,
      ...(create ? { create: newSuperBlock({ version: 3 }) } : {}),
      io,
    });

  it('leaves the volume read-only with the reason, and nothing acknowledged is lost', async () => {
    const disk = new SimDisk();
    const io = new SimVolumeIo(disk, prng(1));
    const volume = await open(io, true);
    for (let id = 1n; id <= 4n; id++)
      await volume.write(newNeedle({ cookie: 9, id, data: Buffer.from(`needle ${id}`) }), { fsync: true });
    await volume.delete(2n, 9);
    await volume.compact();
    // Every read fails from here: the commit's carry-over has nothing to read, so the reload is what fails.
    io.faults.readEio = 1;
    await assert.rejects(volume.commitCompact(), /EIO/);
    io.faults.readEio = 0;
    assert.equal(volume.isReadOnly, true);
    assert.match(volume.damage.join(), /reload after a compaction swap failed/);
    await assert.rejects(
      volume.write(newNeedle({ cookie: 9, id: 5n, data: Buffer.from('lost?') }), { fsync: true }),
      (err) => isStorageError(err, 'read_only'),
    );
    assert.equal((await volume.read(1n)).data.toString(), 'needle 1');

    const reopened = await open(new SimVolumeIo(disk, prng(2)), false);
    assert.deepEqual(reopened.damage, []);
    for (const id of [1n, 3n, 4n]) assert.equal((await reopened.read(id)).data.toString(), `needle ${id}`);
    await assert.rejects(
      reopened.read(2n),
      (err) => isStorageError(err, 'not_found') || isStorageError(err, 'deleted'),
    );
    await assert.rejects(reopened.read(5n), (err) => isStorageError(err, 'not_found'));
    await reopened.close();
  });
});

describe('an .idx append that fails', () => {
  it('leaves the map as .idx has it, so a delete retried after it is written and survives a crash', async () => {
    const disk = new SimDisk();
    let failIdxWrites = 0;
    const open = (io: SimVolumeIo, create: boolean) =>
      Volume.open({
        location: { dir: '/sim', collection: '', volumeId: 4 },
        offsetWidth: 4,
        ...(create ? { create: newSuperBlock({ version: 3 }) } : {}),
        io,
        ioHooks: {
          beforeWrite(file) {
            if (file === 'idx' && failIdxWrites > 0) {
              failIdxWrites--;
              throw Object.assign(new Error('injected EIO'), { code: 'EIO' });
            }
          },
        },
      });
    const volume = await open(new SimVolumeIo(disk, prng(3)), true);
    await volume.write(newNeedle({ cookie: 9, id: 5n, data: Buffer.from('five') }), { fsync: true });
    failIdxWrites = 1;
    await assert.rejects(volume.delete(5n, 9), /injected EIO/);
    // Not acknowledged, and not in .idx: the needle is still there.
    assert.equal((await volume.read(5n)).data.toString(), 'five');
    assert.ok((await volume.delete(5n, 9)) > 0, 'the retried delete removes the needle');
    await volume.write(newNeedle({ cookie: 9, id: 6n, data: Buffer.from('six') }), { fsync: true });
    // The crash keeps only what was synced: the fsync write above covered the delete.
    const after = disk.crash(() => ({ keep: 0, tornBytes: 0 }));
    const reloaded = await open(new SimVolumeIo(after, prng(4)), false);
    await assert.rejects(
      reloaded.read(5n),
      (err) => isStorageError(err, 'deleted') || isStorageError(err, 'not_found'),
    );
    assert.equal((await reloaded.read(6n)).data.toString(), 'six');
    await reloaded.close();
  });
});
