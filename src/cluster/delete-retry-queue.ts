// Deletes that failed on another server (a replica's copy, a chunk of a deleted chunk manifest),
// sent again until they land: kept on disk under the data directory so a restart does not forget
// them, retried after min(1 min × 2^attempts, 24 h). A delete the client was told about is done,
// queued here, or reported as failed (the client's answer says so as upstream's does, and a
// full queue or one that gave up counts it in the status): never silently dropped.
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { mintFidToken } from '../security/fid-token.ts';
import { outgoingFetch } from '../security/outgoing-http.ts';
import { ServiceHealth } from '../status/service-health.ts';
import { type ServiceSnapshot, emptyStatus } from '../status/service-status.ts';
import { type Logger, silentLogger } from '../log/logger.ts';

export const RETRY_BASE_DELAY_MS = 60_000;
export const RETRY_MAX_DELAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_MAX_QUEUED_DELETES = 10_000;
/** About a month of daily retries: past that the delete is given up and reported. */
export const MAX_DELETE_ATTEMPTS = 40;
const SEND_TIMEOUT_MS = 30_000;
const CONCURRENT_SENDS = 4;
/** Given-up deletes kept for the status and the file (the counter counts them all). */
const MAX_GIVEN_UP = 1_000;
const MAX_ERROR_CHARS = 300;

export type DeferredDeleteKind = 'replica' | 'chunk';

export interface DeferredDelete {
  id: string;
  kind: DeferredDeleteKind;
  /** The whole URL the delete goes to. */
  url: string;
  /** The fid the delete names, for a fresh write token. */
  fid: string;
  okStatuses: number[];
  /** Failed sends so far, the original one included. */
  attempts: number;
  firstFailedAtMs: number;
  nextAttemptAtMs: number;
  lastError: string;
}

export function retryDelayMs(attempts: number): number {
  return Math.min(RETRY_BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1), RETRY_MAX_DELAY_MS);
}

export type DeleteSender = (url: string, headers: Record<string, string>) => Promise<number>;

const fetchSender: DeleteSender = async (url, headers) => {
  const response = await outgoingFetch(url, {
    method: 'DELETE',
    headers,
    signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
  });
  await response.body?.cancel().catch(() => {
    // The status is all a retry needs; an unread body is dropped.
  });
  return response.status;
};

export interface DeleteRetryQueueOptions {
  /** Where the queue lives: a file in the first data directory. */
  file: string;
  /** [jwt.signing] key: each retry carries a fresh token for its fid. */
  jwtSigningKey?: string;
  jwtExpiresAfterSeconds?: number;
  maxItems?: number;
  nowMs?: () => number;
  send?: DeleteSender;
  log?: Logger;
}

