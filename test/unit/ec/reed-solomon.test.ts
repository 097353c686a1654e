// Reed-Solomon codec: parity byte-equal to Go's klauspost/reedsolomon v1.14.1 (fixture written by
// test/go/rs), reconstruction from every loss pattern, verify, errors, and the SIMD kernel
// (relaxed and strict swizzle) agreeing with the pure-JS kernel everywhere.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildEncodingMatrix,
  gfInverse,
  gfMul,
  matrixInvert,
  matrixMultiply,
  type GfMatrix,
} from '../../../src/ec/codec/galois.ts';
import { JsGfKernel } from '../../../src/ec/codec/gf-js-kernel.ts';
import type { GfKernel, GfKernelName } from '../../../src/ec/codec/gf-kernel.ts';
import { relaxedSimdSupported, SimdGfKernel, simdSupported } from '../../../src/ec/codec/gf-simd-kernel.ts';
import { ReedSolomon, ReedSolomonError } from '../../../src/ec/codec/reed-solomon.ts';
import { signedLeb128, unsignedLeb128 } from '../../../src/ec/codec/wasm-assembler.ts';
import { golden, goldenData, lcgBytes, sha256 } from './rs-golden.ts';

const KERNELS: GfKernelName[] = simdSupported() ? ['wasm-simd', 'js'] : ['js'];

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function encoded(rs: ReedSolomon, data: Uint8Array[]): Uint8Array[] {
  const shards = [
    ...data.map((d) => Uint8Array.from(d)),
    ...Array.from({ length: rs.parityShards }, () => new Uint8Array(data[0]!.length)),
  ];
  rs.encode(shards);
  return shards;
}

function* combinations(n: number, k: number, start = 0, prefix: number[] = []): Generator<number[]> {
  if (prefix.length === k) {
    yield prefix;
    return;
  }
  for (let i = start; i < n; i++) yield* combinations(n, k, i + 1, [...prefix, i]);
}

describe('GF(2^8)', () => {
  it('uses polynomial 0x11d with generator 2', () => {
    assert.equal(gfMul(2, 0x80), 0x1d);
    assert.equal(gfMul(0x53, 0xca), gfMul(0xca, 0x53));
    for (let a = 1; a < 256; a++) assert.equal(gfMul(a, gfInverse(a)), 1, `inverse of ${a}`);
  });

  it('inverts matrices', () => {
    const m = buildEncodingMatrix(6, 9).slice(2, 8);
    const product = matrixMultiply(m, matrixInvert(m));
    product.forEach((row, r) => {
      assert.deepEqual(
        [...row],
        Array.from({ length: 6 }, (_, c) => (r === c ? 1 : 0)),
      );
    });
    assert.throws(() => matrixInvert([Uint8Array.of(1, 2), Uint8Array.of(1, 2)]), /singular/);
  });

  it('builds the encoding matrix Go uses, for every ratio in the fixture', () => {
    for (const m of golden.matrices) {
      const rows = buildEncodingMatrix(m.dataShards, m.dataShards + m.parityShards).slice(m.dataShards);
      assert.deepEqual(rows.map(hex), m.parityRows, `${m.dataShards}+${m.parityShards}`);
    }
    // The 10+4 table in storage-format.md section 7.2.
    assert.deepEqual(golden.matrices[0]!.parityRows, [
      '8196afb8d2c4fee80302',
      '9681b8afc4d2e8fe0203',
      'bfd6620a066fdfb70504',
      'd6bf0a626f06b7df0405',
    ]);
  });
});

