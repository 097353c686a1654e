// /stats/counter, /stats/memory, /stats/disk on the admin port: request counts since start,
// process memory, and disk usage per location (upstream has the handlers but leaves them unrouted).
// app.ts routes them behind the white list, as upstream's commented-out routes would.
import os from 'node:os';
import type { Context, Next } from 'hono';
import type { ServerContext } from './deps.ts';
import { diskStatus } from './disk-status.ts';
import type { AppEnv } from './request-info.ts';
import type { RequestCounters } from './request-counters.ts';
import { jsonResponse } from './responses.ts';

/** The app middleware that counts every admin request (the fast path counts its own). */
export function countRequests(counters: RequestCounters) {
  return async (c: Context, next: Next): Promise<void> => {
    await next();
    counters.count(c.req.method, c.res.status);
  };
}

function version(server: ServerContext): string {
  return server.deps.statusVersion ?? `${server.deps.serverVersion} `;
}

export function handleStatsCounter(c: Context<AppEnv>, server: ServerContext, counters: RequestCounters): Response {
  return jsonResponse(
    200,
    {
      Version: version(server),
      Counters: {
        StartedAt: counters.startedAt,
        Total: counters.total,
        ByMethod: counters.byMethod,
        ByStatus: counters.byStatus,
      },
    },
    c.get('info').pretty,
  );
}

export function handleStatsMemory(c: Context<AppEnv>, server: ServerContext): Response {
  const m = process.memoryUsage();
  return jsonResponse(
    200,
    {
      Version: version(server),
      Memory: {
        All: os.totalmem(),
        Free: os.freemem(),
        Used: os.totalmem() - os.freemem(),
        Self: m.rss,
        Heap: m.heapUsed,
        External: m.external,
        ArrayBuffers: m.arrayBuffers,
      },
    },
    c.get('info').pretty,
  );
}

export async function handleStatsDisk(c: Context<AppEnv>, server: ServerContext): Promise<Response> {
  const disks = await Promise.all(server.deps.store.locations.map((l) => diskStatus(l.dir, l.diskType)));
  return jsonResponse(200, { Version: version(server), DiskStatuses: disks }, c.get('info').pretty);
}
