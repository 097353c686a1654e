// Encoding a `.dat` straight from and to files: the shards are byte-identical to striping the
// `.dat` by hand and encoding every row with the ReedSolomon class, in the uniform layout (4.53,
// the default: worker pool and ParityCoder path) and the legacy one (several rows, a partial last
// row, data shards entirely past the end), for more than one ratio; the batch plans match both
// layouts; errors come back.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CodingPool, createCodingPool } from '../../../src/ec/codec/coding-pool.ts';
import {
  type Batch,
  batchAt,
  batchCount,
  encodeDatFile,
  type ParityCoder,
  splitBatches,
} from '../../../src/ec/ec-encoder.ts';
import {
  type EcRatio,
  LARGE_BLOCK_SIZE_BYTES,
  SMALL_BLOCK_SIZE_BYTES,
  shardFileSizeBytes,
  totalShards,
  uniformBlockSizeBytes,
} from '../../../src/ec/ec-layout.ts';
import { ReedSolomon } from '../../../src/ec/codec/reed-solomon.ts';

const MiB = 1024 * 1024;

/** The expected shards, from first principles: 1 MiB blocks row by row, zero-padded, RS per row. */
function expectedShards(dat: Uint8Array, ratio: EcRatio): Buffer[] {
  const { dataShards, parityShards } = ratio;
  assert.ok(dat.length < LARGE_BLOCK_SIZE_BYTES * dataShards, 'small rows only in these tests');
  const rows = Math.ceil(dat.length / (SMALL_BLOCK_SIZE_BYTES * dataShards));
  const shards = Array.from({ length: dataShards + parityShards }, () => Buffer.alloc(rows * SMALL_BLOCK_SIZE_BYTES));
  const rs = new ReedSolomon(dataShards, parityShards);
  for (let row = 0; row < rows; row++) {
    const at = row * SMALL_BLOCK_SIZE_BYTES;
    const views = shards.map((s) => s.subarray(at, at + SMALL_BLOCK_SIZE_BYTES));
    for (let i = 0; i < dataShards; i++) {
      const start = (row * dataShards + i) * SMALL_BLOCK_SIZE_BYTES;
      views[i]!.set(dat.subarray(Math.min(start, dat.length), Math.min(start + SMALL_BLOCK_SIZE_BYTES, dat.length)));
    }
    rs.encode(views);
  }
  return shards;
}

/** Uniform layout from first principles: shard i = .dat [i·block, (i+1)·block), zero-padded, RS once. */
function expectedUniformShards(dat: Uint8Array, ratio: EcRatio): Buffer[] {
  const block = uniformBlockSizeBytes(dat.length, ratio.dataShards);
  const shards = Array.from({ length: totalShards(ratio) }, () => Buffer.alloc(block));
  for (let i = 0; i < ratio.dataShards; i++)
    shards[i]!.set(dat.subarray(Math.min(i * block, dat.length), Math.min((i + 1) * block, dat.length)));
  new ReedSolomon(ratio.dataShards, ratio.parityShards).encode(shards);
  return shards;
}

/** A ParityCoder without encodeDatRange: encodeDatFile takes its chunk-by-chunk path. */
function inThreadCoder(): ParityCoder {
  return {
    async encodeParity(dataShards, parityShards, data) {
      const parity = Array.from({ length: parityShards }, () => new Uint8Array(data[0]!.length));
      new ReedSolomon(dataShards, parityShards).encode([...data, ...parity]);
      return parity;
    },
    async reconstruct() {
      throw new Error('not used');
    },
  };
}

