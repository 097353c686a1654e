// Reed-Solomon 10+4 encode throughput, ours next to Go's klauspost/reedsolomon (what SeaweedFS runs):
// MB/s of data bytes (1 MB = 10^6 bytes) for rows of 10 data shards of one SeaweedFS small block
// (1 MiB) each.
// - codec, shards in wasm memory: the kernel coding in place (what the volume encode's workers run
//   per batch), one thread; this is the number compared with Go's single core;
// - codec, caller buffers: ReedSolomon.encode on JS buffers (staging copies in and out), one thread,
//   with the SIMD and the JS kernel; then the worker pool with all its threads;
// - Go on one core via `go run ./test/go/rs bench`, best of as many runs as ours (skipped without Go);
// - end to end: encodeDatFile on a 1 GB `.dat` (page cache warm), once through the workers only
//   and once as the server runs it, including the fsync of the 14 shard files.
// Run: npm run bench:ec [-- totalBytes [shardBytes]]   (or EC_BENCH_TOTAL_BYTES / EC_BENCH_SHARD_BYTES;
// EC_BENCH_FILE_BYTES sets the .dat size, 0 skips the file part; EC_BENCH_DIR where it goes)
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createCodingPool } from '../src/ec/codec/coding-pool.ts';
import { batchCount, encodeDatFile, splitBatches } from '../src/ec/ec-encoder.ts';
import type { GfKernelName } from '../src/ec/codec/gf-kernel.ts';
import { SimdEncodeArena } from '../src/ec/codec/gf-simd-arena.ts';
import { relaxedSimdSupported } from '../src/ec/codec/gf-simd-kernel.ts';
import { ReedSolomon } from '../src/ec/codec/reed-solomon.ts';

const DATA_SHARDS = 10;
const PARITY_SHARDS = 4;
const TOTAL_BYTES = Number(process.argv[2] ?? process.env.EC_BENCH_TOTAL_BYTES ?? 1_000_000_000);
const SHARD_BYTES = Number(process.argv[3] ?? process.env.EC_BENCH_SHARD_BYTES ?? 1024 * 1024);
const FILE_BYTES = Number(process.env.EC_BENCH_FILE_BYTES ?? 1_000_000_000);
const FILE_DIR = process.env.EC_BENCH_DIR ?? os.tmpdir();
/** The JS kernel is ~50x slower; a tenth of the volume gives a stable number in reasonable time. */
const JS_KERNEL_FRACTION = 0.1;
/** Timed repetitions of the in-memory codec runs; the best is reported (the dev VM is noisy). */
const CODEC_TRIALS = 5;
const GO_TIMEOUT_MS = 300_000;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const rowBytes = DATA_SHARDS * SHARD_BYTES;
const rounds = (totalBytes: number) => Math.max(1, Math.round(totalBytes / rowBytes));

function fill(buffer: Uint8Array, seed: number): Uint8Array {
  let s = seed >>> 0;
  for (let i = 0; i < buffer.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    buffer[i] = s >>> 24;
  }
  return buffer;
}

function mbPerSec(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000);
}

/** Best of CODEC_TRIALS timings of `n` calls, as MB/s of data. */
function bestOf(n: number, call: () => void): number {
  let best = 0;
  for (let t = 0; t < CODEC_TRIALS; t++) {
    const started = performance.now();
    for (let r = 0; r < n; r++) call();
    best = Math.max(best, mbPerSec(n * rowBytes, performance.now() - started));
  }
  return best;
}

/** The volume encoder's inner step: data already in wasm memory, parity coded in place. */
function inWasmMemory(totalBytes: number): number {
  const arena = new SimdEncodeArena(DATA_SHARDS, PARITY_SHARDS, SHARD_BYTES);
  arena.slots.slice(0, DATA_SHARDS).forEach((slot, i) => {
    fill(slot, i + 1);
  });
  for (let i = 0; i < 5; i++) arena.encode(SHARD_BYTES); // warm up: let V8 tier the kernel up
  return bestOf(rounds(totalBytes / CODEC_TRIALS), () => arena.encode(SHARD_BYTES));
}

function callerBuffers(kernel: GfKernelName, totalBytes: number): number {
  const rs = new ReedSolomon(DATA_SHARDS, PARITY_SHARDS, { kernel });
  const shards = Array.from({ length: DATA_SHARDS + PARITY_SHARDS }, (_, i) =>
    fill(new Uint8Array(SHARD_BYTES), i + 1),
  );
  for (let i = 0; i < 5; i++) rs.encode(shards); // warm up: plan and compile the kernel, tier it up
  return bestOf(rounds(totalBytes / CODEC_TRIALS), () => rs.encode(shards));
}

/**
 * Inputs live in SharedArrayBuffers, reused per in-flight slot: the pool shares them with the
 * workers without copying, so this measures coding (plus parity allocation and transfer back), not
 * the caller's buffer allocation.
 */
async function pool(threads: number): Promise<number> {
  const inFlight = threads * 2;
  const coder = createCodingPool({ threads, maxQueue: inFlight });
  const slots = Array.from({ length: inFlight }, () =>
    Array.from({ length: DATA_SHARDS }, (_, i) => fill(new Uint8Array(new SharedArrayBuffer(SHARD_BYTES)), i + 1)),
  );
  for (let w = 0; w < 3; w++)
    await Promise.all(slots.map((data) => coder.encodeParity(DATA_SHARDS, PARITY_SHARDS, data))); // start and warm every worker
  const total = rounds(TOTAL_BYTES);
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    slots.map(async (data) => {
      while (issued < total) {
        issued++;
        await coder.encodeParity(DATA_SHARDS, PARITY_SHARDS, data);
      }
    }),
  );
  const result = mbPerSec(total * rowBytes, performance.now() - started);
  await coder.close();
  return result;
}

