// Runs the WebAssembly SIMD kernels over caller buffers. A kernel only sees its own memory, so
// shards are staged through it one column stripe at a time: copy the stripe of every input in, run
// the kernel, copy the outputs out. The copies cost about as much as the coding itself now; code
// that can keep shards in wasm memory uses SimdEncodeArena (gf-simd-arena.ts) instead.
// Two kernels: a matrix's first calls run the generic one (gf-simd-table-module.ts, tables in
// memory, nothing to compile per matrix); from its PLAN_AFTER_USES-th call a matrix gets its own
// planned kernel (gf-simd-module.ts, ~2x faster; planning and compiling cost a few ms, worth it
// for the encode matrix or a rebuild's decode matrix, not for a one-off decode).
// One instance per thread (module state, no sharing).
//
// Memory layout per call: [nibble tables (generic kernel only)][inputs, STRIPE_BYTES apart][outputs, STRIPE_BYTES apart].
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import { type GfMatrix, writeNibbleTables } from './galois.ts';
import { checkShapes } from './gf-js-kernel.ts';
import type { GfKernel } from './gf-kernel.ts';
import { planProgram } from './gf-program.ts';
import {
  buildSimdKernelModule,
  KERNEL_EXPORT,
  KERNEL_VECTOR_BYTES,
  MAX_KERNEL_INPUTS,
  relaxedSimdProbeModule,
  simdProbeModule,
  type SimdKernelGroup,
} from './gf-simd-module.ts';
import { buildTableKernelModule, TABLE_BYTES_PER_COEFFICIENT } from './gf-simd-table-module.ts';
import { MEMORY_IMPORT } from './wasm-assembler.ts';
import { wasm, type WasmMemory } from './wasm-runtime.ts';

/** Per-shard staging stripe; 14 shards x 16 KiB stays in L2. Also the stride baked into kernels. */
const STRIPE_BYTES = 16 * 1024;
/**
 * Outputs per kernel pass. A pass keeps one accumulator per output in registers and its program
 * is planned jointly; 4 fits the 16 xmm registers V8 uses and covers SeaweedFS's 10+4 in one pass.
 */
const MAX_GROUP_OUTPUTS = 4;
export const WASM_PAGE_BYTES = 64 * 1024;
/** Worst case (any 256 x 256 matrix): 2 MiB of generic-kernel tables + 512 stripes of 16 KiB. */
const MAX_MEMORY_PAGES = 160;
/** Matrices remembered (use counts, planned kernels); a codec sees its encode matrix and a few decode ones. */
const MAX_CACHED_MATRICES = 64;
/** A matrix's call number from which it runs on its own planned kernel (see the top of this file). */
const PLAN_AFTER_USES = 3;
/**
 * Generic kernel: 16-byte vectors per column step. Kernel-only 10+4 on the dev box (Xeon 2.1 GHz,
 * noisy VM), MB/s of data: strict swizzle U=1 ~2500, U=2 ~2600-2900; relaxed U=1 ~6700, U=2 ~6500-7000.
 */
const TABLE_KERNEL_UNROLL = 2;
const TABLE_KERNEL_VECTOR_BYTES = KERNEL_VECTOR_BYTES * TABLE_KERNEL_UNROLL;
/** Generic kernels are per (inputs, group size): few shapes ever occur, the bound is a backstop. */
const MAX_TABLE_KERNELS = 64;

export type KernelFn = (inPtr: number, outPtr: number, lengthBytes: number) => void;
type TableKernelFn = (inPtr: number, outPtr: number, tabPtr: number, lengthBytes: number) => void;

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
 * constant load per shuffle, which costs about half the kernel's speed.
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

/** Output groups of `rows`, each with its planned program. */
export function planKernelGroups(rows: GfMatrix): SimdKernelGroup[] {
  const groups: SimdKernelGroup[] = [];
  let first = 0;
  for (const count of groupSizes(rows.length)) {
    groups.push({ program: planProgram(rows.slice(first, first + count)), firstOutput: first });
    first += count;
  }
  return groups;
}

