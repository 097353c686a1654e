// Outgoing HTTP with [https.client]: a proxied read, a replicated write and the master lookups
// behind them go over HTTPS with the client certificate when enabled, and over plain HTTP when
// not; a server the CA does not vouch for is refused; a rotated client certificate is presented
// after a refresh.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { emptySecurityConfig } from '../../../src/security/security-config.ts';
import { setUpTransportSecurity } from '../../../src/cli/transport-security.ts';
import { VolumeLookup } from '../../../src/cluster/volume-lookup.ts';
import { httpScheme, outgoingFetch, useHttpsClient } from '../../../src/security/outgoing-http.ts';
import { TlsSettingsError, httpsClientTls } from '../../../src/security/tls-settings.ts';
import { type HttpServers, startHttpServers } from '../../../src/server/http/index.ts';
import { Store } from '../../../src/store/store.ts';
import { freePort } from '../../interop/peers.ts';
import { send } from '../http-fixture.ts';
import { type SuiteScope, suiteScope } from '../suite-scope.ts';
import { type TestPki, makeTestPki, opensslMissing } from './test-certs.ts';
import { silentLogger } from '../../../src/log/logger.ts';
import { linesLogger } from '../lines-logger.ts';

const HOUR_MS = 3_600_000;
const REPLICATED_FID = '3,01637037d6';
const REMOTE_FID = '5,02637037d6';

interface SeenRequest {
  method: string;
  url: string;
  encrypted: boolean;
  /** Common name of the client certificate, '' for none. */
  clientCn: string;
}

interface Peer {
  address: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** One server playing both the master (/dir/lookup) and the volume server holding the replicas. */
async function startPeer(
  scope: SuiteScope,
  tls: { pki: TestPki; requireClientCert: boolean } | null,
  selfAddress: () => string,
): Promise<Peer> {
  const seen: SeenRequest[] = [];
  let address = '';
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket as TLSSocket;
    const encrypted = socket.encrypted === true;
    const cn = encrypted ? socket.getPeerCertificate().subject?.CN : undefined;
    seen.push({ method: req.method ?? '', url: req.url ?? '', encrypted, clientCn: typeof cn === 'string' ? cn : '' });
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://peer');
      if (url.pathname === '/dir/lookup') {
        const volumeId = url.searchParams.get('volumeId');
        const urls = volumeId === '3' ? [selfAddress(), address] : [address];
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ volumeOrFileId: volumeId, locations: urls.map((u) => ({ url: u, publicUrl: u })) }));
      } else if (req.method === 'POST') {
        res.writeHead(201, { 'content-type': 'application/json' }).end('{"size":5}');
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('from the peer');
      }
    });
  };
  const server: Server =
    tls === null
      ? createHttpServer(handler)
      : createHttpsServer(
          {
            cert: readFileSync(tls.pki.server.cert),
            key: readFileSync(tls.pki.server.key),
            ca: readFileSync(tls.pki.caCert),
            requestCert: tls.requireClientCert,
            rejectUnauthorized: tls.requireClientCert,
          },
          handler,
        );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  scope.defer(close);
  return { address, seen, close };
}

interface Ours {
  servers: HttpServers;
  port: number;
}

/** Our server: volume 3 replicated on the peer ("001"), volume 5 only on the peer, -readMode=proxy. */
async function startOurs(scope: SuiteScope, peer: () => string): Promise<Ours> {
  const dir = await scope.tempDir('needlework-outgoing-');
  const store = new Store([{ dir, maxVolumeCount: 4, diskType: '', diskId: 0 }], 4, silentLogger);
  await store.load();
  await store.allocateVolume({ volumeId: 3, collection: '', replication: '001', ttl: '', diskType: '', version: 3 });
  const port = await freePort();
  const lookup = new VolumeLookup(() => [peer()]);
  const servers = await startHttpServers({
    store,
    config: {
      bindIp: '127.0.0.1',
      httpPort: port,
      publicPort: port,
      fileSizeLimitBytes: 1 << 20,
      idleTimeoutSeconds: 30,
    },
    lookup,
    readMode: { mode: 'proxy', selfAddress: `127.0.0.1:${port}`, lookup: (volumeId) => lookup.lookup(volumeId) },
    serverVersion: '30GB 4.44',
    isHealthy: () => true,
    log: silentLogger,
  });
  scope.defer(async () => {
    await servers.close();
    await store.close();
  });
  return { servers, port };
}

