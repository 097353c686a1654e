// Planned kernels: the planner's programs compute exactly their matrix (checked symbolically and
// on bytes), the plan for SeaweedFS's 10+4 is as cheap as expected, planned SIMD kernels give Go's
// golden parity for every ratio in the fixture and agree with the JS kernel on large matrices
// (sectioned code), and the in-place arena codes what ReedSolomon codes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildEncodingMatrix, gfMul, type GfMatrix } from '../../../src/ec/codec/galois.ts';
import { JsGfKernel } from '../../../src/ec/codec/gf-js-kernel.ts';
import {
  naiveProgram,
  planProgram,
  programCost,
  programMatrix,
  runProgramOnBytes,
} from '../../../src/ec/codec/gf-program.ts';
import { SimdEncodeArena } from '../../../src/ec/codec/gf-simd-arena.ts';
import { relaxedSimdSupported, SimdGfKernel, simdSupported } from '../../../src/ec/codec/gf-simd-kernel.ts';
import { ReedSolomon } from '../../../src/ec/codec/reed-solomon.ts';
import { golden, goldenData, lcgBytes, sha256 } from './rs-golden.ts';

const parityRows = (d: number, p: number): GfMatrix => buildEncodingMatrix(d, d + p).slice(d);

function randomMatrix(outputs: number, inputs: number, next: (n: number) => number): GfMatrix {
  return Array.from({ length: outputs }, () => Uint8Array.from({ length: inputs }, () => [0, 1, next(256)][next(3)]!));
}

function seeded(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

describe('GF program planner', () => {
  it('plans programs that compute exactly their matrix (encode matrices and random ones)', () => {
    const next = seeded(777);
    const matrices: GfMatrix[] = [];
    for (const [d, p] of [
      [10, 4],
      [6, 3],
      [12, 4],
      [3, 1],
      [1, 1],
      [20, 4],
      [28, 4],
      [16, 8],
    ] as const)
      matrices.push(parityRows(d, p));
    for (let r = 0; r < 30; r++) matrices.push(randomMatrix(1 + next(8), 1 + next(24), next));
    for (const rows of matrices) {
      const program = planProgram(rows);
      assert.deepEqual(programMatrix(program), rows);
      assert.ok(programCost(program) <= programCost(naiveProgram(rows)));
      // And on bytes: every output byte is the GF dot product.
      for (let t = 0; t < 5; t++) {
        const x = Array.from({ length: rows[0]!.length }, () => next(256));
        const expected = rows.map((row) => row.reduce((acc, c, i) => acc ^ gfMul(c, x[i]!), 0));
        assert.deepEqual(runProgramOnBytes(program, x), expected);
      }
    }
  });

  it('halves the work for 10+4 (the planned cost is what the kernel speed-up rests on)', () => {
    const rows = parityRows(10, 4);
    assert.equal(programCost(naiveProgram(rows)), 190);
    assert.ok(programCost(planProgram(rows)) <= 90, `10+4 plan costs ${programCost(planProgram(rows))}`);
    // Deterministic: the same matrix gives the same plan.
    assert.deepEqual(planProgram(rows), planProgram(rows));
  });

  it('leaves matrices beyond the planning limits as they are', () => {
    const rows = randomMatrix(4, 40, seeded(5));
    assert.deepEqual(planProgram(rows), naiveProgram(rows));
    assert.deepEqual(planProgram(parityRows(10, 4), { beamWidth: 0 }), naiveProgram(parityRows(10, 4)));
  });
});

describe('planned SIMD kernels', { skip: !simdSupported() && 'no WebAssembly SIMD' }, () => {
  const kernels = () =>
    (relaxedSimdSupported() ? [false, true] : [false]).map(
      (relaxed) => new SimdGfKernel({ relaxed, planAfterUses: 1 }),
    );

  it('give Go golden parity for every ratio in the fixture', () => {
    for (const kernel of kernels()) {
      for (const c of golden.encodes) {
        const data = goldenData(c);
        const parity = Array.from({ length: c.parityShards }, () => new Uint8Array(c.shardBytes));
        kernel.mulMatrix(parityRows(c.dataShards, c.parityShards), data, parity, c.shardBytes);
        assert.deepEqual(parity.map(sha256), c.paritySha256, `${c.name} (relaxed ${kernel.relaxedSwizzle})`);
      }
    }
  });

  it('agree with the JS kernel on large matrices (naive programs cut into sections)', () => {
    const next = seeded(99);
    const js = new JsGfKernel();
    for (const [outputs, inputs] of [
      [9, 200],
      [3, 33],
      [5, 17],
    ] as const) {
      const rows = randomMatrix(outputs, inputs, next);
      const data = Array.from({ length: inputs }, (_, i) => lcgBytes(i * 31 + outputs, 1000));
      const expected = Array.from({ length: outputs }, () => new Uint8Array(1000));
      js.mulMatrix(rows, data, expected, 1000);
      for (const kernel of kernels()) {
        const out = Array.from({ length: outputs }, () => new Uint8Array(1000));
        kernel.mulMatrix(rows, data, out, 1000);
        assert.deepEqual(out, expected, `${outputs}x${inputs}`);
      }
    }
  });

  it('switch a matrix from the generic to its planned kernel on repeated use, with the same bytes', () => {
    const kernel = new SimdGfKernel({ planAfterUses: 2 });
    const rows = parityRows(10, 4);
    const data = Array.from({ length: 10 }, (_, i) => lcgBytes(i, 5000));
    const results = [1, 2, 3].map(() => {
      const out = Array.from({ length: 4 }, () => new Uint8Array(5000));
      kernel.mulMatrix(rows, data, out, 5000);
      return out;
    });
    assert.deepEqual(results[1], results[0]);
    assert.deepEqual(results[2], results[0]);
  });
});

describe('in-place encode arena', () => {
  for (const kernel of ['auto', 'js'] as const) {
    it(`codes the parity ReedSolomon codes, any length up to the slot (${kernel})`, () => {
      for (const [d, p] of [
        [10, 4],
        [6, 3],
        [12, 4],
        [3, 1],
      ] as const) {
        const arena = new SimdEncodeArena(d, p, 4096, { kernel });
        assert.equal(arena.slots.length, d + p);
        const rs = new ReedSolomon(d, p);
        for (const length of [1, 15, 16, 17, 1000, 4095, 4096]) {
          const data = Array.from({ length: d }, (_, i) => lcgBytes(length * 7 + i, length));
          data.forEach((chunk, i) => {
            arena.slots[i]!.set(chunk);
          });
          arena.encode(length);
          const shards = [...data, ...Array.from({ length: p }, () => new Uint8Array(length))];
          rs.encode(shards);
          for (let j = 0; j < p; j++)
            assert.deepEqual(
              arena.slots[d + j]!.subarray(0, length),
              shards[d + j],
              `${d}+${p} length ${length} parity ${j}`,
            );
        }
        assert.throws(() => arena.encode(4097), /out of range/);
      }
    });
  }

  it('refuses slots that are not whole vectors', () => {
    assert.throws(() => new SimdEncodeArena(10, 4, 1000), /multiple of 16/);
  });
});
