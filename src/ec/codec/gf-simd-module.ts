// Emits the WebAssembly SIMD kernel: outputs = coefficient matrix x inputs over GF(2^8), 16 bytes
// per vector, using the split-nibble table trick (PSHUFB in klauspost/reedsolomon, i8x16.swizzle
// here): c*x = lowTable[x & 15] ^ highTable[x >> 4], each table 16 bytes, so one swizzle per nibble.
// What it computes comes from a GfProgram (gf-program.ts): inputs are first combined by XORs, each
// vector is split into nibbles once, each distinct coefficient of its column costs one table
// product (shared by the outputs that use it), coefficient 1 is a bare XOR.
//
// Memory layout the kernel assumes: input i at inPtr + i * strideBytes, output j at
// outPtr + j * strideBytes. The nibble tables are immutable v128 globals baked into the module (a
// module per matrix and stride), which V8 loads right where they are used. (Tables read from
// linear memory are effectful loads that TurboFan hoists to the top of the loop body, where they
// stay live and spill; that cost the previous kernel about half its speed.)
//
// Within a column step the program is straight-line code. When it has many vectors, it is cut into
// sections, each wrapped in an `if` on a condition that is never false: TurboFan places a block's
// memory loads at its top and pure arithmetic next to its uses, so without the sections every load
// of the step would be live at once.
import assert from 'node:assert/strict';
import { writeNibbleTables } from './galois.ts';
import type { GfProgram } from './gf-program.ts';
import { assembleModule, FunctionBuilder, ValType } from './wasm-assembler.ts';

export const KERNEL_EXPORT = 'mulMatrix';
export const MAX_KERNEL_INPUTS = 256;
/** Bytes per column step: one v128. Kernels need lengthBytes to be a multiple of this. */
export const KERNEL_VECTOR_BYTES = 16;
/** Up to this many vectors run as one section (10+4's program fits: measured ~10% faster than per-vector sections). */
const SINGLE_SECTION_MAX_VECTORS = 16;
/** Vectors per section beyond that. */
const SECTION_VECTORS = 4;

export interface SimdKernelGroup {
  program: GfProgram;
  /** Output index of the program's output 0. */
  firstOutput: number;
}

export interface SimdKernelShape {
  inputs: number;
  /** Run one after the other over all columns; together they cover every output once. */
  groups: readonly SimdKernelGroup[];
  strideBytes: number;
  /**
   * i8x16.relaxed_swizzle instead of i8x16.swizzle. Our indices are always 0..15, where both agree;
   * the relaxed form compiles to a bare PSHUFB, the strict one adds a saturating add per shuffle.
   */
  relaxed: boolean;
}

const NIBBLE_MASK = new Uint8Array(16).fill(0x0f);
const ZERO = new Uint8Array(16);

/** Nibble tables as globals: low table at index g, high at g + 1; one pair per coefficient. */
class TableGlobals {
  readonly values: Uint8Array[] = [];
  private readonly byCoefficient = new Map<number, number>();

  indexOf(c: number): number {
    let g = this.byCoefficient.get(c);
    if (g === undefined) {
      const tables = new Uint8Array(32);
      writeNibbleTables(c, tables, 0);
      g = this.values.length;
      this.values.push(tables.slice(0, 16), tables.slice(16));
      this.byCoefficient.set(c, g);
    }
    return g;
  }
}

interface Locals {
  column: number;
  inColumn: number;
  mask: number;
  vectors: number[];
  acc: number[];
  low: number;
  high: number;
  product: number;
}

