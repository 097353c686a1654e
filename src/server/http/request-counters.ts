// Requests the admin port has answered since start, by method and by status class
// (/stats/counter). Counted by the app's middleware and by the fast path alike.

/** Longer method names are counted as OTHER, so a client cannot grow the table without bound. */
const MAX_METHOD_LENGTH = 16;

/** The class names of the statuses a server answers with, made once rather than per request. */
const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx'];

export class RequestCounters {
  readonly startedAt = new Date().toISOString();
  readonly byMethod: Record<string, number> = {};
  readonly byStatus: Record<string, number> = {};
  total = 0;

  count(method: string, status: number): void {
    this.total++;
    const key = method.length <= MAX_METHOD_LENGTH ? method : 'OTHER';
    this.byMethod[key] = (this.byMethod[key] ?? 0) + 1;
    const statusClass = STATUS_CLASSES[Math.floor(status / 100)] ?? `${Math.floor(status / 100)}xx`;
    this.byStatus[statusClass] = (this.byStatus[statusClass] ?? 0) + 1;
  }
}
