// The matrix-independent SIMD kernel: coefficients come as nibble tables in linear memory, so one
// compiled module (per input count, group size and stride) serves every matrix. It runs at about
// half the speed of a planned kernel (gf-simd-module.ts) but costs nothing per matrix, which suits
// matrices used once or twice (most decode matrices); gf-simd-kernel.ts switches a matrix to a
// planned kernel once it is used repeatedly.
//
// Memory layout: input i at inPtr + i * strideBytes, output j of the group at outPtr + j * strideBytes,
// for input i and output j of the group the low then high nibble table (16 bytes each) at
// tabPtr + (i * groupOutputs + j) * 32.
// Per 16-byte column step: for each input (a loop), split the bytes into nibbles once, then for each
// output of the group two table loads, two swizzles and two XORs into a v128 accumulator.
// Do not unroll the input loop: TurboFan then hoists every table load of the step to the top and
// spills them all to the stack (seen in --print-wasm-code, several times slower).
import assert from 'node:assert/strict';
import { KERNEL_EXPORT, MAX_KERNEL_INPUTS } from './gf-simd-module.ts';
import { assembleModule, FunctionBuilder, ValType } from './wasm-assembler.ts';

export const TABLE_BYTES_PER_COEFFICIENT = 32;

const NIBBLE_MASK = new Uint8Array(16).fill(0x0f);
const ZERO = new Uint8Array(16);

export interface TableKernelShape {
  inputs: number;
  /** Outputs computed per pass over the inputs; 16-byte accumulators live in locals. */
  groupOutputs: number;
  /** 16-byte vectors per column step (more = fewer table loads, more registers). */
  unroll: number;
  strideBytes: number;
  /**
   * i8x16.relaxed_swizzle instead of i8x16.swizzle. Our indices are always 0..15, where both agree;
   * the relaxed form compiles to a bare PSHUFB, the strict one adds a saturating add per shuffle.
   */
  relaxed: boolean;
}

/**
 * kernel(inPtr, outPtr, tabPtr, lengthBytes) over the imported memory `env.memory`; lengthBytes must
 * be a multiple of 16 * unroll (the caller stages whole vectors and ignores the tail).
 */
export function buildTableKernelModule(
  shape: TableKernelShape,
  memoryPages: { initial: number; maximum: number },
): Uint8Array {
  const { inputs, groupOutputs, unroll, strideBytes } = shape;
  assert.ok(inputs >= 1 && inputs <= MAX_KERNEL_INPUTS);
  assert.ok(groupOutputs >= 1 && groupOutputs <= 8);
  assert.ok(unroll >= 1 && unroll <= 4);
  assert.ok(strideBytes > 0 && strideBytes % (16 * unroll) === 0);
  assert.ok(inputs * strideBytes < 2 ** 31 && groupOutputs * strideBytes < 2 ** 31, 'offsets must fit in i32');

  const i32 = ValType.i32;
  const fn = new FunctionBuilder([i32, i32, i32, i32]);
  const [inPtr, outPtr, tabPtr, lengthBytes] = [0, 1, 2, 3];
  const column = fn.local(i32); // byte offset of the current column step
  const inColumn = fn.local(i32); // input i's column address
  const table = fn.local(i32); // input i's tables
  const remaining = fn.local(i32); // inputs left in this column step
  const mask = fn.local(ValType.v128);
  const low = Array.from({ length: unroll }, () => fn.local(ValType.v128));
  const high = Array.from({ length: unroll }, () => fn.local(ValType.v128));
  const lowTable = fn.local(ValType.v128);
  const highTable = fn.local(ValType.v128);
  const acc = Array.from({ length: groupOutputs * unroll }, () => fn.local(ValType.v128));
  const swizzle = () => (shape.relaxed ? fn.i8x16RelaxedSwizzle() : fn.i8x16Swizzle());

  fn.v128Const(NIBBLE_MASK).localSet(mask);
  fn.block(); // exit label
  fn.localGet(lengthBytes).i32Eqz().brIf(0);
  fn.loop(); // column loop
  for (const a of acc) fn.v128Const(ZERO).localSet(a);
  fn.localGet(inPtr).localGet(column).i32Add().localSet(inColumn);
  fn.localGet(tabPtr).localSet(table);
  fn.i32Const(inputs).localSet(remaining);
  // A real loop over the inputs, not unrolled (see the top of this file).
  fn.loop(); // input loop
  for (let u = 0; u < unroll; u++) {
    // low = v & 0x0f; high = (v >> 4) & 0x0f, shifting 16-bit lanes (one instruction) then masking.
    fn.localGet(inColumn)
      .v128Load(u * 16)
      .localTee(high[u]!);
    fn.localGet(mask).v128And().localSet(low[u]!);
    fn.localGet(high[u]!).i32Const(4).i16x8ShrU().localGet(mask).v128And().localSet(high[u]!);
  }
  for (let j = 0; j < groupOutputs; j++) {
    const tableOffset = j * TABLE_BYTES_PER_COEFFICIENT;
    fn.localGet(table).v128Load(tableOffset).localSet(lowTable);
    fn.localGet(table)
      .v128Load(tableOffset + 16)
      .localSet(highTable);
    for (let u = 0; u < unroll; u++) {
      const a = acc[j * unroll + u]!;
      fn.localGet(lowTable).localGet(low[u]!);
      swizzle();
      fn.localGet(highTable).localGet(high[u]!);
      swizzle();
      fn.v128Xor().localGet(a).v128Xor().localSet(a);
    }
  }
  fn.localGet(inColumn).i32Const(strideBytes).i32Add().localSet(inColumn);
  fn.localGet(table)
    .i32Const(groupOutputs * TABLE_BYTES_PER_COEFFICIENT)
    .i32Add()
    .localSet(table);
  fn.localGet(remaining).i32Const(1).i32Sub().localTee(remaining).brIf(0);
  fn.end(); // input loop
  for (let j = 0; j < groupOutputs; j++) {
    for (let u = 0; u < unroll; u++) {
      fn.localGet(outPtr)
        .localGet(column)
        .i32Add()
        .localGet(acc[j * unroll + u]!)
        .v128Store(j * strideBytes + u * 16);
    }
  }
  fn.localGet(column)
    .i32Const(16 * unroll)
    .i32Add()
    .localTee(column);
  fn.localGet(lengthBytes).i32LtU().brIf(0);
  fn.end(); // column loop
  fn.end(); // block
  return assembleModule({ importedMemoryPages: memoryPages, functions: [{ name: KERNEL_EXPORT, fn }] });
}
