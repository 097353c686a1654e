// /stats/counter, /stats/memory, /stats/disk on the admin port: request counts since start,
// process memory, and disk usage per location (upstream has the handlers but leaves them unrouted).
// app.ts routes them behind the white list, as upstream's commented-out routes would.
import os from 'node:os';
import type { Context, Next } from 'hono';
import type { ServerContext } from './deps.ts';
import { diskStatus } from './disk-status.ts';
import type { AppEnv } from './request-info.ts';
import { jsonResponse } from './responses.ts';

/** Requests seen since start, by method and by status class. */
export class RequestCounters {
  readonly startedAt = new Date().toISOString();
  readonly byMethod: Record<string, number> = {};
  readonly byStatus: Record<string, number> = {};
  total = 0;

  middleware() {
    return async (c: Context, next: Next): Promise<void> => {
      await next();
      this.total++;
      // Methods are bounded by what reaches the app; status classes by HTTP itself.
      const method = c.req.method.length <= 16 ? c.req.method : 'OTHER';
      this.byMethod[method] = (this.byMethod[method] ?? 0) + 1;
      const statusClass = `${Math.floor(c.res.status / 100)}xx`;
      this.byStatus[statusClass] = (this.byStatus[statusClass] ?? 0) + 1;
    };
  }
}

function version(server: ServerContext): string {
  return server.deps.statusVersion ?? `${server.deps.serverVersion} `;
}

export function handleStatsCounter(c: Context<AppEnv>, server: ServerContext, counters: RequestCounters): Response {
  return jsonResponse(200, { Version: version(server), Counters: { StartedAt: counters.startedAt, Total: counters.total, ByMethod: counters.byMethod, ByStatus: counters.byStatus } }, c.get('info').pretty);
}

export function handleStatsMemory(c: Context<AppEnv>, server: ServerContext): Response {
  const m = process.memoryUsage();
  return jsonResponse(200, {
    Version: version(server),
    Memory: { All: os.totalmem(), Free: os.freemem(), Used: os.totalmem() - os.freemem(), Self: m.rss, Heap: m.heapUsed, External: m.external, ArrayBuffers: m.arrayBuffers },
  }, c.get('info').pretty);
}

export async function handleStatsDisk(c: Context<AppEnv>, server: ServerContext): Promise<Response> {
  const disks = await Promise.all(server.deps.store.locations.map((l) => diskStatus(l.dir, l.diskType)));
  return jsonResponse(200, { Version: version(server), DiskStatuses: disks }, c.get('info').pretty);
}
