// Crash damage at load: every case must load, keep every complete needle and say what it did.
import assert from 'node:assert/strict';
import { appendFile, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isStorageError } from '../../src/storage/errors.ts';
import { encodeIndexEntry } from '../../src/storage/idx/entry.ts';
import { encodeNeedle } from '../../src/storage/needle/needle.ts';
import { openTestVolume, tempDir, textNeedle } from '../support/helpers.ts';

async function volumeWith(count: number, options: { deleteIds?: bigint[] } = {}) {
  const dir = await tempDir();
  const v = await openTestVolume({ dir });
  for (let i = 1; i <= count; i++) await v.write(textNeedle(BigInt(i), `needle number ${i}`));
  for (const id of options.deleteIds ?? []) await v.delete(id, 0x1234_5678);
  const stats = v.stats();
  await v.close();
  return { dir, dat: path.join(dir, '1.dat'), idx: path.join(dir, '1.idx'), stats };
}

async function assertAllReadable(dir: string, ids: number[], logs?: string[]) {
  const v = await openTestVolume({ dir, ...(logs ? { logs } : {}) });
  for (const i of ids) assert.equal(Buffer.from((await v.read(BigInt(i))).data).toString(), `needle number ${i}`);
  return v;
}

describe('load-time repair', () => {
  it('indexes needles in .dat that the .idx is missing (idx behind dat)', async () => {
    const { dir, idx } = await volumeWith(5);
    await truncate(idx, 2 * 16);
    const logs: string[] = [];
    const v = await assertAllReadable(dir, [1, 2, 3, 4, 5], logs);
    assert.equal(v.loadReport.indexRowsRecovered, 3);
    assert.equal(v.isReadOnly, false);
    assert.equal((await stat(idx)).size, 5 * 16);
    assert.ok(logs.some((l) => l.includes('indexed 3 needles')));
    await v.write(textNeedle(6n, 'needle number 6'));
    await v.close();
    await (await assertAllReadable(dir, [1, 2, 3, 4, 5, 6])).close();
  });

  it('recovers deletes from tombstones found in the scan', async () => {
    const { dir, idx } = await volumeWith(3, { deleteIds: [2n] });
    await truncate(idx, 3 * 16);
    const v = await assertAllReadable(dir, [1, 3]);
    await assert.rejects(v.read(2n), (err) => isStorageError(err, 'deleted'));
    assert.equal(v.loadReport.indexRowsRecovered, 1);
    await v.close();
  });

  it('cuts a torn final needle and keeps the rest writable', async () => {
    const { dir, dat, stats } = await volumeWith(3);
    const torn = encodeNeedle(textNeedle(4n, 'needle number 4'), 3).subarray(0, 30);
    await appendFile(dat, torn);
    const v = await assertAllReadable(dir, [1, 2, 3]);
    assert.equal(v.loadReport.datBytesTruncated, 30);
    assert.equal((await stat(dat)).size, stats.datSizeBytes);
    assert.equal(v.isReadOnly, false);
    await v.write(textNeedle(4n, 'needle number 4'));
    await v.close();
    await (await assertAllReadable(dir, [1, 2, 3, 4])).close();
  });

  it('cuts a final needle whose data failed to reach disk (bad checksum at the tail)', async () => {
    const { dir, dat, stats } = await volumeWith(2);
    const record = encodeNeedle(textNeedle(3n, 'needle number 3'), 3);
    record.fill(0, 20, 30);
    await appendFile(dat, record);
    const v = await assertAllReadable(dir, [1, 2]);
    assert.equal((await stat(dat)).size, stats.datSizeBytes);
    await assert.rejects(v.read(3n), (err) => isStorageError(err, 'not_found'));
    await v.close();
  });

  it('cuts a zero-filled tail left by a pre-extended file', async () => {
    const { dir, dat, stats } = await volumeWith(2);
    await appendFile(dat, Buffer.alloc(4096));
    const v = await assertAllReadable(dir, [1, 2]);
    assert.equal((await stat(dat)).size, stats.datSizeBytes);
    await v.close();
  });

  it('drops .idx rows that point past the end of .dat (idx ahead of dat)', async () => {
    const { dir, dat, idx, stats } = await volumeWith(4);
    const idxBytes = await readFile(idx);
    const thirdOffset = idxBytes.readUInt32BE(2 * 16 + 8) * 8;
    await truncate(dat, thirdOffset);
    const v = await assertAllReadable(dir, [1, 2]);
    assert.equal(v.loadReport.indexRowsDropped, 2);
    assert.equal((await stat(idx)).size, 2 * 16);
    await assert.rejects(v.read(3n), (err) => isStorageError(err, 'not_found'));
    assert.ok(stats.datSizeBytes > thirdOffset);
    await v.write(textNeedle(3n, 'needle number 3'));
    await v.close();
  });

  it('cuts a torn trailing .idx row', async () => {
    const { dir, idx } = await volumeWith(3);
    await appendFile(idx, Buffer.from([0, 0, 0, 1, 2]));
    const v = await assertAllReadable(dir, [1, 2, 3]);
    assert.equal(v.loadReport.partialIndexBytesDropped, 5);
    assert.equal((await stat(idx)).size, 3 * 16);
    await v.close();
  });

  it('rebuilds a missing .idx from the whole .dat', async () => {
    const { dir, idx } = await volumeWith(6, { deleteIds: [4n] });
    const original = await readFile(idx);
    await rm(idx);
    const v = await assertAllReadable(dir, [1, 2, 3, 5, 6]);
    assert.equal(v.loadReport.indexRebuiltFromScratch, true);
    await assert.rejects(v.read(4n), (err) => isStorageError(err, 'deleted'));
    await v.close();
    assert.deepEqual(await readFile(idx), original, 'rebuilt .idx is identical to the one written live');
  });

  it('garbage in the middle of unindexed data makes the volume read-only, losing nothing', async () => {
    const { dir, dat, idx } = await volumeWith(3);
    await truncate(idx, 16);
    const bytes = await readFile(dat);
    const idxBytes = encodeIndexEntry({ key: 1n, offset: 8, size: 0 }, 4);
    assert.equal(idxBytes.length, 16);
    const second = 8 + encodeNeedle(textNeedle(1n, 'needle number 1'), 3).length;
    bytes.fill(0xee, second + 20, second + 24);
    await writeFile(dat, bytes);
    const v = await openTestVolume({ dir });
    assert.equal(v.isReadOnly, true);
    assert.ok(v.damage[0]?.includes('followed by more data'));
    assert.equal((await stat(dat)).size, bytes.length, '.dat untouched');
    assert.equal(Buffer.from((await v.read(1n)).data).toString(), 'needle number 1');
    await assert.rejects(v.write(textNeedle(9n, 'x')), (err) => isStorageError(err, 'read_only'));
    await v.close();
  });

  it('a .idx row in the middle pointing past .dat makes the volume read-only', async () => {
    const { dir, idx } = await volumeWith(2);
    const rows = await readFile(idx);
    const bogus = encodeIndexEntry({ key: 77n, offset: 1 << 20, size: 10 }, 4);
    await writeFile(idx, Buffer.concat([rows.subarray(0, 16), bogus, rows.subarray(16)]));
    const v = await openTestVolume({ dir });
    assert.equal(v.isReadOnly, true);
    assert.equal(Buffer.from((await v.read(2n)).data).toString(), 'needle number 2');
    await v.close();
  });

  it('zero-length and short files give typed errors, never a crash', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, '1.dat'), Buffer.from([3, 0, 0]));
    await assert.rejects(openTestVolume({ dir }), (err) => isStorageError(err, 'invalid_super_block'));
    await writeFile(path.join(dir, '1.dat'), Buffer.from([9, 0, 0, 0, 0, 0, 0, 0]));
    await assert.rejects(openTestVolume({ dir }), (err) => isStorageError(err, 'unsupported_version'));
    // An empty .dat with create options gets a fresh super block.
    await writeFile(path.join(dir, '1.dat'), Buffer.alloc(0));
    await writeFile(path.join(dir, '1.idx'), Buffer.alloc(0));
    const v = await openTestVolume({ dir });
    assert.equal((await stat(path.join(dir, '1.dat'))).size, 8);
    await v.close();
  });

  it('garbage .idx rows (offset 0, unknown keys) follow upstream load rules', async () => {
    const { dir, idx } = await volumeWith(2);
    await appendFile(idx, encodeIndexEntry({ key: 1n, offset: 0, size: -1 }, 4));
    const v = await openTestVolume({ dir });
    await assert.rejects(v.read(1n), (err) => isStorageError(err, 'deleted'));
    assert.equal(Buffer.from((await v.read(2n)).data).toString(), 'needle number 2');
    await v.close();
  });

  it('scrub: healthy, corrupt data (full only), truncated .dat and a torn .idx row', async () => {
    const { dir, dat, idx } = await volumeWith(3);
    let v = await openTestVolume({ dir });
    assert.deepEqual(await v.scrub(true), { files: 3, errors: [] });
    await v.close();

    const bytes = await readFile(dat);
    bytes[8 + 21] = bytes[8 + 21]! ^ 0xff; // a data byte of the first needle
    await writeFile(dat, bytes);
    v = await openTestVolume({ dir });
    assert.deepEqual((await v.scrub(false)).errors, [], 'the index check does not read data');
    const full = await v.scrub(true);
    assert.equal(full.errors.length, 1);
    assert.match(full.errors[0]!, /CRC/);

    await appendFile(idx, Buffer.from([1, 2]));
    assert.match((await v.scrub(false)).errors[0]!, /not a multiple/);
    await v.close();

    const second = await volumeWith(2);
    const live = await openTestVolume({ dir: second.dir });
    await truncate(second.dat, 8);
    const truncated = await live.scrub(false);
    assert.equal(truncated.files, 2);
    assert.equal(truncated.errors.length, 2);
    await live.close();
  });
});
