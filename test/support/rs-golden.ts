// The Reed-Solomon golden fixture written by test/go/rs from Go's klauspost/reedsolomon v1.14.1,
// and the input generator it used, shared by the codec, kernel and pool tests.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface GoldenEncode {
  name: string;
  dataShards: number;
  parityShards: number;
  shardBytes: number;
  seed?: number;
  dataHex?: string[];
  parityHex?: string[];
  paritySha256: string[];
}

export interface Golden {
  errors: { tooFewShards: string; shardSize: string; shardNoData: string };
  matrices: { dataShards: number; parityShards: number; parityRows: string[] }[];
  encodes: GoldenEncode[];
  reconstructs: {
    case: string;
    lost: number[];
    dataOnly: boolean;
    restoredEqual: boolean;
    restoredSha256?: string[];
    error?: string;
  }[];
}

export const golden = JSON.parse(
  readFileSync(new URL('../fixtures/rs-golden.json', import.meta.url), 'utf8'),
) as Golden;

/** The fixture's input generator (test/go/rs/main.go lcgBytes). */
export function lcgBytes(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** The data shards of a golden encode case: generated from its seed, or given as hex. */
export function goldenData(c: GoldenEncode): Uint8Array[] {
  if (c.seed !== undefined)
    return Array.from({ length: c.dataShards }, (_, i) => lcgBytes((c.seed as number) + i, c.shardBytes));
  return (c.dataHex ?? []).map((h) => new Uint8Array(Buffer.from(h, 'hex')));
}

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}
