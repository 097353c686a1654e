// Upload and download throttling (upstream's concurrent*LimitMB and inflight*DataTimeout):
// hooks around the store handlers. Replica copies (type=replicate) are never throttled; an
// over-limit download of a replicated local volume is sent to another replica instead of waiting.
import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { copyCount } from '../../storage/replica-placement.ts';
import type { Store } from '../../store/store.ts';
import type { FileTarget, HttpHooks } from './deps.ts';
import { InflightLimiter } from './inflight-limiter.ts';
import type { AppEnv } from './request-info.ts';
import { emptyResponse, jsonError } from './responses.ts';
import { fileTargetOrNull, parseUrlPath } from './url-path.ts';

export interface ThrottleOptions {
  uploadLimitBytes: number;
  uploadTimeoutMs: number;
  downloadLimitBytes: number;
  downloadTimeoutMs: number;
  store: Store;
  /** Serves a read from another holder of the volume (proxy or redirect). */
  readFromReplica?: (c: Context<AppEnv>, target: FileTarget) => Promise<Response>;
}

function contentLength(c: Context): number {
  const value = Number(c.req.header('content-length') ?? '0');
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}

function outgoingOf(c: Context): ServerResponse | undefined {
  return (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
}

export function throttleHooks(options: ThrottleOptions): Pick<HttpHooks, 'aroundUpload' | 'aroundDownload'> {
  const uploads = new InflightLimiter(options.uploadLimitBytes, options.uploadTimeoutMs);
  const downloads = new InflightLimiter(options.downloadLimitBytes, options.downloadTimeoutMs);
  return {
    async aroundUpload(c, run) {
      const info = (c as Context<AppEnv>).get('info');
      if (!uploads.enabled || info.query.get('type') === 'replicate') return run();
      const bytes = contentLength(c);
      const admitted = await uploads.admit(bytes, c.req.raw.signal);
      if (admitted === 'timeout') {
        return jsonError(
          429,
          `reject because inflight upload data ${uploads.currentBytes} > ${uploads.limitBytes}, and wait timeout`,
          info.pretty,
        );
      }
      if (admitted === 'gone') return jsonError(499, 'client disconnected', info.pretty);
      try {
        return await run();
      } finally {
        uploads.release(bytes);
      }
    },

    async aroundDownload(c, run) {
      const ctx = c as Context<AppEnv>;
      const info = ctx.get('info');
      if (!downloads.enabled) return run();
      if (downloads.overLimit && info.query.get('proxied') !== 'true') {
        const parts = parseUrlPath(info.path);
        const target = fileTargetOrNull(parts);
        if (target === null) return emptyResponse(400, new Headers(), info.isHead);
        const volume = options.store.findVolume(target.volumeId);
        if (
          volume !== undefined &&
          copyCount(volume.superBlock.replicaPlacement) > 1 &&
          options.readFromReplica !== undefined
        ) {
          return options.readFromReplica(ctx, target);
        }
      }
      const admitted = await downloads.admit(0, c.req.raw.signal);
      if (admitted === 'timeout') {
        return jsonError(
          429,
          `request ${info.path} because inflight download data ${downloads.currentBytes} > ${downloads.limitBytes}, and wait timeout`,
          info.pretty,
        );
      }
      if (admitted === 'gone') return emptyResponse(499);
      const response = await run();
      const bytes = Number(response.headers.get('content-length') ?? '0') || 0;
      const outgoing = outgoingOf(c);
      if (bytes === 0 || outgoing === undefined) return response;
      // Counted until the whole body is written or the client goes away.
      downloads.add(bytes);
      let released = false;
      outgoing.once('close', () => {
        if (released) return;
        released = true;
        downloads.release(bytes);
      });
      return response;
    },
  };
}