describe('encodeDatFile in the worker pool', () => {
  let pool: CodingPool;
  let dir: string;
  before(async () => {
    pool = createCodingPool({ threads: 2, maxQueue: 8 });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'nw-ec-file-'));
  });
  after(async () => {
    await pool.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function encodeToFiles(
    name: string,
    dat: Uint8Array,
    ratio: EcRatio,
    coder: ParityCoder,
    blockSizeBytes?: number,
  ): Promise<Buffer[]> {
    const datPath = path.join(dir, `${name}.dat`);
    await fs.writeFile(datPath, dat);
    const shardPaths = Array.from({ length: totalShards(ratio) }, (_, i) =>
      path.join(dir, `${name}.ec${String(i).padStart(2, '0')}`),
    );
    // Stale longer outputs must be truncated, not overwritten in place.
    for (const p of shardPaths) await fs.writeFile(p, Buffer.alloc(3 * MiB + 7, 0xee));
    await encodeDatFile(datPath, dat.length, shardPaths, ratio, coder, blockSizeBytes);
    return Promise.all(shardPaths.map((p) => fs.readFile(p)));
  }

  it('writes uniform shards byte-identical to the ReedSolomon class, pool and in-thread alike', async () => {
    const ratio = { dataShards: 10, parityShards: 4 };
    // 23 MiB + a bit: a 3 MiB block, shard 7 partial, shards 8 and 9 entirely zeros.
    const dat = randomBytes(2 * 10 * MiB + 3 * MiB + 12_345);
    const expected = expectedUniformShards(dat, ratio);
    assert.equal(expected[0]!.length, 3 * MiB);
    const viaWorkers = await encodeToFiles('u10-pool', dat, ratio, pool);
    const viaCoder = await encodeToFiles('u10-coder', dat, ratio, inThreadCoder());
    for (let i = 0; i < expected.length; i++) {
      assert.ok(viaWorkers[i]!.equals(expected[i]!), `pool shard ${i}`);
      assert.ok(viaCoder[i]!.equals(expected[i]!), `coder shard ${i}`);
    }
    assert.equal(viaWorkers[0]!.length, shardFileSizeBytes(dat.length, 10), 'same shard length as the legacy layout');
  });

  it('writes legacy shards byte-identical to the ReedSolomon class (3 rows, the last partial)', async () => {
    const ratio = { dataShards: 10, parityShards: 4 };
    // Two full 10 MiB rows, then 3 MiB + 12 345 bytes: shard 3 of the last row is partial,
    // shards 4..9 of it lie entirely past the end (zeros).
    const dat = randomBytes(2 * 10 * MiB + 3 * MiB + 12_345);
    const shards = await encodeToFiles('v10', dat, ratio, pool, 0);
    const expected = expectedShards(dat, ratio);
    assert.equal(shards[0]!.length, shardFileSizeBytes(dat.length, 10));
    for (let i = 0; i < shards.length; i++) assert.ok(shards[i]!.equals(expected[i]!), `shard ${i}`);
    assert.ok(
      shards[9]!.subarray(2 * MiB).every((b) => b === 0),
      'past the end: zeros',
    );
  });

  it('gives the same bytes as the ParityCoder path, for 6+3 too', async () => {
    const ratio = { dataShards: 6, parityShards: 3 };
    const dat = randomBytes(6 * MiB * 2 + 777);
    const viaWorkers = await encodeToFiles('v6-pool', dat, ratio, pool, 0);
    const viaCoder = await encodeToFiles('v6-coder', dat, ratio, inThreadCoder(), 0);
    const expected = expectedShards(dat, ratio);
    for (let i = 0; i < viaWorkers.length; i++) {
      assert.ok(viaWorkers[i]!.equals(expected[i]!), `pool shard ${i}`);
      assert.ok(viaCoder[i]!.equals(expected[i]!), `coder shard ${i}`);
    }
  });

  it('creates empty shards for an empty .dat', async () => {
    const shards = await encodeToFiles('empty', new Uint8Array(0), { dataShards: 10, parityShards: 4 }, pool);
    assert.ok(shards.every((s) => s.length === 0));
  });

  it('fails for a missing .dat and for ranges outside the plan', async () => {
    const shardPaths = Array.from({ length: 14 }, (_, i) => path.join(dir, `missing.ec${i}`));
    await assert.rejects(
      encodeDatFile(path.join(dir, 'missing.dat'), 10, shardPaths, { dataShards: 10, parityShards: 4 }, pool),
      /ENOENT/,
    );
    const datPath = path.join(dir, 'small.dat');
    await fs.writeFile(datPath, Buffer.alloc(100));
    const range = {
      datPath,
      datSizeBytes: 100,
      shardPaths,
      dataShards: 10,
      parityShards: 4,
      firstBatch: 0,
      batchCount: 2,
    };
    await assert.rejects(pool.encodeDatRange(range), /outside the plan/);
    await assert.rejects(
      pool.encodeDatRange({ ...range, batchCount: 1, shardPaths: shardPaths.slice(1) }),
      /expected 14 shard paths/,
    );
  });
});

