// The one hot operation of the erasure codec: outputs = coefficient matrix x inputs over GF(2^8),
// independently at every byte position. Two implementations give identical bytes: a WebAssembly
// SIMD kernel (~100x faster, used whenever the engine has fixed-width SIMD) and pure JS.
import type { GfMatrix } from './galois.ts';
import { JsGfKernel } from './gf-js-kernel.ts';
import { SimdGfKernel, simdSupported } from './gf-simd-kernel.ts';

export type GfKernelName = 'wasm-simd' | 'js';
/** 'auto' = wasm-simd when the engine supports it, else js. */
export type GfKernelChoice = GfKernelName | 'auto';

export interface GfKernel {
  readonly name: GfKernelName;
  /**
   * outputs[j][k] = XOR over i of rows[j][i] * inputs[i][k], for k in [0, lengthBytes); outputs are
   * overwritten there. rows is outputs.length x inputs.length. Outputs must not alias inputs.
   */
  mulMatrix(rows: GfMatrix, inputs: readonly Uint8Array[], outputs: readonly Uint8Array[], lengthBytes: number): void;
}

let simdKernel: GfKernel | undefined;
let jsKernel: GfKernel | undefined;

/** Kernels are per-thread singletons: the SIMD one owns a staging memory shared by all codecs. */
export function gfKernel(choice: GfKernelChoice = 'auto'): GfKernel {
  if (choice === 'wasm-simd' || (choice === 'auto' && simdSupported())) {
    simdKernel ??= new SimdGfKernel();
    return simdKernel;
  }
  jsKernel ??= new JsGfKernel();
  return jsKernel;
}
