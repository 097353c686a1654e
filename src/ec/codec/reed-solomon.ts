// Reed-Solomon erasure codec, byte-compatible with github.com/klauspost/reedsolomon v1.14.1
// `reedsolomon.New(data, parity)` (what SeaweedFS uses, 10+4 by default): systematic code over
// GF(2^8) with the Vandermonde-derived matrix of galois.ts. Any `dataShards` of the
// `totalShards` shards determine all the others.
import assert from 'node:assert/strict';
import { buildEncodingMatrix, FIELD_SIZE, matrixInvert, matrixMultiply, type GfMatrix } from './galois.ts';
import { gfKernel, type GfKernel, type GfKernelChoice } from './gf-kernel.ts';

/** SeaweedFS caps data + parity at 32 (erasure_coding.MaxShardCount); the field allows 256. */
export const MAX_TOTAL_SHARDS = FIELD_SIZE;
/** Decode matrices are cached per (present shards, wanted shards); a volume sees only a few. */
const MAX_CACHED_DECODE_MATRICES = 64;
/** verify() recomputes parity in column chunks so its scratch memory stays bounded. */
const VERIFY_CHUNK_BYTES = 64 * 1024;

/** Error texts start like klauspost's (ErrTooFewShards, ErrShardSize, ErrShardNoData) for grep-ability. */
export class ReedSolomonError extends Error {
  constructor(
    readonly code: 'too-few-shards' | 'shard-size' | 'no-shard-data' | 'shard-count',
    message: string,
  ) {
    super(message);
    this.name = 'ReedSolomonError';
  }
}

export interface ReedSolomonOptions {
  /** Which GF kernel to run; 'auto' (default) prefers WebAssembly SIMD. Results are identical. */
  kernel?: GfKernelChoice;
}

export class ReedSolomon {
  readonly dataShards: number;
  readonly parityShards: number;
  readonly totalShards: number;
  /** totalShards x dataShards; rows [0, dataShards) are the identity. */
  private readonly matrix: GfMatrix;
  private readonly parityRows: GfMatrix;
  private readonly kernel: GfKernel;
  private readonly decodeMatrices = new Map<string, GfMatrix>();

  constructor(dataShards: number, parityShards: number, options: ReedSolomonOptions = {}) {
    assert.ok(Number.isInteger(dataShards) && dataShards >= 1, `dataShards must be >= 1, got ${dataShards}`);
    assert.ok(Number.isInteger(parityShards) && parityShards >= 1, `parityShards must be >= 1, got ${parityShards}`);
    assert.ok(dataShards + parityShards <= MAX_TOTAL_SHARDS, `at most ${MAX_TOTAL_SHARDS} shards in all`);
    this.dataShards = dataShards;
    this.parityShards = parityShards;
    this.totalShards = dataShards + parityShards;
    this.matrix = buildEncodingMatrix(dataShards, this.totalShards);
    this.parityRows = this.matrix.slice(dataShards);
    this.kernel = gfKernel(options.kernel);
  }

  get kernelName(): string {
    return this.kernel.name;
  }

  /** shards.length === totalShards, all the same length; data shards read, parity shards overwritten in place. */
  encode(shards: Uint8Array[]): void {
    const sizeBytes = this.checkComplete(shards);
    this.kernel.mulMatrix(this.parityRows, shards.slice(0, this.dataShards), shards.slice(this.dataShards), sizeBytes);
  }

