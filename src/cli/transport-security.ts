// TLS for the whole process, from security.toml: credentials for our gRPC server, for every
// outgoing gRPC connection (set process-wide, as upstream's grpcDialOption), HTTPS for the admin
// HTTP port, and HTTPS for outgoing HTTP ([https.client], process-wide too). With no TLS keys in
// security.toml everything stays plaintext, as before.
import { parseGoDurationMs } from './flags.ts';
import type { SecurityConfig } from '../security/security-config.ts';
import { type GrpcServerSecurity, grpcServerSecurity, useGrpcClientTls } from '../security/grpc-credentials.ts';
import { type HttpsServerSecurity, httpsServerSecurity } from '../security/https-server.ts';
import { useHttpsClient } from '../security/outgoing-http.ts';
import { DEFAULT_CERT_REFRESH_MS } from '../security/pem-reloader.ts';
import { grpcClientTls, grpcServerTls, httpsClientTls, httpsServerTls } from '../security/tls-settings.ts';
import type { Logger } from '../log/logger.ts';

/** Upstream's certreload.RefreshIntervalEnv. */
export const CERT_REFRESH_ENV = 'WEED_TLS_CERT_REFRESH_INTERVAL';

export interface TransportSecurity {
  grpcServer: GrpcServerSecurity;
  /** Undefined: the admin port serves plain HTTP. */
  httpsAdmin: HttpsServerSecurity | undefined;
  /** For the startup log. */
  grpcServerTls: boolean;
  grpcClientTls: boolean;
  /** Outgoing HTTP (replication, proxied reads, master lookups) uses HTTPS. */
  httpsClient: boolean;
  /** Stops certificate refresh and restores plaintext dialing. */
  close(): void;
}

/** A positive Go duration in WEED_TLS_CERT_REFRESH_INTERVAL, else 5 h (Go ignores bad values too). */
export function certRefreshMs(env: Record<string, string | undefined>): number {
  const text = env[CERT_REFRESH_ENV];
  if (text === undefined || text === '') return DEFAULT_CERT_REFRESH_MS;
  try {
    const ms = parseGoDurationMs(text);
    return ms > 0 ? ms : DEFAULT_CERT_REFRESH_MS;
  } catch {
    return DEFAULT_CERT_REFRESH_MS;
  }
}

/**
 * Decides and loads every TLS setting. Throws (the server must not start) on unreadable or
 * mismatched certificate files and on [tls] values upstream would reject.
 */
export function setUpTransportSecurity(
  security: SecurityConfig,
  log: Logger,
  env: Record<string, string | undefined> = process.env,
): TransportSecurity {
  const refreshMs = certRefreshMs(env);
  const serverDecision = grpcServerTls(security);
  const clientDecision = grpcClientTls(security);
  const httpsDecision = httpsServerTls(security);
  const httpsClientDecision = httpsClientTls(security);
  for (const warning of [
    serverDecision.warning,
    clientDecision.warning,
    httpsDecision.warning,
    httpsClientDecision.warning,
  ]) {
    if (warning !== undefined) log.warn(`security.toml: ${warning}`);
  }
  const grpcServer = grpcServerSecurity(serverDecision.tls, refreshMs, log);
  let httpsAdmin: HttpsServerSecurity | undefined;
  try {
    httpsAdmin = httpsDecision.tls !== null ? httpsServerSecurity(httpsDecision.tls, refreshMs, log) : undefined;
    useGrpcClientTls(clientDecision.tls, refreshMs, log);
    useHttpsClient(httpsClientDecision.tls, refreshMs, log);
  } catch (err) {
    grpcServer.close();
    httpsAdmin?.close();
    useGrpcClientTls(null, refreshMs, log);
    throw err;
  }
  return {
    grpcServer,
    httpsAdmin,
    grpcServerTls: serverDecision.tls !== null,
    grpcClientTls: clientDecision.tls !== null,
    httpsClient: httpsClientDecision.tls !== null,
    close() {
      grpcServer.close();
      httpsAdmin?.close();
      useGrpcClientTls(null, refreshMs, log);
      useHttpsClient(null, refreshMs, log);
    },
  };
}