export interface KernelTarget {
  memory: WasmMemory;
  /** The memory's page limits (the module declares the same import). */
  pages: { initial: number; maximum: number };
  strideBytes: number;
  relaxed: boolean;
}

/** Plans, emits and instantiates the kernel for `rows` over `target.memory`. */
export function compileSimdKernel(rows: GfMatrix, target: KernelTarget): KernelFn {
  const inputs = rows[0]!.length;
  assert.ok(inputs <= MAX_KERNEL_INPUTS, `at most ${MAX_KERNEL_INPUTS} inputs`);
  const bytes = buildSimdKernelModule(
    { inputs, groups: planKernelGroups(rows), strideBytes: target.strideBytes, relaxed: target.relaxed },
    target.pages,
  );
  // Synchronous compile keeps the codec API synchronous; modules are a few KB and V8 compiles
  // them lazily, tiering the hot loop up to TurboFan in the background.
  const instance = new wasm.Instance(new wasm.Module(bytes), {
    [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: target.memory },
  });
  return instance.exports[KERNEL_EXPORT] as KernelFn;
}

export function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

function matrixKey(rows: GfMatrix): string {
  return rows.map((row) => Buffer.from(row.buffer, row.byteOffset, row.byteLength).toString('hex')).join('/');
}

interface OutputGroup {
  first: number;
  count: number;
  tableOffset: number;
}

/** Nibble tables for the generic kernel, laid out the way it reads them. */
interface PreparedTables {
  bytes: Uint8Array;
  groups: OutputGroup[];
}

function prepareTables(rows: GfMatrix): PreparedTables {
  const inputs = rows[0]!.length;
  const bytes = new Uint8Array(rows.length * inputs * TABLE_BYTES_PER_COEFFICIENT);
  const groups: OutputGroup[] = [];
  let first = 0;
  for (const count of groupSizes(rows.length)) {
    const tableOffset = first * inputs * TABLE_BYTES_PER_COEFFICIENT;
    for (let i = 0; i < inputs; i++) {
      for (let j = 0; j < count; j++) {
        writeNibbleTables(rows[first + j]![i]!, bytes, tableOffset + (i * count + j) * TABLE_BYTES_PER_COEFFICIENT);
      }
    }
    groups.push({ first, count, tableOffset });
    first += count;
  }
  return { bytes, groups };
}

interface MatrixEntry {
  uses: number;
  tables: PreparedTables | null;
  planned: KernelFn | null;
}

export interface SimdGfKernelOptions {
  /** Use i8x16.relaxed_swizzle (default: when the engine supports it). */
  relaxed?: boolean;
  /** Call number from which a matrix runs on its planned kernel (default PLAN_AFTER_USES; 1 = always). */
  planAfterUses?: number;
}

export class SimdGfKernel implements GfKernel {
  readonly name = 'wasm-simd' as const;
  private readonly memory: WasmMemory = new wasm.Memory({ initial: 1, maximum: MAX_MEMORY_PAGES });
  private heap = new Uint8Array(this.memory.buffer);
  /** By matrix content, in LRU order. */
  private readonly matrices = new Map<string, MatrixEntry>();
  private readonly tableKernels = new Map<string, TableKernelFn>();
  private readonly relaxed: boolean;
  private readonly planAfterUses: number;

  constructor(options: SimdGfKernelOptions = {}) {
    assert.ok(simdSupported(), 'WebAssembly SIMD is not available in this engine');
    this.relaxed = options.relaxed ?? relaxedSimdSupported();
    assert.ok(!this.relaxed || relaxedSimdSupported(), 'relaxed SIMD is not available in this engine');
    this.planAfterUses = options.planAfterUses ?? PLAN_AFTER_USES;
    assert.ok(Number.isInteger(this.planAfterUses) && this.planAfterUses >= 1);
  }

  get relaxedSwizzle(): boolean {
    return this.relaxed;
  }

