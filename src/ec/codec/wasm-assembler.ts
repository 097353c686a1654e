// A tiny WebAssembly assembler: just the module sections and opcodes the GF(2^8) SIMD kernel needs,
// so the kernel ships as TypeScript that emits its own bytes (no toolchain, no binary blob).
// Encoding per the WebAssembly core spec 2.0 (binary format, chapter 5) and the fixed-width SIMD
// proposal: every SIMD instruction is the prefix 0xfd followed by its opcode as unsigned LEB128.
import assert from 'node:assert/strict';

export const ValType = { i32: 0x7f, v128: 0x7b } as const;
export type ValType = (typeof ValType)[keyof typeof ValType];

/** Block type for `block`/`loop` without params or results. */
const BLOCK_EMPTY = 0x40;

/** Single-byte core opcodes we use. */
const Op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  globalGet: 0x23,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32LtU: 0x49,
  i32Add: 0x6a,
  i32Sub: 0x6b,
} as const;

const SIMD_PREFIX = 0xfd;
/** SIMD opcodes (after the 0xfd prefix). */
const SimdOp = {
  v128Load: 0x00,
  v128Store: 0x0b,
  v128Const: 0x0c,
  i8x16Swizzle: 0x0e,
  v128And: 0x4e,
  v128Xor: 0x51,
  i16x8ShrU: 0x8d,
  /** Relaxed SIMD proposal: indices >= 16 are implementation-defined (a bare PSHUFB on x64). */
  i8x16RelaxedSwizzle: 0x100,
} as const;

