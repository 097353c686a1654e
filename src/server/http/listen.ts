// Listening on the admin port and, when it differs, the public port, with @hono/node-server.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsServerOptions } from 'node:https';
import type { Server as TlsServer } from 'node:tls';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import { createAdminApp, createPublicApp } from './app.ts';
import type { HttpDeps } from './deps.ts';
import type { AppEnv } from './request-info.ts';
import { createServerContext } from './server-context.ts';

export interface HttpListenOptions {
  /** Undefined or '' listens on all interfaces. */
  host: string | undefined;
  /** 0 picks a free port. */
  port: number;
  /** The separate public (read-only) listener, if any; its host defaults to `host`. */
  public?: { host?: string; port: number };
  /** Keep-alive idle time (Go's -idleTimeout, default 30 s). */
  idleTimeoutMs?: number;
  /** How long close() lets in-flight requests finish before cutting connections. */
  closeGraceMs?: number;
  /** HTTPS on the admin listener ([https.volume]); the public listener stays HTTP, as upstream. */
  tls?: AdminTls;
}

export interface AdminTls {
  serverOptions: HttpsServerOptions;
  /** Called with the listening server (certificate refresh); returns a function to stop. */
  attach?(server: TlsServer): () => void;
}

export interface HttpServers {
  adminPort: number;
  /** Undefined when there is no separate public listener. */
  publicPort: number | undefined;
  close(): Promise<void>;
}

const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
const DEFAULT_CLOSE_GRACE_MS = 5_000;
/** Go's http.DefaultMaxHeaderBytes. */
const MAX_HEADER_BYTES = 1024 * 1024;

async function listen(app: Hono<AppEnv>, host: string | undefined, port: number, idleTimeoutMs: number, tls?: AdminTls): Promise<Server> {
  // Uploads may be large and slow; Go sets no request deadline either.
  const httpOptions = { requestTimeout: 0, keepAliveTimeout: idleTimeoutMs, maxHeaderSize: MAX_HEADER_BYTES };
  const server = (
    tls === undefined
      ? createAdaptorServer({ fetch: app.fetch, serverOptions: httpOptions })
      : createAdaptorServer({ fetch: app.fetch, createServer: createHttpsServer, serverOptions: { ...tls.serverOptions, ...httpOptions } })
  ) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host === '' ? undefined : host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

async function closeServer(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
  });
  await Promise.race([closed, grace]);
  clearTimeout(timer);
  server.closeAllConnections();
  await closed;
}

export async function listenHttpServers(deps: HttpDeps, options: HttpListenOptions): Promise<HttpServers> {
  const server = createServerContext(deps);
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const admin = await listen(createAdminApp(deps, server), options.host, options.port, idleTimeoutMs, options.tls);
  const detachTls = options.tls?.attach?.(admin as unknown as TlsServer);
  let publicServer: Server | undefined;
  if (options.public !== undefined) {
    try {
      publicServer = await listen(createPublicApp(deps, server), options.public.host ?? options.host, options.public.port, idleTimeoutMs);
    } catch (err) {
      detachTls?.();
      await closeServer(admin, 0);
      throw err;
    }
  }
  const graceMs = options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS;
  return {
    adminPort: (admin.address() as AddressInfo).port,
    publicPort: publicServer === undefined ? undefined : (publicServer.address() as AddressInfo).port,
    close: async () => {
      detachTls?.();
      await Promise.all([closeServer(admin, graceMs), ...(publicServer ? [closeServer(publicServer, graceMs)] : [])]);
    },
  };
}