/** A peer and our server pointing at it (the peer's address is known only once it listens). */
async function cluster(scope: SuiteScope, tls: { pki: TestPki; requireClientCert: boolean } | null) {
  let ourAddress = '';
  const peer = await startPeer(scope, tls, () => ourAddress);
  const ours = await startOurs(scope, () => peer.address);
  ourAddress = `127.0.0.1:${ours.port}`;
  return { peer, ours };
}

function paths(seen: SeenRequest[]): string[] {
  return seen.map((s) => `${s.method} ${s.url.replace(/\?.*$/, '')}`);
}

describe('httpsClientTls', () => {
  const keys = (overrides: Partial<ReturnType<typeof emptySecurityConfig>>) => ({
    ...emptySecurityConfig(),
    ...overrides,
  });

  it('is off unless enabled, warning when certificates are set anyway', () => {
    assert.deepEqual(httpsClientTls(keys({})), { tls: null });
    const ignored = httpsClientTls(keys({ httpsClientCaFile: 'ca.crt' }));
    assert.equal(ignored.tls, null);
    assert.match(ignored.warning ?? '', /enabled/);
  });

  it('carries cert, key, ca and insecure_skip_verify; refuses half a pair as upstream', () => {
    assert.deepEqual(httpsClientTls(keys({ httpsClientEnabled: true })).tls, {
      certFile: '',
      keyFile: '',
      caFile: '',
      insecureSkipVerify: false,
    });
    assert.deepEqual(
      httpsClientTls(
        keys({
          httpsClientEnabled: true,
          httpsClientCertFile: 'c.crt',
          httpsClientKeyFile: 'c.key',
          httpsClientCaFile: 'ca.crt',
          httpsClientInsecureSkipVerify: true,
        }),
      ).tls,
      { certFile: 'c.crt', keyFile: 'c.key', caFile: 'ca.crt', insecureSkipVerify: true },
    );
    assert.throws(
      () => httpsClientTls(keys({ httpsClientEnabled: true, httpsClientCertFile: 'c.crt' })),
      TlsSettingsError,
    );
  });
});

