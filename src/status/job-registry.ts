// Long one-shot jobs (an EC encode or rebuild, a volume copy, a tail stream) as services: each
// shows while it runs, with its progress, and for a while after with its outcome. Starting and
// ending a job is the job's own doing; a snapshot only reads.
import { type DesiredValue, type ServiceSnapshot, emptyStatus, progressFigures } from './service-status.ts';

/** Finished jobs kept for the status, newest last. */
const MAX_FINISHED_JOBS = 16;
/** Jobs running at once that the registry tracks; more are still run, but not listed. */
const MAX_RUNNING_JOBS = 256;

export interface JobHandle {
  /** Bytes done out of the total (0 when unknown). */
  progress(doneBytes: number, totalBytes?: number): void;
  count(counter: string, by?: number): void;
  /** Ends the job; with an error it ended badly. Idempotent. */
  finish(error?: unknown): void;
}

interface Job {
  id: number;
  name: string;
  settings: Record<string, DesiredValue>;
  startedAtMs: number;
  doneBytes: number;
  totalBytes: number;
  counters: Record<string, number>;
  finishedAtMs: number | null;
  error: string | null;
}

export class JobRegistry {
  private readonly running = new Map<number, Job>();
  private readonly finished: Job[] = [];
  private nextId = 1;
  private untracked = 0;

  constructor(private readonly nowMs: () => number = Date.now) {}

  /** `kind` names the family (`ec-encode`), `subject` the thing worked on (`volume-7`). */
  begin(kind: string, subject: string, settings: Record<string, DesiredValue> = {}): JobHandle {
    const job: Job = {
      id: this.nextId++,
      name: `${kind}/${subject}`,
      settings,
      startedAtMs: this.nowMs(),
      doneBytes: 0,
      totalBytes: 0,
      counters: {},
      finishedAtMs: null,
      error: null,
    };
    const tracked = this.running.size < MAX_RUNNING_JOBS;
    if (tracked) this.running.set(job.id, job);
    else this.untracked++;
    return {
      progress: (doneBytes, totalBytes) => {
        job.doneBytes = doneBytes;
        if (totalBytes !== undefined) job.totalBytes = totalBytes;
      },
      count: (counter, by = 1) => {
        job.counters[counter] = (job.counters[counter] ?? 0) + by;
      },
      finish: (error?: unknown) => {
        if (job.finishedAtMs !== null) return;
        job.finishedAtMs = this.nowMs();
        if (error !== undefined) job.error = error instanceof Error ? error.message : String(error);
        if (!tracked) return;
        this.running.delete(job.id);
        this.finished.push(job);
        if (this.finished.length > MAX_FINISHED_JOBS) this.finished.shift();
      },
    };
  }

  /** Runs `work` as a job: it ends with the work, failed if the work throws. */
  async run<T>(
    kind: string,
    subject: string,
    settings: Record<string, DesiredValue>,
    work: (job: JobHandle) => Promise<T>,
  ): Promise<T> {
    const job = this.begin(kind, subject, settings);
    try {
      const result = await work(job);
      job.finish();
      return result;
    } catch (err) {
      job.finish(err);
      throw err;
    }
  }

  snapshots(): ServiceSnapshot[] {
    const now = this.nowMs();
    return [...this.running.values(), ...this.finished].map((job) => {
      const elapsedMs = (job.finishedAtMs ?? now) - job.startedAtMs;
      return {
        name: `${job.name}#${job.id}`,
        desired: { enabled: job.finishedAtMs === null, ...job.settings },
        current: job.finishedAtMs === null ? 'Running' : 'Stopped',
        status: emptyStatus({
          counters: { ...job.counters },
          lastSuccessAtMs: job.finishedAtMs !== null && job.error === null ? job.finishedAtMs : null,
          lastError: job.error !== null ? { message: job.error, atMs: job.finishedAtMs ?? now } : null,
          cancelledBy: ['client', 'shutdown'],
          progress:
            job.totalBytes > 0 || job.doneBytes > 0
              ? progressFigures(job.doneBytes, job.totalBytes, elapsedMs, job.finishedAtMs !== null)
              : null,
          detail:
            job.finishedAtMs === null
              ? `running since ${new Date(job.startedAtMs).toISOString()}`
              : job.error === null
                ? 'done'
                : 'failed',
        }),
      };
    });
  }

  /** Jobs that ran while the registry was full (they are not listed). */
  get untrackedJobs(): number {
    return this.untracked;
  }
}
