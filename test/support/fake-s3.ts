// A tiny in-process S3 (path-style, single-part objects only) for remote-storage tests: PUT, GET
// with Range, HEAD, DELETE, and NoSuchKey errors. No auth checks; requests are recorded.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeS3 {
  endpoint: string;
  objects: Map<string, Buffer>;
  requests: Array<{ method: string; path: string; range: string | undefined }>;
  close(): Promise<void>;
}

function noSuchKey(res: http.ServerResponse, key: string): void {
  res.writeHead(404, { 'content-type': 'application/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>${key}</Key></Error>`,
  );
}

export async function startFakeS3(): Promise<FakeS3> {
  const objects = new Map<string, Buffer>();
  const requests: FakeS3['requests'] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const objectKey = decodeURIComponent(url.pathname.slice(1));
    requests.push({ method: req.method ?? '', path: objectKey, range: req.headers.range });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const stored = objects.get(objectKey);
      switch (req.method) {
        case 'PUT':
          objects.set(objectKey, Buffer.concat(chunks));
          res.writeHead(200, { etag: '"fake"' });
          return res.end();
        case 'HEAD':
          if (stored === undefined) {
            res.writeHead(404);
            return res.end();
          }
          res.writeHead(200, { 'content-length': stored.length, etag: '"fake"' });
          return res.end();
        case 'DELETE':
          objects.delete(objectKey);
          res.writeHead(204);
          return res.end();
        case 'GET': {
          if (stored === undefined) return noSuchKey(res, objectKey);
          const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
          if (m === null) {
            res.writeHead(200, { 'content-length': stored.length });
            return res.end(stored);
          }
          const start = Number(m[1]);
          const end = Math.min(Number(m[2]), stored.length - 1);
          const slice = stored.subarray(start, end + 1);
          res.writeHead(206, {
            'content-length': slice.length,
            'content-range': `bytes ${start}-${end}/${stored.length}`,
          });
          return res.end(slice);
        }
        default:
          res.writeHead(405);
          res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    objects,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
