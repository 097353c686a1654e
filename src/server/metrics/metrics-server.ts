// The -metricsPort listener: GET /metrics in the Prometheus text format, on its own plain-HTTP
// port (upstream's stats.StartMetricsServer). Any other path is 404. Never on the admin port.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { Logger } from '../../log/logger.ts';

export interface MetricsSource {
  scrape(): Promise<{ contentType: string; body: string }>;
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [coding, ...params] = part.trim().split(';');
    if (coding?.trim().toLowerCase() !== 'gzip') return false;
    return !params.some((p) => /^\s*q\s*=\s*0(?:\.0*)?\s*$/.test(p));
  });
}

/** Listens on `host:port` ('' host: all interfaces; port 0: any free port). */
export async function startMetricsServer(
  source: MetricsSource,
  host: string,
  port: number,
  log: Logger,
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      res.end('404 page not found\n');
      return;
    }
    source.scrape().then(
      ({ contentType, body }) => {
        const headers: Record<string, string> = { 'Content-Type': contentType };
        let payload = Buffer.from(body);
        if (acceptsGzip(req.headers['accept-encoding'])) {
          payload = gzipSync(payload);
          headers['Content-Encoding'] = 'gzip';
        }
        headers['Content-Length'] = String(payload.length);
        res.writeHead(200, headers);
        res.end(req.method === 'HEAD' ? undefined : payload);
      },
      (err: unknown) => {
        log.error(`metrics scrape failed: ${(err as Error).stack ?? String(err)}`);
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(`An error has occurred while serving metrics:\n\n${(err as Error).message}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host === '' ? undefined : host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
