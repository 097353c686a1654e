// HTTPS on the admin port ([https.volume]): /status over TLS, plain HTTP refused on that port,
// client certificates required when [https.volume] ca is set, the public port still plain HTTP,
// and a rotated certificate served after a refresh.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { httpsServerSecurity } from '../../../src/security/https-server.ts';
import { PemReloader } from '../../../src/security/pem-reloader.ts';
import { listenHttpServers } from '../../../src/server/http/index.ts';
import { Store } from '../../../src/store/store.ts';
import { send } from '../http-fixture.ts';
import { tempDir } from '../helpers.ts';
import { type SuiteScope, suiteScope } from '../suite-scope.ts';
import { type CertPair, type TestPki, makeTestPki, opensslMissing } from './test-certs.ts';
import { linesLogger } from '../lines-logger.ts';
import { silentLogger } from '../../../src/log/logger.ts';

const HOUR_MS = 3_600_000;

interface HttpsReply {
  status: number;
  body: string;
  peerFingerprint: string;
}

function httpsGet(port: number, urlPath: string, ca: string, client?: CertPair): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        ca: readFileSync(ca),
        ...(client !== undefined ? { cert: readFileSync(client.cert), key: readFileSync(client.key) } : {}),
        agent: false,
      },
      (res) => {
        const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            peerFingerprint: fingerprint,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function startServers(scope: SuiteScope, pki: TestPki, caFile: string) {
  const dir = await scope.tempDir('needlework-https-');
  const store = new Store([{ dir, maxVolumeCount: 4, diskType: '', diskId: 0 }], 4, silentLogger);
  await store.load();
  await store.allocateVolume({ volumeId: 3, collection: '', replication: '000', ttl: '', diskType: '', version: 3 });
  const security = httpsServerSecurity(
    { certFile: pki.server.cert, keyFile: pki.server.key, caFile, limits: {} },
    HOUR_MS,
    silentLogger,
  );
  const servers = await listenHttpServers(
    { store, serverVersion: '30GB 4.44', fileSizeLimitBytes: 1 << 20, isHealthy: () => true, log: silentLogger },
    {
      host: '127.0.0.1',
      port: 0,
      public: { port: 0 },
      closeGraceMs: 50,
      tls: { serverOptions: security.serverOptions, attach: security.attach },
    },
  );
  scope.defer(async () => {
    await servers.close();
    security.close();
    await store.close();
  });
  return servers;
}

describe('HTTPS on the admin port', { skip: opensslMissing() }, () => {
  const scope = suiteScope();
  let pki: TestPki;

  before(async () => {
    pki = await makeTestPki();
    scope.defer(() => pki.remove());
  });

  it('serves /status over HTTPS, refuses plain HTTP there, keeps the public port plain', async () => {
    const servers = await startServers(scope, pki, '');
    const status = await httpsGet(servers.adminPort, '/status', pki.caCert);
    assert.equal(status.status, 200);
    assert.ok(Array.isArray(JSON.parse(status.body).Volumes));
    await assert.rejects(send(servers.adminPort, 'GET', '/status'));
    const publicReply = await send(servers.publicPort!, 'GET', '/3,01637037d6');
    assert.equal(publicReply.status, 404, 'the public port answers plain HTTP');
  });

  it('with [https.volume] ca, requires a client certificate signed by it', async () => {
    const servers = await startServers(scope, pki, pki.caCert);
    await assert.rejects(httpsGet(servers.adminPort, '/status', pki.caCert));
    await assert.rejects(httpsGet(servers.adminPort, '/status', pki.caCert, pki.strangerClient));
    const status = await httpsGet(servers.adminPort, '/status', pki.caCert, pki.client);
    assert.equal(status.status, 200);
  });

  it('serves a rotated certificate after the files change and a refresh runs', async () => {
    const dir = await tempDir('needlework-https-rotate-');
    const live = { cert: path.join(dir, 'live.crt'), key: path.join(dir, 'live.key') };
    copyFileSync(pki.server.cert, live.cert);
    copyFileSync(pki.server.key, live.key);
    // Refresh every 100 ms so the test sees the swap quickly.
    const store = new Store([{ dir, maxVolumeCount: 1, diskType: '', diskId: 0 }], 4, silentLogger);
    await store.load();
    const security = httpsServerSecurity(
      { certFile: live.cert, keyFile: live.key, caFile: '', limits: {} },
      100,
      silentLogger,
    );
    const servers = await listenHttpServers(
      { store, serverVersion: '30GB 4.44', fileSizeLimitBytes: 1 << 20, isHealthy: () => true, log: silentLogger },
      {
        host: '127.0.0.1',
        port: 0,
        closeGraceMs: 50,
        tls: { serverOptions: security.serverOptions, attach: security.attach },
      },
    );
    after(async () => {
      await servers.close();
      security.close();
      await store.close();
    });
    const before = await httpsGet(servers.adminPort, '/status', pki.caCert);
    assert.equal(before.peerFingerprint, new X509Certificate(readFileSync(pki.server.cert)).fingerprint256);
    copyFileSync(pki.renewedServer.key, live.key);
    copyFileSync(pki.renewedServer.cert, live.cert);
    const deadline = Date.now() + 5_000;
    const wanted = new X509Certificate(readFileSync(pki.renewedServer.cert)).fingerprint256;
    for (;;) {
      const reply = await httpsGet(servers.adminPort, '/status', pki.caCert).catch(() => null);
      if (reply?.peerFingerprint === wanted) break;
      assert.ok(Date.now() < deadline, 'the rotated certificate was not served within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
});

describe('PemReloader', { skip: opensslMissing() }, () => {
  it('fails fast on missing files, keeps the last good material on a bad refresh', async () => {
    const pki = await makeTestPki();
    after(() => pki.remove());
    assert.throws(
      () =>
        new PemReloader(
          { certFile: path.join(pki.dir, 'nope.crt'), keyFile: pki.server.key, caFile: '' },
          HOUR_MS,
          silentLogger,
        ),
      /cannot read TLS certificate/,
    );
    assert.throws(
      () => new PemReloader({ certFile: pki.server.cert, keyFile: pki.client.key, caFile: '' }, HOUR_MS, silentLogger),
      /bad TLS material/,
    );

    const dir = await tempDir('needlework-pem-');
    const files = { certFile: path.join(dir, 'a.crt'), keyFile: path.join(dir, 'a.key'), caFile: pki.caCert };
    copyFileSync(pki.server.cert, files.certFile);
    copyFileSync(pki.server.key, files.keyFile);
    const logs: string[] = [];
    const reloader = new PemReloader(files, HOUR_MS, linesLogger(logs));
    const original = reloader.current;
    assert.equal(reloader.reload(), false, 'unchanged files are no change');
    copyFileSync(pki.client.cert, files.certFile); // key no longer matches
    assert.equal(reloader.reload(), false);
    assert.equal(reloader.current, original);
    assert.match(logs.join('\n'), /keeping the previous certificate/);
    copyFileSync(pki.client.key, files.keyFile);
    assert.equal(reloader.reload(), true);
    assert.deepEqual(reloader.current.cert, readFileSync(pki.client.cert));
    reloader.close();
  });
});
