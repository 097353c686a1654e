// Striping a `.dat` into `.ec00`…: data shards are the `.dat` cut into blocks (4.53's uniform
// layout: one block per shard; the legacy one: 1 GiB then 1 MiB blocks row by row), zero-filled
// past the end; parity shards are Reed-Solomon over each row. Also regenerating missing shard
// files from the ones present.
// Encoding runs in the worker pool straight from the files when the coder can (FileParityCoder:
// workers read into and write from their kernel's memory, see codec/ec-file-encode.ts);
// any other ParityCoder gets the chunks through encodeParity. Memory stays bounded either way: a
// batch holds one chunk per shard, and at most MAX_BATCHES_IN_FLIGHT batches exist at once (a
// worker holds one sub-chunk per shard).
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { assert } from '../storage/types.ts';
import {
  type EcRatio,
  LARGE_BLOCK_SIZE_BYTES,
  SMALL_BLOCK_SIZE_BYTES,
  blockSizeProblem,
  stripeRows,
  totalShards,
  uniformBlockSizeBytes,
} from './ec-layout.ts';

/** What the encoder needs from the Reed-Solomon worker pool. */
export interface ParityCoder {
  encodeParity(dataShards: number, parityShards: number, data: Uint8Array[]): Promise<Uint8Array[]>;
  reconstruct(
    dataShards: number,
    parityShards: number,
    shards: (Uint8Array | null)[],
    wanted: number[],
  ): Promise<Map<number, Uint8Array>>;
}

/** Batches [firstBatch, firstBatch + batchCount) of encoding a `.dat`, done by one worker task. */
export interface DatEncodeRange {
  datPath: string;
  datSizeBytes: number;
  /** One per shard; they exist already (the worker opens them for writing, without truncating). */
  shardPaths: string[];
  dataShards: number;
  parityShards: number;
  firstBatch: number;
  batchCount: number;
  /** The layout (see batchAt); absent = uniform. Workers that ignore it encode uniform. */
  blockSizeBytes?: number;
}

/** A coder that can also encode ranges of a `.dat` straight from and to the files (the pool). */
export interface FileParityCoder extends ParityCoder {
  /** Worker threads: how many ranges are worth running at once. */
  readonly threads: number;
  encodeDatRange(range: DatEncodeRange): Promise<void>;
}

function isFileParityCoder(coder: ParityCoder): coder is FileParityCoder {
  const c = coder as Partial<FileParityCoder>;
  return typeof c.encodeDatRange === 'function' && typeof c.threads === 'number';
}

/** Bytes of each shard coded per batch: one small block, so a small row is one batch. */
export const CHUNK_BYTES = SMALL_BLOCK_SIZE_BYTES;
const MAX_BATCHES_IN_FLIGHT = 4;
/**
 * Batches per worker task: 16 x 10 MiB of a 10+4 `.dat`, ~0.1 s of work, so reconstructs for
 * reads queued behind an encode wait little.
 */
const MAX_RANGE_BATCHES = 16;
const BATCHES_PER_LARGE_BLOCK = LARGE_BLOCK_SIZE_BYTES / CHUNK_BYTES;

