// Which TLS security.toml turns on, and the Go → Node translation of [tls] names.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptySecurityConfig, type SecurityConfig } from '../../../src/security/security-config.ts';
import { certRefreshMs } from '../../../src/cli/transport-security.ts';
import { commonNameAllowed } from '../../../src/security/grpc-credentials.ts';
import { DEFAULT_CERT_REFRESH_MS } from '../../../src/security/pem-reloader.ts';
import {
  TlsSettingsError,
  goCipherSuites,
  goTlsVersion,
  grpcClientTls,
  grpcServerTls,
  httpsServerTls,
} from '../../../src/security/tls-settings.ts';

function security(overrides: Partial<SecurityConfig>): SecurityConfig {
  return { ...emptySecurityConfig(), ...overrides };
}

const FULL = { grpcCaFile: 'ca.crt', grpcVolumeCertFile: 'v.crt', grpcVolumeKeyFile: 'v.key' };

describe('grpcServerTls', () => {
  it('is off without settings, with no warning', () => {
    assert.deepEqual(grpcServerTls(security({})), { tls: null });
  });

  it('needs cert, key and ca; without the ca it stays plaintext as upstream, with a warning', () => {
    const noCa = grpcServerTls(security({ grpcVolumeCertFile: 'v.crt', grpcVolumeKeyFile: 'v.key' }));
    assert.equal(noCa.tls, null);
    assert.match(noCa.warning ?? '', /\[grpc\] ca/);
    const halfPair = grpcServerTls(security({ grpcCaFile: 'ca.crt', grpcVolumeCertFile: 'v.crt' }));
    assert.equal(halfPair.tls, null);
    assert.match(halfPair.warning ?? '', /both cert and key/);
  });

  it('carries the common-name rules and the [tls] limits', () => {
    const decision = grpcServerTls(
      security({
        ...FULL,
        grpcVolumeAllowedCommonNames: ['a', 'b'],
        grpcAllowedWildcardDomain: '.example.com',
        tlsMinVersion: 'TLS 1.2',
        tlsMaxVersion: 'TLS 1.3',
      }),
    );
    assert.deepEqual(decision.tls, {
      certFile: 'v.crt',
      keyFile: 'v.key',
      caFile: 'ca.crt',
      allowedCommonNames: ['a', 'b'],
      allowedWildcardDomain: '.example.com',
      limits: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' },
    });
  });

  it('refuses a bad [tls] value instead of falling back to plaintext', () => {
    assert.throws(() => grpcServerTls(security({ ...FULL, tlsMinVersion: 'TLS 9' })), TlsSettingsError);
    assert.throws(
      () => grpcServerTls(security({ ...FULL, tlsCipherSuites: 'TLS_FAKE' })),
      /invalid tls cipher suite name "TLS_FAKE"/,
    );
  });
});

describe('grpcClientTls', () => {
  it('uses cert/key unless both client_cert and client_key are set', () => {
    assert.deepEqual(grpcClientTls(security(FULL)).tls, { certFile: 'v.crt', keyFile: 'v.key', caFile: 'ca.crt' });
    const dedicated = grpcClientTls(
      security({ ...FULL, grpcVolumeClientCertFile: 'c.crt', grpcVolumeClientKeyFile: 'c.key' }),
    );
    assert.deepEqual(dedicated.tls, { certFile: 'c.crt', keyFile: 'c.key', caFile: 'ca.crt' });
    const half = grpcClientTls(security({ ...FULL, grpcVolumeClientCertFile: 'c.crt' }));
    assert.deepEqual(half.tls, { certFile: 'v.crt', keyFile: 'v.key', caFile: 'ca.crt' });
    assert.match(half.warning ?? '', /client_cert and client_key must both be set/);
  });

  it('dials plaintext without a ca or a pair', () => {
    assert.deepEqual(grpcClientTls(security({})), { tls: null });
    assert.equal(grpcClientTls(security({ grpcVolumeCertFile: 'v.crt', grpcVolumeKeyFile: 'v.key' })).tls, null);
    assert.equal(grpcClientTls(security({ grpcCaFile: 'ca.crt' })).tls, null);
  });
});

describe('httpsServerTls', () => {
  it('serves HTTPS with cert and key; a ca adds client verification and the [tls] limits', () => {
    assert.deepEqual(httpsServerTls(security({})), { tls: null });
    const plain = httpsServerTls(
      security({ httpsVolumeCertFile: 'h.crt', httpsVolumeKeyFile: 'h.key', tlsMinVersion: 'TLS 1.3' }),
    );
    assert.deepEqual(plain.tls, { certFile: 'h.crt', keyFile: 'h.key', caFile: '', limits: {} });
    const mutual = httpsServerTls(
      security({
        httpsVolumeCertFile: 'h.crt',
        httpsVolumeKeyFile: 'h.key',
        httpsVolumeCaFile: 'ca.crt',
        tlsMinVersion: 'TLS 1.3',
      }),
    );
    assert.deepEqual(mutual.tls, {
      certFile: 'h.crt',
      keyFile: 'h.key',
      caFile: 'ca.crt',
      limits: { minVersion: 'TLSv1.3' },
    });
    assert.match(httpsServerTls(security({ httpsVolumeKeyFile: 'h.key' })).warning ?? '', /both cert and key/);
  });
});

describe('[tls] names', () => {
  it('maps Go version names', () => {
    assert.equal(goTlsVersion('', 'min_version'), undefined);
    assert.equal(goTlsVersion('SSLv3', 'min_version'), 'TLSv1');
    assert.equal(goTlsVersion('TLS 1.1', 'min_version'), 'TLSv1.1');
    assert.throws(() => goTlsVersion('TLSv1.2', 'min_version'), /invalid tls version "TLSv1.2"/);
  });

  it('maps Go cipher suite names and keeps every TLS 1.3 suite (Go cannot restrict them)', () => {
    assert.equal(goCipherSuites(' '), undefined);
    const ciphers = goCipherSuites(
      'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
    );
    assert.equal(
      ciphers,
      'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256',
    );
  });
});

describe('client common names (upstream Authenticator)', () => {
  it('accepts a listed name or a wildcard-domain suffix', () => {
    assert.equal(commonNameAllowed('volume-client', ['volume-client'], ''), true);
    assert.equal(commonNameAllowed('other', ['volume-client'], ''), false);
    assert.equal(commonNameAllowed('node1.cluster.local', [], '.cluster.local'), true);
    assert.equal(commonNameAllowed('node1.evil.local', [], '.cluster.local'), false);
  });
});

describe('certificate refresh interval', () => {
  it('reads WEED_TLS_CERT_REFRESH_INTERVAL as a Go duration, else 5 h', () => {
    assert.equal(certRefreshMs({}), DEFAULT_CERT_REFRESH_MS);
    assert.equal(certRefreshMs({ WEED_TLS_CERT_REFRESH_INTERVAL: '90s' }), 90_000);
    assert.equal(certRefreshMs({ WEED_TLS_CERT_REFRESH_INTERVAL: 'soon' }), DEFAULT_CERT_REFRESH_MS);
    assert.equal(certRefreshMs({ WEED_TLS_CERT_REFRESH_INTERVAL: '0s' }), DEFAULT_CERT_REFRESH_MS);
  });
});
