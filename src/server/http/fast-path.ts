// The fast path's core, whichever transport carries the request. The requests a volume server
// mostly serves (a fid GET/HEAD of a small plain needle, a POST/PUT of one upload or a DELETE on
// an unreplicated volume) are answered here without web Request/Response objects; every other
// request, and any of these the fast path declines, goes to the app untouched. The parity suite
// holds both paths to the same answers. Transports: fast-node-listener.ts (node:http) and
// direct/ (connections parsed here, handed to node:http at the first request they cannot take).
import { BufferPool } from '../../storage/buffer-pool.ts';
import { contentLengthOf } from './body.ts';
import type { ServerContext } from './deps.ts';
import { tryFastDelete } from './fast-delete.ts';
import { FastReadBudget, tryFastRead } from './fast-read.ts';
import type { FastRequest } from './fast-request.ts';
import { type FastTarget, fastTargetOf } from './fast-target.ts';
import { tryFastWrite } from './fast-write.ts';
import { type PlainResponse, plainEmpty, plainFlat } from './plain-response.ts';
import { REQUEST_ID_HEADER, newRequestId } from './request-id.ts';
import type { Port } from './store-handler.ts';
import { recordStoreRequest, requestType } from '../metrics/http-middleware.ts';

/** Which requests may skip the app: none that need a JWT, the white list or a throttle. */
export interface FastPathOptions {
  reads: boolean;
  writes: boolean;
  /** Counts of requests the fast path answered itself (not declined), when given; deletes count as writes too. */
  served?: { reads: number; writes: number; deletes?: number };
  /** Connections parsed by the server itself rather than node:http (plain HTTP only). Default true. */
  direct?: boolean;
}

/** Needle bytes the fast path may hold at once across requests (beyond it the app streams). */
const FAST_READ_BUDGET_BYTES = 64 * 1024 * 1024;
/** Free buffers kept for reuse by large fast reads (records) and writes (bodies); see BufferPool. */
const FAST_POOL_BYTES = 32 * 1024 * 1024;

/**
 * What the fast path answers: a status with flat header pairs (every store response's own
 * included, and Content-Length), then the body. `release`, when set, is called once the
 * transport is done with the body's bytes (sent or dropped), exactly once.
 */
export interface FastReply {
  status: number;
  headers: string[];
  body: Uint8Array | string | null;
  release?: () => void;
  /** For the download gauge: the Content-Length of a read (HEAD too), until the transport is done. */
  downloadBytes: number;
}

export class FastPath {
  private readonly budget = new FastReadBudget(FAST_READ_BUDGET_BYTES);
  private readonly buffers = new BufferPool(FAST_POOL_BYTES);
  private readonly countsInFlight: boolean;

  constructor(
    private readonly server: ServerContext,
    private readonly port: Port,
    readonly options: FastPathOptions,
  ) {
    this.countsInFlight = server.deps.metrics !== undefined && port === 'admin';
  }

  get enabled(): boolean {
    return this.options.reads || this.options.writes;
  }

  /** The fid this request may be served for, or null when it is the app's from the start. */
  targetOf(method: string, url: string | undefined): FastTarget | null {
    const isRead = method === 'GET' || method === 'HEAD';
    const isWrite = this.port === 'admin' && (method === 'POST' || method === 'PUT' || method === 'DELETE');
    return (isRead && this.options.reads) || (isWrite && this.options.writes) ? fastTargetOf(url) : null;
  }

  /**
   * Serves the request, or resolves null when the app must (having taken nothing: for a write,
   * nothing of the body was read). Once the reply is sent, the transport calls `sent`.
   */
  async serve(request: FastRequest, target: FastTarget): Promise<FastReply | null> {
    const { method } = request;
    const metrics = this.server.deps.metrics;
    if (this.countsInFlight) metrics?.requests.begin(method);
    const reply =
      method === 'GET' || method === 'HEAD' ? await this.read(request, target) : await this.write(request, target);
    if (reply === null && this.countsInFlight) metrics?.requests.end(method);
    return reply;
  }

  /** Counts and times a reply the transport has sent (with the status it really sent). */
  sent(method: string, status: number, startedAtMs: number): void {
    if (this.port === 'admin') this.server.counters.count(method, status);
    const metrics = this.server.deps.metrics;
    if (metrics === undefined) return;
    if (this.countsInFlight) metrics.requests.end(method);
    recordStoreRequest(metrics, requestType(this.port, method), method, status, startedAtMs);
  }

  /** The headers every store response carries (Go's Server, the request id). */
  commonHeaders(): string[] {
    return ['server', this.server.serverHeader, REQUEST_ID_HEADER, newRequestId()];
  }

  /** The download gauge, as the app's transfer meter keeps it: the Content-Length until the transport is done. */
  downloadStarted(bytes: number): () => void {
    const metrics = this.server.deps.metrics;
    if (metrics === undefined || bytes === 0) return () => {};
    metrics.inFlightDownloadBytes += bytes;
    return () => {
      metrics.inFlightDownloadBytes -= bytes;
    };
  }

  /** The 500 a transport sends when the reply could not go out (a header value it refuses), before anything was sent. */
  internalError(method: string, path: string, err: unknown): FastReply {
    this.server.deps.log.error(`http ${method} ${path}: ${(err as Error).stack ?? String(err)}`, { path });
    return { ...plainFlat(plainEmpty(500), this.commonHeaders()), status: 500, downloadBytes: 0 };
  }

  private async read(request: FastRequest, target: FastTarget): Promise<FastReply | null> {
    const read = await tryFastRead(request, this.server, target, this.budget, this.buffers);
    if (read === null) return null;
    const headers = read.headers;
    for (const entry of this.commonHeaders()) headers.push(entry);
    if (this.options.served !== undefined) this.options.served.reads++;
    return {
      status: 200,
      headers,
      body: read.isHead ? null : read.data,
      release: read.release,
      downloadBytes: read.data.length,
    };
  }

  private async write(request: FastRequest, target: FastTarget): Promise<FastReply | null> {
    const { method } = request;
    const metrics = this.server.deps.metrics;
    const uploadBytes = contentLengthOf(request.headers['content-length']) ?? 0;
    if (metrics !== undefined) metrics.inFlightUploadBytes += uploadBytes;
    let plain: PlainResponse | null;
    try {
      plain =
        method === 'DELETE'
          ? await tryFastDelete(request, this.server, target)
          : await tryFastWrite(request, this.server, target, this.buffers);
    } catch (err) {
      this.server.deps.log.error(`http ${method} ${target.path}: ${(err as Error).stack ?? (err as Error).message}`, {
        path: target.path,
      });
      plain = plainEmpty(500);
    } finally {
      if (metrics !== undefined) metrics.inFlightUploadBytes -= uploadBytes;
    }
    if (plain === null) return null;
    const served = this.options.served;
    if (served !== undefined) {
      served.writes++;
      if (method === 'DELETE') served.deletes = (served.deletes ?? 0) + 1;
    }
    return { status: plain.status, ...plainFlat(plain, this.commonHeaders()), downloadBytes: 0 };
  }
}
