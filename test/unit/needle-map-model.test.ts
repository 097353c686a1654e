// NeedleMap (map + counters) against a plain-Map model of upstream's rules, under random
// sequences of load rows, runtime puts/deletes and reads: the load path resolves rows lazily in
// sorted batches, so every observable (values, length, order, metrics) must match the eager model.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NeedleMap } from '../../src/storage/needle-map/needle-map.ts';
import { encodeIndexEntry } from '../../src/storage/idx/entry.ts';
import { actualSize } from '../../src/storage/needle/version.ts';
import { prng } from './prng.ts';

type Entry = { offsetUnits: number; size: number };
type KeyMode = 'sequential' | 'random' | 'clustered' | 'mixed';

/** The eager rules, as the map had them before lazy load rows (upstream doLoading, Put, Delete). */
class Model {
  readonly map = new Map<bigint, Entry>();
  fileCount = 0;
  deletedCount = 0;
  fileBytes = 0;
  deletedBytes = 0;
  maxFileKey = 0n;
  maxNeedleEndBytes = 0;

  constructor(private readonly version: 1 | 2 | 3) {}

  private deleteRaw(key: bigint): number {
    const current = this.map.get(key);
    if (current === undefined || current.size < 0) return 0;
    this.map.set(key, { offsetUnits: current.offsetUnits, size: current.size === 0 ? -1 : -current.size });
    return current.size;
  }

  applyIndexRow(key: bigint, offsetUnits: number, size: number): void {
    if (key > this.maxFileKey) this.maxFileKey = key;
    const end = offsetUnits * 8 + actualSize(size, this.version);
    if (offsetUnits !== 0 && end > this.maxNeedleEndBytes) this.maxNeedleEndBytes = end;
    if (offsetUnits !== 0 && size >= 0) {
      this.fileCount++;
      this.fileBytes += size;
      const previous = this.map.get(key);
      this.map.set(key, { offsetUnits, size });
      if (previous !== undefined && previous.offsetUnits !== 0 && previous.size >= 0) {
        this.deletedCount++;
        this.deletedBytes += previous.size;
      }
    } else {
      this.deletedBytes += this.deleteRaw(key);
      this.deletedCount++;
    }
  }

  put(key: bigint, offsetUnits: number, size: number): void {
    if (key > this.maxFileKey) this.maxFileKey = key;
    const previous = this.map.get(key);
    this.map.set(key, { offsetUnits, size });
    this.fileCount++;
    this.fileBytes += size;
    if (previous !== undefined && previous.size > 0) {
      this.deletedCount++;
      this.deletedBytes += previous.size;
    }
    const end = offsetUnits * 8 + actualSize(size, this.version);
    if (end > this.maxNeedleEndBytes) this.maxNeedleEndBytes = end;
  }

  delete(key: bigint, tombstoneOffsetUnits: number): number {
    const oldSize = this.deleteRaw(key);
    if (oldSize > 0) {
      this.deletedCount++;
      this.deletedBytes += oldSize;
    }
    const end = tombstoneOffsetUnits * 8 + actualSize(0, this.version);
    if (tombstoneOffsetUnits !== 0 && end > this.maxNeedleEndBytes) this.maxNeedleEndBytes = end;
    return oldSize;
  }

  metrics() {
    const { fileCount, deletedCount, fileBytes, deletedBytes, maxFileKey, maxNeedleEndBytes } = this;
    return { fileCount, deletedCount, fileBytes, deletedBytes, maxFileKey, maxNeedleEndBytes };
  }

  sorted(): Array<{ key: bigint } & Entry> {
    return [...this.map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, v]) => ({ key, ...v }));
  }
}

function keySource(rand: () => number, mode: KeyMode): (known: bigint[]) => bigint {
  let next = 1n;
  const u64 = () => (BigInt(Math.floor(rand() * 2 ** 32)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32));
  return (known) => {
    const m = mode === 'mixed' ? (['sequential', 'random', 'clustered'] as const)[Math.floor(rand() * 3)]! : mode;
    if (known.length > 0 && rand() < 0.25) return known[Math.floor(rand() * known.length)] as bigint;
    if (m === 'random') return u64();
    if (m === 'clustered') return BigInt(Math.floor(rand() * 5000)) + (rand() < 0.5 ? 0n : 1n << 63n);
    const r = rand();
    if (r < 0.9) {
      next += BigInt(1 + Math.floor(rand() * (rand() < 0.01 ? 2 ** 36 : 3)));
      return next;
    }
    if (r < 0.99) return BigInt(Math.floor(rand() * Number(next)));
    return rand() < 0.5 ? 0n : 0xffff_ffff_ffff_ffffn;
  };
}

/** Offsets sometimes need 5 bytes, and sometimes are 0 ("no data"). */
function offsetOf(rand: () => number): number {
  const r = rand();
  return r < 0.03 ? 0 : r < 0.08 ? Math.floor(rand() * 2 ** 40) : 1 + Math.floor(rand() * (2 ** 32 - 1));
}

function sizeOf(rand: () => number): number {
  const r = rand();
  return r < 0.05 ? 0 : r < 0.1 ? -1 : r < 0.13 ? -Math.floor(rand() * 2 ** 31) : Math.floor(rand() * 2 ** 31);
}

