// The rebuilt `.idx` is byte-identical to what upstream's `weed fix` writes for the same `.dat`,
// by the fast path (old index kept, tail scanned) and by the full scan, for volumes with
// overwrites, deletes, re-writes after a delete, empty needles, both needle versions 2 and 3 and
// both offset widths' 4-byte build. `weed fix` runs on one copy of the files, ours on another.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, truncate } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { rebuildIndex } from '../../src/storage/maintenance/index-rebuild.ts';
import { newNeedle } from '../../src/storage/needle/needle.ts';
import { openTestVolume, tempDir, textNeedle } from '../support/helpers.ts';
import { skipReason, weedBinary } from '../support/peers.ts';

const run = promisify(execFile);
const COOKIE = 0x1234_5678;

/** A volume with every kind of record history fix has to choose among. */
async function writeHistory(dir: string, version: 2 | 3, volumeId: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const v = await openTestVolume({ dir, version, volumeId });
  for (let i = 1; i <= 40; i++) await v.write(textNeedle(BigInt(i), `first ${i} `.repeat(i)));
  for (let i = 1; i <= 40; i += 3) await v.write(textNeedle(BigInt(i), `second ${i}`));
  for (let i = 2; i <= 40; i += 4) await v.delete(BigInt(i), COOKIE);
  for (let i = 2; i <= 40; i += 8) await v.write(textNeedle(BigInt(i), `after delete ${i}`));
  await v.write(newNeedle({ cookie: COOKIE, id: 1000n, data: new Uint8Array(0) }));
  await v.write(textNeedle(0xffff_ffff_0000_0001n, 'a key past 32 bits'));
  await v.delete(5n, COOKIE);
  await v.close();
}

async function weedFix(dir: string, volumeId: number): Promise<Buffer> {
  await run(weedBinary()!, ['fix', `-volumeId=${volumeId}`, dir], { timeout: 60_000 });
  return readFile(path.join(dir, `${volumeId}.idx`));
}

async function copyVolume(from: string, to: string, volumeId: number): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const ext of ['dat', 'idx'])
    await copyFile(path.join(from, `${volumeId}.${ext}`), path.join(to, `${volumeId}.${ext}`));
}

describe('index rebuild against weed fix', { skip: skipReason() }, () => {
  for (const version of [2, 3] as const) {
    it(`version ${version}: fast path, full scan and weed fix write the same bytes`, async () => {
      const root = await tempDir();
      const volumeId = 7;
      await writeHistory(path.join(root, 'source'), version, volumeId);
      for (const name of ['go', 'fast', 'full', 'torn-idx'])
        await copyVolume(path.join(root, 'source'), path.join(root, name), volumeId);

      const original = await readFile(path.join(root, 'source', `${volumeId}.idx`));
      const expected = await weedFix(path.join(root, 'go'), volumeId);
      assert.ok(expected.length > 0);
      assert.ok(
        expected.length < original.length,
        'fix keeps one live and one deletion row per key, not the whole log',
      );

      const fast = await rebuildIndex({ dir: path.join(root, 'fast'), collection: '', volumeId }, { offsetWidth: 4 });
      assert.equal(fast.mode, 'fast');
      assert.equal(fast.recordsScanned, 0, 'a whole server-written index leaves nothing to scan');
      assert.deepEqual(await readFile(path.join(root, 'fast', `${volumeId}.idx`)), expected);

      const full = await rebuildIndex(
        { dir: path.join(root, 'full'), collection: '', volumeId },
        { offsetWidth: 4, full: true },
      );
      assert.equal(full.mode, 'full');
      assert.deepEqual(await readFile(path.join(root, 'full', `${volumeId}.idx`)), expected);

      // A crash lost the last rows: the prefix is kept and only the tail is scanned.
      const idxPath = path.join(root, 'torn-idx', `${volumeId}.idx`);
      const rows = (await readFile(idxPath)).length / 16;
      await truncate(idxPath, (rows - 9) * 16 + 5);
      const torn = await rebuildIndex(
        { dir: path.join(root, 'torn-idx'), collection: '', volumeId },
        { offsetWidth: 4 },
      );
      assert.equal(torn.mode, 'fast');
      assert.equal(torn.recordsScanned, 9);
      assert.deepEqual(await readFile(idxPath), expected);
    });
  }
});
