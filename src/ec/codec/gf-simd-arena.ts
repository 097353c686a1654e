// Reed-Solomon parity for one row of shard chunks that live in WebAssembly memory: callers read
// data straight into the data slots (fs.readSync into the views), encode() computes the parity
// slots in place, and callers write the slots out from the same views. No staging copies, which
// cost about as much as the coding itself (see gf-simd-kernel.ts).
// The memory is allocated once at its final size and never grows, so the slot views stay valid.
// Without WebAssembly SIMD the slots are plain memory coded by the JS kernel (same bytes, slower).
import assert from 'node:assert/strict';
import { buildEncodingMatrix, type GfMatrix } from './galois.ts';
import { JsGfKernel } from './gf-js-kernel.ts';
import { KERNEL_VECTOR_BYTES } from './gf-simd-module.ts';
import {
  compileSimdKernel,
  type KernelFn,
  relaxedSimdSupported,
  roundUp,
  simdSupported,
  WASM_PAGE_BYTES,
} from './gf-simd-kernel.ts';
import { wasm } from './wasm-runtime.ts';

export class SimdEncodeArena {
  readonly dataShards: number;
  readonly parityShards: number;
  readonly chunkBytes: number;
  /** dataShards + parityShards views of chunkBytes each: data first, then parity. */
  readonly slots: readonly Uint8Array[];
  private readonly parityRows: GfMatrix;
  /** The SIMD kernel over this arena's memory, or null: code with the JS kernel. */
  private readonly kernel: KernelFn | null;
  private readonly jsKernel = new JsGfKernel();

  constructor(dataShards: number, parityShards: number, chunkBytes: number, options: { kernel?: 'auto' | 'js' } = {}) {
    assert.ok(Number.isInteger(dataShards) && dataShards >= 1 && Number.isInteger(parityShards) && parityShards >= 1);
    assert.ok(
      Number.isInteger(chunkBytes) && chunkBytes > 0 && chunkBytes % KERNEL_VECTOR_BYTES === 0,
      `chunkBytes must be a positive multiple of ${KERNEL_VECTOR_BYTES}`,
    );
    this.dataShards = dataShards;
    this.parityShards = parityShards;
    this.chunkBytes = chunkBytes;
    const total = dataShards + parityShards;
    this.parityRows = buildEncodingMatrix(dataShards, total).slice(dataShards);
    let buffer: ArrayBuffer;
    if ((options.kernel ?? 'auto') === 'auto' && simdSupported()) {
      const pages = Math.ceil((total * chunkBytes) / WASM_PAGE_BYTES);
      const memory = new wasm.Memory({ initial: pages, maximum: pages });
      buffer = memory.buffer;
      this.kernel = compileSimdKernel(this.parityRows, {
        memory,
        pages: { initial: pages, maximum: pages },
        strideBytes: chunkBytes,
        relaxed: relaxedSimdSupported(),
      });
    } else {
      buffer = new ArrayBuffer(total * chunkBytes);
      this.kernel = null;
    }
    this.slots = Array.from({ length: total }, (_, i) => new Uint8Array(buffer, i * chunkBytes, chunkBytes));
  }

  get kernelName(): 'wasm-simd' | 'js' {
    return this.kernel === null ? 'js' : 'wasm-simd';
  }

  /** Parity slots [0, lengthBytes) from data slots [0, lengthBytes); bytes past lengthBytes are unspecified. */
  encode(lengthBytes: number): void {
    assert.ok(
      Number.isInteger(lengthBytes) && lengthBytes >= 0 && lengthBytes <= this.chunkBytes,
      `lengthBytes ${lengthBytes} out of range`,
    );
    if (lengthBytes === 0) return;
    if (this.kernel === null) {
      this.jsKernel.mulMatrix(
        this.parityRows,
        this.slots.slice(0, this.dataShards),
        this.slots.slice(this.dataShards),
        lengthBytes,
      );
      return;
    }
    // Whole vectors; chunkBytes is a multiple of the vector size, so the tail stays inside the slot.
    this.kernel(
      this.slots[0]!.byteOffset,
      this.slots[this.dataShards]!.byteOffset,
      roundUp(lengthBytes, KERNEL_VECTOR_BYTES),
    );
  }
}
