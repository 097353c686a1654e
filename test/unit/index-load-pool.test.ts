// The start-up `.idx` scan in a worker thread: a needle map handed over as an image is the map
// the event loop would have built (entries, order, counters, and what later puts and deletes do
// to it), the worker's scan of a file matches the event loop's, and a volume opened through it
// reads back.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { encodeIndexEntry } from '../../src/storage/idx/entry.ts';
import { IndexLoadPool, indexLoadPool } from '../../src/storage/index-load-pool.ts';
import { IndexScanner } from '../../src/storage/index-scan.ts';
import { NeedleMap, imageTransferList } from '../../src/storage/needle-map/needle-map.ts';
import { type OffsetWidth, indexEntrySizeBytes } from '../../src/storage/types.ts';
import type { Volume } from '../../src/storage/volume.ts';
import { openTestVolume, tempDir, textNeedle } from '../support/helpers.ts';
import { prng } from '../support/prng.ts';

/** `.idx` rows with overwrites, deletions (tombstone rows and offset 0), keys out of order and high offsets. */
function randomIndex(seed: number, rows: number, width: OffsetWidth): Buffer {
  const random = prng(seed);
  const entrySize = indexEntrySizeBytes(width);
  const out = Buffer.alloc(rows * entrySize);
  let nextKey = 1n;
  for (let row = 0; row < rows; row++) {
    const roll = random();
    // Mostly increasing ids, as volumes have them; some rows revisit an earlier id.
    const key =
      roll < 0.8 ? nextKey++ : BigInt(1 + Math.floor(random() * Number(nextKey))) | (roll > 0.97 ? 1n << 50n : 0n);
    const deleted = random() < 0.1;
    const maxUnits = width === 5 ? 2 ** 38 : 2 ** 31;
    const offset = deleted && random() < 0.5 ? 0 : 8 * (1 + Math.floor(random() * maxUnits));
    const size = deleted ? -1 : Math.floor(random() * 70_000);
    encodeIndexEntry({ key, offset, size }, width, out, row * entrySize);
  }
  return out;
}

function entriesOf(map: NeedleMap): string[] {
  const out: string[] = [];
  map.map.forEach((key, value) => {
    out.push(`${key}:${value.offsetUnits}:${value.size}`);
  });
  return out;
}

function metricsOf(map: NeedleMap): Record<string, unknown> {
  const { fileCount, deletedCount, fileBytes, deletedBytes, maxFileKey, maxNeedleEndBytes } = map.metrics;
  return { length: map.length, fileCount, deletedCount, fileBytes, deletedBytes, maxFileKey, maxNeedleEndBytes };
}

describe('needle map images', () => {
  for (const [seed, rows, width] of [
    [1, 1, 4],
    [2, 5_000, 4],
    [3, 300_000, 4],
    [4, 120_000, 5],
  ] as Array<[number, number, OffsetWidth]>) {
    it(`rebuild the map of ${rows} rows (${width}-byte offsets, seed ${seed}) with its counters, across threads`, () => {
      const bytes = randomIndex(seed, rows, width);
      const direct = new NeedleMap(3, rows);
      direct.loadIndexBytes(bytes, width);
      const imaged = new NeedleMap(3, rows);
      imaged.loadIndexBytes(bytes, width);
      const image = imaged.image();
      // What a worker's postMessage does to it: structured clone, with the arrays moved.
      const moved = structuredClone(image, { transfer: imageTransferList(image) });
      const copy = NeedleMap.fromImage(moved);
      assert.deepEqual(metricsOf(copy), metricsOf(direct));
      assert.deepEqual(entriesOf(copy), entriesOf(direct));
      // Both keep working alike: puts above and below the keys, overwrites, deletes.
      const random = prng(seed + 100);
      for (let i = 0; i < 20_000; i++) {
        const key = BigInt(1 + Math.floor(random() * (rows + 40_000)));
        if (random() < 0.2) {
          assert.equal(copy.delete(key, 7), direct.delete(key, 7));
        } else {
          const offsetUnits = 1 + Math.floor(random() * 2 ** 30);
          const size = Math.floor(random() * 5000);
          direct.put(key, offsetUnits, size);
          copy.put(key, offsetUnits, size);
        }
      }
      assert.deepEqual(metricsOf(copy), metricsOf(direct));
      assert.deepEqual(entriesOf(copy), entriesOf(direct));
    });
  }
});

describe('index load pool', () => {
  const pool = new IndexLoadPool(true, 0);
  after(() => pool.close());

  it('scans a file in the worker as the event loop does, and leaves a failing scan to it', async () => {
    const dir = await tempDir();
    const rows = 200_000;
    const bytes = randomIndex(9, rows, 4);
    const file = path.join(dir, '1.idx');
    await writeFile(file, bytes);
    // A .dat that ends before some rows' records: rows past the end are counted, as at load.
    const datSizeBytes = 8 * 2 ** 30;
    const inline = new IndexScanner(rows, 4, 3, datSizeBytes);
    inline.scan(bytes);
    const expected = inline.result();

    const scanned = await pool.tryScan({ path: file, idxSizeBytes: bytes.length, width: 4, version: 3, datSizeBytes });
    assert.ok(scanned !== null, 'the worker scanned it');
    assert.equal(pool.workerScans, 1);
    assert.deepEqual({ ...scanned, map: metricsOf(scanned.map) }, { ...expected, map: metricsOf(expected.map) });
    assert.ok(expected.rowsPastDat > 0 && expected.lastRowWithinDat > 0, 'the data covers both cases');
    assert.deepEqual(entriesOf(scanned.map), entriesOf(expected.map));

    const missing = await pool.tryScan({
      path: path.join(dir, 'missing.idx'),
      idxSizeBytes: 16,
      width: 4,
      version: 3,
      datSizeBytes,
    });
    assert.equal(missing, null);
    assert.equal(pool.workerScans, 1);
  });

  it('is not used for an index below its minimum, nor when disabled', async () => {
    const small = new IndexLoadPool(true, 1024);
    assert.equal(
      await small.tryScan({ path: '/nonexistent', idxSizeBytes: 16, width: 4, version: 3, datSizeBytes: 0 }),
      null,
    );
    const off = new IndexLoadPool(false, 0);
    assert.equal(
      await off.tryScan({ path: '/nonexistent', idxSizeBytes: 16, width: 4, version: 3, datSizeBytes: 0 }),
      null,
    );
    assert.equal(small.workerScans + off.workerScans, 0);
  });

  it('loads a volume whose index is large enough for the worker, and reads every needle back', async () => {
    const dir = await tempDir();
    const volume = await openTestVolume({ dir, volumeId: 5 });
    const count = 20_000; // 320 KB of .idx rows, over the worker's minimum
    for (let i = 1; i <= count; i++) await volume.write(textNeedle(BigInt(i), `needle ${i}`));
    await volume.delete(77n, 0x1234_5678);
    await volume.close();
    const before = indexLoadPool.workerScans;
    const reopened: Volume = await openTestVolume({ dir, volumeId: 5 });
    try {
      assert.equal(indexLoadPool.workerScans, before + 1, 'the worker scanned the .idx');
      const stats = reopened.stats();
      assert.equal(stats.fileCount, count);
      assert.equal(stats.deletedCount, 1);
      for (const id of [1n, 2n, 76n, 78n, 19_999n, 20_000n]) {
        assert.equal((await reopened.read(id)).data.toString(), `needle ${id}`);
      }
      await assert.rejects(reopened.read(77n));
    } finally {
      await reopened.close();
      await indexLoadPool.close();
    }
  });
});