async function readFully(handle: FileHandle, buf: Uint8Array, positionBytes: number): Promise<number> {
  let done = 0;
  while (done < buf.length) {
    const { bytesRead } = await handle.read(buf, done, buf.length - done, positionBytes + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

async function writeFully(handle: FileHandle, buf: Uint8Array, positionBytes: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesWritten } = await handle.write(buf, done, buf.length - done, positionBytes + done);
    done += bytesWritten;
  }
}

/** Runs tasks with at most `limit` in flight; the first failure rejects after in-flight ones settle. */
async function runBounded(count: number, limit: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown = null;
  const worker = async () => {
    while (failure === null && next < count) {
      const index = next++;
      try {
        await task(index);
      } catch (err) {
        if (failure === null) failure = err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  if (failure !== null) throw failure;
}

/** One batch: for every data shard, `lengthBytes` of `.dat` starting at its block position. */
export interface Batch {
  /** Where shard i's chunk starts in `.dat`: datRowStart + i * blockSizeBytes + innerOffsetBytes. */
  datRowStart: number;
  blockSizeBytes: number;
  innerOffsetBytes: number;
  shardOffsetBytes: number;
  lengthBytes: number;
}

/** The block size to encode with: undefined = uniform for this size, 0 = legacy, else as given. */
function resolveBlockSize(datSizeBytes: number, dataShards: number, blockSizeBytes: number | undefined): number {
  const resolved = blockSizeBytes ?? uniformBlockSizeBytes(datSizeBytes, dataShards);
  const problem = blockSizeProblem(resolved);
  assert(problem === null, problem ?? '');
  // A uniform block must hold a whole shard's share, or the tail of the .dat is lost.
  assert(
    resolved === 0 || resolved * dataShards >= datSizeBytes,
    `block ${resolved} too small for ${datSizeBytes} bytes`,
  );
  return resolved;
}

/**
 * Batches of encoding a `.dat`. Uniform (`blockSizeBytes` > 0, or undefined = uniform for this
 * size): the one row in 1 MiB steps. Legacy (0): each 1 GiB row in 1 MiB steps, then one per
 * 1 MiB row.
 */
export function batchCount(datSizeBytes: number, dataShards: number, blockSizeBytes?: number): number {
  if (datSizeBytes === 0) return 0; // empty shards, as upstream writes for an empty .dat
  const block = resolveBlockSize(datSizeBytes, dataShards, blockSizeBytes);
  if (block > 0) return block / CHUNK_BYTES;
  const { largeRows, smallRows } = stripeRows(datSizeBytes, dataShards);
  return largeRows * BATCHES_PER_LARGE_BLOCK + smallRows;
}

/** Batch `index` of the plan batchCount counts (computed, so a plan never sits in memory). */
export function batchAt(index: number, datSizeBytes: number, dataShards: number, blockSizeBytes?: number): Batch {
  assert(
    Number.isInteger(index) && index >= 0 && index < batchCount(datSizeBytes, dataShards, blockSizeBytes),
    `batch ${index} out of range`,
  );
  const block = resolveBlockSize(datSizeBytes, dataShards, blockSizeBytes);
  if (block > 0) {
    const inner = index * CHUNK_BYTES;
    return {
      datRowStart: 0,
      blockSizeBytes: block,
      innerOffsetBytes: inner,
      shardOffsetBytes: inner,
      lengthBytes: CHUNK_BYTES,
    };
  }
  const { largeRows } = stripeRows(datSizeBytes, dataShards);
  const largeBatches = largeRows * BATCHES_PER_LARGE_BLOCK;
  if (index < largeBatches) {
    const row = Math.floor(index / BATCHES_PER_LARGE_BLOCK);
    const inner = (index % BATCHES_PER_LARGE_BLOCK) * CHUNK_BYTES;
    return {
      datRowStart: row * LARGE_BLOCK_SIZE_BYTES * dataShards,
      blockSizeBytes: LARGE_BLOCK_SIZE_BYTES,
      innerOffsetBytes: inner,
      shardOffsetBytes: row * LARGE_BLOCK_SIZE_BYTES + inner,
      lengthBytes: CHUNK_BYTES,
    };
  }
  const row = index - largeBatches;
  return {
    datRowStart: largeRows * LARGE_BLOCK_SIZE_BYTES * dataShards + row * SMALL_BLOCK_SIZE_BYTES * dataShards,
    blockSizeBytes: SMALL_BLOCK_SIZE_BYTES,
    innerOffsetBytes: 0,
    shardOffsetBytes: largeRows * LARGE_BLOCK_SIZE_BYTES + row * SMALL_BLOCK_SIZE_BYTES,
    lengthBytes: SMALL_BLOCK_SIZE_BYTES,
  };
}

/** Splits `count` batches into contiguous ranges: at least one per thread, none above MAX_RANGE_BATCHES. */
export function splitBatches(count: number, threads: number): { firstBatch: number; batchCount: number }[] {
  if (count === 0) return [];
  const ranges = Math.max(Math.min(threads, count), Math.ceil(count / MAX_RANGE_BATCHES));
  return Array.from({ length: ranges }, (_, r) => {
    const firstBatch = Math.floor((r * count) / ranges);
    return { firstBatch, batchCount: Math.floor(((r + 1) * count) / ranges) - firstBatch };
  });
}

/**
 * The pool path: the main thread creates (truncates) the outputs, workers fill them, the main thread
 * syncs them. Writeback overlaps the coding: whenever a range is done and no flush is running, the
 * outputs are fdatasync'ed in the background (a 1 GB .dat leaves 1.4 GB of dirty pages; flushing
 * them only at the end measured ~35% slower end to end). The final fsync covers the rest.
 */
async function encodeInWorkers(
  datPath: string,
  datSizeBytes: number,
  shardPaths: string[],
  ratio: EcRatio,
  coder: FileParityCoder,
  blockSizeBytes: number,
  onProgress?: EncodeProgress,
): Promise<void> {
  await (await fs.open(datPath, 'r')).close(); // a missing .dat fails here, as on the other path
  const outputs: FileHandle[] = [];
  let flushing: Promise<void> | null = null;
  let flushError: unknown = null;
  const flushInBackground = () => {
    if (flushing !== null) return;
    flushing = (async () => {
      try {
        for (const output of outputs) await output.datasync();
      } catch (err) {
        flushError ??= err;
      } finally {
        flushing = null;
      }
    })();
  };
  try {
    for (const shardPath of shardPaths) outputs.push(await fs.open(shardPath, 'w'));
    const batches = batchCount(datSizeBytes, ratio.dataShards, blockSizeBytes);
    const ranges = splitBatches(batches, coder.threads);
    let batchesDone = 0;
    await runBounded(ranges.length, coder.threads, async (index) => {
      const range = ranges[index]!;
      await coder.encodeDatRange({
        datPath,
        datSizeBytes,
        shardPaths,
        dataShards: ratio.dataShards,
        parityShards: ratio.parityShards,
        blockSizeBytes,
        ...range,
      });
      batchesDone += range.batchCount;
      onProgress?.(
        Math.min(datSizeBytes, Math.round((datSizeBytes * batchesDone) / Math.max(1, batches))),
        datSizeBytes,
      );
      if (index < ranges.length - 1) flushInBackground();
    });
    await flushing;
    if (flushError !== null) throw flushError;
    for (const output of outputs) await output.sync();
  } finally {
    await flushing;
    for (const output of outputs) await output.close();
  }
}

/**
 * Writes `shardPaths[i]` for every shard of `ratio` from the `.dat` (its first `datSizeBytes`),
 * in the uniform layout unless `blockSizeBytes` says otherwise (0 = legacy, for tests and
 * fixtures: 4.53 never encodes it). Returns the block size used. On failure the caller removes
 * the outputs.
 */
/** Told the `.dat` bytes encoded so far, out of the total, as batches complete. */
export type EncodeProgress = (doneBytes: number, totalBytes: number) => void;

export async function encodeDatFile(
  datPath: string,
  datSizeBytes: number,
  shardPaths: string[],
  ratio: EcRatio,
  coder: ParityCoder,
  blockSizeBytes?: number,
  onProgress?: EncodeProgress,
): Promise<number> {
  const total = totalShards(ratio);
  assert(shardPaths.length === total, 'one output path per shard');
  assert(Number.isSafeInteger(datSizeBytes) && datSizeBytes >= 0, `bad .dat size ${datSizeBytes}`);
  const block = resolveBlockSize(datSizeBytes, ratio.dataShards, blockSizeBytes);
  // Pool workers plan batches with the default (uniform) layout; legacy runs in this thread.
  if (isFileParityCoder(coder) && block === uniformBlockSizeBytes(datSizeBytes, ratio.dataShards)) {
    await encodeInWorkers(datPath, datSizeBytes, shardPaths, ratio, coder, block, onProgress);
    return block;
  }
  const dat = await fs.open(datPath, 'r');
  const outputs: FileHandle[] = [];
  try {
    for (const shardPath of shardPaths) outputs.push(await fs.open(shardPath, 'w'));
    const batches = batchCount(datSizeBytes, ratio.dataShards, block);
    let batchesDone = 0;
    await runBounded(batches, MAX_BATCHES_IN_FLIGHT, async (index) => {
      const batch = batchAt(index, datSizeBytes, ratio.dataShards, block);
      const data: Uint8Array[] = [];
      for (let i = 0; i < ratio.dataShards; i++) {
        const chunk = new Uint8Array(batch.lengthBytes);
        const start = batch.datRowStart + i * batch.blockSizeBytes + batch.innerOffsetBytes;
        if (start < datSizeBytes) {
          const wanted = Math.min(batch.lengthBytes, datSizeBytes - start);
          await readFully(dat, chunk.subarray(0, wanted), start);
        }
        data.push(chunk);
      }
      // Data chunks go to disk before the coder may take ownership of them.
      await Promise.all(data.map((chunk, i) => writeFully(outputs[i] as FileHandle, chunk, batch.shardOffsetBytes)));
      const parity = await coder.encodeParity(ratio.dataShards, ratio.parityShards, data);
      assert(parity.length === ratio.parityShards, 'parity shard count');
      await Promise.all(
        parity.map((chunk, j) =>
          writeFully(outputs[ratio.dataShards + j] as FileHandle, chunk, batch.shardOffsetBytes),
        ),
      );
      batchesDone++;
      onProgress?.(
        Math.min(datSizeBytes, Math.round((datSizeBytes * batchesDone) / Math.max(1, batches))),
        datSizeBytes,
      );
    });
    for (const output of outputs) await output.sync();
  } finally {
    await dat.close();
    for (const output of outputs) await output.close();
  }
  return block;
}

/**
 * Regenerates the shards whose path in `missing` is given, from the shards in `present` (at
 * least dataShards of them, all of `shardSizeBytes`). Outputs are written to `<path>.tmp` and
 * renamed only when complete.
 */
export async function rebuildShardFiles(
  present: Map<number, string>,
  missing: Map<number, string>,
  shardSizeBytes: number,
  ratio: EcRatio,
  coder: ParityCoder,
  onProgress?: EncodeProgress,
): Promise<void> {
  const total = totalShards(ratio);
  if (present.size < ratio.dataShards) {
    throw new Error(`cannot rebuild: only ${present.size} shards present, need at least ${ratio.dataShards}`);
  }
  const inputs = new Map<number, FileHandle>();
  const outputs = new Map<number, FileHandle>();
  let complete = false;
  try {
    // Any dataShards inputs suffice; prefer data shards (no decoding needed for them).
    const chosen = [...present.keys()].sort((a, b) => a - b).slice(0, ratio.dataShards);
    for (const id of chosen) {
      const handle = await fs.open(present.get(id) as string, 'r');
      inputs.set(id, handle);
      const size = (await handle.stat()).size;
      if (size !== shardSizeBytes)
        throw new Error(`ec shard ${present.get(id)} is ${size} bytes, expected ${shardSizeBytes}`);
    }
    for (const [id, shardPath] of missing) outputs.set(id, await fs.open(`${shardPath}.tmp`, 'w'));
    const wanted = [...missing.keys()];
    const chunkCount = Math.ceil(shardSizeBytes / CHUNK_BYTES);
    let doneBytes = 0;
    await runBounded(chunkCount, MAX_BATCHES_IN_FLIGHT, async (index) => {
      const offset = index * CHUNK_BYTES;
      const length = Math.min(CHUNK_BYTES, shardSizeBytes - offset);
      const shards: (Uint8Array | null)[] = new Array(total).fill(null);
      for (const [id, handle] of inputs) {
        const chunk = new Uint8Array(length);
        const got = await readFully(handle, chunk, offset);
        if (got !== length) throw new Error(`short read of ec shard ${id} at ${offset}`);
        shards[id] = chunk;
      }
      const rebuilt = await coder.reconstruct(ratio.dataShards, ratio.parityShards, shards, wanted);
      await Promise.all(
        wanted.map((id) => writeFully(outputs.get(id) as FileHandle, rebuilt.get(id) as Uint8Array, offset)),
      );
      doneBytes += length;
      onProgress?.(doneBytes, shardSizeBytes);
    });
    for (const output of outputs.values()) await output.sync();
    complete = true;
  } finally {
    for (const handle of inputs.values()) await handle.close();
    for (const handle of outputs.values()) await handle.close();
    for (const shardPath of missing.values()) {
      if (complete) await fs.rename(`${shardPath}.tmp`, shardPath);
      else await fs.rm(`${shardPath}.tmp`, { force: true });
    }
  }
}
