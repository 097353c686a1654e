// Entry point the CLI calls: maps the parsed flags onto the HTTP deps and listeners.
// Structural types keep this layer independent of src/cli.
import type { Store } from '../../store/store.ts';
import type { HttpHooks } from './deps.ts';
import { type HttpServers, listenHttpServers } from './listen.ts';

export interface HttpStartConfig {
  bindIp: string;
  httpPort: number;
  /** Equal to httpPort when there is no separate public listener. */
  publicPort: number;
  fileSizeLimitBytes: number;
  idleTimeoutSeconds: number;
}

export interface HttpStartOptions {
  store: Store;
  config: HttpStartConfig;
  /** security.toml: the JWT keys and whitelist plug into HttpHooks.authorize / guardWrite. */
  security?: { jwtSigningKey?: string; uiAccess?: boolean };
  /** Reported as `Server: SeaweedFS Volume <serverVersion>` and as /status `Version`. */
  serverVersion: string;
  isHealthy(): boolean;
  log: (message: string) => void;
  hooks?: Partial<HttpHooks>;
}

export function startHttpServers(options: HttpStartOptions): Promise<HttpServers> {
  const { config } = options;
  return listenHttpServers(
    {
      store: options.store,
      serverVersion: options.serverVersion,
      statusVersion: options.serverVersion,
      fileSizeLimitBytes: config.fileSizeLimitBytes,
      isHealthy: options.isHealthy,
      uiEnabled: (options.security?.jwtSigningKey ?? '') === '' || options.security?.uiAccess === true,
      log: options.log,
      ...(options.hooks !== undefined ? { hooks: options.hooks } : {}),
    },
    {
      host: config.bindIp,
      port: config.httpPort,
      // Go's isSeparatedPublicPort: a second listener only when the ports differ.
      ...(config.publicPort !== config.httpPort ? { public: { port: config.publicPort } } : {}),
      idleTimeoutMs: config.idleTimeoutSeconds * 1000,
    },
  );
}
