// Runs the WebAssembly SIMD kernel (gf-simd-module.ts) over caller buffers. The kernel only sees
// its own memory, so shards are staged through it one column stripe at a time: copy the stripe of
// every input in, run one kernel call per output group, copy the outputs out. The copies run at
// memcpy speed (~13 GB/s of data here) but still take about a third of the time next to the
// relaxed-swizzle kernel (~6.5 GB/s); they are the price of shards living outside wasm memory.
// One instance per thread (module state, no sharing).
//
// Memory layout per call: [nibble tables of all groups][inputs, STRIPE_BYTES apart][outputs of one group].
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import { writeNibbleTables, type GfMatrix } from './galois.ts';
import { checkShapes } from './gf-js-kernel.ts';
import type { GfKernel } from './gf-kernel.ts';
import {
  buildSimdKernelModule,
  KERNEL_EXPORT,
  MAX_KERNEL_INPUTS,
  relaxedSimdProbeModule,
  simdProbeModule,
  TABLE_BYTES_PER_COEFFICIENT,
  type SimdKernelShape,
} from './gf-simd-module.ts';
import { MEMORY_IMPORT } from './wasm-assembler.ts';
import { wasm, type WasmMemory } from './wasm-runtime.ts';

/** Per-shard staging stripe; 14 shards x 16 KiB stays in L2. Also the stride baked into kernels. */
const STRIPE_BYTES = 16 * 1024;
/** Outputs per kernel pass: 4 x UNROLL accumulators + nibbles + mask + 2 tables fit in 16 xmm registers. */
const MAX_GROUP_OUTPUTS = 4;
/**
 * 16-byte vectors per column step. Kernel-only 10+4 on the dev box (Xeon 2.1 GHz, noisy VM), MB/s
 * of data: strict swizzle U=1 ~2500, U=2 ~2600-2900; relaxed U=1 ~6700, U=2 ~6500-7000, U=4 ~6200.
 */
const UNROLL = 2;
const VECTOR_BYTES = 16 * UNROLL;
const PAGE_BYTES = 64 * 1024;
/** Worst case: 256 x 256 tables (2 MiB) + 260 stripes (4.1 MiB). */
const MAX_MEMORY_PAGES = 128;
/** Compiled kernels are per (inputs, group size); bound the cache though few shapes ever occur. */
const MAX_CACHED_KERNELS = 64;

type KernelFn = (inPtr: number, outPtr: number, tabPtr: number, lengthBytes: number) => void;

interface OutputGroup {
  first: number;
  count: number;
  tableOffset: number;
}

/** Nibble tables for one coefficient matrix, laid out the way the kernel reads them. */
interface PreparedMatrix {
  inputs: number;
  tables: Uint8Array;
  groups: OutputGroup[];
}

let simdSupport: boolean | undefined;
let relaxedSupport: boolean | undefined;

/** Set to 1 to never enable V8's relaxed-SIMD flag (see relaxedSimdSupported). */
const STRICT_SIMD_ENV = 'NEEDLEWORK_EC_STRICT_SIMD';

/** True when this engine validates WebAssembly fixed-width SIMD (Node 16.4+ on x64/arm64). */
export function simdSupported(): boolean {
  simdSupport ??= wasm.validate(simdProbeModule());
  return simdSupport;
}

/**
 * i8x16.relaxed_swizzle is a bare PSHUFB/TBL; the strict swizzle adds a saturating add and a
 * constant load per shuffle, which halves the kernel's speed (measured ~2.6 vs ~6.7 GB/s).
 * Relaxed SIMD is on by default from V8 11.4 (Node 22). Node 20's V8 11.3 implements it behind
 * --experimental-wasm-relaxed-simd, which only widens what validates (a module that does not use
 * the new opcodes compiles exactly as before), so we switch it on once, before compiling any kernel.
 * Our shuffle indices are always 0..15, where relaxed and strict swizzle agree by definition.
 */
export function relaxedSimdSupported(): boolean {
  if (relaxedSupport !== undefined) return relaxedSupport;
  relaxedSupport = wasm.validate(relaxedSimdProbeModule());
  if (!relaxedSupport && process.env[STRICT_SIMD_ENV] !== '1') {
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    relaxedSupport = wasm.validate(relaxedSimdProbeModule());
  }
  return relaxedSupport;
}

function groupSizes(outputs: number): number[] {
  // Balanced groups (5 -> 3 + 2 rather than 4 + 1) keep every pass similarly efficient.
  const groups = Math.ceil(outputs / MAX_GROUP_OUTPUTS);
  const base = Math.floor(outputs / groups);
  return Array.from({ length: groups }, (_, g) => base + (g < outputs % groups ? 1 : 0));
}

