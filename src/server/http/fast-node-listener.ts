// The fast path on node:http: a request listener in front of the app (for HTTPS, and for the
// connections the direct transport handed to node:http). What the fast path declines goes to
// the app untouched.
import type { RequestListener, ServerResponse } from 'node:http';
import type { FastPath, FastReply } from './fast-path.ts';
import type { FastTarget } from './fast-target.ts';

export function fastNodeListener(fast: FastPath, app: RequestListener): RequestListener {
  if (!fast.enabled) return app;
  return (req, res) => {
    const method = req.method ?? '';
    const target = fast.targetOf(method, req.url);
    if (target === null) return app(req, res);
    const startedAtMs = performance.now();
    const served = fast.serve({ method, headers: req.headers, body: req }, target).then((reply) => {
      if (reply === null) return app(req, res);
      send(fast, res, method, target, reply, startedAtMs);
    });
    served.catch((err: unknown) => {
      fast.internalError(method, target.path, err);
      if (!res.headersSent) res.writeHead(500, { 'content-length': '0' });
      res.end();
    });
  };
}

function send(
  fast: FastPath,
  res: ServerResponse,
  method: string,
  target: FastTarget,
  reply: FastReply,
  startedAtMs: number,
): void {
  const { release } = reply;
  if (res.headersSent || res.destroyed) {
    release?.();
    return;
  }
  const body = reply.body;
  let status = reply.status;
  try {
    res.writeHead(status, reply.headers);
  } catch (err) {
    // A header value node refuses (nothing was sent): answer 500 instead.
    release?.();
    const error = fast.internalError(method, target.path, err);
    status = error.status;
    res.writeHead(status, error.headers);
    res.end();
    fast.sent(method, status, startedAtMs);
    return;
  }
  const downloadDone = fast.downloadStarted(reply.downloadBytes);
  res.once('close', () => {
    downloadDone();
    release?.();
  });
  if (body === null) res.end();
  else if (typeof body === 'string') res.end(body, 'utf8');
  else res.end(body);
  fast.sent(method, status, startedAtMs);
}
