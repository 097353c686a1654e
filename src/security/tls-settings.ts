// Which TLS the volume server runs, decided from security.toml the way upstream's
// weed/security/tls.go and weed/command/volume.go decide it:
// - gRPC server: TLS when [grpc.volume] cert and key and [grpc] ca are all set, always mutual
//   (client certificates required and verified against the CA, no host name check), with an
//   optional client common-name allow-list ([grpc.volume] allowed_commonNames,
//   [grpc] allowed_wildcard_domain) and [tls] min/max version and cipher suites.
// - gRPC clients (to masters and peer volume servers): TLS when [grpc] ca and a certificate pair
//   are set: [grpc.volume] client_cert/client_key, else cert/key. The server's chain is verified
//   against the CA, its host name is not.
// - HTTPS on the admin HTTP port: when [https.volume] cert and key are set; [https.volume] ca then
//   requires client certificates signed by it (and only then do the [tls] settings apply, as
//   upstream). The public port and the metrics port stay plain HTTP, as upstream.
//
// - HTTPS for outgoing HTTP (replica writes, proxied reads, chunk reads, master lookups): when
//   [https.client] enabled, as upstream's util/http/client. The server's chain and host name are
//   verified ([https.client] ca, else the system roots) unless insecure_skip_verify; cert/key, when
//   set, are presented as a client certificate. (Go, given a pair but no ca, trusts an empty
//   pool, so no server at all; we fall back to the system roots instead.)
//
// Deliberate difference: where Go logs a warning and falls back to PLAINTEXT on a bad [tls]
// version or cipher name, we refuse to start (TlsSettingsError). Settings that merely leave TLS
// off (a missing CA, half a key pair) keep Go's plaintext answer, with a warning to log.
import type { SecureVersion } from 'node:tls';
import type { SecurityConfig } from './security-config.ts';

/** The security.toml keys this module reads (parsed by security-config.ts). */
export type TlsSecurityKeys = Pick<
  SecurityConfig,
  | 'grpcCaFile'
  | 'grpcAllowedWildcardDomain'
  | 'grpcVolumeCertFile'
  | 'grpcVolumeKeyFile'
  | 'grpcVolumeClientCertFile'
  | 'grpcVolumeClientKeyFile'
  | 'grpcVolumeAllowedCommonNames'
  | 'httpsVolumeCertFile'
  | 'httpsVolumeKeyFile'
  | 'httpsVolumeCaFile'
  | 'httpsClientEnabled'
  | 'httpsClientCertFile'
  | 'httpsClientKeyFile'
  | 'httpsClientCaFile'
  | 'httpsClientInsecureSkipVerify'
  | 'tlsMinVersion'
  | 'tlsMaxVersion'
  | 'tlsCipherSuites'
>;

export class TlsSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsSettingsError';
  }
}

/** Protocol limits in Node's terms; undefined fields mean Node's defaults. */
export interface TlsProtocolLimits {
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
  /** OpenSSL cipher string (TLS 1.2 suites, then every TLS 1.3 suite: Go cannot restrict those). */
  ciphers?: string;
}

export interface PemFiles {
  certFile: string;
  keyFile: string;
  /** CA bundle that peers' certificates must chain to; '' for none. */
  caFile: string;
}

export interface GrpcServerTls extends PemFiles {
  limits: TlsProtocolLimits;
  /** Client certificate common names accepted; with allowedWildcardDomain empty too, any CA-signed client. */
  allowedCommonNames: string[];
  /** Any client certificate whose common name ends with this suffix is accepted; '' for none. */
  allowedWildcardDomain: string;
}

export type GrpcClientTls = PemFiles;

export interface HttpsServerTls extends PemFiles {
  limits: TlsProtocolLimits;
}

export interface HttpsClientTls {
  /** Client certificate pair; both '' when none is presented. */
  certFile: string;
  keyFile: string;
  /** CA bundle the servers' certificates must chain to; '' for the system roots. */
  caFile: string;
  /** Accept any server certificate ([https.client] insecure_skip_verify). */
  insecureSkipVerify: boolean;
}