function prepare(rows: GfMatrix): PreparedMatrix {
  const inputs = rows[0]!.length;
  const tables = new Uint8Array(rows.length * inputs * TABLE_BYTES_PER_COEFFICIENT);
  const groups: OutputGroup[] = [];
  let first = 0;
  for (const count of groupSizes(rows.length)) {
    const tableOffset = first * inputs * TABLE_BYTES_PER_COEFFICIENT;
    for (let i = 0; i < inputs; i++) {
      for (let j = 0; j < count; j++) {
        writeNibbleTables(rows[first + j]![i]!, tables, tableOffset + (i * count + j) * TABLE_BYTES_PER_COEFFICIENT);
      }
    }
    groups.push({ first, count, tableOffset });
    first += count;
  }
  return { inputs, tables, groups };
}

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

export class SimdGfKernel implements GfKernel {
  readonly name = 'wasm-simd' as const;
  private readonly memory: WasmMemory = new wasm.Memory({ initial: 1, maximum: MAX_MEMORY_PAGES });
  private heap = new Uint8Array(this.memory.buffer);
  private readonly kernels = new Map<string, KernelFn>();
  /** Keyed by the matrix object: encode matrices live as long as their codec, decode ones in its cache. */
  private readonly prepared = new WeakMap<GfMatrix, PreparedMatrix>();
  private readonly relaxed: boolean;

  /** relaxed: use i8x16.relaxed_swizzle (default: when the engine supports it). */
  constructor(options: { relaxed?: boolean } = {}) {
    assert.ok(simdSupported(), 'WebAssembly SIMD is not available in this engine');
    this.relaxed = options.relaxed ?? relaxedSimdSupported();
    assert.ok(!this.relaxed || relaxedSimdSupported(), 'relaxed SIMD is not available in this engine');
  }

  get relaxedSwizzle(): boolean {
    return this.relaxed;
  }

  mulMatrix(rows: GfMatrix, inputs: readonly Uint8Array[], outputs: readonly Uint8Array[], lengthBytes: number): void {
    checkShapes(rows, inputs, outputs, lengthBytes);
    assert.ok(inputs.length <= MAX_KERNEL_INPUTS);
    if (lengthBytes === 0) return;
    let prepared = this.prepared.get(rows);
    if (prepared === undefined) {
      prepared = prepare(rows);
      this.prepared.set(rows, prepared);
    }
    const maxGroup = prepared.groups[0]!.count;
    const inBase = roundUp(prepared.tables.length, 64);
    const outBase = inBase + inputs.length * STRIPE_BYTES;
    this.ensureBytes(outBase + maxGroup * STRIPE_BYTES);
    const heap = this.heap;
    heap.set(prepared.tables, 0);
    const kernels = prepared.groups.map((g) => this.kernel(inputs.length, g.count));

    for (let start = 0; start < lengthBytes; start += STRIPE_BYTES) {
      const width = Math.min(STRIPE_BYTES, lengthBytes - start);
      for (let i = 0; i < inputs.length; i++) heap.set(inputs[i]!.subarray(start, start + width), inBase + i * STRIPE_BYTES);
      // Columns past `width` hold stale bytes; their results are never copied out.
      const kernelBytes = roundUp(width, VECTOR_BYTES);
      for (let g = 0; g < prepared.groups.length; g++) {
        const group = prepared.groups[g]!;
        kernels[g]!(inBase, outBase, group.tableOffset, kernelBytes);
        for (let j = 0; j < group.count; j++) {
          const from = outBase + j * STRIPE_BYTES;
          outputs[group.first + j]!.set(heap.subarray(from, from + width), start);
        }
      }
    }
  }

  private ensureBytes(bytes: number): void {
    const pages = Math.ceil(bytes / PAGE_BYTES);
    assert.ok(pages <= MAX_MEMORY_PAGES, `kernel staging needs ${pages} pages`);
    const current = this.memory.buffer.byteLength / PAGE_BYTES;
    if (pages > current) {
      this.memory.grow(pages - current);
      this.heap = new Uint8Array(this.memory.buffer);
    }
  }

  private kernel(inputs: number, groupOutputs: number): KernelFn {
    const key = `${inputs}x${groupOutputs}`;
    let fn = this.kernels.get(key);
    if (fn !== undefined) {
      this.kernels.delete(key); // re-insert: Map order is the LRU order
      this.kernels.set(key, fn);
      return fn;
    }
    const shape: SimdKernelShape = { inputs, groupOutputs, unroll: UNROLL, strideBytes: STRIPE_BYTES, relaxed: this.relaxed };
    const bytes = buildSimdKernelModule(shape, { initial: 1, maximum: MAX_MEMORY_PAGES });
    // Synchronous compile keeps the codec API synchronous; modules are a few KB and compile in ~1 ms.
    const instance = new wasm.Instance(new wasm.Module(bytes), {
      [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: this.memory },
    });
    fn = instance.exports[KERNEL_EXPORT] as KernelFn;
    if (this.kernels.size >= MAX_CACHED_KERNELS) this.kernels.delete(this.kernels.keys().next().value!);
    this.kernels.set(key, fn);
    return fn;
  }
}
