// Shared HTTP test fixture: a store with volume 7 behind admin and public listeners on loopback.
import { request as httpRequest } from 'node:http';
import { listenHttpServers, type HttpServers } from '../../src/server/http/index.ts';
import type { HttpHooks } from '../../src/server/http/deps.ts';
import { Store } from '../../src/store/store.ts';
import { tempDir } from './helpers.ts';
import { linesLogger } from './lines-logger.ts';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Uint8Array | string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface Fixture {
  store: Store;
  servers: HttpServers;
  admin: number;
  public: number;
  logs: string[];
  setHealthy(value: boolean): void;
}

export async function startFixture(
  fileSizeLimitBytes = 8 * 1024 * 1024,
  hooks?: (store: Store) => Partial<HttpHooks>,
): Promise<Fixture> {
  const dir = await tempDir('needlework-http-');
  const logs: string[] = [];
  const store = new Store([{ dir, maxVolumeCount: 0, diskType: '', diskId: 0 }], 4, linesLogger(logs));
  await store.load();
  await store.allocateVolume({ volumeId: 7, collection: '', replication: '000', ttl: '', diskType: '', version: 3 });
  let healthy = true;
  const servers = await listenHttpServers(
    {
      store,
      serverVersion: '30GB 4.44',
      fileSizeLimitBytes,
      isHealthy: () => healthy,
      log: linesLogger(logs),
      ...(hooks ? { hooks: hooks(store) } : {}),
    },
    { host: '127.0.0.1', port: 0, public: { port: 0 }, closeGraceMs: 100 },
  );
  return {
    store,
    servers,
    admin: servers.adminPort,
    public: servers.publicPort as number,
    logs,
    setHealthy: (value) => {
      healthy = value;
    },
  };
}
