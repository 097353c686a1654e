import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { text } from 'node:stream/consumers';
import { isStorageError } from '../../src/storage/errors.ts';
import { newNeedle } from '../../src/storage/needle/needle.ts';
import { parseTtl } from '../../src/storage/needle/ttl.ts';
import { actualSize } from '../../src/storage/needle/version.ts';
import { decodeVolumeInfo } from '../../src/storage/volume-info.ts';
import { openTestVolume, tempDir, textNeedle } from '../support/helpers.ts';

describe('volume lifecycle', () => {
  it('creates, appends, reads, deletes and reloads', async () => {
    const dir = await tempDir();
    const v = await openTestVolume({ dir });
    assert.equal((await stat(path.join(dir, '1.dat'))).size, 8);
    const vif = decodeVolumeInfo(await readFile(path.join(dir, '1.vif'), 'utf8'));
    assert.equal(vif.version, 3);
    assert.equal(vif.bytesOffset, 4);

    const first = await v.write(textNeedle(1n, 'hello'));
    assert.equal(first.offsetBytes, 8);
    await v.write(textNeedle(2n, 'world'));
    assert.equal(Buffer.from((await v.read(1n)).data).toString(), 'hello');
    assert.equal(Buffer.from((await v.read(1n, { cookie: 0x1234_5678 })).data).toString(), 'hello');
    await assert.rejects(v.read(1n, { cookie: 0x1234_5679 }), (err) => isStorageError(err, 'cookie_mismatch'));
    await assert.rejects(v.locate(1n, { cookie: 1 }), (err) => isStorageError(err, 'cookie_mismatch'));
    assert.equal(v.stats().fileCount, 2);

    const deleted = await v.delete(2n, 0x1234_5678);
    assert.ok(deleted > 0);
    await assert.rejects(v.read(2n), (err) => isStorageError(err, 'deleted'));
    assert.equal(Buffer.from((await v.read(2n, { readDeleted: true })).data).toString(), 'world');
    assert.equal(await v.delete(2n, 0x1234_5678), 0, 'second delete writes nothing');
    await assert.rejects(v.read(99n), (err) => isStorageError(err, 'not_found'));
    const stats = v.stats();
    assert.equal(stats.deletedCount, 1);
    assert.equal(stats.idxSizeBytes, 3 * 16);
    await v.close();

    const again = await openTestVolume({ dir });
    assert.equal(Buffer.from((await again.read(1n)).data).toString(), 'hello');
    await assert.rejects(again.read(2n), (err) => isStorageError(err, 'deleted'));
    assert.equal(again.stats().fileCount, 2);
    assert.equal(again.stats().deletedCount, 1);
    assert.equal(again.stats().lastAppendAtNs, stats.lastAppendAtNs);
    assert.deepEqual(again.loadReport.notes, []);
    await again.close();
  });

  it('keeps appendAtNs strictly increasing with a stuck clock', async () => {
    const dir = await tempDir();
    const v = await openTestVolume({ dir, nowNs: () => 1000n });
    await v.write(textNeedle(1n, 'a'));
    await v.write(textNeedle(2n, 'b'));
    assert.equal((await v.read(1n)).appendAtNs, 1000n);
    assert.equal((await v.read(2n)).appendAtNs, 1001n);
    await v.close();
  });

  it('refuses an overwrite with another cookie, skips an unchanged re-upload', async () => {
    const dir = await tempDir();
    const v = await openTestVolume({ dir });
    await v.write(textNeedle(1n, 'hello', 0xaaaa));
    await assert.rejects(v.write(textNeedle(1n, 'evil', 0xbbbb)), (err) => isStorageError(err, 'cookie_mismatch'));
    const sizeBefore = v.stats().datSizeBytes;
    const again = await v.write(textNeedle(1n, 'hello', 0xaaaa));
    assert.equal(again.unchanged, true);
    assert.equal(v.stats().datSizeBytes, sizeBefore);
    await v.write(textNeedle(1n, 'hello2', 0xaaaa));
    assert.equal(Buffer.from((await v.read(1n)).data).toString(), 'hello2');
    await v.close();
  });

  it('expires TTL needles on read using appendAtNs', async () => {
    const dir = await tempDir();
    let now = 1_000_000_000_000n;
    const v = await openTestVolume({ dir, ttl: parseTtl('3m'), nowNs: () => now });
    await v.write(textNeedle(1n, 'short-lived'));
    assert.equal(Buffer.from((await v.read(1n)).data).toString(), 'short-lived');
    now += 3n * 60_000_000_000n;
    await assert.rejects(v.read(1n), (err) => isStorageError(err, 'not_found'));
    await v.close();
  });

  it('read-only volumes refuse writes and deletes, persisted in .vif', async () => {
    const dir = await tempDir();
    const v = await openTestVolume({ dir });
    await v.write(textNeedle(1n, 'x'));
    await v.setReadOnly(true, true);
    await assert.rejects(v.write(textNeedle(2n, 'y')), (err) => isStorageError(err, 'read_only'));
    await assert.rejects(v.delete(1n, 0x1234_5678), (err) => isStorageError(err, 'read_only'));
    await v.close();
    const reopened = await openTestVolume({ dir });
    assert.equal(reopened.isReadOnly, true);
    await reopened.setReadOnly(false, true);
    await reopened.write(textNeedle(2n, 'y'));
    await reopened.close();
  });

  it('streams a byte range without reading the whole needle', async () => {
    const dir = await tempDir();
    const v = await openTestVolume({ dir });
    const body = 'abcdefghijklmnopqrstuvwxyz'.repeat(40_000);
    await v.write(textNeedle(5n, body));
    const loc = await v.locate(5n);
    assert.equal(loc.dataSizeBytes, body.length);
    assert.equal(Buffer.from(loc.needle.name).toString(), 'file-5.txt');
    assert.equal(Buffer.from(loc.needle.mime).toString(), 'text/plain');
    assert.equal(loc.needle.data.length, 0);
    assert.equal(await text(v.createDataStream(loc, 26 * 1000 + 3, 26 * 1000 + 8)), 'defgh');
    assert.equal(await text(v.createDataStream(loc)), body);
    await v.close();
  });

  it('works with 5-byte offsets and in a collection', async () => {
    const dir = await tempDir();
    const v = await openTestVolume({ dir, width: 5, collection: 'pics', volumeId: 7 });
    await v.write(textNeedle(1n, 'x'));
    assert.equal((await stat(path.join(dir, 'pics_7.idx'))).size, 17);
    await v.close();
    await assert.rejects(openTestVolume({ dir, width: 4, collection: 'pics', volumeId: 7 }), (err) =>
      isStorageError(err, 'offset_width_mismatch'),
    );
  });

  it('reads v1 and v2 volumes it wrote', async () => {
    for (const version of [1, 2] as const) {
      const dir = await tempDir();
      const v = await openTestVolume({ dir, version });
      await v.write(newNeedle({ cookie: 9, id: 3n, data: Buffer.from(`v${version}`) }));
      await v.close();
      const again = await openTestVolume({ dir, version });
      assert.equal(Buffer.from((await again.read(3n)).data).toString(), `v${version}`);
      await again.close();
    }
  });

  it('group-commits concurrent operations with per-needle rules intact', async () => {
    const dir = await tempDir();
    const v = await openTestVolume({ dir });
    await v.write(textNeedle(1n, 'before', 0xaaaa));
    // Issued together, these land in one batch and must behave as if applied one by one.
    const results = await Promise.allSettled([
      ...Array.from({ length: 200 }, (_, i) => v.write(textNeedle(BigInt(100 + i), `bulk ${i}`))),
      v.write(textNeedle(2n, 'first', 0xbbbb)),
      v.write(textNeedle(2n, 'second', 0xbbbb)),
      v.write(textNeedle(2n, 'wrong cookie', 0xcccc)),
      v.delete(1n, 0xaaaa),
      v.delete(1n, 0xaaaa),
      v.write(textNeedle(3n, 'gone', 0xdddd)),
      v.delete(3n, 0xdddd),
    ]);
    const tail = results.slice(200);
    assert.equal(tail[0]!.status, 'fulfilled');
    assert.equal(tail[1]!.status, 'fulfilled');
    assert.ok(tail[2]!.status === 'rejected' && isStorageError(tail[2]!.reason, 'cookie_mismatch'));
    assert.ok(tail[3]!.status === 'fulfilled' && (tail[3]! as PromiseFulfilledResult<number>).value > 0);
    assert.deepEqual(tail[4], { status: 'fulfilled', value: 0 }, 'second delete of the same key writes nothing');
    assert.ok(tail[6]!.status === 'fulfilled' && (tail[6]! as PromiseFulfilledResult<number>).value > 0);
    const check = async (vol: typeof v) => {
      assert.equal(Buffer.from((await vol.read(2n)).data).toString(), 'second');
      await assert.rejects(vol.read(1n), (err) => isStorageError(err, 'deleted'));
      await assert.rejects(vol.read(3n), (err) => isStorageError(err, 'deleted'));
      for (let i = 0; i < 200; i++)
        assert.equal(Buffer.from((await vol.read(BigInt(100 + i))).data).toString(), `bulk ${i}`);
    };
    await check(v);
    const stats = v.stats();
    await v.close();
    const reopened = await openTestVolume({ dir });
    assert.deepEqual(reopened.loadReport.notes, []);
    await check(reopened);
    assert.equal(reopened.stats().idxSizeBytes, stats.idxSizeBytes);
    await reopened.close();
  });

  it('copies raw records between volumes with writeBlob, reads metadata at offsets, lists live records', async () => {
    const dir = await tempDir();
    const source = await openTestVolume({ dir, volumeId: 1 });
    const target = await openTestVolume({ dir, volumeId: 2, nowNs: () => 5_000_000_000_000_000_000n });
    await source.write(textNeedle(7n, 'copy me', 0xabc));
    const entry = source.lookup(7n)!;
    const blob = await source.readBytes(entry.offsetBytes, actualSize(entry.size, 3));
    const written = await target.writeBlob(70n, entry.size, blob);
    assert.equal(written.unchanged, false);
    const copy = await target.read(70n, { cookie: 0xabc });
    assert.equal(Buffer.from(copy.data).toString(), 'copy me');
    assert.equal(copy.id, 7n, 'the header keeps the source id, as upstream');
    assert.equal(copy.appendAtNs, 5_000_000_000_000_000_000n, 'a fresh append timestamp');
    assert.equal((await target.writeBlob(70n, entry.size, blob)).unchanged, true);
    await assert.rejects(target.writeBlob(71n, entry.size + 1, blob), (err) => isStorageError(err, 'size_mismatch'));
    await assert.rejects(target.writeBlob(71n, entry.size, blob.subarray(0, 10)), (err) =>
      isStorageError(err, 'corrupted'),
    );

    await source.write(textNeedle(8n, 'old'));
    await source.write(textNeedle(9n, 'keep'));
    await source.write(textNeedle(8n, 'new'));
    await source.delete(9n, 0x1234_5678);
    const live: string[] = [];
    for await (const r of source.liveRecords()) live.push(Buffer.from(r.needle.data).toString());
    assert.deepEqual(live, ['copy me', 'new']);

    const tombstoneOffset = source.stats().datSizeBytes - actualSize(0, 3);
    const meta = await source.readMetaAt(tombstoneOffset, -1);
    assert.equal(meta.cookie, 0x1234_5678);
    assert.ok(meta.appendAtNs > 0n);
    await source.close();
    await target.close();
  });

  it('finds the first record appended after a time, and reports the garbage ratio', async () => {
    const dir = await tempDir();
    let now = 1000n;
    const v = await openTestVolume({ dir, nowNs: () => (now += 10n) });
    assert.equal(await v.firstOffsetAppendedAfter(0n), null, 'empty volume');
    const offsets: number[] = [];
    for (let i = 1; i <= 9; i++) offsets.push((await v.write(textNeedle(BigInt(i), `n${i}`))).offsetBytes);
    const stamps = await Promise.all(
      [1, 2, 3, 4, 5, 6, 7, 8, 9].map(async (i) => (await v.read(BigInt(i))).appendAtNs),
    );
    assert.equal(await v.firstOffsetAppendedAfter(0n), offsets[0]);
    assert.equal(await v.firstOffsetAppendedAfter(stamps[3]!), offsets[4]);
    assert.equal(await v.firstOffsetAppendedAfter(stamps[3]! + 1n), offsets[4]);
    assert.equal(await v.firstOffsetAppendedAfter(stamps[8]!), null);
    assert.equal(await v.firstOffsetAppendedAfter(0xffff_ffff_ffff_ffffn), null);
    assert.equal(v.garbageRatio(), 0);
    await v.delete(1n, 0x1234_5678);
    const m = v.stats();
    assert.equal(v.garbageRatio(), m.deletedBytes / m.contentSizeBytes);
    assert.ok(v.garbageRatio() > 0 && v.garbageRatio() < 1);
    await v.close();
  });
});
