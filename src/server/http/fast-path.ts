// The request listener in front of the Hono app. The requests a volume server mostly serves (a
// fid GET/HEAD of a small plain needle, a POST/PUT of one upload or a DELETE on an unreplicated volume) are
// answered on plain node:http, without web Request/Response objects; every other request, and
// any of these the fast path declines, goes to the app untouched. The parity suite holds both
// paths to the same answers.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { BufferPool } from '../../storage/buffer-pool.ts';
import { contentLengthOf } from './body.ts';
import type { ServerContext } from './deps.ts';
import { tryFastDelete } from './fast-delete.ts';
import { FastReadBudget, tryFastRead } from './fast-read.ts';
import { type FastTarget, fastTargetOf } from './fast-target.ts';
import { tryFastWrite } from './fast-write.ts';
import { type PlainResponse, plainEmpty, sendPlain } from './plain-response.ts';
import { REQUEST_ID_HEADER, newRequestId } from './request-id.ts';
import type { Port } from './store-handler.ts';
import { recordStoreRequest, requestType } from '../metrics/http-middleware.ts';

/** Which requests may skip the app: none that need a JWT, the white list or a throttle. */
export interface FastPathOptions {
  reads: boolean;
  writes: boolean;
  /** Counts of requests the fast path answered itself (not declined), when given; deletes count as writes too. */
  served?: { reads: number; writes: number; deletes?: number };
}

/** Needle bytes the fast path may hold at once across requests (beyond it the app streams). */
const FAST_READ_BUDGET_BYTES = 64 * 1024 * 1024;
/** Free buffers kept for reuse by large fast reads (records) and writes (bodies); see BufferPool. */
const FAST_POOL_BYTES = 32 * 1024 * 1024;

export function fastPathListener(
  server: ServerContext,
  port: Port,
  app: RequestListener,
  options: FastPathOptions,
): RequestListener {
  if (!options.reads && !options.writes) return app;
  const budget = new FastReadBudget(FAST_READ_BUDGET_BYTES);
  const buffers = new BufferPool(FAST_POOL_BYTES);
  const metrics = server.deps.metrics;
  const countsInFlight = metrics !== undefined && port === 'admin';
  const commonHeaders = (): string[] => ['server', server.serverHeader, REQUEST_ID_HEADER, newRequestId()];

  const finished = (method: string, status: number, startedAtMs: number): void => {
    if (port === 'admin') server.counters.count(method, status);
    if (metrics === undefined) return;
    if (countsInFlight) metrics.requests.end(method);
    recordStoreRequest(metrics, requestType(port, method), method, status, startedAtMs);
  };

  const serveRead = async (
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    target: FastTarget,
  ): Promise<void> => {
    const startedAtMs = performance.now();
    if (countsInFlight) metrics.requests.begin(method);
    const sentBytes = await tryFastRead(req, res, server, target, budget, commonHeaders, buffers);
    if (sentBytes === null) {
      if (countsInFlight) metrics.requests.end(method);
      await app(req, res);
      return;
    }
    // The download gauge, as the app's transfer meter keeps it: the Content-Length until the socket is done.
    if (metrics !== undefined && sentBytes > 0 && !res.closed) {
      metrics.inFlightDownloadBytes += sentBytes;
      res.once('close', () => {
        metrics.inFlightDownloadBytes -= sentBytes;
      });
    }
    if (options.served !== undefined) options.served.reads++;
    finished(method, 200, startedAtMs);
  };

  const serveWrite = async (
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    target: FastTarget,
  ): Promise<void> => {
    const startedAtMs = performance.now();
    const uploadBytes = contentLengthOf(req.headers['content-length']) ?? 0;
    if (countsInFlight) metrics.requests.begin(method);
    if (metrics !== undefined) metrics.inFlightUploadBytes += uploadBytes;
    let plain: PlainResponse | null;
    try {
      plain =
        method === 'DELETE'
          ? await tryFastDelete(req, server, target)
          : await tryFastWrite(req, server, target, buffers);
    } catch (err) {
      server.deps.log.error(`http ${method} ${target.path}: ${(err as Error).stack ?? (err as Error).message}`, {
        path: target.path,
      });
      plain = plainEmpty(500);
    } finally {
      if (metrics !== undefined) metrics.inFlightUploadBytes -= uploadBytes;
    }
    if (plain === null) {
      if (countsInFlight) metrics.requests.end(method);
      await app(req, res);
      return;
    }
    try {
      sendPlain(res, plain, commonHeaders());
    } catch (err) {
      // A header node refuses (nothing was sent): the body is consumed, so answer 500 here.
      server.deps.log.error(`http ${method} ${target.path}: ${(err as Error).message}`, { path: target.path });
      plain = plainEmpty(500);
      sendPlain(res, plain, commonHeaders());
    }
    if (options.served !== undefined) {
      options.served.writes++;
      if (method === 'DELETE') options.served.deletes = (options.served.deletes ?? 0) + 1;
    }
    finished(method, plain.status, startedAtMs);
  };

  return (req, res) => {
    const method = req.method ?? '';
    const isRead = method === 'GET' || method === 'HEAD';
    const isWrite = port === 'admin' && (method === 'POST' || method === 'PUT' || method === 'DELETE');
    const target = (isRead && options.reads) || (isWrite && options.writes) ? fastTargetOf(req.url) : null;
    if (target === null) return app(req, res);
    const served = isRead ? serveRead(req, res, method, target) : serveWrite(req, res, method, target);
    served.catch((err: unknown) => {
      server.deps.log.error(`http ${method} ${target.path}: ${(err as Error).stack ?? String(err)}`, {
        path: target.path,
      });
      if (!res.headersSent) res.writeHead(500, { 'content-length': '0' });
      res.end();
    });
  };
}