export interface Decision<T> {
  /** null: plaintext. */
  tls: T | null;
  /** Why a partly configured TLS stays off, for the log. */
  warning?: string;
}

// Go's tls.VersionSSL30 is refused by Go's crypto/tls itself, so it means TLS 1.0 in practice.
const GO_TLS_VERSIONS: ReadonlyMap<string, SecureVersion> = new Map([
  ['SSLv3', 'TLSv1'],
  ['TLS 1.0', 'TLSv1'],
  ['TLS 1.1', 'TLSv1.1'],
  ['TLS 1.2', 'TLSv1.2'],
  ['TLS 1.3', 'TLSv1.3'],
]);

// Go's tls.CipherSuites() (the ones it calls secure) by Go name → OpenSSL name. TLS 1.3 suites are
// accepted by Go but not configurable there; they map to '' and every TLS 1.3 suite stays on.
const GO_CIPHER_SUITES: ReadonlyMap<string, string> = new Map([
  ['TLS_RSA_WITH_AES_128_CBC_SHA', 'AES128-SHA'],
  ['TLS_RSA_WITH_AES_256_CBC_SHA', 'AES256-SHA'],
  ['TLS_RSA_WITH_AES_128_GCM_SHA256', 'AES128-GCM-SHA256'],
  ['TLS_RSA_WITH_AES_256_GCM_SHA384', 'AES256-GCM-SHA384'],
  ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'ECDHE-ECDSA-AES128-SHA'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'ECDHE-ECDSA-AES256-SHA'],
  ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'ECDHE-RSA-AES128-SHA'],
  ['TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'ECDHE-RSA-AES256-SHA'],
  ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
  ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256'],
  ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
  ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305'],
  ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-RSA-CHACHA20-POLY1305'],
  ['TLS_AES_128_GCM_SHA256', ''],
  ['TLS_AES_256_GCM_SHA384', ''],
  ['TLS_CHACHA20_POLY1305_SHA256', ''],
]);
const TLS13_SUITES = 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256';

/** security.TlsVersionByName: '' is "library default". */
export function goTlsVersion(name: string, key: string): SecureVersion | undefined {
  if (name === '') return undefined;
  const version = GO_TLS_VERSIONS.get(name);
  if (version === undefined)
    throw new TlsSettingsError(`[tls] ${key}: invalid tls version ${JSON.stringify(name)} (use "TLS 1.0" … "TLS 1.3")`);
  return version;
}

/** security.TlsCipherSuiteByNames, as an OpenSSL cipher string; undefined for the defaults. */
export function goCipherSuites(names: string): string | undefined {
  const trimmed = names.trim();
  if (trimmed === '') return undefined;
  const tls12: string[] = [];
  for (const raw of trimmed.split(',')) {
    const name = raw.trim();
    const openssl = GO_CIPHER_SUITES.get(name);
    if (openssl === undefined)
      throw new TlsSettingsError(`[tls] cipher_suites: invalid tls cipher suite name ${JSON.stringify(name)}`);
    if (openssl !== '') tls12.push(openssl);
  }
  return [...tls12, TLS13_SUITES].join(':');
}

function protocolLimits(keys: TlsSecurityKeys): TlsProtocolLimits {
  const minVersion = goTlsVersion(keys.tlsMinVersion, 'min_version');
  const maxVersion = goTlsVersion(keys.tlsMaxVersion, 'max_version');
  const ciphers = goCipherSuites(keys.tlsCipherSuites);
  return {
    ...(minVersion !== undefined ? { minVersion } : {}),
    ...(maxVersion !== undefined ? { maxVersion } : {}),
    ...(ciphers !== undefined ? { ciphers } : {}),
  };
}

