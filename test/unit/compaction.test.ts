import assert from 'node:assert/strict';
import { copyFile, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isStorageError } from '../../src/storage/errors.ts';
import { openTestVolume, tempDir, textNeedle } from '../support/helpers.ts';

describe('vacuum compaction', () => {
  it('reclaims garbage, carries over writes made meanwhile, advances the revision', async () => {
    const dir = await tempDir();
    const v = await openTestVolume({ dir });
    for (let i = 1; i <= 20; i++) await v.write(textNeedle(BigInt(i), `needle ${i} `.repeat(50)));
    for (let i = 1; i <= 10; i++) await v.delete(BigInt(i), 0x1234_5678);
    await v.write(textNeedle(11n, 'rewritten eleven'));
    const before = v.stats();
    assert.ok(v.garbageRatio() > 0.4);

    await v.compact();
    // Changes between compact and commit must survive the swap.
    await v.write(textNeedle(21n, 'written during compaction'));
    await v.delete(12n, 0x1234_5678);
    await v.write(textNeedle(13n, 'overwritten during compaction'));
    await v.commitCompact();

    const after = v.stats();
    assert.equal(v.superBlock.compactionRevision, 1);
    assert.ok(after.datSizeBytes < before.datSizeBytes / 2, `${after.datSizeBytes} < ${before.datSizeBytes / 2}`);
    const check = async (vol: typeof v) => {
      for (let i = 1; i <= 10; i++)
        await assert.rejects(
          vol.read(BigInt(i)),
          (err) => isStorageError(err, 'not_found') || isStorageError(err, 'deleted'),
        );
      assert.equal(Buffer.from((await vol.read(11n)).data).toString(), 'rewritten eleven');
      await assert.rejects(vol.read(12n), (err) => isStorageError(err, 'deleted'));
      assert.equal(Buffer.from((await vol.read(13n)).data).toString(), 'overwritten during compaction');
      for (let i = 14; i <= 20; i++)
        assert.equal(Buffer.from((await vol.read(BigInt(i))).data).toString(), `needle ${i} `.repeat(50));
      assert.equal(Buffer.from((await vol.read(21n)).data).toString(), 'written during compaction');
    };
    await check(v);
    assert.deepEqual((await v.scrub(true)).errors, []);
    await v.write(textNeedle(22n, 'after commit'));
    await v.close();

    const reopened = await openTestVolume({ dir });
    assert.deepEqual(reopened.loadReport.notes, []);
    await check(reopened);
    assert.equal(Buffer.from((await reopened.read(22n)).data).toString(), 'after commit');
    assert.equal(reopened.superBlock.compactionRevision, 1);
    await reopened.close();
  });

  it('cleanup abandons a compaction; commit without compact is refused', async () => {
    const dir = await tempDir();
    const v = await openTestVolume({ dir });
    await v.write(textNeedle(1n, 'one'));
    await assert.rejects(v.commitCompact(), (err) => isStorageError(err, 'io'));
    await v.compact();
    await assert.rejects(v.compact(), (err) => isStorageError(err, 'io'), 'one compaction at a time');
    await v.cleanupCompact();
    await assert.rejects(stat(path.join(dir, '1.cpd')));
    assert.equal(Buffer.from((await v.read(1n)).data).toString(), 'one');
    assert.equal(v.superBlock.compactionRevision, 0);
    await v.close();
  });

  it('a crash during the swap is finished at the next load; stray outputs are dropped', async () => {
    const dir = await tempDir();
    const v = await openTestVolume({ dir });
    await v.write(textNeedle(1n, 'keep'));
    await v.write(textNeedle(2n, 'drop'));
    await v.delete(2n, 0x1234_5678);
    await v.compact();
    await v.close();
    // As if the process died after writing `.cpc` and renaming `.cpd` but not `.cpx`.
    await writeFile(path.join(dir, '1.cpc'), '');
    await rename(path.join(dir, '1.cpd'), path.join(dir, '1.dat'));
    const logs: string[] = [];
    const recovered = await openTestVolume({ dir, logs });
    assert.ok(logs.some((l) => l.includes('interrupted')));
    assert.equal(recovered.superBlock.compactionRevision, 1);
    assert.equal(Buffer.from((await recovered.read(1n)).data).toString(), 'keep');
    await assert.rejects(recovered.read(2n));
    await recovered.close();

    // Outputs without a `.cpc` never committed: the original files stay and the outputs go.
    await copyFile(path.join(dir, '1.dat'), path.join(dir, '1.cpd'));
    await writeFile(path.join(dir, '1.cpx'), Buffer.alloc(16, 9));
    const again = await openTestVolume({ dir });
    await assert.rejects(stat(path.join(dir, '1.cpx')));
    assert.equal(Buffer.from((await again.read(1n)).data).toString(), 'keep');
    await again.close();
    assert.ok((await readFile(path.join(dir, '1.idx'))).length > 0);
  });
});