/** Go's single-core MB/s, best of CODEC_TRIALS runs like ours. */
async function go(): Promise<number | string> {
  try {
    let best = 0;
    for (let t = 0; t < CODEC_TRIALS; t++) {
      const { stdout } = await promisify(execFile)(
        'go',
        ['run', '.', 'bench', '-size', String(rowBytes), '-total', String(Math.round(TOTAL_BYTES / CODEC_TRIALS))],
        {
          cwd: path.join(ROOT, 'test/go/rs'),
          timeout: GO_TIMEOUT_MS,
        },
      );
      const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { mbPerSec?: number };
      if (result.mbPerSec === undefined) return 'no result from go';
      best = Math.max(best, result.mbPerSec);
    }
    return best;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return e.code === 'ENOENT' ? 'skipped: go is not installed' : `skipped: ${e.message.split('\n')[0]}`;
  }
}

interface FileResult {
  threads: number;
  workersOnly: number;
  withFsync: number;
}

/** encodeDatFile on a FILE_BYTES .dat whose pages are cached: workers only, then the full call. */
async function fileEncode(threads: number): Promise<FileResult> {
  const dir = await fs.mkdtemp(path.join(FILE_DIR, 'nw-bench-ec-'));
  const coder = createCodingPool({ threads });
  try {
    const datPath = path.join(dir, 'bench.dat');
    const dat = await fs.open(datPath, 'w');
    const pieceBytes = 64 * 1024 * 1024;
    for (let at = 0; at < FILE_BYTES; at += pieceBytes)
      await dat.write(randomBytes(Math.min(pieceBytes, FILE_BYTES - at)));
    await dat.close();
    // Flush the new .dat so its writeback does not compete with ours; its pages stay cached.
    await promisify(execFile)('sync');
    const shardPaths = Array.from({ length: DATA_SHARDS + PARITY_SHARDS }, (_, i) =>
      path.join(dir, `bench.ec${String(i).padStart(2, '0')}`),
    );
    const ratio = { dataShards: DATA_SHARDS, parityShards: PARITY_SHARDS };

    // Workers only: what encodeDatFile does minus the final fsync of the shards.
    for (const p of shardPaths) await (await fs.open(p, 'w')).close();
    const ranges = splitBatches(batchCount(FILE_BYTES, DATA_SHARDS), threads);
    let next = 0;
    let started = performance.now();
    await Promise.all(
      Array.from({ length: threads }, async () => {
        while (next < ranges.length) {
          const range = ranges[next++]!;
          await coder.encodeDatRange({
            datPath,
            datSizeBytes: FILE_BYTES,
            shardPaths,
            dataShards: DATA_SHARDS,
            parityShards: PARITY_SHARDS,
            ...range,
          });
        }
      }),
    );
    const workersOnly = mbPerSec(FILE_BYTES, performance.now() - started);
    await promisify(execFile)('sync');

    started = performance.now();
    await encodeDatFile(datPath, FILE_BYTES, shardPaths, ratio, coder);
    const withFsync = mbPerSec(FILE_BYTES, performance.now() - started);
    return { threads, workersOnly, withFsync };
  } finally {
    await coder.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const fmt = (v: number) => `${v.toFixed(0)} MB/s`;
const cores = Math.max(1, os.availableParallelism());
console.log(
  `Reed-Solomon ${DATA_SHARDS}+${PARITY_SHARDS} encode, ${SHARD_BYTES} B shards, ${(TOTAL_BYTES / 1e9).toFixed(2)} GB of data, best of ${CODEC_TRIALS} runs`,
);
const swizzle = relaxedSimdSupported() ? 'relaxed' : 'strict';
const inPlace = inWasmMemory(TOTAL_BYTES);
console.log(`ours, 1 thread, codec on shards in wasm memory: ${fmt(inPlace)} (${swizzle} swizzle)`);
console.log(
  `ours, 1 thread, codec on caller buffers:        ${fmt(callerBuffers('wasm-simd', TOTAL_BYTES))} (wasm-simd, staging copies)`,
);
console.log(
  `ours, 1 thread, codec on caller buffers:        ${fmt(callerBuffers('js', TOTAL_BYTES * JS_KERNEL_FRACTION))} (js kernel)`,
);
console.log(`ours, pool of ${cores} threads, encodeParity:       ${fmt(await pool(cores))}`);
const goResult = await go();
if (typeof goResult === 'number') {
  console.log(`go klauspost/reedsolomon, 1 core:               ${fmt(goResult)}`);
  console.log(`ratio ours/go, 1 thread, shards in wasm memory: ${(inPlace / goResult).toFixed(3)} (goal: >= 0.5)`);
} else {
  console.log(`go: ${goResult}`);
}
if (FILE_BYTES > 0) {
  console.log(
    `encodeDatFile, ${(FILE_BYTES / 1e9).toFixed(2)} GB .dat -> ${DATA_SHARDS + PARITY_SHARDS} shard files in ${FILE_DIR} (page cache warm; MB/s of .dat):`,
  );
  const defaultThreads = Math.max(1, Math.min(8, cores - 1)); // createCodingPool's default
  for (const threads of [...new Set([defaultThreads, cores])]) {
    const r = await fileEncode(threads);
    console.log(
      `  pool of ${r.threads} thread${r.threads === 1 ? ' ' : 's'}: workers only ${fmt(r.workersOnly)}, with the fsync of the shards ${fmt(r.withFsync)}`,
    );
  }
}
