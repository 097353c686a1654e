// The volume server's two HTTP surfaces as Hono apps: the admin port (status, health, and the
// read-write store handler) and the separate public port (read-only store handler).
import { Hono } from 'hono';
import type { Context, Next } from 'hono';
import type { HttpDeps, ServerContext } from './deps.ts';
import { handleHealth, handleStatus } from './handle-status.ts';
import { handleServices } from './handle-services.ts';
import { handleMaintenanceRun, handleMaintenanceRuns, handleMaintenanceStart } from './handle-maintenance.ts';
import { handleUi } from './handle-ui.ts';
import { handleStatic } from './handle-static.ts';
import { countRequests, handleStatsCounter, handleStatsDisk, handleStatsMemory } from './handle-stats.ts';
import { BadRequestTarget, cleanServePath, escapePath } from './raw-target.ts';
import { type AppEnv, computeRequestInfo } from './request-info.ts';
import { REQUEST_ID_HEADER, newRequestId } from './request-id.ts';
import { emptyResponse } from './responses.ts';
import { createServerContext } from './server-context.ts';
import { type Port, storeHandler } from './store-handler.ts';
import { meterStoreHandler } from '../metrics/http-middleware.ts';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

function htmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/**
 * What Go's net/http and ServeMux do before any handler: refuse an undecodable path (400) and
 * redirect a non-canonical one (`//`, `/./`, `/../`) to its cleaned form (301, no Server header).
 */
async function canonicalPath(c: Context<AppEnv>, next: Next): Promise<Response | undefined> {
  let info;
  try {
    info = computeRequestInfo(c);
  } catch (err) {
    if (!(err instanceof BadRequestTarget)) throw err;
    return new Response(Buffer.from('400 Bad Request'), {
      status: 400,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' },
    });
  }
  const cleaned = cleanServePath(info.path);
  if (cleaned !== info.path && c.req.method !== 'CONNECT') {
    const location = escapePath(cleaned) + (info.rawQuery !== '' ? `?${info.rawQuery}` : '');
    const headers = new Headers({ Location: location });
    if (c.req.method === 'GET' || c.req.method === 'HEAD') {
      headers.set('Content-Type', 'text/html; charset=utf-8');
      return new Response(Buffer.from(`<a href="${htmlEscape(location)}">Moved Permanently</a>.\n\n`), {
        status: 301,
        headers,
      });
    }
    return emptyResponse(301, headers);
  }
  c.set('info', info);
  await next();
}

/** Server and request-id headers on every response of the handlers (Go's requestIDMiddleware). */
function commonHeaders(server: ServerContext) {
  return async (c: Context<AppEnv>, next: Next): Promise<void> => {
    await next();
    c.res.headers.set('Server', server.serverHeader);
    c.res.headers.set(REQUEST_ID_HEADER, newRequestId());
  };
}

function baseApp(server: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError((err, c) => {
    server.deps.log.error(`http ${c.req.method} ${c.req.path}: ${err.stack ?? err.message}`, { path: c.req.path });
    return emptyResponse(500);
  });
  app.use('*', canonicalPath);
  app.use('*', commonHeaders(server));
  return app;
}

function finish(app: Hono<AppEnv>, server: ServerContext, port: Port): Hono<AppEnv> {
  app.all('/favicon.ico', (c) => handleStatic(c, 'favicon.ico'));
  app.all('/seaweedfsstatic/:name', (c) => handleStatic(c, c.req.param('name')));
  const store = storeHandler(server, port);
  // Upstream meters only this `/` handler, not /status, /healthz and the like.
  app.all('*', server.deps.metrics !== undefined ? meterStoreHandler(server.deps.metrics, port, store) : store);
  return app;
}

export function createAdminApp(deps: HttpDeps, server: ServerContext = createServerContext(deps)): Hono<AppEnv> {
  const app = baseApp(server);
  const counters = server.counters;
  app.use('*', countRequests(counters));
  app.all('/status', (c) => handleStatus(c, server));
  // Upstream wraps these in guard.WhiteList (disk stats show data paths): refused like a write.
  const whiteListed = (handler: (c: Context<AppEnv>) => Response | Promise<Response>) => (c: Context<AppEnv>) =>
    server.hooks.guardWrite(c) ? handler(c) : emptyResponse(401);
  app.get(
    '/stats/counter',
    whiteListed((c) => handleStatsCounter(c, server, counters)),
  );
  app.get(
    '/stats/memory',
    whiteListed((c) => handleStatsMemory(c, server)),
  );
  app.get(
    '/stats/disk',
    whiteListed((c) => handleStatsDisk(c, server)),
  );
  app.get(
    '/status/services',
    whiteListed((c) => handleServices(c, server)),
  );
  app.post(
    '/maintenance/:agent',
    whiteListed((c) => handleMaintenanceStart(c, server, c.req.param('agent') ?? '')),
  );
  app.get(
    '/maintenance/runs',
    whiteListed((c) => handleMaintenanceRuns(c, server)),
  );
  app.get(
    '/maintenance/runs/:id',
    whiteListed((c) => handleMaintenanceRun(c, server, c.req.param('id') ?? '')),
  );
  app.all('/healthz', (c) => handleHealth(c, server));
  app.all('/readyz', (c) => handleHealth(c, server));
  if (deps.uiEnabled ?? true) app.get('/ui/index.html', (c) => handleUi(c, server));
  return finish(app, server, 'admin');
}

export function createPublicApp(deps: HttpDeps, server: ServerContext = createServerContext(deps)): Hono<AppEnv> {
  return finish(baseApp(server), server, 'public');
}
