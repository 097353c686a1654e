// Bytes in flight for the in_flight_upload_size / in_flight_download_size gauges, and the
// handler_total{uploadLimitCondition|downloadLimitCondition} counters, measured around the
// throttling hooks:
// - an upload counts its Content-Length from admission until its handler returns (replica
//   copies included, as upstream's inFlightUploadDataSize);
// - a download counts its Content-Length from the response until the body is sent or the client
//   goes away (the same span the download throttle limits);
// - a request that arrives while the bytes in flight exceed the configured limit counts one
//   limit condition (upstream counts the same condition; uploads of type=replicate are exempt).
import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { HandlerLabel, type VolumeServerMetrics } from './registry.ts';

type Around = (c: Context, run: () => Promise<Response>) => Promise<Response>;

export interface TransferHooks {
  aroundUpload: Around;
  aroundDownload: Around;
}

export interface TransferLimits {
  uploadLimitBytes: number;
  downloadLimitBytes: number;
}

function contentLength(headers: Headers): number {
  const value = Number(headers.get('content-length') ?? '0');
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}

function isReplicaCopy(c: Context): boolean {
  return new URL(c.req.url).searchParams.get('type') === 'replicate';
}

function outgoingOf(c: Context): ServerResponse | undefined {
  return (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
}

export function meterTransfers(
  inner: TransferHooks,
  metrics: VolumeServerMetrics,
  limits: TransferLimits,
): TransferHooks {
  return {
    async aroundUpload(c, run) {
      if (limits.uploadLimitBytes > 0 && !isReplicaCopy(c) && metrics.inFlightUploadBytes > limits.uploadLimitBytes) {
        metrics.handlerTotal.inc({ type: HandlerLabel.UploadLimitCondition });
      }
      const bytes = contentLength(c.req.raw.headers);
      return inner.aroundUpload(c, async () => {
        metrics.inFlightUploadBytes += bytes;
        try {
          return await run();
        } finally {
          metrics.inFlightUploadBytes -= bytes;
        }
      });
    },

    async aroundDownload(c, run) {
      if (limits.downloadLimitBytes > 0 && metrics.inFlightDownloadBytes > limits.downloadLimitBytes) {
        metrics.handlerTotal.inc({ type: HandlerLabel.DownloadLimitCondition });
      }
      return inner.aroundDownload(c, async () => {
        const response = await run();
        const bytes = contentLength(response.headers);
        const outgoing = outgoingOf(c);
        if (bytes === 0 || outgoing === undefined || outgoing.closed || outgoing.destroyed) return response;
        metrics.inFlightDownloadBytes += bytes;
        outgoing.once('close', () => {
          metrics.inFlightDownloadBytes -= bytes;
        });
        return response;
      });
    },
  };
}
