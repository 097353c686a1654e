// Piscina task module: Reed-Solomon encode/reconstruct off the event loop (see src/ec/coding-pool.ts).
// Inputs arrive transferred (or shared, for SharedArrayBuffer views); results go back transferred
// (encode's parity shards are views of one buffer). 'encode-dat-range' codes part of a `.dat`
// into shard files without any shard bytes crossing threads (ec-file-encode.ts).
//
// Loading: piscina tries require() before import(). Under `--import tsx` (npm test, scripts)
// a worker thread on Node 20 gets tsx's require hook but not its ESM hooks, so this module and
// everything it imports are compiled to CommonJS by tsx. Hence: no top-level await in this graph.
import { move, transferableSymbol, valueSymbol } from 'piscina';
import type { DatEncodeRange } from '../ec-encoder.ts';
import { ReedSolomon } from './reed-solomon.ts';
import { encodeDatRangeSync } from './ec-file-encode.ts';

export interface EncodeParityTask {
  op: 'encode';
  dataShards: number;
  parityShards: number;
  data: Uint8Array[];
}

export interface ReconstructTask {
  op: 'reconstruct';
  dataShards: number;
  parityShards: number;
  shards: (Uint8Array | null)[];
  wanted: number[];
}

export interface EncodeDatRangeTask {
  op: 'encode-dat-range';
  range: DatEncodeRange;
}

export type CodingTask = EncodeParityTask | ReconstructTask | EncodeDatRangeTask;
/** encode: the parity shards; reconstruct: [index, shard] for every wanted index; encode-dat-range: null. */
export type CodingResult = Uint8Array[] | [number, Uint8Array][] | null;

/** Codecs per shape; a process uses one or two ratios, the bound is only a backstop. */
const MAX_CODECS = 16;
const codecs = new Map<string, ReedSolomon>();

function codec(dataShards: number, parityShards: number): ReedSolomon {
  const key = `${dataShards}+${parityShards}`;
  let rs = codecs.get(key);
  if (rs === undefined) {
    if (codecs.size >= MAX_CODECS) codecs.delete(codecs.keys().next().value!);
    rs = new ReedSolomon(dataShards, parityShards);
    codecs.set(key, rs);
  }
  return rs;
}

function transferable(value: Uint8Array[] | [number, Uint8Array][], views: Uint8Array[]): unknown {
  // A buffer listed twice in a transfer list is a DataCloneError (a returned input may share one);
  // a SharedArrayBuffer cannot be listed at all (it is shared, not moved).
  const buffers = [...new Set(views.map((v) => v.buffer))].filter((b) => b instanceof ArrayBuffer);
  return move({ [transferableSymbol]: buffers, [valueSymbol]: value } as never);
}

export default function runCodingTask(task: CodingTask): unknown {
  if (task.op === 'encode-dat-range') {
    encodeDatRangeSync(task.range);
    return null;
  }
  const rs = codec(task.dataShards, task.parityShards);
  if (task.op === 'encode') {
    if (task.data.length !== rs.dataShards)
      throw new RangeError(`expected ${rs.dataShards} data shards, got ${task.data.length}`);
    const sizeBytes = task.data[0]?.length ?? 0;
    // One uninitialised allocation for all parity (encode overwrites every byte): per-shard zeroed
    // buffers measured ~30% off the throughput of a 10 x 1 MiB encode.
    const block = Buffer.allocUnsafeSlow(sizeBytes * rs.parityShards);
    const parity = Array.from(
      { length: rs.parityShards },
      (_, j) => new Uint8Array(block.buffer, block.byteOffset + j * sizeBytes, sizeBytes),
    );
    rs.encode([...task.data, ...parity]);
    return transferable(parity, parity);
  }
  const shards = task.shards;
  rs.reconstruct(shards, task.wanted);
  const entries: [number, Uint8Array][] = task.wanted.map((i) => [i, shards[i]!]);
  return transferable(
    entries,
    entries.map(([, shard]) => shard),
  );
}
