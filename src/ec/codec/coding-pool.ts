// Reed-Solomon coding on a piscina worker pool, so encoding a volume (hundreds of MB of parity
// math) never blocks the event loop. Shard buffers are transferred, not copied, whenever that is
// safe (see transferPlan); results come back transferred too. Encoding a `.dat` into shard files
// goes further: workers read and write the files themselves (encodeDatRange).
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { taskModuleUrl, workerExecArgv } from '../../storage/worker-module.ts';
import type { CodingResult, CodingTask } from './rs-coding-task.ts';
import type { DatEncodeRange, FileParityCoder } from '../ec-encoder.ts';
import { relaxedSimdSupported, simdSupported } from './gf-simd-kernel.ts';

export interface CodingPool extends FileParityCoder {
  /**
   * data = dataShards equal-length buffers; returns parityShards new buffers. Buffers may be
   * transferred to the worker (caller must not reuse them afterwards unless they are returned).
   * Views on a SharedArrayBuffer are shared instead: no copy, but leave them alone until settled.
   */
  encodeParity(dataShards: number, parityShards: number, data: Uint8Array[]): Promise<Uint8Array[]>;
  /** shards has totalShards entries, null = missing; returns the rebuilt shards for the indices in `wanted`. */
  reconstruct(
    dataShards: number,
    parityShards: number,
    shards: (Uint8Array | null)[],
    wanted: number[],
  ): Promise<Map<number, Uint8Array>>;
  /** Codes batches of a `.dat` into existing shard files on one worker (see ec-encoder.ts). */
  encodeDatRange(range: DatEncodeRange): Promise<void>;
  close(): Promise<void>;
}

export interface CodingPoolOptions {
  /** Worker threads; default: cores - 1 (at least 1, at most 8). */
  threads?: number;
  /**
   * Tasks allowed to wait for a free worker; beyond that calls reject at once (fail fast instead of
   * buffering unbounded shard memory). Callers should bound their own in-flight calls below this.
   */
  maxQueue?: number;
}

const MAX_DEFAULT_THREADS = 8;
const DEFAULT_MAX_QUEUE = 64;
/**
 * Node's Buffer.allocUnsafe/from slices small buffers out of shared slabs of Buffer.poolSize
 * bytes; transferring a slab would detach unrelated buffers. Buffers no larger than a slab are
 * copied instead (cheap at that size), and only whole ArrayBuffers are ever transferred.
 */
const MIN_TRANSFER_BYTES = Buffer.poolSize + 1;

const TASK_MODULE = taskModuleUrl(import.meta.url, 'ec/codec/rs-coding-task.ts');

interface TransferPlan<T> {
  values: T;
  transferList: ArrayBuffer[];
}

/**
 * Decides per view how it reaches the worker without copying more than needed:
 * - views on a SharedArrayBuffer are passed as they are (shared memory, no copy, no transfer; the
 *   caller must not modify them until the call settles);
 * - an ArrayBuffer is moved when this call's views tile it exactly (so nothing else lives in it)
 *   and it is larger than a Buffer pool slab;
 * - anything else is copied into an exact-size buffer, which is moved. (Structured clone would
 *   otherwise copy each view's whole underlying ArrayBuffer.)
 */
function transferPlan(views: (Uint8Array | null)[]): TransferPlan<(Uint8Array | null)[]> {
  const byBuffer = new Map<ArrayBufferLike, Uint8Array[]>();
  for (const view of views) {
    if (view === null) continue;
    const group = byBuffer.get(view.buffer);
    if (group === undefined) byBuffer.set(view.buffer, [view]);
    else group.push(view);
  }
  const passAsIs = new Set<ArrayBufferLike>();
  for (const [buffer, group] of byBuffer) {
    if (!(buffer instanceof ArrayBuffer))
      passAsIs.add(buffer); // SharedArrayBuffer
    else if (buffer.byteLength >= MIN_TRANSFER_BYTES && tiles(buffer, group)) passAsIs.add(buffer);
  }
  const values = views.map((view) => (view === null || passAsIs.has(view.buffer) ? view : view.slice()));
  const transferList = new Set<ArrayBuffer>();
  for (const v of values) if (v !== null && v.buffer instanceof ArrayBuffer) transferList.add(v.buffer);
  return { values, transferList: [...transferList] };
}

