import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompactNeedleMap } from '../../src/storage/needle-map/compact-map.ts';
import { NeedleMap } from '../../src/storage/needle-map/needle-map.ts';
import { encodeIndexEntry } from '../../src/storage/idx/entry.ts';

describe('compact needle map', () => {
  it('agrees with a Map under random sets, overwrites and deletes, through growth', () => {
    const map = new CompactNeedleMap();
    const reference = new Map<bigint, { offsetUnits: number; size: number }>();
    let seed = 42;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    for (let i = 0; i < 50_000; i++) {
      const key = BigInt(rand() % 20_000) | (BigInt(rand() % 3) << 40n);
      if (rand() % 5 === 0) {
        const current = reference.get(key);
        const expected = current === undefined || current.size < 0 ? 0 : current.size;
        assert.equal(map.delete(key), expected);
        if (current !== undefined && current.size >= 0) reference.set(key, { ...current, size: current.size === 0 ? -1 : -current.size });
      } else {
        const value = { offsetUnits: rand() % 1_000_000 + 1, size: rand() % 5000 };
        map.set(key, value.offsetUnits, value.size);
        reference.set(key, value);
      }
    }
    assert.equal(map.length, reference.size);
    for (const [key, value] of reference) assert.deepEqual(map.get(key), value);
    assert.equal(map.get(123_456_789n), undefined);
    let visited = 0;
    map.forEach(() => visited++);
    assert.equal(visited, reference.size);
    const sorted = map.sortedEntries();
    for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i - 1]!.key < sorted[i]!.key);
  });

  it('handles key 0, the largest key and offsets above 32 bits', () => {
    const map = new CompactNeedleMap();
    map.set(0n, 5, 10);
    map.set(0xffff_ffff_ffff_ffffn, 2 ** 38, 7);
    assert.deepEqual(map.get(0n), { offsetUnits: 5, size: 10 });
    assert.deepEqual(map.get(0xffff_ffff_ffff_ffffn), { offsetUnits: 2 ** 38, size: 7 });
    assert.equal(map.length, 2);
  });
});

describe('needle map metrics', () => {
  it('counts like upstream doLoading', () => {
    const rows = Buffer.concat([
      encodeIndexEntry({ key: 1n, offset: 8, size: 100 }, 4),
      encodeIndexEntry({ key: 2n, offset: 200, size: 50 }, 4),
      encodeIndexEntry({ key: 1n, offset: 400, size: 120 }, 4), // overwrite: old 100 counts as deleted
      encodeIndexEntry({ key: 2n, offset: 600, size: -1 }, 4), // delete
      encodeIndexEntry({ key: 9n, offset: 0, size: -1 }, 4), // delete of an unknown key
    ]);
    const nm = new NeedleMap(3);
    assert.equal(nm.loadIndexBytes(rows, 4), 5);
    assert.deepEqual(
      { ...nm.metrics },
      { fileCount: 3, deletedCount: 3, fileBytes: 270, deletedBytes: 150, maxFileKey: 9n, maxNeedleEndBytes: 632 },
    );
    assert.deepEqual(nm.get(2n), { offsetUnits: 25, size: -50 });
  });
});