for (const kernel of KERNELS) {
  describe(`ReedSolomon (${kernel} kernel)`, () => {
    it('encodes parity byte-equal to Go for every golden case', () => {
      for (const c of golden.encodes) {
        const rs = new ReedSolomon(c.dataShards, c.parityShards, { kernel });
        assert.equal(rs.kernelName, kernel);
        const shards = encoded(rs, goldenData(c));
        const parity = shards.slice(c.dataShards);
        assert.deepEqual(parity.map(sha256), c.paritySha256, c.name);
        if (c.parityHex) assert.deepEqual(parity.map(hex), c.parityHex, c.name);
        assert.ok(rs.verify(shards), c.name);
      }
    });

    it('reconstructs the golden loss patterns like Go', () => {
      for (const r of golden.reconstructs) {
        const c = golden.encodes.find((e) => e.name === r.case)!;
        const rs = new ReedSolomon(c.dataShards, c.parityShards, { kernel });
        const original = encoded(rs, goldenData(c));
        const shards: (Uint8Array | null)[] = original.map((s) => Uint8Array.from(s));
        for (const i of r.lost) shards[i] = null;
        const only = r.dataOnly ? r.lost.filter((i) => i < c.dataShards) : undefined;
        if (r.error !== undefined) {
          assert.throws(
            () => rs.reconstruct(shards, only),
            (err: unknown) => err instanceof ReedSolomonError && err.message.startsWith(r.error!),
          );
          continue;
        }
        rs.reconstruct(shards, only);
        r.lost.forEach((i, k) => {
          const expected = r.restoredSha256![k]!;
          if (expected === '') assert.equal(shards[i], null, `shard ${i} not rebuilt (dataOnly)`);
          else assert.equal(sha256(shards[i]!), expected, `${r.case} lost ${r.lost} shard ${i}`);
        });
      }
    });

    it('reconstructs from every combination of 4 lost shards (10+4)', () => {
      const rs = new ReedSolomon(10, 4, { kernel });
      const original = encoded(
        rs,
        Array.from({ length: 10 }, (_, i) => lcgBytes(500 + i, 37)),
      );
      let count = 0;
      for (const lost of combinations(14, 4)) {
        const shards: (Uint8Array | null)[] = [...original];
        for (const i of lost) shards[i] = null;
        rs.reconstruct(shards);
        for (let i = 0; i < 14; i++) assert.deepEqual(shards[i], original[i], `lost ${lost}: shard ${i}`);
        count++;
      }
      assert.equal(count, 1001);
    });

    it('rebuilds only the requested shards', () => {
      const rs = new ReedSolomon(10, 4, { kernel });
      const original = encoded(
        rs,
        Array.from({ length: 10 }, (_, i) => lcgBytes(900 + i, 100)),
      );
      const shards: (Uint8Array | null)[] = [...original];
      shards[1] = shards[4] = shards[12] = null;
      rs.reconstruct(shards, [12, 12, 0]); // 0 is present: left alone; duplicates are fine
      assert.equal(shards[1], null);
      assert.equal(shards[4], null);
      assert.deepEqual(shards[12], original[12]);
      assert.equal(shards[0], original[0]);
      rs.reconstruct(shards, []);
      assert.equal(shards[1], null);
      assert.throws(() => rs.reconstruct(shards, [14]), RangeError);
      rs.reconstruct(shards);
      assert.deepEqual(shards, original);
    });

    it('verify catches a flipped byte in data or parity', () => {
      const rs = new ReedSolomon(10, 4, { kernel });
      // Larger than verify's 64 KiB chunk, so a later chunk is checked too.
      const shards = encoded(
        rs,
        Array.from({ length: 10 }, (_, i) => lcgBytes(77 + i, 70_001)),
      );
      assert.ok(rs.verify(shards));
      for (const [shard, offset] of [
        [3, 0],
        [9, 70_000],
        [10, 65_536],
        [13, 12_345],
      ] as const) {
        shards[shard]![offset]! ^= 0x01;
        assert.equal(rs.verify(shards), false, `flip in shard ${shard} at ${offset}`);
        shards[shard]![offset]! ^= 0x01;
      }
      assert.ok(rs.verify(shards));
    });
  });
}

describe('ReedSolomon errors', () => {
  const rs = new ReedSolomon(10, 4);
  const original = encoded(
    rs,
    Array.from({ length: 10 }, (_, i) => lcgBytes(i, 64)),
  );

  function expectError(fn: () => void, code: ReedSolomonError['code'], goText?: string): void {
    assert.throws(fn, (err: unknown) => {
      assert.ok(err instanceof ReedSolomonError, String(err));
      assert.equal(err.code, code);
      if (goText !== undefined) assert.ok(err.message.startsWith(goText), err.message);
      return true;
    });
  }

  it('refuses to reconstruct from fewer than dataShards shards', () => {
    const shards: (Uint8Array | null)[] = [...original];
    for (const i of [0, 3, 7, 11, 13]) shards[i] = null;
    expectError(() => rs.reconstruct(shards), 'too-few-shards', golden.errors.tooFewShards);
    assert.equal(shards[0], null, 'nothing is filled in on failure');
    shards[4] = new Uint8Array(0); // empty counts as missing, as in Go
    expectError(() => rs.reconstruct(shards), 'too-few-shards');
    expectError(() => rs.reconstruct(Array(14).fill(null)), 'no-shard-data', golden.errors.shardNoData);
  });

  it('refuses mismatched shard lengths', () => {
    const shards: (Uint8Array | null)[] = [...original];
    shards[0] = null;
    shards[5] = new Uint8Array(63);
    expectError(() => rs.reconstruct(shards), 'shard-size', golden.errors.shardSize);
    const complete = original.map((s) => Uint8Array.from(s));
    complete[12] = new Uint8Array(65);
    expectError(() => rs.encode(complete), 'shard-size', golden.errors.shardSize);
    assert.throws(() => rs.verify(complete), ReedSolomonError);
  });

  it('refuses the wrong number of shards and empty input', () => {
    expectError(() => rs.encode(original.slice(0, 13)), 'shard-count');
    expectError(() => rs.reconstruct(original.slice(0, 13)), 'shard-count');
    expectError(
      () => rs.encode(Array.from({ length: 14 }, () => new Uint8Array(0))),
      'no-shard-data',
      golden.errors.shardNoData,
    );
  });

  it('asserts on impossible shapes', () => {
    assert.throws(() => new ReedSolomon(0, 4));
    assert.throws(() => new ReedSolomon(10, 0));
    assert.throws(() => new ReedSolomon(200, 57));
    assert.throws(() => new ReedSolomon(2.5, 1));
    const max = new ReedSolomon(200, 56); // 256 shards: the field's limit
    assert.equal(max.totalShards, 256);
  });
});

