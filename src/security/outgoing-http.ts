// Outgoing HTTP to masters and peer volume servers (replica writes and deletes, proxied reads,
// chunk reads and deletes, /dir/lookup), plain or HTTPS as [https.client] says. One process-wide
// choice, as upstream's global HTTP client: set once at startup by useHttpsClient, read by every
// caller through outgoingFetch and httpScheme.
//
// Off (the default): the global fetch, on the http:// URLs callers build, exactly as before.
// On: https:// (http:// URLs are rewritten, as upstream's NormalizeHttpScheme does) through an
// undici Agent whose TLS options carry the CA, the client certificate and insecure_skip_verify.
// Node does not export the global fetch's own Agent, so this uses the npm undici, and its fetch
// with it: a dispatcher from one undici copy is never handed to another's fetch.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createSecureContext } from 'node:tls';
import type { Agent, RequestInit as UndiciRequestInit } from 'undici';
import { PemReloader, type PemMaterial } from './pem-reloader.ts';
import type { HttpsClientTls } from './tls-settings.ts';
import type { Logger } from '../log/logger.ts';

interface HttpsClientState {
  agent: Agent;
  /** Stops certificate refresh. */
  stopRefresh: () => void;
}

let httpsClient: HttpsClientState | null = null;

type Undici = typeof import('undici');
/** Loaded when [https.client] is first enabled: plain-HTTP servers never pay its start-up time. */
let undiciModule: Undici | null = null;
function undici(): Undici {
  undiciModule ??= createRequire(import.meta.url)('undici') as Undici;
  return undiciModule;
}

function agentFor(tls: HttpsClientTls, material: Partial<PemMaterial>): Agent {
  return new (undici().Agent)({
    connect: {
      // Node's checkServerIdentity stays on: like Go's client, the host name (or IP) is verified.
      rejectUnauthorized: !tls.insecureSkipVerify,
      ...(material.ca !== undefined ? { ca: material.ca } : {}),
      ...(material.cert !== undefined && material.key !== undefined ? { cert: material.cert, key: material.key } : {}),
    },
  });
}

/** Lets requests in flight finish on an agent no longer handed out, then frees its sockets. */
function retire(agent: Agent): void {
  // Closing a retired agent can only fail for sockets that are going away anyway.
  agent.close().catch(() => {});
}

function readCa(caFile: string): Buffer {
  let ca: Buffer;
  try {
    ca = readFileSync(caFile);
  } catch (err) {
    throw new Error(`cannot read TLS CA ${caFile}: ${(err as Error).message}`);
  }
  try {
    createSecureContext({ ca });
  } catch (err) {
    throw new Error(`bad TLS CA ${caFile}: ${(err as Error).message}`);
  }
  return ca;
}

/**
 * Sets how every outgoing HTTP call is made; null restores plain HTTP. Throws (the server must
 * not start) on unreadable or mismatched certificate files.
 */
export function useHttpsClient(tls: HttpsClientTls | null, refreshMs: number, log: Logger): void {
  if (httpsClient !== null) {
    httpsClient.stopRefresh();
    retire(httpsClient.agent);
    httpsClient = null;
  }
  if (tls === null) return;
  if (tls.certFile === '') {
    // No client certificate: only the CA, read once (as upstream does).
    const ca = tls.caFile !== '' ? readCa(tls.caFile) : undefined;
    httpsClient = { agent: agentFor(tls, { ca }), stopRefresh: () => {} };
    return;
  }
  const reloader = new PemReloader(tls, refreshMs, log);
  const state: HttpsClientState = { agent: agentFor(tls, reloader.current), stopRefresh: () => {} };
  // New requests use the refreshed pair; those in flight finish on the old agent.
  const unsubscribe = reloader.onChange((material) => {
    const previous = state.agent;
    state.agent = agentFor(tls, material);
    retire(previous);
  });
  state.stopRefresh = () => {
    unsubscribe();
    reloader.close();
  };
  httpsClient = state;
}

/** The scheme of URLs to masters and peers: 'https' when [https.client] is enabled. */
export function httpScheme(): 'http' | 'https' {
  return httpsClient !== null ? 'https' : 'http';
}

/** fetch for masters and peers: the global fetch when plain, HTTPS with [https.client] otherwise. */
export async function outgoingFetch(url: string, init?: RequestInit): Promise<Response> {
  const client = httpsClient;
  if (client === null) return fetch(url, init);
  const secureUrl = url.startsWith('http://') ? `https://${url.slice('http://'.length)}` : url;
  // The two fetches take the same init; their type declarations come from different undici builds.
  const response = await undici().fetch(secureUrl, { ...(init as UndiciRequestInit), dispatcher: client.agent });
  return response as unknown as Response;
}
