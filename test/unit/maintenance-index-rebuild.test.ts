// The index rebuild: when the old index is kept, when it falls back to a full scan, and that the
// rebuilt volume loads with the same needles. (Byte-identity with `weed fix` is checked against
// the real binary in the interop suite.)
import assert from 'node:assert/strict';
import { appendFile, open, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isStorageError } from '../../src/storage/errors.ts';
import { encodeIndexEntry } from '../../src/storage/idx/entry.ts';
import { AgentProgress } from '../../src/storage/maintenance/agent-progress.ts';
import { rebuildIndex } from '../../src/storage/maintenance/index-rebuild.ts';
import { openTestVolume, tempDir, textNeedle } from '../support/helpers.ts';

const COOKIE = 0x1234_5678;

async function volume(count: number) {
  const dir = await tempDir();
  const v = await openTestVolume({ dir });
  for (let i = 1; i <= count; i++) await v.write(textNeedle(BigInt(i), `needle number ${i}`));
  await v.write(textNeedle(1n, 'needle number 1, again'));
  await v.delete(2n, COOKIE);
  await v.close();
  return { dir, loc: { dir, collection: '', volumeId: 1 }, idx: path.join(dir, '1.idx'), dat: path.join(dir, '1.dat') };
}

async function reference(dir: string): Promise<Buffer> {
  await rebuildIndex({ dir, collection: '', volumeId: 1 }, { offsetWidth: 4, full: true });
  return readFile(path.join(dir, '1.idx'));
}

describe('index rebuild', () => {
  it('keeps a whole old index and scans only what it does not cover', async () => {
    const { loc, idx } = await volume(30);
    await truncate(idx, 20 * 16);
    const progress = new AgentProgress();
    const result = await rebuildIndex(loc, { offsetWidth: 4, progress });
    assert.equal(result.mode, 'fast');
    assert.equal(result.keptRows, 20);
    assert.equal(result.recordsScanned, 12);
    assert.equal(result.liveEntries, 30, "as fix: key 2's last live row stays, before its deletion row");
    assert.equal(result.deletedEntries, 1);
    const snap = progress.snapshot();
    assert.equal(snap.entriesScanned, 12);
    assert.equal(snap.bytesScanned, snap.totalBytes);
    const v = await openTestVolume({ dir: loc.dir });
    assert.equal(Buffer.from((await v.read(1n)).data).toString(), 'needle number 1, again');
    await assert.rejects(v.read(2n), (err) => isStorageError(err, 'deleted'));
    for (let i = 3; i <= 30; i++)
      assert.equal(Buffer.from((await v.read(BigInt(i))).data).toString(), `needle number ${i}`);
    await v.close();
  });

  it('falls back to a full scan when old rows do not chain, or their last rows name other needles', async () => {
    const gap = await volume(10);
    const rows = await readFile(gap.idx);
    await writeFile(gap.idx, Buffer.concat([rows.subarray(0, 3 * 16), rows.subarray(4 * 16)]));
    const r1 = await rebuildIndex(gap.loc, { offsetWidth: 4 });
    assert.equal(r1.mode, 'full');
    assert.match(r1.fallbackReason ?? '', /old index row 3 is at offset \d+, the previous record ends at \d+/);
    assert.equal(r1.recordsScanned, 12);

    const wrong = await volume(10);
    const bytes = await readFile(wrong.idx);
    bytes.writeUInt32BE(0xbeef, bytes.length - 16 + 4);
    await writeFile(wrong.idx, bytes);
    const r2 = await rebuildIndex(wrong.loc, { offsetWidth: 4 });
    assert.equal(r2.mode, 'full');
    assert.match(r2.fallbackReason ?? '', /names needle beef/);
    assert.deepEqual(await readFile(wrong.idx), await readFile(gap.idx));
  });

  it('an index lost entirely is rebuilt by a full scan', async () => {
    const { loc, idx, dir } = await volume(8);
    const copy = await tempDir();
    for (const f of ['1.dat', '1.idx']) await writeFile(path.join(copy, f), await readFile(path.join(dir, f)));
    const expected = await reference(copy);
    await rm(idx);
    const result = await rebuildIndex(loc, { offsetWidth: 4 });
    assert.equal(result.mode, 'full');
    assert.equal(result.fallbackReason, 'there is no old index');
    assert.deepEqual(await readFile(idx), expected);
  });

  it('stops at a torn last record and says where', async () => {
    const { loc, dat } = await volume(5);
    const size = (await readFile(dat)).length;
    await appendFile(dat, Buffer.from([0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 1, 0, 1, 2, 3]));
    const result = await rebuildIndex(loc, { offsetWidth: 4, full: true });
    assert.deepEqual(result.stoppedAt, { offsetBytes: size, reason: 'needle record runs past end of file' });
    assert.equal(result.liveEntries, 5);
  });

  it('a volume with no .dat is a not_found error and nothing is written', async () => {
    const dir = await tempDir();
    await assert.rejects(rebuildIndex({ dir, collection: '', volumeId: 3 }, { offsetWidth: 4 }), (err) =>
      isStorageError(err, 'not_found'),
    );
    await assert.rejects(open(path.join(dir, '3.idx')), /ENOENT/);
  });

  it('removes a stale sorted index derived from the old one', async () => {
    const { loc, dir } = await volume(3);
    await writeFile(path.join(dir, '1.sdx'), encodeIndexEntry({ key: 1n, offset: 8, size: 5 }, 4));
    await rebuildIndex(loc, { offsetWidth: 4 });
    await assert.rejects(open(path.join(dir, '1.sdx')), /ENOENT/);
  });
});
