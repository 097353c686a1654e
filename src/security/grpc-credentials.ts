// gRPC transport credentials for our server and our clients, from the decisions in
// tls-settings.ts. Without TLS settings both are exactly what they were: plaintext.
//
// Server: mutual TLS (requestCert + rejectUnauthorized against [grpc] ca). Upstream also checks
// the client certificate's common name against an allow-list during the handshake; Node's TLS
// server has no hook there, so the check runs on each call instead (an interceptor) and a refused
// client gets UNAUTHENTICATED with upstream's message rather than a failed handshake.
//
// Clients: one process-wide choice, as upstream's grpcDialOption, set once at startup by
// useGrpcClientTls and read by every dialer (master client, heartbeat, peer volume servers).
import * as grpc from '@grpc/grpc-js';
import type { PeerCertificate, SecureContextOptions } from 'node:tls';
import { PemReloader, type PemMaterial } from './pem-reloader.ts';
import type { GrpcClientTls, GrpcServerTls } from './tls-settings.ts';
import type { Logger } from '../log/logger.ts';

export interface GrpcServerSecurity {
  credentials: grpc.ServerCredentials;
  /** Server interceptors the credentials need (the common-name check); empty for plaintext. */
  interceptors: grpc.ServerInterceptor[];
  /** Stops certificate refresh. */
  close(): void;
}

/** Upstream's Authenticator.Authenticate: wildcard suffix, then the exact-name list. */
export function commonNameAllowed(commonName: string, allowed: readonly string[], wildcardDomain: string): boolean {
  if (wildcardDomain !== '' && commonName.endsWith(wildcardDomain)) return true;
  return allowed.includes(commonName);
}

function peerCommonName(certificate: PeerCertificate | undefined): string {
  const cn = certificate?.subject?.CN as string | string[] | undefined;
  if (Array.isArray(cn)) return cn[0] ?? '';
  return cn ?? '';
}

function commonNameInterceptor(allowed: readonly string[], wildcardDomain: string): grpc.ServerInterceptor {
  return (_method, call) =>
    new grpc.ServerInterceptingCall(call, {
      start: (next) => {
        next({
          onReceiveMetadata: (metadata, forward) => {
            const commonName = peerCommonName(call.getAuthContext().sslPeerCertificate);
            if (commonNameAllowed(commonName, allowed, wildcardDomain)) {
              forward(metadata);
              return;
            }
            call.sendStatus({
              code: grpc.status.UNAUTHENTICATED,
              details: `Authenticate: invalid subject client common name: ${commonName}`,
            });
          },
        });
      },
    });
}

/** Server credentials whose certificates follow a PemReloader. */
class ReloadingServerCredentials extends grpc.ServerCredentials {
  private readonly unsubscribe: () => void;

  constructor(reloader: PemReloader, contextOptions: (material: PemMaterial) => SecureContextOptions) {
    // Mutual TLS: a client certificate is required and must chain to the CA.
    super({ requestCert: true, rejectUnauthorized: true }, contextOptions(reloader.current));
    this.unsubscribe = reloader.onChange((material) => this.updateSecureContextOptions(contextOptions(material)));
  }

  override _equals(other: grpc.ServerCredentials): boolean {
    return this === other;
  }

  stop(): void {
    this.unsubscribe();
  }
}

export function grpcServerSecurity(tls: GrpcServerTls | null, refreshMs: number, log: Logger): GrpcServerSecurity {
  if (tls === null) return { credentials: grpc.ServerCredentials.createInsecure(), interceptors: [], close: () => {} };
  const reloader = new PemReloader(tls, refreshMs, log);
  // Protocol limits live in the context options too: a refresh replaces the whole secure context.
  const credentials = new ReloadingServerCredentials(reloader, (m) => ({
    cert: m.cert,
    key: m.key,
    ca: m.ca,
    ...tls.limits,
  }));
  const checkNames = tls.allowedCommonNames.length > 0 || tls.allowedWildcardDomain !== '';
  return {
    credentials,
    interceptors: checkNames ? [commonNameInterceptor(tls.allowedCommonNames, tls.allowedWildcardDomain)] : [],
    close: () => {
      credentials.stop();
      reloader.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Clients

interface ClientTlsState {
  reloader: PemReloader;
  credentials: grpc.ChannelCredentials;
  unsubscribe: () => void;
}

let clientTls: ClientTlsState | null = null;

function channelCredentials(material: PemMaterial): grpc.ChannelCredentials {
  // Upstream verifies the server's chain but not its host name (advancedtls CertVerification):
  // clusters dial each other by IP, and certificates rarely list those.
  return grpc.credentials.createSsl(material.ca ?? null, material.key, material.cert, {
    checkServerIdentity: () => undefined,
  });
}

/** Sets how every outgoing gRPC connection is secured; null restores plaintext. */
export function useGrpcClientTls(tls: GrpcClientTls | null, refreshMs: number, log: Logger): void {
  if (clientTls !== null) {
    clientTls.unsubscribe();
    clientTls.reloader.close();
    clientTls = null;
  }
  if (tls === null) return;
  const reloader = new PemReloader(tls, refreshMs, log);
  const state: ClientTlsState = { reloader, credentials: channelCredentials(reloader.current), unsubscribe: () => {} };
  // New connections use the refreshed pair; connections already open keep theirs, as in Go.
  state.unsubscribe = reloader.onChange((material) => {
    state.credentials = channelCredentials(material);
  });
  clientTls = state;
}

/** Credentials for a new gRPC client; the same object until certificates change (channel reuse). */
export function grpcClientCredentials(): grpc.ChannelCredentials {
  return clientTls?.credentials ?? grpc.credentials.createInsecure();
}

export function grpcClientUsesTls(): boolean {
  return clientTls !== null;
}