/** security.LoadServerTLS(v, "grpc.volume"). */
export function grpcServerTls(keys: TlsSecurityKeys): Decision<GrpcServerTls> {
  const { grpcVolumeCertFile: certFile, grpcVolumeKeyFile: keyFile, grpcCaFile: caFile } = keys;
  if (certFile === '' || keyFile === '') {
    return certFile !== keyFile
      ? { tls: null, warning: '[grpc.volume] needs both cert and key for TLS; the gRPC server stays plaintext' }
      : { tls: null };
  }
  if (caFile === '') {
    return {
      tls: null,
      warning: '[grpc.volume] cert/key are set but [grpc] ca is not; like upstream, the gRPC server stays plaintext',
    };
  }
  return {
    tls: {
      certFile,
      keyFile,
      caFile,
      limits: protocolLimits(keys),
      allowedCommonNames: keys.grpcVolumeAllowedCommonNames,
      allowedWildcardDomain: keys.grpcAllowedWildcardDomain,
    },
  };
}

/** security.LoadClientTLS(v, "grpc.volume"): a dedicated client pair wins over the server pair. */
export function grpcClientTls(keys: TlsSecurityKeys): Decision<GrpcClientTls> {
  let certFile = keys.grpcVolumeClientCertFile;
  let keyFile = keys.grpcVolumeClientKeyFile;
  let warning: string | undefined;
  if (certFile === '' || keyFile === '') {
    if (certFile !== '' || keyFile !== '') {
      warning = '[grpc.volume] client_cert and client_key must both be set; using cert and key';
    }
    certFile = keys.grpcVolumeCertFile;
    keyFile = keys.grpcVolumeKeyFile;
  }
  if (certFile === '' || keyFile === '' || keys.grpcCaFile === '') {
    const partly = certFile !== '' || keyFile !== '' || keys.grpcCaFile !== '';
    return partly
      ? {
          tls: null,
          warning: `${warning !== undefined ? `${warning}; ` : ''}gRPC client TLS needs [grpc] ca and a certificate pair; dialing plaintext`,
        }
      : { tls: null };
  }
  return { tls: { certFile, keyFile, caFile: keys.grpcCaFile }, ...(warning !== undefined ? { warning } : {}) };
}

/** startClusterHttpService: HTTPS on the admin port. */
export function httpsServerTls(keys: TlsSecurityKeys): Decision<HttpsServerTls> {
  const { httpsVolumeCertFile: certFile, httpsVolumeKeyFile: keyFile, httpsVolumeCaFile: caFile } = keys;
  if (certFile === '' || keyFile === '') {
    return certFile !== '' || keyFile !== ''
      ? { tls: null, warning: '[https.volume] needs both cert and key for HTTPS; the HTTP port stays plain HTTP' }
      : { tls: null };
  }
  // Upstream applies [tls] to the HTTP server only together with a client CA (FixTlsConfig).
  return { tls: { certFile, keyFile, caFile, limits: caFile !== '' ? protocolLimits(keys) : {} } };
}

/**
 * util/http/client.NewHttpClient: HTTPS for every outgoing HTTP call. Half a client pair is an
 * error there (the process exits) and here (the server does not start).
 */
export function httpsClientTls(keys: TlsSecurityKeys): Decision<HttpsClientTls> {
  const { httpsClientCertFile: certFile, httpsClientKeyFile: keyFile, httpsClientCaFile: caFile } = keys;
  if (!keys.httpsClientEnabled) {
    return certFile !== '' || keyFile !== '' || caFile !== ''
      ? {
          tls: null,
          warning: '[https.client] has certificates but enabled is not true; outgoing HTTP stays plain HTTP',
        }
      : { tls: null };
  }
  if ((certFile === '') !== (keyFile === '')) {
    throw new TlsSettingsError(
      `[https.client]: both cert and key must be set (got cert=${JSON.stringify(certFile)} key=${JSON.stringify(keyFile)})`,
    );
  }
  return { tls: { certFile, keyFile, caFile, insecureSkipVerify: keys.httpsClientInsecureSkipVerify } };
}