describe('GF kernels', () => {
  /**
   * Every available kernel: the SIMD one with the strict and the relaxed swizzle, each on its
   * generic (tables in memory) and its planned (per-matrix program) path.
   */
  function kernels(): GfKernel[] {
    const out: GfKernel[] = [new JsGfKernel()];
    if (simdSupported()) {
      for (const relaxed of relaxedSimdSupported() ? [false, true] : [false]) {
        out.push(new SimdGfKernel({ relaxed, planAfterUses: Number.MAX_SAFE_INTEGER }));
        out.push(new SimdGfKernel({ relaxed, planAfterUses: 1 }));
      }
    }
    return out;
  }

  it('agree byte for byte on random matrices, shapes and lengths', () => {
    const all = kernels();
    assert.ok(all.length >= (simdSupported() ? 2 : 1));
    let seed = 12345;
    const next = (n: number) => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed % n;
    };
    // Lengths around the 16/32-byte vector and 16 KiB stripe boundaries; up to 9 outputs (3 groups).
    const lengths = [1, 15, 16, 17, 31, 32, 33, 1000, 16_383, 16_384, 16_385, 40_000];
    for (let round = 0; round < 40; round++) {
      const inputs = 1 + next(20);
      const outputs = 1 + next(9);
      const lengthBytes = lengths[round % lengths.length]!;
      const rows: GfMatrix = Array.from({ length: outputs }, () =>
        Uint8Array.from({ length: inputs }, () => [0, 1, next(256)][next(3)]!),
      );
      const data = Array.from({ length: inputs }, () => lcgBytes(next(1 << 30), lengthBytes + 3));
      const results = all.map((kernel) => {
        const out = Array.from({ length: outputs }, () => new Uint8Array(lengthBytes + 3).fill(0xee));
        kernel.mulMatrix(rows, data, out, lengthBytes);
        return out.map(hex);
      });
      for (let k = 1; k < all.length; k++)
        assert.deepEqual(results[k], results[0], `round ${round}: ${inputs}x${outputs} len ${lengthBytes}`);
      // Bytes past lengthBytes are untouched.
      for (const out of results[0]!) assert.equal(out.slice(-6), 'eeeeee');
    }
  });

  it('handle 200+56 (staging memory growth, 14 output groups)', () => {
    const rs = new ReedSolomon(200, 56);
    const data = Array.from({ length: 200 }, (_, i) => lcgBytes(i, 40));
    const shards = encoded(rs, data);
    const js = encoded(new ReedSolomon(200, 56, { kernel: 'js' }), data);
    assert.deepEqual(shards, js);
    const damaged: (Uint8Array | null)[] = [...shards];
    for (let i = 0; i < 56; i++) damaged[i * 4] = null;
    rs.reconstruct(damaged);
    assert.deepEqual(damaged, shards);
  });

  it('assembler encodes LEB128 as the wasm spec does', () => {
    assert.deepEqual(unsignedLeb128(0), [0]);
    assert.deepEqual(unsignedLeb128(127), [0x7f]);
    assert.deepEqual(unsignedLeb128(128), [0x80, 0x01]);
    assert.deepEqual(unsignedLeb128(0x100), [0x80, 0x02]);
    assert.deepEqual(unsignedLeb128(624485), [0xe5, 0x8e, 0x26]);
    assert.deepEqual(signedLeb128(0), [0]);
    assert.deepEqual(signedLeb128(-1), [0x7f]);
    assert.deepEqual(signedLeb128(63), [0x3f]);
    assert.deepEqual(signedLeb128(64), [0xc0, 0x00]);
    assert.deepEqual(signedLeb128(-64), [0x40]);
    assert.deepEqual(signedLeb128(-123456), [0xc0, 0xbb, 0x78]);
  });
});