  /** True when the parity shards match the data shards. */
  verify(shards: Uint8Array[]): boolean {
    const sizeBytes = this.checkComplete(shards);
    const chunkBytes = Math.min(sizeBytes, VERIFY_CHUNK_BYTES);
    const scratch = Array.from({ length: this.parityShards }, () => new Uint8Array(chunkBytes));
    for (let start = 0; start < sizeBytes; start += chunkBytes) {
      const end = Math.min(sizeBytes, start + chunkBytes);
      const data = shards.slice(0, this.dataShards).map((s) => s.subarray(start, end));
      this.kernel.mulMatrix(this.parityRows, data, scratch, end - start);
      for (let j = 0; j < this.parityShards; j++) {
        const expected = scratch[j]!.subarray(0, end - start);
        if (
          !Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength).equals(
            shards[this.dataShards + j]!.subarray(start, end),
          )
        )
          return false;
      }
    }
    return true;
  }

  /**
   * Fills the missing entries (null or empty) from any dataShards present ones, allocating them.
   * With onlyShards, rebuilds just those indices (present ones among them are left alone).
   * Throws ReedSolomonError when fewer than dataShards are present or present lengths differ.
   */
  reconstruct(shards: (Uint8Array | null)[], onlyShards?: number[]): void {
    if (shards.length !== this.totalShards) {
      throw new ReedSolomonError('shard-count', `expected ${this.totalShards} shards, got ${shards.length}`);
    }
    const present: number[] = [];
    let sizeBytes = 0;
    for (let i = 0; i < shards.length; i++) {
      const shard = shards[i];
      if (shard === null || shard === undefined || shard.length === 0) continue;
      if (sizeBytes === 0) sizeBytes = shard.length;
      if (shard.length !== sizeBytes) {
        throw new ReedSolomonError(
          'shard-size',
          `shard sizes do not match: shard ${i} has ${shard.length} bytes, shard ${present[0]} has ${sizeBytes}`,
        );
      }
      present.push(i);
    }
    if (present.length === 0) throw new ReedSolomonError('no-shard-data', 'no shard data: every shard is missing');

    const isMissing = (i: number) => !present.includes(i);
    let wanted: number[];
    if (onlyShards === undefined) {
      wanted = Array.from({ length: this.totalShards }, (_, i) => i).filter(isMissing);
    } else {
      for (const i of onlyShards) {
        if (!Number.isInteger(i) || i < 0 || i >= this.totalShards)
          throw new RangeError(`shard index ${i} out of range 0..${this.totalShards - 1}`);
      }
      wanted = [...new Set(onlyShards)].sort((a, b) => a - b).filter(isMissing);
    }
    if (wanted.length === 0) return;
    if (present.length < this.dataShards) {
      throw new ReedSolomonError(
        'too-few-shards',
        `too few shards given: ${present.length} present, ${this.dataShards} needed`,
      );
    }

    // Like klauspost, decode from the lowest-numbered present shards (any choice gives the same bytes).
    const sources = present.slice(0, this.dataShards);
    const rows = this.decodeMatrix(sources, wanted);
    const outputs = wanted.map(() => new Uint8Array(sizeBytes));
    this.kernel.mulMatrix(
      rows,
      sources.map((i) => shards[i]!),
      outputs,
      sizeBytes,
    );
    wanted.forEach((index, k) => {
      shards[index] = outputs[k]!;
    });
  }

  /**
   * Rows expressing the wanted shards in terms of the source shards: with S = the encoding rows of
   * the sources, data = S^-1 * sources, so shard w = matrix[w] * S^-1 * sources.
   */
  private decodeMatrix(sources: number[], wanted: number[]): GfMatrix {
    assert.equal(sources.length, this.dataShards);
    const key = `${sources.join(',')}>${wanted.join(',')}`;
    const cached = this.decodeMatrices.get(key);
    if (cached !== undefined) return cached;
    const sourceInverse = matrixInvert(sources.map((i) => this.matrix[i]!));
    const rows = matrixMultiply(
      wanted.map((w) => this.matrix[w]!),
      sourceInverse,
    );
    if (this.decodeMatrices.size >= MAX_CACHED_DECODE_MATRICES)
      this.decodeMatrices.delete(this.decodeMatrices.keys().next().value!);
    this.decodeMatrices.set(key, rows);
    return rows;
  }

  private checkComplete(shards: Uint8Array[]): number {
    if (shards.length !== this.totalShards) {
      throw new ReedSolomonError('shard-count', `expected ${this.totalShards} shards, got ${shards.length}`);
    }
    const sizeBytes = shards[0]?.length ?? 0;
    if (sizeBytes === 0) throw new ReedSolomonError('no-shard-data', 'no shard data: shard 0 is empty');
    for (let i = 0; i < shards.length; i++) {
      const shard = shards[i];
      if (!(shard instanceof Uint8Array)) throw new ReedSolomonError('shard-size', `shard ${i} is missing`);
      if (shard.length !== sizeBytes) {
        throw new ReedSolomonError(
          'shard-size',
          `shard sizes do not match: shard ${i} has ${shard.length} bytes, shard 0 has ${sizeBytes}`,
        );
      }
    }
    return sizeBytes;
  }
}