function tiles(buffer: ArrayBuffer, group: Uint8Array[]): boolean {
  const sorted = [...group].sort((a, b) => a.byteOffset - b.byteOffset);
  let next = 0;
  for (const view of sorted) {
    if (view.byteOffset !== next) return false;
    next += view.byteLength;
  }
  return next === buffer.byteLength;
}

function defaultThreads(): number {
  return Math.max(1, Math.min(MAX_DEFAULT_THREADS, availableParallelism() - 1));
}

/** Calls waiting for a pool slot beyond threads + maxQueue; more is a caller bug. */
const MAX_WAITING_CALLS = 4096;

export function createCodingPool(options: CodingPoolOptions = {}): CodingPool {
  const threads = options.threads ?? defaultThreads();
  const maxQueue = options.maxQueue ?? DEFAULT_MAX_QUEUE;
  if (!Number.isInteger(threads) || threads < 1)
    throw new RangeError(`threads must be a positive integer, got ${threads}`);
  if (!Number.isInteger(maxQueue) || maxQueue < 0)
    throw new RangeError(`maxQueue must be a non-negative integer, got ${maxQueue}`);
  // Settle the process-wide relaxed-SIMD switch here, once, rather than racing in every worker.
  if (simdSupported()) relaxedSimdSupported();
  const execArgv = workerExecArgv(import.meta.url);
  const piscina = new Piscina({
    filename: TASK_MODULE.href,
    minThreads: threads,
    maxThreads: threads,
    maxQueue,
    ...(execArgv === undefined ? {} : { execArgv }),
  });
  let closed = false;

  function assertOpen(): void {
    if (closed) throw new Error('coding pool is closed');
  }

  // Callers beyond the pool's queue wait their turn (backpressure) instead of failing; the wait
  // list itself is bounded, so a runaway caller still gets a clear error.
  const admitted = threads + maxQueue;
  let running = 0;
  const waiting: Array<() => void> = [];

  async function run(task: CodingTask, transferList: ArrayBuffer[]): Promise<CodingResult> {
    if (running >= admitted) {
      if (waiting.length >= MAX_WAITING_CALLS) {
        throw new Error(
          `coding pool is saturated (${running} running or queued, ${waiting.length} waiting): limit concurrent encode/reconstruct calls`,
        );
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    running++;
    try {
      return (await piscina.run(task, { transferList })) as CodingResult;
    } finally {
      running--;
      waiting.shift()?.();
    }
  }

  return {
    threads,

    async encodeParity(dataShards, parityShards, data) {
      assertOpen();
      if (data.length !== dataShards) throw new RangeError(`expected ${dataShards} data shards, got ${data.length}`);
      const { values, transferList } = transferPlan(data);
      const parity = (await run(
        { op: 'encode', dataShards, parityShards, data: values as Uint8Array[] },
        transferList,
      )) as Uint8Array[];
      if (parity.length !== parityShards)
        throw new Error(`worker returned ${parity.length} parity shards, expected ${parityShards}`);
      return parity;
    },

    async reconstruct(dataShards, parityShards, shards, wanted) {
      assertOpen();
      if (shards.length !== dataShards + parityShards)
        throw new RangeError(`expected ${dataShards + parityShards} shards, got ${shards.length}`);
      const { values, transferList } = transferPlan(shards);
      const entries = (await run(
        { op: 'reconstruct', dataShards, parityShards, shards: values, wanted },
        transferList,
      )) as [number, Uint8Array][];
      return new Map(entries);
    },

    async encodeDatRange(range) {
      assertOpen();
      // Plain strings and numbers: cloned, nothing to transfer.
      await run({ op: 'encode-dat-range', range }, []);
    },

    async close() {
      if (closed) return;
      closed = true;
      await piscina.close();
    },
  };
}
