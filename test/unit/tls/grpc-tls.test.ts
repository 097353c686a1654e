// Our real gRPC server with mutual TLS from security.toml-style settings: TLS clients holding a
// CA-signed certificate get through; plaintext clients, clients without a certificate and
// clients from another CA do not; the common-name allow-list and wildcard domain act per call.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import {
  type GrpcServerSecurity,
  grpcClientUsesTls,
  grpcServerSecurity,
  useGrpcClientTls,
} from '../../../src/security/grpc-credentials.ts';
import type { GrpcServerTls } from '../../../src/security/tls-settings.ts';
import { newPeerClient, unaryCall } from '../../../src/cluster/peer-client.ts';
import { GRPC_CHANNEL_OPTIONS, volumeServerClientConstructor } from '../../../src/proto/loader.ts';
import { startGrpcServer } from '../../../src/server/grpc/server.ts';
import { type SuiteScope, suiteScope } from '../suite-scope.ts';
import { testGrpcContext } from '../grpc-test-context.ts';
import { type CertPair, type TestPki, makeTestPki, opensslMissing } from './test-certs.ts';
import { silentLogger } from '../../../src/log/logger.ts';

const HOUR_MS = 3_600_000;
const CALL_TIMEOUT_MS = 5_000;

async function startTlsServer(
  scope: SuiteScope,
  pki: TestPki,
  names: Pick<GrpcServerTls, 'allowedCommonNames' | 'allowedWildcardDomain'>,
): Promise<number> {
  const security: GrpcServerSecurity = grpcServerSecurity(
    { certFile: pki.server.cert, keyFile: pki.server.key, caFile: pki.caCert, limits: {}, ...names },
    HOUR_MS,
    silentLogger,
  );
  const server = await startGrpcServer(await testGrpcContext(scope, 'needlework-grpc-tls-'), '127.0.0.1', 0, {
    credentials: security.credentials,
    interceptors: security.interceptors,
  });
  scope.defer(async () => {
    await server.close();
    security.close();
  });
  return server.port;
}

function rawClient(port: number, credentials: grpc.ChannelCredentials) {
  const Client = volumeServerClientConstructor();
  const client = new Client(`127.0.0.1:${port}`, credentials, GRPC_CHANNEL_OPTIONS) as grpc.Client &
    Record<string, any>;
  after(() => client.close());
  return client;
}

function tlsCredentials(pki: TestPki, pair: CertPair | null): grpc.ChannelCredentials {
  return grpc.credentials.createSsl(
    readFileSync(pki.caCert),
    pair === null ? null : readFileSync(pair.key),
    pair === null ? null : readFileSync(pair.cert),
    { checkServerIdentity: () => undefined },
  );
}

function getState(client: grpc.Client & Record<string, any>): Promise<unknown> {
  return unaryCall(client as never, 'GetState', {}, CALL_TIMEOUT_MS);
}

describe('gRPC server with mutual TLS', { skip: opensslMissing() }, () => {
  const scope = suiteScope();
  let pki: TestPki;
  let port: number;

  before(async () => {
    pki = await makeTestPki();
    scope.defer(() => pki.remove());
    port = await startTlsServer(scope, pki, { allowedCommonNames: [], allowedWildcardDomain: '' });
  });

  it('answers a TLS client presenting a CA-signed certificate (our own peer client)', async () => {
    useGrpcClientTls({ certFile: pki.client.cert, keyFile: pki.client.key, caFile: pki.caCert }, HOUR_MS, silentLogger);
    try {
      assert.equal(grpcClientUsesTls(), true);
      const client = newPeerClient(`127.0.0.1:1.${port}`);
      try {
        const response = (await getState(client)) as { state: { maintenance: boolean } };
        assert.equal(response.state.maintenance, false);
      } finally {
        client.close();
      }
    } finally {
      useGrpcClientTls(null, HOUR_MS, silentLogger);
    }
    assert.equal(grpcClientUsesTls(), false);
  });

  it('refuses a plaintext client', async () => {
    await assert.rejects(
      getState(rawClient(port, grpc.credentials.createInsecure())),
      (err: grpc.ServiceError) => err.code === grpc.status.UNAVAILABLE,
    );
  });

  it('refuses a TLS client without a certificate', async () => {
    await assert.rejects(
      getState(rawClient(port, tlsCredentials(pki, null))),
      (err: grpc.ServiceError) => err.code === grpc.status.UNAVAILABLE,
    );
  });

  it('refuses a client certificate from another CA', async () => {
    await assert.rejects(
      getState(rawClient(port, tlsCredentials(pki, pki.strangerClient))),
      (err: grpc.ServiceError) => err.code === grpc.status.UNAVAILABLE,
    );
  });

  it('without a common-name list, accepts any CA-signed client', async () => {
    await getState(rawClient(port, tlsCredentials(pki, pki.otherClient)));
  });
});

describe('gRPC client common names', { skip: opensslMissing() }, () => {
  const scope = suiteScope();
  let pki: TestPki;

  before(async () => {
    pki = await makeTestPki();
    scope.defer(() => pki.remove());
  });

  it('allowed_commonNames admits the listed name and refuses others with upstream message', async () => {
    const port = await startTlsServer(scope, pki, {
      allowedCommonNames: ['volume-client', 'volume'],
      allowedWildcardDomain: '',
    });
    await getState(rawClient(port, tlsCredentials(pki, pki.client)));
    await assert.rejects(
      getState(rawClient(port, tlsCredentials(pki, pki.otherClient))),
      (err: grpc.ServiceError) =>
        err.code === grpc.status.UNAUTHENTICATED &&
        /invalid subject client common name: intruder\.example\.org/.test(err.details),
    );
  });

  it('allowed_wildcard_domain admits names ending with the domain', async () => {
    const port = await startTlsServer(scope, pki, { allowedCommonNames: [], allowedWildcardDomain: '.example.org' });
    await getState(rawClient(port, tlsCredentials(pki, pki.otherClient)));
    await assert.rejects(
      getState(rawClient(port, tlsCredentials(pki, pki.client))),
      (err: grpc.ServiceError) => err.code === grpc.status.UNAUTHENTICATED,
    );
  });
});