export function unsignedLeb128(value: number): number[] {
  assert.ok(Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff, `bad u32 ${value}`);
  const out: number[] = [];
  let v = value;
  do {
    let byte = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

export function signedLeb128(value: number): number[] {
  assert.ok(Number.isInteger(value) && value >= -0x8000_0000 && value <= 0x7fff_ffff, `bad i32 ${value}`);
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** Concatenates byte arrays (spreading large arrays into literals is slow and can overflow the stack). */
function concat(...parts: readonly (readonly number[])[]): number[] {
  const out: number[] = [];
  for (const part of parts) for (let i = 0; i < part.length; i++) out.push(part[i]!);
  return out;
}

function vector(items: number[][]): number[] {
  return concat(unsignedLeb128(items.length), ...items);
}

function utf8Name(name: string): number[] {
  const bytes = [...Buffer.from(name, 'utf8')];
  return [...unsignedLeb128(bytes.length), ...bytes];
}

/** Emits one function body. Methods mirror the instruction names; locals are indices. */
export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly locals: ValType[] = [];
  private depth = 0;

  constructor(
    readonly params: readonly ValType[],
    readonly results: readonly ValType[] = [],
  ) {}

  /** Declares a local after the params; returns its index. */
  local(type: ValType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  private emit(...bytes: number[]): this {
    for (const b of bytes) {
      assert.ok((b & 0xff) === b, 'not a byte');
      this.code.push(b);
    }
    return this;
  }

  private simd(op: number, ...immediates: number[]): this {
    return this.emit(SIMD_PREFIX, ...unsignedLeb128(op), ...immediates);
  }

  block(): this {
    this.depth++;
    return this.emit(Op.block, BLOCK_EMPTY);
  }
  loop(): this {
    this.depth++;
    return this.emit(Op.loop, BLOCK_EMPTY);
  }
  /** `if` without `else`: runs the block when the i32 on the stack is non-zero. */
  if(): this {
    this.depth++;
    return this.emit(Op.if, BLOCK_EMPTY);
  }
  end(): this {
    assert.ok(this.depth > 0, 'end without block');
    this.depth--;
    return this.emit(Op.end);
  }
  /** Branch if non-zero to the label `labelDepth` levels out (0 = innermost; a loop label jumps back). */
  brIf(labelDepth: number): this {
    return this.emit(Op.brIf, ...unsignedLeb128(labelDepth));
  }
  localGet(index: number): this {
    return this.emit(Op.localGet, ...unsignedLeb128(index));
  }
  localSet(index: number): this {
    return this.emit(Op.localSet, ...unsignedLeb128(index));
  }
  localTee(index: number): this {
    return this.emit(Op.localTee, ...unsignedLeb128(index));
  }
  globalGet(index: number): this {
    return this.emit(Op.globalGet, ...unsignedLeb128(index));
  }
  i32Const(value: number): this {
    return this.emit(Op.i32Const, ...signedLeb128(value));
  }
  i32Eqz(): this {
    return this.emit(Op.i32Eqz);
  }
  i32Eq(): this {
    return this.emit(Op.i32Eq);
  }
  i32LtU(): this {
    return this.emit(Op.i32LtU);
  }
  i32Add(): this {
    return this.emit(Op.i32Add);
  }
  i32Sub(): this {
    return this.emit(Op.i32Sub);
  }
  /** `offsetBytes` is the constant added to the i32 address on the stack; alignment hint 16. */
  v128Load(offsetBytes = 0): this {
    return this.simd(SimdOp.v128Load, 4, ...unsignedLeb128(offsetBytes));
  }
  v128Store(offsetBytes = 0): this {
    return this.simd(SimdOp.v128Store, 4, ...unsignedLeb128(offsetBytes));
  }
  v128Const(bytes: ArrayLike<number>): this {
    assert.equal(bytes.length, 16);
    return this.simd(SimdOp.v128Const, ...Array.from(bytes));
  }
  i8x16Swizzle(): this {
    return this.simd(SimdOp.i8x16Swizzle);
  }
  i8x16RelaxedSwizzle(): this {
    return this.simd(SimdOp.i8x16RelaxedSwizzle);
  }
  v128And(): this {
    return this.simd(SimdOp.v128And);
  }
  v128Xor(): this {
    return this.simd(SimdOp.v128Xor);
  }
  i16x8ShrU(): this {
    return this.simd(SimdOp.i16x8ShrU);
  }

  /** The code-section entry: size, locals (runs of one type form a group), body. */
  encodeBody(): number[] {
    assert.equal(this.depth, 0, 'unclosed block');
    const localGroups: number[][] = [];
    for (let i = 0; i < this.locals.length; ) {
      let run = 1;
      while (i + run < this.locals.length && this.locals[i + run] === this.locals[i]) run++;
      localGroups.push([...unsignedLeb128(run), this.locals[i]!]);
      i += run;
    }
    const body = concat(vector(localGroups), this.code, [Op.end]);
    return concat(unsignedLeb128(body.length), body);
  }
}

export interface ModuleSpec {
  /**
   * Memory imported as `env.memory` (so several kernels can share one staging area), in 64 KiB
   * pages; omitted for modules that touch no memory.
   */
  importedMemoryPages?: { initial: number; maximum: number };
  functions: { name: string; fn: FunctionBuilder }[];
  /** Immutable v128 globals, initialised from constants (index = position). */
  v128Globals?: readonly Uint8Array[];
}

export const MEMORY_IMPORT = { module: 'env', name: 'memory' } as const;

const Section = { type: 1, import: 2, function: 3, global: 6, export: 7, code: 10 } as const;
const ExternKind = { func: 0x00, memory: 0x02 } as const;
const FUNC_TYPE = 0x60;
const LIMITS_MIN_MAX = 0x01;
const GLOBAL_IMMUTABLE = 0x00;

function section(id: number, payload: number[]): number[] {
  return concat([id], unsignedLeb128(payload.length), payload);
}

export function assembleModule(spec: ModuleSpec): Uint8Array {
  // One type per function keeps the type section trivially consistent.
  const types = spec.functions.map(({ fn }) => [
    FUNC_TYPE,
    ...vector(fn.params.map((t) => [t])),
    ...vector(fn.results.map((t) => [t])),
  ]);
  const imports: number[][] = [];
  if (spec.importedMemoryPages) {
    const { initial, maximum } = spec.importedMemoryPages;
    assert.ok(initial >= 1 && maximum >= initial && maximum <= 65536);
    imports.push([
      ...utf8Name(MEMORY_IMPORT.module),
      ...utf8Name(MEMORY_IMPORT.name),
      ExternKind.memory,
      LIMITS_MIN_MAX,
      ...unsignedLeb128(initial),
      ...unsignedLeb128(maximum),
    ]);
  }
  const globals = (spec.v128Globals ?? []).map((init) => {
    assert.equal(init.length, 16);
    return [
      ValType.v128,
      GLOBAL_IMMUTABLE,
      SIMD_PREFIX,
      ...unsignedLeb128(SimdOp.v128Const),
      ...Array.from(init),
      Op.end,
    ];
  });
  const exports = spec.functions.map(({ name }, i) => [...utf8Name(name), ExternKind.func, ...unsignedLeb128(i)]);
  const bytes = concat(
    [0x00, 0x61, 0x73, 0x6d], // "\0asm"
    [0x01, 0x00, 0x00, 0x00], // version 1
    section(Section.type, vector(types)),
    imports.length > 0 ? section(Section.import, vector(imports)) : [],
    section(Section.function, vector(spec.functions.map((_, i) => unsignedLeb128(i)))),
    globals.length > 0 ? section(Section.global, vector(globals)) : [],
    section(Section.export, vector(exports)),
    section(Section.code, vector(spec.functions.map(({ fn }) => fn.encodeBody()))),
  );
  return Uint8Array.from(bytes);
}
