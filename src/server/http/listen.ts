// Listening on the admin port and, when it differs, the public port: node:http servers whose
// listener is the fast path in front of the Hono app (through @hono/node-server). On plain HTTP
// with the fast path on, connections start on the direct transport and reach node:http at the
// first request the fast path does not take.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { type RequestListener, type Server, createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsServerOptions } from 'node:https';
import type { Server as TlsServer } from 'node:tls';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { createAdminApp, createPublicApp } from './app.ts';
import type { HttpDeps, ServerContext } from './deps.ts';
import { FastPath } from './fast-path.ts';
import { fastNodeListener } from './fast-node-listener.ts';
import { type DirectConnections, installDirectConnections } from './direct/direct-connections.ts';
import type { AppEnv } from './request-info.ts';
import { createServerContext } from './server-context.ts';
import type { Port } from './store-handler.ts';
import type { Logger } from '../../log/logger.ts';

export interface HttpListenOptions {
  /** Undefined or '' listens on all interfaces. */
  host: string | undefined;
  /** 0 picks a free port. */
  port: number;
  /** The separate public (read-only) listener, if any; its host defaults to `host`. */
  public?: { host?: string; port: number };
  /** Keep-alive idle time, and the no-progress limit of a connection (Go's -idleTimeout, default 30 s). */
  idleTimeoutMs?: number;
  /** How long a client may take to send a request's headers. Default 60 s. */
  headersTimeoutMs?: number;
  /** Open connections a listener accepts; more are refused and logged. Default 8192. */
  maxConnections?: number;
  /** Where the connection-limit notice goes; default the deps log. */
  log?: Logger;
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
const DEFAULT_HEADERS_TIMEOUT_MS = 60_000;
/** Below the usual descriptor limits, so a flood of idle sockets cannot starve the volume files. */
const DEFAULT_MAX_CONNECTIONS = 8192;
/** How often Node checks the headers deadline; 1 s keeps it within a second of the limit. */
const CONNECTIONS_CHECKING_INTERVAL_MS = 1_000;
/** One connection-limit log line per listener per this interval, however many are refused. */
const DROP_LOG_INTERVAL_MS = 10_000;

interface ConnectionLimits {
  idleTimeoutMs: number;
  headersTimeoutMs: number;
  maxConnections: number;
  log: Logger;
}
const DEFAULT_CLOSE_GRACE_MS = 5_000;
/** Go's http.DefaultMaxHeaderBytes. */
const MAX_HEADER_BYTES = 1024 * 1024;

interface PortHandler {
  listener: RequestListener;
  fast: FastPath;
}

function portHandler(app: Hono<AppEnv>, server: ServerContext, port: Port): PortHandler {
  const fallback = getRequestListener(app.fetch) as RequestListener;
  const fast = new FastPath(server, port, server.deps.fastPath ?? { reads: false, writes: false });
  return { listener: fastNodeListener(fast, fallback), fast };
}

interface Listening {
  server: Server;
  /** The connections served without node:http; undefined when every one goes to node:http (HTTPS, or no fast path). */
  direct: DirectConnections | undefined;
}

async function listen(
  handler: PortHandler,
  host: string | undefined,
  port: number,
  limits: ConnectionLimits,
  tls?: AdminTls,
): Promise<Listening> {
  // Uploads may be large and slow, so there is no whole-request deadline (Go sets none either);
  // the headers deadline and the per-connection no-progress timeout bound slow clients instead.
  // requestTimeout 0 makes Node's headersTimeout default 0 too, so it is always set explicitly.
  const httpOptions = {
    requestTimeout: 0,
    headersTimeout: limits.headersTimeoutMs,
    connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
    keepAliveTimeout: limits.idleTimeoutMs,
    maxHeaderSize: MAX_HEADER_BYTES,
  };
  const server: Server =
    tls === undefined
      ? createHttpServer(httpOptions, handler.listener)
      : (createHttpsServer({ ...tls.serverOptions, ...httpOptions }, handler.listener) as unknown as Server);
  boundConnections(server, limits);
  const { fast } = handler;
  const direct =
    tls === undefined && fast.enabled && fast.options.direct !== false
      ? installDirectConnections(server, fast, {
          idleTimeoutMs: limits.idleTimeoutMs,
          keepAliveTimeoutMs: limits.idleTimeoutMs,
        })
      : undefined;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host === '' ? undefined : host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, direct };
}

/**
 * Go's -idleTimeout is a read/write deadline renewed on every byte: a connection that moves
 * nothing for that long is closed, mid-request or not. Node's socket timeout is the same rule.
 */
function boundConnections(server: Server, limits: ConnectionLimits): void {
  if (limits.idleTimeoutMs > 0) {
    server.setTimeout(limits.idleTimeoutMs, (socket) => socket.destroy());
  }
  server.maxConnections = limits.maxConnections;
  let lastDropLogMs = 0;
  let dropped = 0;
  server.on('drop', () => {
    dropped++;
    const nowMs = Date.now();
    if (nowMs - lastDropLogMs < DROP_LOG_INTERVAL_MS) return;
    lastDropLogMs = nowMs;
    limits.log.warn(`http: connection limit ${limits.maxConnections} reached; refused ${dropped} connection(s) so far`);
  });
}

async function closeServer({ server, direct }: Listening, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  direct?.closeIdle();
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
  });
  await Promise.race([closed, grace]);
  clearTimeout(timer);
  server.closeAllConnections();
  direct?.closeAll();
  await closed;
}

export async function listenHttpServers(deps: HttpDeps, options: HttpListenOptions): Promise<HttpServers> {
  const server = createServerContext(deps);
  const limits: ConnectionLimits = {
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    headersTimeoutMs: options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS,
    maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    log: options.log ?? deps.log,
  };
  assert(limits.maxConnections > 0, 'maxConnections must be positive');
  const admin = await listen(
    portHandler(createAdminApp(deps, server), server, 'admin'),
    options.host,
    options.port,
    limits,
    options.tls,
  );
  const detachTls = options.tls?.attach?.(admin.server as unknown as TlsServer);
  let publicServer: Listening | undefined;
  if (options.public !== undefined) {
    try {
      publicServer = await listen(
        portHandler(createPublicApp(deps, server), server, 'public'),
        options.public.host ?? options.host,
        options.public.port,
        limits,
      );
    } catch (err) {
      detachTls?.();
      await closeServer(admin, 0);
      throw err;
    }
  }
  const graceMs = options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS;
  return {
    adminPort: (admin.server.address() as AddressInfo).port,
    publicPort: publicServer === undefined ? undefined : (publicServer.server.address() as AddressInfo).port,
    close: async () => {
      detachTls?.();
      await Promise.all([closeServer(admin, graceMs), ...(publicServer ? [closeServer(publicServer, graceMs)] : [])]);
    },
  };
}
