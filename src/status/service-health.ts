// The figures a background service keeps about itself for its status: counters, the last
// success and the last error. Recording is cheap; reading copies.
import type { ServiceStatus } from './service-status.ts';

/** Counter names a service may keep; bounded so a bug cannot grow the status without end. */
const MAX_COUNTERS = 32;

export class ServiceHealth {
  private readonly counters = new Map<string, number>();
  private lastSuccessAtMs: number | null = null;
  private lastError: { message: string; atMs: number } | null = null;
  /** Whether the latest outcome was a failure (times can tie on a coarse or injected clock). */
  private latestFailed = false;

  constructor(private readonly nowMs: () => number = Date.now) {}

  count(name: string, by = 1): void {
    if (!this.counters.has(name) && this.counters.size >= MAX_COUNTERS)
      throw new RangeError(`a service keeps at most ${MAX_COUNTERS} counters (adding ${name})`);
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  succeeded(): void {
    this.lastSuccessAtMs = this.nowMs();
    this.latestFailed = false;
  }

  failed(err: unknown): void {
    this.lastError = { message: err instanceof Error ? err.message : String(err), atMs: this.nowMs() };
    this.latestFailed = true;
  }

  /** True when the latest outcome was an error: the service is not healthy now. */
  get failing(): boolean {
    return this.latestFailed;
  }

  figures(): Pick<ServiceStatus, 'counters' | 'lastSuccessAtMs' | 'lastError'> {
    return {
      counters: Object.fromEntries(this.counters),
      lastSuccessAtMs: this.lastSuccessAtMs,
      lastError: this.lastError === null ? null : { ...this.lastError },
    };
  }
}
