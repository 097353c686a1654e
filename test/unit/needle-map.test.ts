import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompactNeedleMap } from '../../src/storage/needle-map/compact-map.ts';
import { NeedleMap } from '../../src/storage/needle-map/needle-map.ts';
import { encodeIndexEntry } from '../../src/storage/idx/entry.ts';
import { actualSize } from '../../src/storage/needle/version.ts';
import { prng } from './prng.ts';

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
        if (current !== undefined && current.size >= 0)
          reference.set(key, { ...current, size: current.size === 0 ? -1 : -current.size });
      } else {
        const value = { offsetUnits: (rand() % 1_000_000) + 1, size: rand() % 5000 };
        map.set(key, value.offsetUnits, value.size);
        reference.set(key, value);
      }
    }
    assert.equal(map.length, reference.size);
    for (const [key, value] of reference) assert.deepEqual(map.get(key), value);
    assert.equal(map.get(123_456_789n), undefined);
    let visited = 0;
    map.forEach(() => {
      visited++;
    });
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

type Entry = { offsetUnits: number; size: number };
type KeyMode = 'sequential' | 'random' | 'clustered';

/**
 * Runs `ops` random operations on the map and a plain Map side by side and compares every
 * return value, then the full sorted contents. Keys: "sequential" mostly appends above the max
 * with some out-of-order and repeated ids, "random" uniform 64-bit, "clustered" a small range
 * (many overwrites and deletes). Offsets sometimes need 5 bytes.
 */
function checkAgainstReference(seed: number, mode: KeyMode, ops: number): void {
  const rand = prng(seed);
  const map = new CompactNeedleMap();
  const reference = new Map<bigint, Entry>();
  const keys: bigint[] = [];
  let next = 1n;
  const u64 = () => (BigInt(Math.floor(rand() * 2 ** 32)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32));
  const newKey = (): bigint => {
    if (mode === 'random') return u64();
    if (mode === 'clustered') return BigInt(Math.floor(rand() * 3000)) + (rand() < 0.5 ? 0n : 1n << 63n);
    const r = rand();
    if (r < 0.85) {
      next += BigInt(1 + Math.floor(rand() * (rand() < 0.01 ? 2 ** 40 : 4)));
      return next;
    }
    if (r < 0.97 || keys.length === 0) return BigInt(Math.floor(rand() * Number(next)));
    return rand() < 0.5 ? 0n : 0xffff_ffff_ffff_ffffn;
  };
  const value = (): Entry => ({
    offsetUnits: rand() < 0.05 ? Math.floor(rand() * 2 ** 40) : Math.floor(rand() * 2 ** 32),
    size: rand() < 0.05 ? 0 : Math.floor(rand() * 2 ** 31),
  });
  for (let op = 0; op < ops; op++) {
    const r = rand();
    const key = r < 0.7 || keys.length === 0 ? newKey() : (keys[Math.floor(rand() * keys.length)] as bigint);
    if (r < 0.85) {
      const v = value();
      const previous = reference.get(key);
      assert.deepEqual(map.set(key, v.offsetUnits, v.size), previous, `set ${key} (op ${op})`);
      if (previous === undefined) keys.push(key);
      reference.set(key, v);
    } else if (r < 0.95) {
      const current = reference.get(key);
      const expected = current === undefined || current.size < 0 ? 0 : current.size;
      assert.equal(map.delete(key), expected, `delete ${key} (op ${op})`);
      if (current !== undefined && current.size >= 0)
        reference.set(key, { ...current, size: current.size === 0 ? -1 : -current.size });
    } else {
      assert.deepEqual(map.get(key), reference.get(key), `get ${key} (op ${op})`);
    }
  }
  assert.equal(map.length, reference.size);
  for (const [key, v] of reference) assert.deepEqual(map.get(key), v, `final get ${key}`);
  assert.equal(map.get(u64() | 1n), undefined);
  const expected = [...reference].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, v]) => ({ key, ...v }));
  assert.deepEqual(map.sortedEntries(), expected, 'sorted entries');
  assert.deepEqual(
    map.liveSortedEntries(),
    expected.filter((e) => e.offsetUnits !== 0 && e.size >= 0),
    'live sorted entries',
  );
  // Iterating merges pending keys into sections; the map must still answer the same.
  for (const [key, v] of reference) assert.deepEqual(map.get(key), v, `get after iteration ${key}`);
}

describe('compact needle map against a reference Map', () => {
  const seedFromEnv = process.env.NEEDLE_MAP_SEED;
  const seeds = seedFromEnv !== undefined ? [Number(seedFromEnv)] : [1, 2, 3, (Date.now() % 1_000_000) + 4];
  for (const mode of ['sequential', 'random', 'clustered'] as const) {
    for (const seed of seeds) {
      it(`${mode} keys, seed ${seed}`, () => {
        try {
          // Enough operations to seal sections (8192) and merge pending keys (16384) several times.
          checkAgainstReference(seed, mode, 120_000);
        } catch (err) {
          throw new Error(
            `needle map property failed: mode=${mode} seed=${seed} (rerun with NEEDLE_MAP_SEED=${seed}): ${(err as Error).message}`,
            { cause: err },
          );
        }
      });
    }
  }

  it('stays within 12 bytes per entry for sequential ids', () => {
    const map = new CompactNeedleMap();
    const entries = 200_000;
    for (let i = 1; i <= entries; i++) map.setRaw(0, i, i * 130, 1000);
    assert.ok(map.footprintBytes / entries <= 12, `${map.footprintBytes / entries} bytes per entry`);
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

  it('sizes records exactly as actualSize does', () => {
    for (const version of [1, 2, 3] as const) {
      const nm = new NeedleMap(version);
      for (let size = -20; size < 100; size++)
        assert.equal(nm.recordBytes(size), actualSize(size, version), `v${version} size ${size}`);
      for (const size of [2 ** 31 - 1, 1_000_000, -(2 ** 31)])
        assert.equal(nm.recordBytes(size), actualSize(size, version));
    }
  });
});
