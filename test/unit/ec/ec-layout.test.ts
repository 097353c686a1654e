import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  LARGE_BLOCK_SIZE_BYTES,
  SMALL_BLOCK_SIZE_BYTES,
  ecRatioOf,
  locateData,
  shardExt,
  shardFileSizeBytes,
  shardIdOfFileName,
  stripeRows,
} from '../../../src/ec/ec-layout.ts';
import { newVolumeInfo } from '../../../src/storage/volume-info.ts';

test('stripe rows and shard sizes follow the 1 GiB / 1 MiB layout', () => {
  // The reference example: a 2 590 912-byte .dat makes one small row; every shard is 1 MiB.
  assert.deepEqual(stripeRows(2_590_912, 10), { largeRows: 0, smallRows: 1 });
  assert.equal(shardFileSizeBytes(2_590_912, 10), SMALL_BLOCK_SIZE_BYTES);
  // 25 000 000 000 bytes: 2 large rows, 337 small rows.
  assert.deepEqual(stripeRows(25_000_000_000, 10), { largeRows: 2, smallRows: 337 });
  assert.equal(shardFileSizeBytes(25_000_000_000, 10), 2_500_853_760);
  assert.equal(shardFileSizeBytes(0, 10), 0);
  assert.equal(shardFileSizeBytes(10 * LARGE_BLOCK_SIZE_BYTES, 10), LARGE_BLOCK_SIZE_BYTES);
});

test('locateData reproduces the reference table (upstream TestLocateData2/3 layout)', () => {
  const shardDatSize = 25_000_000_000 / 10;
  assert.deepEqual(locateData(shardDatSize, 10, 12_000_000_000, 1032), [
    { shardId: 1, shardOffsetBytes: 1_262_581_760, sizeBytes: 1032 },
  ]);
  assert.deepEqual(locateData(shardDatSize, 10, 23_000_000_000, 1032), [
    { shardId: 4, shardOffsetBytes: 2_300_061_184, sizeBytes: 1032 },
  ]);
  assert.deepEqual(locateData(shardDatSize, 10, 21_485_322_144, 1032), [
    { shardId: 9, shardOffsetBytes: 2_148_532_128, sizeBytes: 96 },
    { shardId: 0, shardOffsetBytes: 2_148_532_224, sizeBytes: 936 },
  ]);
});

test('locateData crosses from the last large block into small block 0', () => {
  const shardDatSize = LARGE_BLOCK_SIZE_BYTES + 100;
  const lastLargeEnd = 10 * LARGE_BLOCK_SIZE_BYTES;
  assert.deepEqual(locateData(shardDatSize, 10, lastLargeEnd - 8, 16), [
    { shardId: 9, shardOffsetBytes: LARGE_BLOCK_SIZE_BYTES - 8, sizeBytes: 8 },
    { shardId: 0, shardOffsetBytes: LARGE_BLOCK_SIZE_BYTES, sizeBytes: 8 },
  ]);
});

test('an exact multiple of 1 GiB per shard keeps every large row (upstream issue 8947)', () => {
  const intervals = locateData(LARGE_BLOCK_SIZE_BYTES, 10, 10 * LARGE_BLOCK_SIZE_BYTES - 8, 8);
  assert.deepEqual(intervals, [{ shardId: 9, shardOffsetBytes: LARGE_BLOCK_SIZE_BYTES - 8, sizeBytes: 8 }]);
});

test('shard file names and ratios', () => {
  assert.equal(shardExt(0), 'ec00');
  assert.equal(shardExt(13), 'ec13');
  assert.equal(shardIdOfFileName('c_7.ec05', 'c_7'), 5);
  assert.equal(shardIdOfFileName('c_7.ec32', 'c_7'), null);
  assert.equal(shardIdOfFileName('c_7.ecx', 'c_7'), null);
  assert.deepEqual(ecRatioOf(null), { dataShards: 10, parityShards: 4 });
  assert.deepEqual(ecRatioOf(newVolumeInfo({ ecShardConfig: { dataShards: 6, parityShards: 3, encodeTsNs: 1n } })), {
    dataShards: 6,
    parityShards: 3,
  });
  assert.deepEqual(ecRatioOf(newVolumeInfo({ ecShardConfig: { dataShards: 30, parityShards: 3, encodeTsNs: 1n } })), {
    dataShards: 10,
    parityShards: 4,
  });
});