describe('batch plan', () => {
  /** The plan as the encoder built it before batches were computed on demand. */
  function referencePlan(datSizeBytes: number, dataShards: number): Batch[] {
    const largeRowBytes = LARGE_BLOCK_SIZE_BYTES * dataShards;
    const largeRows = Math.floor(datSizeBytes / largeRowBytes);
    const smallRows = Math.ceil((datSizeBytes - largeRows * largeRowBytes) / (SMALL_BLOCK_SIZE_BYTES * dataShards));
    const batches: Batch[] = [];
    for (let row = 0; row < largeRows; row++) {
      for (let inner = 0; inner < LARGE_BLOCK_SIZE_BYTES; inner += MiB) {
        batches.push({
          datRowStart: row * largeRowBytes,
          blockSizeBytes: LARGE_BLOCK_SIZE_BYTES,
          innerOffsetBytes: inner,
          shardOffsetBytes: row * LARGE_BLOCK_SIZE_BYTES + inner,
          lengthBytes: MiB,
        });
      }
    }
    for (let row = 0; row < smallRows; row++) {
      batches.push({
        datRowStart: largeRows * largeRowBytes + row * SMALL_BLOCK_SIZE_BYTES * dataShards,
        blockSizeBytes: SMALL_BLOCK_SIZE_BYTES,
        innerOffsetBytes: 0,
        shardOffsetBytes: largeRows * LARGE_BLOCK_SIZE_BYTES + row * SMALL_BLOCK_SIZE_BYTES,
        lengthBytes: MiB,
      });
    }
    return batches;
  }

  it('matches the 1 GiB / 1 MiB layout, large rows included', () => {
    for (const [size, d] of [
      [0, 10],
      [1, 10],
      [25_000_000_000, 10],
      [2 * 10 * LARGE_BLOCK_SIZE_BYTES + 5 * MiB + 1, 10],
      [6 * LARGE_BLOCK_SIZE_BYTES, 6],
    ] as const) {
      const reference = referencePlan(size, d);
      assert.equal(batchCount(size, d, 0), reference.length, `count for ${size}`);
      reference.forEach((batch, i) => {
        assert.deepEqual(batchAt(i, size, d, 0), batch);
      });
      const lastShardByte = reference.length === 0 ? 0 : reference.at(-1)!.shardOffsetBytes + MiB;
      assert.equal(lastShardByte, shardFileSizeBytes(size, d));
    }
    assert.throws(() => batchAt(1, 1, 10, 0), /out of range/);
  });

  it('plans the uniform layout as one row in 1 MiB steps', () => {
    const size = 25_000_000_000;
    const block = uniformBlockSizeBytes(size, 10);
    assert.equal(block, shardFileSizeBytes(size, 10));
    assert.equal(batchCount(size, 10), block / MiB);
    assert.deepEqual(batchAt(3, size, 10), {
      datRowStart: 0,
      blockSizeBytes: block,
      innerOffsetBytes: 3 * MiB,
      shardOffsetBytes: 3 * MiB,
      lengthBytes: MiB,
    });
    assert.equal(batchCount(0, 10), 0);
    assert.throws(() => batchCount(100 * MiB, 10, MiB), /too small/);
    assert.throws(() => batchCount(MiB, 10, 1000), /invalid shard block size/);
  });

  it('splits batches into contiguous ranges, at least one per thread, at most 16 batches each', () => {
    assert.deepEqual(splitBatches(0, 4), []);
    assert.deepEqual(splitBatches(3, 8), [
      { firstBatch: 0, batchCount: 1 },
      { firstBatch: 1, batchCount: 1 },
      { firstBatch: 2, batchCount: 1 },
    ]);
    for (const [count, threads] of [
      [100, 1],
      [100, 2],
      [25_000, 7],
      [17, 1],
    ] as const) {
      const ranges = splitBatches(count, threads);
      let next = 0;
      for (const r of ranges) {
        assert.equal(r.firstBatch, next);
        assert.ok(r.batchCount >= 1 && r.batchCount <= 16);
        next += r.batchCount;
      }
      assert.equal(next, count);
      assert.ok(ranges.length >= Math.min(threads, count));
    }
  });
});
