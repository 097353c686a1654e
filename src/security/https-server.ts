// HTTPS for the admin HTTP port ([https.volume]): the options for https.createServer, and a hook
// that swaps in refreshed certificates on a listening server (upstream reloads them too).
import type { ServerOptions } from 'node:https';
import type { Server as TlsServer } from 'node:tls';
import { PemReloader, type PemMaterial } from './pem-reloader.ts';
import type { HttpsServerTls } from './tls-settings.ts';
import type { Logger } from '../log/logger.ts';

export interface HttpsServerSecurity {
  serverOptions: ServerOptions;
  /** Keeps `server`'s certificates current; returns a function that stops doing so. */
  attach(server: TlsServer): () => void;
  close(): void;
}

export function httpsServerSecurity(tls: HttpsServerTls, refreshMs: number, log: Logger): HttpsServerSecurity {
  const reloader = new PemReloader(tls, refreshMs, log);
  const clientCa = tls.caFile !== '';
  const contextOptions = (m: PemMaterial) => ({
    cert: m.cert,
    key: m.key,
    ...(clientCa ? { ca: m.ca } : {}),
    ...tls.limits,
  });
  return {
    // With [https.volume] ca, clients must present a certificate signed by it (RequireAndVerifyClientCert).
    serverOptions: { ...contextOptions(reloader.current), requestCert: clientCa, rejectUnauthorized: clientCa },
    attach(server) {
      return reloader.onChange((material) => server.setSecureContext(contextOptions(material)));
    },
    close: () => reloader.close(),
  };
}
