// Scanning `.idx` files in a worker thread while the event loop loads other volumes. At start-up
// the scan is most of the CPU (10 M rows: ~400 ms), and on the event loop it ran one volume after
// another while the second core idled. One worker takes up to MAX_OUTSTANDING_JOBS scans at a
// time and every other volume is scanned on the event loop, so the two threads share the load
// whatever the sizes. The worker exits when idle; anything that goes wrong with it (it cannot
// start, a scan fails) leaves the scan to the event loop, which gives the error the load reports.
import { availableParallelism } from 'node:os';
import type { Piscina } from 'piscina';
import type { IndexScan } from './index-scan.ts';
import type { IndexLoadJob, IndexLoadOutcome } from './index-load-task.ts';
import { NeedleMap } from './needle-map/needle-map.ts';
import { assert } from './types.ts';
import { taskModuleUrl, workerExecArgv } from './worker-module.ts';

/** Smaller indexes are scanned on the event loop: the hand-over would cost about as much. */
export const WORKER_MIN_INDEX_BYTES = 256 * 1024;
/** Scans given to the worker and not yet back; beyond it, the event loop scans. */
const MAX_OUTSTANDING_JOBS = 2;
/** The worker exits after this long without a scan (start-up is over). */
const IDLE_TIMEOUT_MS = 1000;

export class IndexLoadPool {
  private pool: Promise<Piscina> | null = null;
  private outstanding = 0;
  private broken = false;
  /** Scans the worker did (for tests and status). */
  workerScans = 0;

  constructor(
    private readonly enabled: boolean,
    private readonly minIndexBytes = WORKER_MIN_INDEX_BYTES,
  ) {
    assert(minIndexBytes >= 0, 'a minimum index size');
  }

  /**
   * Resolves the scan the worker made, or null when the caller must scan on the event loop
   * (small index, worker busy or unavailable, or the worker's scan failed).
   */
  async tryScan(job: IndexLoadJob): Promise<IndexScan | null> {
    if (
      !this.enabled ||
      this.broken ||
      job.idxSizeBytes < this.minIndexBytes ||
      this.outstanding >= MAX_OUTSTANDING_JOBS ||
      availableParallelism() < 2
    ) {
      return null;
    }
    this.outstanding++;
    try {
      this.pool ??= this.start();
      const outcome = (await (await this.pool).run(job)) as IndexLoadOutcome;
      if (!outcome.ok) return null;
      this.workerScans++;
      return { map: NeedleMap.fromImage(outcome.image), ...outcome.facts };
    } catch {
      // The worker could not start or died: the event loop scans from now on.
      this.broken = true;
      return null;
    } finally {
      this.outstanding--;
    }
  }

  private async start(): Promise<Piscina> {
    const { Piscina } = await import('piscina');
    const execArgv = workerExecArgv(import.meta.url);
    return new Piscina({
      filename: taskModuleUrl(import.meta.url, 'storage/index-load-task.ts').href,
      minThreads: 0,
      maxThreads: 1,
      idleTimeout: IDLE_TIMEOUT_MS,
      ...(execArgv === undefined ? {} : { execArgv }),
    });
  }

  /** Stops the worker (tests; the process's exits without it). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (pool !== null) await (await pool).destroy();
  }
}

/** The process's pool. NEEDLEWORK_INDEX_WORKER=0 scans every `.idx` on the event loop. */
export const indexLoadPool = new IndexLoadPool(process.env.NEEDLEWORK_INDEX_WORKER !== '0');