function emitGroup(
  fn: FunctionBuilder,
  locals: Locals,
  group: SimdKernelGroup,
  shape: SimdKernelShape,
  tables: TableGlobals,
): void {
  const { program, firstOutput } = group;
  const { strideBytes } = shape;
  const [inPtr, outPtr, lengthBytes] = [0, 1, 2];
  const { column, inColumn, mask, vectors, acc, low, high, product } = locals;
  const swizzle = () => (shape.relaxed ? fn.i8x16RelaxedSwizzle() : fn.i8x16Swizzle());
  const moved = new Set(program.vectorXors.flat());
  const used = program.columns.map((col) => col.some((c) => c !== 0));
  const order = used.flatMap((u, i) => (u ? [i] : []));
  const sectionSize = order.length <= SINGLE_SECTION_MAX_VECTORS ? order.length : SECTION_VECTORS;

  fn.i32Const(0).localSet(column);
  fn.block(); // exit
  fn.localGet(lengthBytes).i32Eqz().brIf(0);
  fn.loop(); // columns
  fn.localGet(inPtr).localGet(column).i32Add().localSet(inColumn);
  // Vectors taking part in XORs are formed up front; the others are loaded where they are used.
  for (let i = 0; i < program.inputs; i++)
    if (moved.has(i))
      fn.localGet(inColumn)
        .v128Load(i * strideBytes)
        .localSet(vectors[i]!);
  for (const [a, b] of program.vectorXors)
    fn.localGet(vectors[a]!).localGet(vectors[b]!).v128Xor().localSet(vectors[a]!);

  const assigned = new Array<boolean>(program.outputs).fill(false);
  const accumulate = (j: number, value: () => void) => {
    value();
    if (assigned[j]) fn.localGet(acc[j]!).v128Xor();
    fn.localSet(acc[j]!);
    assigned[j] = true;
  };
  for (let s = 0; s < order.length; s += sectionSize) {
    const sectioned = sectionSize < order.length;
    if (sectioned)
      fn.localGet(column)
        .i32Const(-1 - s)
        .i32Eq()
        .i32Eqz()
        .if();
    for (const i of order.slice(s, s + sectionSize)) {
      const col = program.columns[i]!;
      const v = vectors[i]!;
      if (!moved.has(i))
        fn.localGet(inColumn)
          .v128Load(i * strideBytes)
          .localSet(v);
      const coefficients = [...new Set(col.filter((c) => c > 1))];
      if (coefficients.length > 0) {
        fn.localGet(v).localGet(mask).v128And().localSet(low);
        // Shifting 16-bit lanes drags the neighbour's bits into the top nibble; the mask drops them.
        fn.localGet(v).i32Const(4).i16x8ShrU().localGet(mask).v128And().localSet(high);
      }
      for (const c of coefficients) {
        const g = tables.indexOf(c);
        const users = [...col.keys()].filter((j) => col[j] === c);
        const emitProduct = () => {
          fn.globalGet(g).localGet(low);
          swizzle();
          fn.globalGet(g + 1).localGet(high);
          swizzle();
          fn.v128Xor();
        };
        if (users.length === 1) {
          accumulate(users[0]!, emitProduct);
        } else {
          emitProduct();
          fn.localSet(product);
          for (const j of users) accumulate(j, () => fn.localGet(product));
        }
      }
      col.forEach((c, j) => {
        if (c === 1) accumulate(j, () => fn.localGet(v));
      });
    }
    if (sectioned) fn.end();
  }
  for (let j = 0; j < program.outputs; j++) if (!assigned[j]) fn.v128Const(ZERO).localSet(acc[j]!);
  for (const [j, k] of program.outputXors) fn.localGet(acc[j]!).localGet(acc[k]!).v128Xor().localSet(acc[j]!);
  for (let j = 0; j < program.outputs; j++) {
    fn.localGet(outPtr)
      .localGet(column)
      .i32Add()
      .localGet(acc[j]!)
      .v128Store((firstOutput + j) * strideBytes);
  }
  fn.localGet(column).i32Const(KERNEL_VECTOR_BYTES).i32Add().localTee(column);
  fn.localGet(lengthBytes).i32LtU().brIf(0);
  fn.end(); // columns
  fn.end(); // exit
}

/**
 * kernel(inPtr, outPtr, lengthBytes) over the imported memory `env.memory`; lengthBytes must be a
 * multiple of KERNEL_VECTOR_BYTES (callers stage whole vectors and ignore the tail).
 */
export function buildSimdKernelModule(
  shape: SimdKernelShape,
  memoryPages: { initial: number; maximum: number },
): Uint8Array {
  const { inputs, groups, strideBytes } = shape;
  assert.ok(inputs >= 1 && inputs <= MAX_KERNEL_INPUTS);
  assert.ok(groups.length >= 1);
  assert.ok(strideBytes > 0 && strideBytes % KERNEL_VECTOR_BYTES === 0);
  const outputs = groups.reduce((n, g) => n + g.program.outputs, 0);
  assert.ok(inputs * strideBytes < 2 ** 31 && outputs * strideBytes < 2 ** 31, 'offsets must fit in i32');
  for (const g of groups) assert.equal(g.program.inputs, inputs, 'every group reads all inputs');

  const i32 = ValType.i32;
  const v128 = ValType.v128;
  const fn = new FunctionBuilder([i32, i32, i32]);
  const maxGroupOutputs = Math.max(...groups.map((g) => g.program.outputs));
  const locals: Locals = {
    column: fn.local(i32),
    inColumn: fn.local(i32),
    mask: fn.local(v128),
    vectors: Array.from({ length: inputs }, () => fn.local(v128)),
    acc: Array.from({ length: maxGroupOutputs }, () => fn.local(v128)),
    low: fn.local(v128),
    high: fn.local(v128),
    product: fn.local(v128),
  };
  const tables = new TableGlobals();
  fn.v128Const(NIBBLE_MASK).localSet(locals.mask);
  for (const group of groups) emitGroup(fn, locals, group, shape, tables);
  return assembleModule({
    importedMemoryPages: memoryPages,
    functions: [{ name: KERNEL_EXPORT, fn }],
    v128Globals: tables.values,
  });
}

/** A module that only uses i8x16.relaxed_swizzle: validates iff the engine has relaxed SIMD on. */
export function relaxedSimdProbeModule(): Uint8Array {
  const fn = new FunctionBuilder([ValType.v128, ValType.v128], [ValType.v128]);
  fn.localGet(0).localGet(1).i8x16RelaxedSwizzle();
  return assembleModule({ functions: [{ name: 'probe', fn }] });
}

/** Same shape with the standard swizzle: validates iff the engine has fixed-width SIMD. */
export function simdProbeModule(): Uint8Array {
  const fn = new FunctionBuilder([ValType.v128, ValType.v128], [ValType.v128]);
  fn.localGet(0).localGet(1).i8x16Swizzle();
  return assembleModule({ functions: [{ name: 'probe', fn }] });
}
