// The whole server as the CLI starts it, with TLS in security.toml and -metricsPort: HTTPS on the
// admin port, mutual TLS on gRPC, metrics on their own port; and without TLS keys, plaintext.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { after, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { parseVolumeFlags } from '../../../src/cli/flags.ts';
import { emptySecurityConfig } from '../../../src/security/security-config.ts';
import { startVolumeServer } from '../../../src/cli/volume-server.ts';
import { grpcClientUsesTls } from '../../../src/security/grpc-credentials.ts';
import { GRPC_CHANNEL_OPTIONS, volumeServerClientConstructor } from '../../../src/proto/loader.ts';
import { unaryCall } from '../../../src/cluster/peer-client.ts';
import { freePort } from '../../interop/peers.ts';
import { send } from '../http-fixture.ts';
import { tempDir } from '../helpers.ts';
import { sample } from '../metrics/prom-text.ts';
import { makeTestPki, opensslMissing } from './test-certs.ts';
import { silentLogger } from '../../../src/log/logger.ts';
import { linesLogger } from '../lines-logger.ts';

function httpsStatus(port: number, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, path: '/status', ca: readFileSync(ca), agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function grpcClient(port: number, credentials: grpc.ChannelCredentials) {
  const Client = volumeServerClientConstructor();
  return new Client(`127.0.0.1:${port}`, credentials, GRPC_CHANNEL_OPTIONS) as grpc.Client & Record<string, any>;
}

async function ports() {
  return { http: await freePort(), grpc: await freePort(), metrics: await freePort() };
}

describe('startVolumeServer with security.toml TLS and -metricsPort', { skip: opensslMissing() }, () => {
  it('serves HTTPS, mutual-TLS gRPC and plain-HTTP metrics', async () => {
    const pki = await makeTestPki();
    after(() => pki.remove());
    const dir = await tempDir('needlework-secure-server-');
    const p = await ports();
    const config = parseVolumeFlags([
      `-dir=${dir}`,
      '-ip=127.0.0.1',
      `-port=${p.http}`,
      `-port.grpc=${p.grpc}`,
      `-metricsPort=${p.metrics}`,
      '-master=',
      '-preStopSeconds=0',
      '-max=3',
    ]);
    const security = {
      ...emptySecurityConfig(),
      grpcCaFile: pki.caCert,
      grpcVolumeCertFile: pki.server.cert,
      grpcVolumeKeyFile: pki.server.key,
      httpsVolumeCertFile: pki.server.cert,
      httpsVolumeKeyFile: pki.server.key,
    };
    const logs: string[] = [];
    const server = await startVolumeServer(config, security, linesLogger(logs));
    try {
      assert.equal(await httpsStatus(p.http, pki.caCert), 200);
      await assert.rejects(send(p.http, 'GET', '/status'), 'plain HTTP is refused on an HTTPS port');

      assert.equal(grpcClientUsesTls(), true, 'outgoing gRPC uses [grpc.volume] cert/key');
      const tlsClient = grpcClient(
        p.grpc,
        grpc.credentials.createSsl(
          readFileSync(pki.caCert),
          readFileSync(pki.client.key),
          readFileSync(pki.client.cert),
          { checkServerIdentity: () => undefined },
        ),
      );
      const plainClient = grpcClient(p.grpc, grpc.credentials.createInsecure());
      try {
        await unaryCall(tlsClient as never, 'GetState', {}, 5_000);
        await assert.rejects(unaryCall(plainClient as never, 'GetState', {}, 5_000));
      } finally {
        tlsClient.close();
        plainClient.close();
      }

      const metrics = await send(p.metrics, 'GET', '/metrics');
      assert.equal(metrics.status, 200);
      assert.equal(sample(metrics.body.toString(), 'SeaweedFS_volumeServer_max_volumes'), 3);
      assert.match(metrics.body.toString(), /^process_cpu_user_seconds_total /m, 'process metrics too');
      assert.match(logs.join('\n'), /gRPC listening on .* \(mutual TLS\)/);
      assert.match(logs.join('\n'), /HTTPS listening on/);
    } finally {
      await server.stop('test');
    }
    assert.equal(grpcClientUsesTls(), false, 'stopping restores plaintext dialing');
  });

  it('stays plaintext without TLS keys, and has no metrics port without -metricsPort', async () => {
    const dir = await tempDir('needlework-plain-server-');
    const p = await ports();
    const config = parseVolumeFlags([
      `-dir=${dir}`,
      '-ip=127.0.0.1',
      `-port=${p.http}`,
      `-port.grpc=${p.grpc}`,
      '-master=',
      '-preStopSeconds=0',
    ]);
    const server = await startVolumeServer(config, emptySecurityConfig(), silentLogger);
    try {
      assert.equal((await send(p.http, 'GET', '/status')).status, 200);
      assert.equal(grpcClientUsesTls(), false);
      const plainClient = grpcClient(p.grpc, grpc.credentials.createInsecure());
      try {
        await unaryCall(plainClient as never, 'GetState', {}, 5_000);
      } finally {
        plainClient.close();
      }
      await assert.rejects(send(p.metrics, 'GET', '/metrics'), 'nothing listens on the would-be metrics port');
      assert.equal(
        (await send(p.http, 'GET', '/metrics')).status,
        400,
        'as upstream TestRustMetricsEndpointIsNotOnAdminPortByDefault',
      );
    } finally {
      await server.stop('test');
    }
  });

  it('refuses to start on unreadable certificate files', async () => {
    const dir = await tempDir('needlework-bad-cert-');
    const p = await ports();
    const config = parseVolumeFlags([
      `-dir=${dir}`,
      '-ip=127.0.0.1',
      `-port=${p.http}`,
      `-port.grpc=${p.grpc}`,
      '-master=',
      '-preStopSeconds=0',
    ]);
    const security = {
      ...emptySecurityConfig(),
      grpcCaFile: `${dir}/ca.crt`,
      grpcVolumeCertFile: `${dir}/v.crt`,
      grpcVolumeKeyFile: `${dir}/v.key`,
    };
    await assert.rejects(startVolumeServer(config, security, silentLogger), /cannot read TLS/);
  });
});
