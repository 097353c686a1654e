// Reed-Solomon 10+4 encode throughput, ours next to Go's klauspost/reedsolomon (what SeaweedFS runs):
// MB/s of data bytes (1 MB = 10^6 bytes) for rows of 10 data shards of one SeaweedFS small block
// (1 MiB) each. Ours single-threaded with the SIMD kernel and the JS kernel, then the worker pool
// with all its threads; Go on one core via `go run ./test/go/rs bench` (skipped without Go).
// Run: npm run bench:ec [-- totalBytes [shardBytes]]   (or EC_BENCH_TOTAL_BYTES / EC_BENCH_SHARD_BYTES)
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createCodingPool } from '../src/ec/coding-pool.ts';
import type { GfKernelName } from '../src/ec/gf-kernel.ts';
import { relaxedSimdSupported } from '../src/ec/gf-simd-kernel.ts';
import { ReedSolomon } from '../src/ec/reed-solomon.ts';

const DATA_SHARDS = 10;
const PARITY_SHARDS = 4;
const TOTAL_BYTES = Number(process.argv[2] ?? process.env.EC_BENCH_TOTAL_BYTES ?? 1_000_000_000);
const SHARD_BYTES = Number(process.argv[3] ?? process.env.EC_BENCH_SHARD_BYTES ?? 1024 * 1024);
/** The JS kernel is ~20x slower; a tenth of the volume gives a stable number in reasonable time. */
const JS_KERNEL_FRACTION = 0.1;
const GO_TIMEOUT_MS = 300_000;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const rowBytes = DATA_SHARDS * SHARD_BYTES;

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

function singleThread(kernel: GfKernelName, totalBytes: number): number {
  const rs = new ReedSolomon(DATA_SHARDS, PARITY_SHARDS, { kernel });
  const shards = Array.from({ length: DATA_SHARDS + PARITY_SHARDS }, (_, i) => fill(new Uint8Array(SHARD_BYTES), i + 1));
  rs.encode(shards); // warm up: compile the kernel, let V8 tier it up
  rs.encode(shards);
  const rounds = Math.max(1, Math.round(totalBytes / rowBytes));
  const started = performance.now();
  for (let r = 0; r < rounds; r++) rs.encode(shards);
  return mbPerSec(rounds * rowBytes, performance.now() - started);
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
  await Promise.all(slots.map((data) => coder.encodeParity(DATA_SHARDS, PARITY_SHARDS, data))); // start and warm every worker
  const rounds = Math.max(1, Math.round(TOTAL_BYTES / rowBytes));
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    slots.map(async (data) => {
      while (issued < rounds) {
        issued++;
        await coder.encodeParity(DATA_SHARDS, PARITY_SHARDS, data);
      }
    }),
  );
  const result = mbPerSec(rounds * rowBytes, performance.now() - started);
  await coder.close();
  return result;
}

async function go(): Promise<number | string> {
  try {
    const { stdout } = await promisify(execFile)('go', ['run', '.', 'bench', '-size', String(rowBytes), '-total', String(TOTAL_BYTES)], {
      cwd: path.join(ROOT, 'test/go/rs'),
      timeout: GO_TIMEOUT_MS,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { mbPerSec?: number };
    return result.mbPerSec ?? 'no result from go';
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return e.code === 'ENOENT' ? 'skipped: go is not installed' : `skipped: ${e.message.split('\n')[0]}`;
  }
}

const fmt = (v: number) => `${v.toFixed(0)} MB/s`;
const { availableParallelism } = await import('node:os');
const threads = Math.max(1, availableParallelism());
console.log(`Reed-Solomon ${DATA_SHARDS}+${PARITY_SHARDS} encode, ${SHARD_BYTES} B shards, ${(TOTAL_BYTES / 1e9).toFixed(2)} GB of data`);
const simd = singleThread('wasm-simd', TOTAL_BYTES);
console.log(`ours, 1 thread, wasm-simd kernel: ${fmt(simd)} (${relaxedSimdSupported() ? 'relaxed' : 'strict'} swizzle)`);
console.log(`ours, 1 thread, js kernel:        ${fmt(singleThread('js', TOTAL_BYTES * JS_KERNEL_FRACTION))}`);
console.log(`ours, pool of ${threads} threads:        ${fmt(await pool(threads))}`);
const goResult = await go();
if (typeof goResult === 'number') {
  console.log(`go klauspost/reedsolomon, 1 core: ${fmt(goResult)}`);
  console.log(`ratio ours/go (1 thread):         ${(simd / goResult).toFixed(3)}`);
} else {
  console.log(`go: ${goResult}`);
}
