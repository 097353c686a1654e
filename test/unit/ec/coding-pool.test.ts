// The piscina coding pool: the TypeScript worker loads under the test runner (`--import tsx`),
// results match the in-thread codec and Go's goldens, buffers move without copies when that is
// safe and are copied when it is not, the queue is bounded, errors come back as errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CodingPool, createCodingPool } from '../../../src/ec/codec/coding-pool.ts';
import { ReedSolomon } from '../../../src/ec/codec/reed-solomon.ts';
import { golden, lcgBytes, sha256 } from './rs-golden.ts';

describe('coding pool', () => {
  let pool: CodingPool;
  before(() => {
    pool = createCodingPool({ threads: 2, maxQueue: 16 });
  });
  after(async () => {
    await pool.close();
  });

  it('encodes parity equal to Go (golden 10+4 x 65539 bytes) off the main thread', async () => {
    const c = golden.encodes.find((e) => e.name === 'lcg-10+4-65539')!;
    const data = Array.from({ length: 10 }, (_, i) => lcgBytes(c.seed! + i, c.shardBytes));
    const parity = await pool.encodeParity(10, 4, data);
    assert.deepEqual(parity.map(sha256), c.paritySha256);
    // Whole, non-pool ArrayBuffers were transferred: the caller's views are now detached.
    assert.ok(data.every((d) => d.length === 0));
  });

  it('encodes other ratios (6+3, 12+4)', async () => {
    for (const name of ['lcg-6+3-1000', 'lcg-12+4-333']) {
      const c = golden.encodes.find((e) => e.name === name)!;
      const data = Array.from({ length: c.dataShards }, (_, i) => lcgBytes(c.seed! + i, c.shardBytes));
      const parity = await pool.encodeParity(c.dataShards, c.parityShards, data);
      assert.deepEqual(parity.map(sha256), c.paritySha256, name);
    }
  });

  it('copies views it cannot safely move and leaves their buffers usable', async () => {
    const shardBytes = 20_000;
    // One big buffer with room to spare: the shards do not tile it, so it must not be detached.
    const backing = new Uint8Array(11 * shardBytes);
    const data = Array.from({ length: 10 }, (_, i) => backing.subarray(i * shardBytes, (i + 1) * shardBytes));
    data.forEach((d, i) => {
      d.set(lcgBytes(i, shardBytes));
    });
    const expected = new ReedSolomon(10, 4);
    const shards = [
      ...data.map((d) => Uint8Array.from(d)),
      ...Array.from({ length: 4 }, () => new Uint8Array(shardBytes)),
    ];
    expected.encode(shards);
    const parity = await pool.encodeParity(10, 4, data);
    assert.equal(backing.length, 11 * shardBytes, 'backing buffer still attached');
    assert.deepEqual(parity, shards.slice(10));

    // Small Buffers come from Node's shared pool slab: copied, and the slab stays attached.
    const small = Array.from({ length: 10 }, (_, i) => Buffer.from(lcgBytes(i, 100)));
    const neighbour = Buffer.from('still here');
    const smallParity = await pool.encodeParity(10, 4, small);
    assert.equal(neighbour.toString(), 'still here');
    assert.ok(small.every((b) => b.length === 100));
    const check = [...small.map((b) => Uint8Array.from(b)), ...smallParity];
    assert.ok(expected.verify(check));
  });

  it('moves shards that tile one buffer exactly', async () => {
    const shardBytes = 10_000;
    const backing = new Uint8Array(10 * shardBytes);
    backing.set(lcgBytes(42, backing.length));
    const data = Array.from({ length: 10 }, (_, i) => backing.subarray(i * shardBytes, (i + 1) * shardBytes));
    const copy = data.map((d) => Uint8Array.from(d));
    const parity = await pool.encodeParity(10, 4, data);
    assert.equal(backing.length, 0, 'transferred');
    assert.ok(new ReedSolomon(10, 4).verify([...copy, ...parity]));
  });

  it('shares SharedArrayBuffer views without copying or detaching them', async () => {
    const rs = new ReedSolomon(10, 4);
    const shards = Array.from({ length: 14 }, (_, i) => {
      const view = new Uint8Array(new SharedArrayBuffer(5000));
      if (i < 10) view.set(lcgBytes(i, 5000));
      return view;
    });
    const parity = await pool.encodeParity(10, 4, shards.slice(0, 10));
    assert.ok(
      shards.every((s) => s.length === 5000),
      'still attached',
    );
    parity.forEach((p, j) => {
      shards[10 + j]!.set(p);
    });
    assert.ok(rs.verify(shards));
    // A wanted shard that is present comes back as the same shared memory (not in a transfer list).
    const damaged: (Uint8Array | null)[] = [...shards];
    damaged[3] = null;
    const rebuilt = await pool.reconstruct(10, 4, damaged, [3, 4]);
    assert.deepEqual(rebuilt.get(3), shards[3]);
    rebuilt.get(4)![0] = shards[4]![0]! ^ 0xff;
    assert.equal(shards[4]![0], rebuilt.get(4)![0], 'same shared memory');
  });

  it('reconstructs wanted shards, data and parity', async () => {
    const rs = new ReedSolomon(10, 4);
    const original = [
      ...Array.from({ length: 10 }, (_, i) => lcgBytes(1000 + i, 50_000)),
      ...Array.from({ length: 4 }, () => new Uint8Array(50_000)),
    ];
    rs.encode(original);
    const shards: (Uint8Array | null)[] = original.map((s) => Uint8Array.from(s));
    for (const i of [2, 6, 10, 13]) shards[i] = null;
    const rebuilt = await pool.reconstruct(10, 4, shards, [2, 13, 6]);
    assert.deepEqual(
      [...rebuilt.keys()].sort((a, b) => a - b),
      [2, 6, 13],
    );
    for (const [i, shard] of rebuilt) assert.deepEqual(shard, original[i], `shard ${i}`);
  });

  it('runs tasks concurrently on several threads', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, t) =>
        pool.encodeParity(
          4,
          2,
          Array.from({ length: 4 }, (_, i) => lcgBytes(t * 10 + i, 30_000)),
        ),
      ),
    );
    results.forEach((parity, t) => {
      const data = Array.from({ length: 4 }, (_, i) => lcgBytes(t * 10 + i, 30_000));
      assert.ok(new ReedSolomon(4, 2).verify([...data, ...parity]), `task ${t}`);
    });
  });

  it('passes codec errors back', async () => {
    const shards: (Uint8Array | null)[] = Array.from({ length: 14 }, (_, i) => (i < 9 ? lcgBytes(i, 64) : null));
    await assert.rejects(pool.reconstruct(10, 4, shards, [9]), /too few shards given/);
    await assert.rejects(pool.encodeParity(10, 4, [lcgBytes(0, 8)]), /expected 10 data shards/);
    await assert.rejects(
      pool.encodeParity(
        10,
        4,
        Array.from({ length: 10 }, (_, i) => lcgBytes(i, i === 3 ? 7 : 8)),
      ),
      /shard sizes do not match/,
    );
  });
});

