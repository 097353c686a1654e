// Worker side of encoding a `.dat` into shard files (src/ec/ec-encoder.ts plans the batches): for
// each batch, pread the data chunks straight into the kernel's WebAssembly memory, code the
// parity in place, pwrite data and parity chunks to the shard files. Nothing crosses threads but
// the range description. Synchronous I/O is fine here: this thread does nothing else meanwhile.
// Memory: one arena per worker thread of (data + parity) x IO_CHUNK_BYTES, kept between tasks.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { batchAt, batchCount, type DatEncodeRange } from '../ec-encoder.ts';
import { SimdEncodeArena } from './gf-simd-arena.ts';

/**
 * Bytes per shard per read-code-write step (a batch's 1 MiB chunks go through in steps). 256 KiB
 * keeps a worker's arena at 3.5 MiB for 10+4 (8 MiB at 32 shards); steps from 64 KiB to 1 MiB
 * measured the same within noise on the dev VM, where page-cache writes take ~60% of the time.
 */
export const IO_CHUNK_BYTES = 256 * 1024;

let arena: SimdEncodeArena | null = null;

/** This thread's arena for the ratio; replaced (the old one left to GC) when the ratio changes. */
function arenaFor(dataShards: number, parityShards: number): SimdEncodeArena {
  if (arena === null || arena.dataShards !== dataShards || arena.parityShards !== parityShards) {
    arena = null; // drop the old memory before allocating the new one
    arena = new SimdEncodeArena(dataShards, parityShards, IO_CHUNK_BYTES);
  }
  return arena;
}

/** Reads until `buf` is full or EOF; returns the bytes read. */
function preadFully(fd: number, buf: Uint8Array, positionBytes: number): number {
  let done = 0;
  while (done < buf.length) {
    const n = readSync(fd, buf, done, buf.length - done, positionBytes + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

function pwriteFully(fd: number, buf: Uint8Array, positionBytes: number): void {
  let done = 0;
  while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done, positionBytes + done);
}

function checkRange(range: DatEncodeRange): void {
  const { dataShards, parityShards, shardPaths, firstBatch, batchCount: count, datSizeBytes } = range;
  if (!Number.isInteger(dataShards) || dataShards < 1 || !Number.isInteger(parityShards) || parityShards < 1) {
    throw new RangeError(`bad ratio ${dataShards}+${parityShards}`);
  }
  if (shardPaths.length !== dataShards + parityShards)
    throw new RangeError(`expected ${dataShards + parityShards} shard paths, got ${shardPaths.length}`);
  if (!Number.isSafeInteger(datSizeBytes) || datSizeBytes < 0) throw new RangeError(`bad .dat size ${datSizeBytes}`);
  const total = batchCount(datSizeBytes, dataShards);
  if (
    !Number.isInteger(firstBatch) ||
    !Number.isInteger(count) ||
    firstBatch < 0 ||
    count < 0 ||
    firstBatch + count > total
  ) {
    throw new RangeError(`batches [${firstBatch}, ${firstBatch + count}) outside the plan's ${total}`);
  }
}

export function encodeDatRangeSync(range: DatEncodeRange): void {
  checkRange(range);
  const { datPath, datSizeBytes, shardPaths, dataShards, parityShards } = range;
  const coder = arenaFor(dataShards, parityShards);
  const { slots } = coder;
  const dat = openSync(datPath, 'r');
  const outputs: number[] = [];
  try {
    for (const shardPath of shardPaths) outputs.push(openSync(shardPath, 'r+'));
    for (let b = range.firstBatch; b < range.firstBatch + range.batchCount; b++) {
      const batch = batchAt(b, datSizeBytes, dataShards);
      for (let step = 0; step < batch.lengthBytes; step += IO_CHUNK_BYTES) {
        const lengthBytes = Math.min(IO_CHUNK_BYTES, batch.lengthBytes - step);
        for (let i = 0; i < dataShards; i++) {
          const slot = slots[i]!;
          const start = batch.datRowStart + i * batch.blockSizeBytes + batch.innerOffsetBytes + step;
          const wanted = Math.max(0, Math.min(lengthBytes, datSizeBytes - start));
          const got = wanted > 0 ? preadFully(dat, slot.subarray(0, wanted), start) : 0;
          slot.fill(0, got, lengthBytes); // past the end of the .dat: zeros, as upstream pads
        }
        coder.encode(lengthBytes);
        for (let s = 0; s < outputs.length; s++)
          pwriteFully(outputs[s]!, slots[s]!.subarray(0, lengthBytes), batch.shardOffsetBytes + step);
      }
    }
  } finally {
    closeSync(dat);
    for (const fd of outputs) closeSync(fd);
  }
}
