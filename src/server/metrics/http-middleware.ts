// Request metrics around the store handler (the `/` handler of both ports), as upstream's
// privateStoreHandler / publicReadOnlyHandler record them: request_total{type=method, code},
// request_seconds{type}, and in_flight_requests{type} on the admin port only. Upstream labels an
// unsupported method on the admin port "INVALID". Status, /healthz and the other admin routes
// are not counted, as upstream.
//
// A few failure counters upstream bumps deep inside its handlers are derived here from the final
// status, which is what those code paths answer with:
// - GET/HEAD → 404: handler_total{errorGetNotFound} and file_read_failures (upstream's NotFound);
// - GET/HEAD → 500: handler_total{errorGetInternal} and file_read_failures (InternalError);
// - POST/PUT → 400 or 500, DELETE → 500: file_write_failures.
import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { HandlerLabel, type VolumeServerMetrics } from './registry.ts';

export type MeteredPort = 'admin' | 'public';

const ADMIN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS']);

function outgoingOf(c: Context): ServerResponse | undefined {
  return (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
}

/** Counts the failure counters a final status implies (see the header comment). */
export function countFailures(metrics: VolumeServerMetrics, method: string, status: number): void {
  if (method === 'GET' || method === 'HEAD') {
    if (status === 404) {
      metrics.handlerTotal.inc({ type: HandlerLabel.ErrorGetNotFound });
      metrics.fileReadFailures.inc();
    } else if (status === 500) {
      metrics.handlerTotal.inc({ type: HandlerLabel.ErrorGetInternal });
      metrics.fileReadFailures.inc();
    }
  } else if (
    ((method === 'POST' || method === 'PUT') && (status === 400 || status === 500)) ||
    (method === 'DELETE' && status === 500)
  ) {
    metrics.fileWriteFailures.inc();
  }
}

/** The request label upstream uses: the method, or INVALID for an unsupported one on the admin port. */
export function requestType(port: MeteredPort, method: string): string {
  return port === 'admin' && !ADMIN_METHODS.has(method) ? 'INVALID' : method;
}

/** Counts and times one finished store request (in-flight bookkeeping is the caller's). */
export function recordStoreRequest(
  metrics: VolumeServerMetrics,
  type: string,
  method: string,
  status: number,
  startedAtMs: number,
): void {
  metrics.requests.record(type, status, (performance.now() - startedAtMs) / 1000);
  countFailures(metrics, method, status);
}

/** Wraps a store handler so every request it serves is counted and timed. */
export function meterStoreHandler<C extends Context>(
  metrics: VolumeServerMetrics,
  port: MeteredPort,
  handler: (c: C) => Promise<Response>,
): (c: C) => Promise<Response> {
  return async (c) => {
    const method = c.req.method;
    const type = requestType(port, method);
    const startedAt = performance.now();
    const inFlight = port === 'admin';
    if (inFlight) metrics.requests.begin(method);
    let finished = false;
    const finish = (status: number): void => {
      if (finished) return;
      finished = true;
      if (inFlight) metrics.requests.end(method);
      recordStoreRequest(metrics, type, method, status, startedAt);
    };
    let response: Response;
    try {
      response = await handler(c);
    } catch (err) {
      finish(500); // the app's error handler answers 500
      throw err;
    }
    // Upstream's timer stops once the body is written; a streamed body ends when the socket says so.
    const outgoing = outgoingOf(c);
    if (outgoing !== undefined && response.body !== null && !outgoing.closed && !outgoing.destroyed) {
      outgoing.once('close', () => finish(response.status));
    } else {
      finish(response.status);
    }
    return response;
  };
}