describe('outgoing HTTP without [https.client]', () => {
  const scope = suiteScope();

  it('proxies reads, replicates writes and asks the master over plain HTTP', async () => {
    useHttpsClient(null, HOUR_MS, silentLogger);
    assert.equal(httpScheme(), 'http');
    const { peer, ours } = await cluster(scope, null);

    const read = await send(ours.port, 'GET', `/${REMOTE_FID}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.toString(), 'from the peer');
    const write = await send(ours.port, 'POST', `/${REPLICATED_FID}`, { 'Content-Type': 'text/plain' }, 'hello');
    assert.equal(write.status, 201, write.body.toString());

    assert.deepEqual(paths(peer.seen), [
      'GET /dir/lookup',
      `GET /${REMOTE_FID}`,
      'GET /dir/lookup',
      `POST /${REPLICATED_FID}`,
    ]);
    assert.ok(peer.seen.every((s) => !s.encrypted && s.clientCn === ''));
    assert.match(peer.seen[3]?.url ?? '', /type=replicate/);
  });
});

describe('outgoing HTTP with [https.client]', { skip: opensslMissing() }, () => {
  const scope = suiteScope();
  let pki: TestPki;

  before(async () => {
    pki = await makeTestPki();
    scope.defer(() => pki.remove());
  });
  after(() => useHttpsClient(null, HOUR_MS, silentLogger));

  it('proxies reads, replicates writes and asks the master over HTTPS with the client certificate', async () => {
    useHttpsClient(
      { certFile: pki.client.cert, keyFile: pki.client.key, caFile: pki.caCert, insecureSkipVerify: false },
      HOUR_MS,
      silentLogger,
    );
    assert.equal(httpScheme(), 'https');
    const { peer, ours } = await cluster(scope, { pki, requireClientCert: true });

    const read = await send(ours.port, 'GET', `/${REMOTE_FID}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.toString(), 'from the peer');
    const write = await send(ours.port, 'POST', `/${REPLICATED_FID}`, { 'Content-Type': 'text/plain' }, 'hello');
    assert.equal(write.status, 201, write.body.toString());
    // The write was applied locally too.
    assert.equal((await send(ours.port, 'GET', `/${REPLICATED_FID}`)).body.toString(), 'hello');

    assert.deepEqual(paths(peer.seen), [
      'GET /dir/lookup',
      `GET /${REMOTE_FID}`,
      'GET /dir/lookup',
      `POST /${REPLICATED_FID}`,
    ]);
    assert.ok(
      peer.seen.every((s) => s.encrypted && s.clientCn === 'volume-client'),
      JSON.stringify(peer.seen),
    );
  });

  it('rewrites http:// URLs to https://', async () => {
    useHttpsClient(
      { certFile: pki.client.cert, keyFile: pki.client.key, caFile: pki.caCert, insecureSkipVerify: false },
      HOUR_MS,
      silentLogger,
    );
    const peer = await startPeer(scope, { pki, requireClientCert: true }, () => '');
    const response = await outgoingFetch(`http://${peer.address}/1,01`);
    assert.equal(await response.text(), 'from the peer');
    assert.equal(peer.seen[0]?.encrypted, true);
  });

  it('refuses a server the CA does not vouch for, unless insecure_skip_verify', async () => {
    const peer = await startPeer(scope, { pki, requireClientCert: false }, () => '');
    // No ca: the system roots, which do not know the test CA.
    useHttpsClient({ certFile: '', keyFile: '', caFile: '', insecureSkipVerify: false }, HOUR_MS, silentLogger);
    await assert.rejects(outgoingFetch(`https://${peer.address}/1,01`));
    assert.equal(peer.seen.length, 0);
    useHttpsClient({ certFile: '', keyFile: '', caFile: '', insecureSkipVerify: true }, HOUR_MS, silentLogger);
    assert.equal(await (await outgoingFetch(`https://${peer.address}/1,01`)).text(), 'from the peer');
    // A CA alone verifies the server without presenting a client certificate.
    useHttpsClient({ certFile: '', keyFile: '', caFile: pki.caCert, insecureSkipVerify: false }, HOUR_MS, silentLogger);
    assert.equal(await (await outgoingFetch(`https://${peer.address}/1,01`)).text(), 'from the peer');
    assert.ok(peer.seen.every((s) => s.encrypted && s.clientCn === ''));
  });

  it('presents a rotated client certificate after a refresh', async () => {
    const dir = await scope.tempDir('needlework-client-cert-');
    const cert = path.join(dir, 'client.crt');
    const key = path.join(dir, 'client.key');
    copyFileSync(pki.client.cert, cert);
    copyFileSync(pki.client.key, key);
    const logs: string[] = [];
    useHttpsClient(
      { certFile: cert, keyFile: key, caFile: pki.caCert, insecureSkipVerify: false },
      50,
      linesLogger(logs),
    );
    const peer = await startPeer(scope, { pki, requireClientCert: true }, () => '');
    await (await outgoingFetch(`https://${peer.address}/1,01`)).text();
    copyFileSync(pki.otherClient.key, key);
    copyFileSync(pki.otherClient.cert, cert);
    const deadline = Date.now() + 5_000;
    while (!logs.some((m) => m.includes('reloaded')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await (await outgoingFetch(`https://${peer.address}/1,01`)).text();
    assert.deepEqual(
      peer.seen.map((s) => s.clientCn),
      ['volume-client', 'intruder.example.org'],
    );
  });

  it('is set up from security.toml by setUpTransportSecurity, and a half pair stops the server', () => {
    const security = {
      ...emptySecurityConfig(),
      httpsClientEnabled: true,
      httpsClientCertFile: pki.client.cert,
      httpsClientKeyFile: pki.client.key,
      httpsClientCaFile: pki.caCert,
    };
    const transport = setUpTransportSecurity(security, silentLogger, {});
    try {
      assert.equal(transport.httpsClient, true);
      assert.equal(httpScheme(), 'https');
    } finally {
      transport.close();
    }
    assert.equal(httpScheme(), 'http');
    assert.throws(
      () => setUpTransportSecurity({ ...security, httpsClientKeyFile: '' }, silentLogger, {}),
      TlsSettingsError,
    );
    assert.throws(
      () =>
        setUpTransportSecurity({ ...security, httpsClientCaFile: path.join(pki.dir, 'missing.crt') }, silentLogger, {}),
      /cannot read TLS CA/,
    );
    assert.equal(httpScheme(), 'http');
  });
});