describe('coding pool limits', () => {
  it('makes calls beyond threads + maxQueue wait their turn, and all of them complete', async () => {
    const pool = createCodingPool({ threads: 1, maxQueue: 1 });
    try {
      const tasks = Array.from({ length: 6 }, (_, t) =>
        pool.encodeParity(
          10,
          4,
          Array.from({ length: 10 }, (_, i) => lcgBytes(t + i, 100_000)),
        ),
      );
      const results = await Promise.all(tasks);
      for (const [t, parity] of results.entries()) {
        const rs = new ReedSolomon(10, 4);
        const shards = [
          ...Array.from({ length: 10 }, (_, i) => lcgBytes(t + i, 100_000)),
          ...Array.from({ length: 4 }, () => new Uint8Array(100_000)),
        ];
        rs.encode(shards);
        for (let j = 0; j < 4; j++)
          assert.deepEqual(
            Buffer.from(parity[j] as Uint8Array),
            Buffer.from(shards[10 + j] as Uint8Array),
            `task ${t} parity ${j}`,
          );
      }
    } finally {
      await pool.close();
    }
    await assert.rejects(pool.encodeParity(10, 4, []), /closed/);
  });

  it('validates its options and reports its thread count', async () => {
    assert.throws(() => createCodingPool({ threads: 0 }), RangeError);
    assert.throws(() => createCodingPool({ maxQueue: -1 }), RangeError);
    const pool = createCodingPool({ threads: 3 });
    assert.equal(pool.threads, 3, 'encodeDatFile runs this many .dat ranges at once');
    await pool.close();
  });
});