function compareAll(nm: NeedleMap, model: Model, label: string): void {
  assert.deepEqual({ ...nm.metrics }, model.metrics(), `${label}: metrics`);
  assert.equal(nm.length, model.map.size, `${label}: length`);
  const expected = model.sorted();
  assert.deepEqual(nm.map.sortedEntries(), expected, `${label}: sorted entries`);
  assert.deepEqual(
    nm.map.liveSortedEntries(),
    expected.filter((e) => e.offsetUnits !== 0 && e.size >= 0),
    `${label}: live sorted entries`,
  );
  for (const [key, v] of model.map) assert.deepEqual(nm.get(key), v, `${label}: get ${key}`);
}

/**
 * A load phase of `rows` index rows (through NeedleMap(version, rows) when `announced`), checked
 * at random points mid-load, then a runtime phase of puts, deletes, gets and more load rows.
 */
function run(seed: number, mode: KeyMode, rows: number, runtimeOps: number, announced: boolean): void {
  const rand = prng(seed);
  const nextKey = keySource(rand, mode);
  const version = 3;
  const nm = new NeedleMap(version, announced ? rows : 0);
  const model = new Model(version);
  const known: bigint[] = [];
  const row = () => {
    const key = nextKey(known);
    const offsetUnits = offsetOf(rand);
    const size = sizeOf(rand);
    if (!model.map.has(key)) known.push(key);
    nm.applyIndexRow(Number(key >> 32n), Number(key & 0xffff_ffffn), offsetUnits, size);
    model.applyIndexRow(key, offsetUnits, size);
  };
  for (let r = 0; r < rows; r++) {
    row();
    // Reads mid-load resolve logged rows early; unannounced loads only, so the other kind stays lazy.
    if (!announced && rand() < 0.00005) compareAll(nm, model, `mid-load row ${r}`);
  }
  compareAll(nm, model, 'after load');
  for (let op = 0; op < runtimeOps; op++) {
    const r = rand();
    const key = nextKey(known);
    if (r < 0.4) {
      const offsetUnits = 1 + Math.floor(rand() * (rand() < 0.05 ? 2 ** 40 - 2 : 2 ** 32));
      const size = Math.floor(rand() * 2 ** 31);
      if (!model.map.has(key)) known.push(key);
      nm.put(key, offsetUnits, size);
      model.put(key, offsetUnits, size);
    } else if (r < 0.6) {
      const tombstone = rand() < 0.1 ? 0 : Math.floor(rand() * 2 ** 32);
      assert.equal(nm.delete(key, tombstone), model.delete(key, tombstone), `delete ${key} (op ${op})`);
    } else if (r < 0.8) {
      assert.deepEqual(nm.get(key), model.map.get(key), `get ${key} (op ${op})`);
    } else {
      row(); // rows after a load: how offline tools replay an .idx into a fresh map
    }
    if (rand() < 0.0001) compareAll(nm, model, `runtime op ${op}`);
  }
  compareAll(nm, model, 'end');
}

describe('needle map against a model of upstream rules', () => {
  const seedFromEnv = process.env.NEEDLE_MAP_SEED;
  const seeds = seedFromEnv !== undefined ? [Number(seedFromEnv)] : [11, (Date.now() % 1_000_000) + 12];
  for (const mode of ['sequential', 'random', 'clustered', 'mixed'] as const) {
    for (const seed of seeds) {
      for (const announced of [true, false]) {
        it(`${mode} keys, seed ${seed}, ${announced ? 'announced' : 'unannounced'} load`, () => {
          try {
            // Past several section seals (8192 entries) and log/pending merges (16384).
            run(seed, mode, 40_000, 25_000, announced);
          } catch (err) {
            throw new Error(
              `needle map model failed: mode=${mode} seed=${seed} announced=${announced} (rerun with NEEDLE_MAP_SEED=${seed}): ${(err as Error).message}`,
              { cause: err },
            );
          }
        });
      }
    }
  }

  it('loads an .idx image like the row-by-row model, duplicates and deletes across batches', () => {
    const rand = prng(99);
    const model = new Model(2);
    const rows: Buffer[] = [];
    for (let i = 0; i < 60_000; i++) {
      // Two interleaved ascending runs: the second keeps landing below the max, in the log.
      const key = BigInt(i % 2 === 0 ? 1_000_000 + i : Math.floor(rand() * 1_000_000));
      const offsetUnits = rand() < 0.1 ? 0 : 1 + Math.floor(rand() * 2 ** 28);
      const size = rand() < 0.2 ? -1 : Math.floor(rand() * 100_000);
      rows.push(encodeIndexEntry({ key, offset: offsetUnits * 8, size }, 4));
      model.applyIndexRow(key, offsetUnits, size);
    }
    const nm = new NeedleMap(2, rows.length);
    assert.equal(nm.loadIndexBytes(Buffer.concat(rows), 4), rows.length);
    compareAll(nm, model, 'image');
  });

  it('packs itself when the announced rows are in', () => {
    // Enough entries that the staging arrays of the open tail section are noise.
    const entries = 1_000_000;
    const nm = new NeedleMap(3, entries);
    const rand = prng(5);
    for (let i = 0; i < entries; i++) {
      const hi = Math.floor(rand() * 2 ** 32);
      const lo = Math.floor(rand() * 2 ** 32);
      nm.applyIndexRow(hi, lo, 1 + i * 130, 1000);
    }
    // Random 64-bit ids: 7-byte key deltas (6 from about 4M entries) plus 8 bytes of values.
    const perEntry = nm.map.footprintBytes / entries;
    assert.ok(perEntry <= 16, `${perEntry} bytes per entry`);
  });
});
