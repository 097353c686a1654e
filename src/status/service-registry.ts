// The server's background services by name. Collecting their snapshots only reads.
import { type ReconcilePlan, planReconcile } from './reconcile-plan.ts';
import type { ServiceSnapshot, StatusSource } from './service-status.ts';

/** Sources a server registers: a few dozen at most (job families count once). */
const MAX_SOURCES = 64;

export class ServiceRegistry {
  private readonly sources = new Map<string, StatusSource>();

  register(key: string, source: StatusSource): void {
    if (this.sources.has(key)) throw new Error(`a status source named ${key} is registered already`);
    if (this.sources.size >= MAX_SOURCES) throw new RangeError(`at most ${MAX_SOURCES} status sources`);
    this.sources.set(key, source);
  }

  /** Every service's snapshot, by name. */
  snapshots(): ServiceSnapshot[] {
    const all: ServiceSnapshot[] = [];
    for (const source of this.sources.values()) all.push(...source.snapshots());
    return all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  plans(): ReconcilePlan[] {
    return this.snapshots().map(planReconcile);
  }
}