  mulMatrix(rows: GfMatrix, inputs: readonly Uint8Array[], outputs: readonly Uint8Array[], lengthBytes: number): void {
    checkShapes(rows, inputs, outputs, lengthBytes);
    assert.ok(inputs.length <= MAX_KERNEL_INPUTS);
    if (lengthBytes === 0) return;
    const entry = this.entry(rows);
    if (entry.planned === null) entry.tables ??= prepareTables(rows);
    const tables = entry.planned === null ? entry.tables : null;
    const inBase = tables === null ? 0 : roundUp(tables.bytes.length, 64);
    const outBase = inBase + inputs.length * STRIPE_BYTES;
    this.ensureBytes(outBase + outputs.length * STRIPE_BYTES);
    const heap = this.heap;
    if (tables !== null) heap.set(tables.bytes, 0);
    const groupKernels = tables?.groups.map((g) => this.tableKernel(inputs.length, g.count));

    for (let start = 0; start < lengthBytes; start += STRIPE_BYTES) {
      const width = Math.min(STRIPE_BYTES, lengthBytes - start);
      for (let i = 0; i < inputs.length; i++)
        heap.set(inputs[i]!.subarray(start, start + width), inBase + i * STRIPE_BYTES);
      // Columns past `width` hold stale bytes; their results are never copied out.
      if (tables === null) {
        entry.planned!(inBase, outBase, roundUp(width, KERNEL_VECTOR_BYTES));
      } else {
        tables.groups.forEach((g, k) => {
          groupKernels![k]!(
            inBase,
            outBase + g.first * STRIPE_BYTES,
            g.tableOffset,
            roundUp(width, TABLE_KERNEL_VECTOR_BYTES),
          );
        });
      }
      for (let j = 0; j < outputs.length; j++) {
        const from = outBase + j * STRIPE_BYTES;
        outputs[j]!.set(heap.subarray(from, from + width), start);
      }
    }
  }

  private ensureBytes(bytes: number): void {
    const pages = Math.ceil(bytes / WASM_PAGE_BYTES);
    assert.ok(pages <= MAX_MEMORY_PAGES, `kernel staging needs ${pages} pages`);
    const current = this.memory.buffer.byteLength / WASM_PAGE_BYTES;
    if (pages > current) {
      this.memory.grow(pages - current);
      this.heap = new Uint8Array(this.memory.buffer);
    }
  }

  /** The matrix's cache entry, counting this use; compiles its planned kernel when it is due. */
  private entry(rows: GfMatrix): MatrixEntry {
    const key = matrixKey(rows);
    let entry = this.matrices.get(key);
    if (entry === undefined) {
      entry = { uses: 0, tables: null, planned: null };
      if (this.matrices.size >= MAX_CACHED_MATRICES) this.matrices.delete(this.matrices.keys().next().value!);
    } else {
      this.matrices.delete(key); // re-insert: Map order is the LRU order
    }
    this.matrices.set(key, entry);
    entry.uses++;
    if (entry.planned === null && entry.uses >= this.planAfterUses) {
      entry.planned = compileSimdKernel(rows, {
        memory: this.memory,
        pages: { initial: 1, maximum: MAX_MEMORY_PAGES },
        strideBytes: STRIPE_BYTES,
        relaxed: this.relaxed,
      });
      entry.tables = null;
    }
    return entry;
  }

  private tableKernel(inputs: number, groupOutputs: number): TableKernelFn {
    const key = `${inputs}x${groupOutputs}`;
    let fn = this.tableKernels.get(key);
    if (fn !== undefined) return fn;
    const bytes = buildTableKernelModule(
      { inputs, groupOutputs, unroll: TABLE_KERNEL_UNROLL, strideBytes: STRIPE_BYTES, relaxed: this.relaxed },
      { initial: 1, maximum: MAX_MEMORY_PAGES },
    );
    const instance = new wasm.Instance(new wasm.Module(bytes), {
      [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: this.memory },
    });
    fn = instance.exports[KERNEL_EXPORT] as TableKernelFn;
    if (this.tableKernels.size >= MAX_TABLE_KERNELS) this.tableKernels.delete(this.tableKernels.keys().next().value!);
    this.tableKernels.set(key, fn);
    return fn;
  }
}