export class DeleteRetryQueue {
  private items: DeferredDelete[] = [];
  private givenUp: DeferredDelete[] = [];
  private readonly nowMs: () => number;
  private readonly send: DeleteSender;
  private readonly log: Logger;
  private readonly maxItems: number;
  private readonly health: ServiceHealth;
  private readonly counts = { queued: 0, refused: 0, retried: 0, delivered: 0, givenUp: 0 };
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private pass: Promise<void> | null = null;
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly options: DeleteRetryQueueOptions) {
    this.nowMs = options.nowMs ?? Date.now;
    this.send = options.send ?? fetchSender;
    this.log = options.log ?? silentLogger;
    this.maxItems = options.maxItems ?? DEFAULT_MAX_QUEUED_DELETES;
    this.health = new ServiceHealth(this.nowMs);
  }

  async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.options.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const parsed = JSON.parse(text) as { items?: DeferredDelete[]; givenUp?: DeferredDelete[] };
    this.items = (parsed.items ?? []).slice(0, this.maxItems);
    this.givenUp = (parsed.givenUp ?? []).slice(-MAX_GIVEN_UP);
  }

  get depth(): number {
    return this.items.length;
  }

  pending(): DeferredDelete[] {
    return this.items.map((item) => ({ ...item }));
  }

  /** Queues a failed delete; false when the queue is full (the failure stands, and is counted). */
  enqueue(failed: {
    kind: DeferredDeleteKind;
    url: string;
    fid: string;
    okStatuses: readonly number[];
    error: string;
  }): boolean {
    if (this.items.length >= this.maxItems) {
      this.counts.refused++;
      this.health.failed(new Error(`queue full (${this.maxItems}): ${failed.kind} delete ${failed.url} not queued`));
      return false;
    }
    const now = this.nowMs();
    this.items.push({
      id: randomBytes(8).toString('hex'),
      kind: failed.kind,
      url: failed.url,
      fid: failed.fid,
      okStatuses: [...failed.okStatuses],
      attempts: 1,
      firstFailedAtMs: now,
      nextAttemptAtMs: now + retryDelayMs(1),
      lastError: failed.error.slice(0, MAX_ERROR_CHARS),
    });
    this.counts.queued++;
    void this.save();
    this.reschedule();
    return true;
  }

  start(): void {
    this.running = true;
    this.reschedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.pass;
    await this.saving;
  }

  /** Sends every delete whose time has come, a few at a time. */
  runDue(): Promise<void> {
    this.pass ??= this.sendDue().finally(() => {
      this.pass = null;
      this.reschedule();
    });
    return this.pass;
  }

  statusSnapshot(): ServiceSnapshot {
    const oldest = this.items.reduce<DeferredDelete | null>(
      (o, item) => (o === null || item.firstFailedAtMs < o.firstFailedAtMs ? item : o),
      null,
    );
    const next = this.items.reduce((min, item) => Math.min(min, item.nextAttemptAtMs), Infinity);
    return {
      name: 'delete-retry-queue',
      desired: {
        enabled: true,
        baseDelayMs: RETRY_BASE_DELAY_MS,
        maxDelayMs: RETRY_MAX_DELAY_MS,
        maxAttempts: MAX_DELETE_ATTEMPTS,
        maxItems: this.maxItems,
      },
      current: !this.running ? 'Stopped' : this.health.failing ? 'Degraded' : 'Running',
      status: emptyStatus({
        ...this.health.figures(),
        counters: { ...this.counts, givenUpKept: this.givenUp.length },
        queueDepth: this.items.length,
        queueLimit: this.maxItems,
        workers: CONCURRENT_SENDS,
        cancelledBy: ['shutdown'],
        hasShutdownHandle: true,
        detail:
          oldest === null
            ? 'empty'
            : `oldest: ${oldest.kind} delete ${oldest.url} since ${new Date(oldest.firstFailedAtMs).toISOString()}, ${oldest.attempts} attempts; next retry ${new Date(next).toISOString()}`,
      }),
    };
  }

  private reschedule(): void {
    if (!this.running || this.pass !== null) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.items.length === 0) return;
    const next = this.items.reduce((min, item) => Math.min(min, item.nextAttemptAtMs), Infinity);
    this.timer = setTimeout(() => void this.runDue(), Math.max(0, Math.min(next - this.nowMs(), RETRY_MAX_DELAY_MS)));
    this.timer.unref();
  }

  private async sendDue(): Promise<void> {
    const now = this.nowMs();
    const due = this.items.filter((item) => item.nextAttemptAtMs <= now);
    if (due.length === 0) return;
    const work = [...due];
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENT_SENDS, work.length) }, async () => {
        for (let item = work.shift(); item !== undefined; item = work.shift()) await this.retry(item);
      }),
    );
    await this.save();
  }

  private headersFor(item: DeferredDelete): Record<string, string> {
    const key = this.options.jwtSigningKey ?? '';
    if (key === '') return {};
    return { authorization: `BEARER ${mintFidToken(key, item.fid, this.options.jwtExpiresAfterSeconds ?? 10)}` };
  }

  private async retry(item: DeferredDelete): Promise<void> {
    this.counts.retried++;
    let error: string;
    try {
      const status = await this.send(item.url, this.headersFor(item));
      if (item.okStatuses.includes(status)) {
        this.items = this.items.filter((i) => i.id !== item.id);
        this.counts.delivered++;
        this.health.succeeded();
        return;
      }
      error = `status ${status}`;
    } catch (err) {
      error = (err as Error).message;
    }
    item.attempts++;
    item.lastError = error.slice(0, MAX_ERROR_CHARS);
    if (item.attempts >= MAX_DELETE_ATTEMPTS) {
      this.items = this.items.filter((i) => i.id !== item.id);
      this.givenUp.push(item);
      if (this.givenUp.length > MAX_GIVEN_UP) this.givenUp.shift();
      this.counts.givenUp++;
      this.health.failed(
        new Error(`gave up the ${item.kind} delete ${item.url} after ${item.attempts} attempts: ${item.lastError}`),
      );
      this.log.error(
        `delete retries: gave up ${item.kind} delete ${item.url} after ${item.attempts} attempts: ${item.lastError}`,
      );
      return;
    }
    item.nextAttemptAtMs = this.nowMs() + retryDelayMs(item.attempts);
  }

  private save(): Promise<void> {
    const write = async (): Promise<void> => {
      const tmp = `${this.options.file}.tmp`;
      await writeFile(tmp, JSON.stringify({ items: this.items, givenUp: this.givenUp }));
      await rename(tmp, this.options.file);
    };
    // A failed save does not stop the next one; the failure shows in the status.
    this.saving = this.saving.then(write, write).catch((err: unknown) => this.health.failed(err));
    return this.saving;
  }
}
