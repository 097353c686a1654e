// Entry point the CLI calls: maps the parsed flags onto the HTTP deps and listeners.
// Structural types keep this layer independent of src/cli.
import type { Store } from '../../store/store.ts';
import type { HttpHooks } from './deps.ts';
import { type AdminTls, type HttpServers, listenHttpServers } from './listen.ts';
import { jwtAuthorizer } from './jwt.ts';
import { whiteListGuard } from './white-list.ts';
import { type ReadModeOptions, readNonLocalHandler } from './read-modes.ts';
import { chunkManifestHooks } from './chunk-manifest.ts';
import { throttleHooks } from './throttle.ts';
import { replicationHooks } from './replication.ts';
import type { VolumeLookup } from '../../cluster/volume-lookup.ts';
import { HandlerLabel, type VolumeServerMetrics } from '../metrics/registry.ts';
import { meterTransfers } from '../metrics/transfer-meter.ts';
import type { ServiceRegistry } from '../../status/service-registry.ts';
import type { DeleteRetryQueue } from '../../cluster/delete-retry-queue.ts';
import type { Logger } from '../../log/logger.ts';

export interface HttpStartConfig {
  bindIp: string;
  httpPort: number;
  /** Equal to httpPort when there is no separate public listener. */
  publicPort: number;
  fileSizeLimitBytes: number;
  idleTimeoutSeconds: number;
  concurrentUploadLimitBytes?: number;
  concurrentDownloadLimitBytes?: number;
  inflightUploadDataTimeoutMs?: number;
  inflightDownloadDataTimeoutMs?: number;
}

export interface HttpStartOptions {
  store: Store;
  config: HttpStartConfig;
  /** security.toml: JWT keys (HttpHooks.authorize) and the UI switch. */
  security?: { jwtSigningKey?: string; jwtReadSigningKey?: string; uiAccess?: boolean };
  /** Finds volumes on other servers (read modes, chunk manifests); undefined without a master. */
  lookup?: VolumeLookup;
  /** Reads of volumes held elsewhere (-readMode); undefined: answer 404. */
  readMode?: ReadModeOptions;
  /** -whiteList plus [guard] white_list: who may write and delete (empty: everyone). */
  whiteList?: string[];
  /** Reported as `Server: SeaweedFS Volume <serverVersion>` and as /status `Version`. */
  serverVersion: string;
  isHealthy(): boolean;
  log: Logger;
  hooks?: Partial<HttpHooks>;
  /** Prometheus metrics to feed (request counters, transfer sizes); undefined: none. */
  metrics?: VolumeServerMetrics;
  /** HTTPS on the admin port ([https.volume]); undefined: plain HTTP. */
  tls?: AdminTls;
  /** The background services, for GET /status/services. */
  services?: ServiceRegistry;
  /** Failed replica and chunk deletes are sent again from here. */
  deleteRetries?: DeleteRetryQueue;
}

/** Counts redirects of non-local reads (upstream's readRedirectRequest); a 301 here is only ever one. */
function meterReadNonLocal(
  handler: HttpHooks['readNonLocal'],
  metrics: VolumeServerMetrics,
  mode: ReadModeOptions['mode'],
): HttpHooks['readNonLocal'] {
  if (mode !== 'redirect') return handler;
  return async (c, target) => {
    const response = await handler(c, target);
    if (response.status === 301) metrics.handlerTotal.inc({ type: HandlerLabel.ReadRedirectRequest });
    return response;
  };
}

export function startHttpServers(options: HttpStartOptions): Promise<HttpServers> {
  const { config, metrics } = options;
  const throttle = throttleHooks({
    uploadLimitBytes: config.concurrentUploadLimitBytes ?? 0,
    uploadTimeoutMs: config.inflightUploadDataTimeoutMs ?? 60_000,
    downloadLimitBytes: config.concurrentDownloadLimitBytes ?? 0,
    downloadTimeoutMs: config.inflightDownloadDataTimeoutMs ?? 60_000,
    store: options.store,
    ...(options.readMode !== undefined
      ? {
          readFromReplica: readNonLocalHandler({
            ...options.readMode,
            mode: options.readMode.mode === 'local' ? 'redirect' : options.readMode.mode,
          }),
        }
      : {}),
  });
  const readNonLocal = options.readMode !== undefined ? readNonLocalHandler(options.readMode) : undefined;
  return listenHttpServers(
    {
      store: options.store,
      serverVersion: options.serverVersion,
      statusVersion: options.serverVersion,
      fileSizeLimitBytes: config.fileSizeLimitBytes,
      isHealthy: options.isHealthy,
      uiEnabled: (options.security?.jwtSigningKey ?? '') === '' || options.security?.uiAccess === true,
      log: options.log,
      hooks: {
        authorize: jwtAuthorizer({
          writeKey: options.security?.jwtSigningKey ?? '',
          readKey: options.security?.jwtReadSigningKey ?? '',
        }),
        guardWrite: whiteListGuard(options.whiteList ?? []),
        ...(readNonLocal !== undefined && options.readMode !== undefined
          ? {
              readNonLocal:
                metrics !== undefined ? meterReadNonLocal(readNonLocal, metrics, options.readMode.mode) : readNonLocal,
            }
          : {}),
        ...chunkManifestHooks({ store: options.store, lookup: options.lookup, deleteRetries: options.deleteRetries }),
        ...(options.lookup !== undefined && options.readMode !== undefined
          ? replicationHooks({
              lookup: options.lookup,
              selfAddress: options.readMode.selfAddress,
              ...(options.deleteRetries !== undefined ? { deleteRetries: options.deleteRetries } : {}),
            })
          : {}),
        ...(metrics !== undefined
          ? meterTransfers(throttle, metrics, {
              uploadLimitBytes: config.concurrentUploadLimitBytes ?? 0,
              downloadLimitBytes: config.concurrentDownloadLimitBytes ?? 0,
            })
          : throttle),
        ...options.hooks,
      },
      ...(metrics !== undefined ? { metrics } : {}),
      ...(options.services !== undefined ? { services: options.services } : {}),
      // The fast path skips the app's JWT check, white list and throttles, so it runs only
      // where none of them is configured (and no caller hooks replace the defaults).
      fastPath: {
        // NEEDLEWORK_DIRECT_HTTP=0 sends every connection to node:http (the fast path then runs there).
        direct: process.env.NEEDLEWORK_DIRECT_HTTP !== '0',
        reads:
          (options.security?.jwtReadSigningKey ?? '') === '' &&
          (config.concurrentDownloadLimitBytes ?? 0) === 0 &&
          options.hooks === undefined,
        writes:
          (options.security?.jwtSigningKey ?? '') === '' &&
          (options.whiteList ?? []).length === 0 &&
          (config.concurrentUploadLimitBytes ?? 0) === 0 &&
          options.hooks === undefined,
      },
    },
    {
      host: config.bindIp,
      port: config.httpPort,
      // Go's isSeparatedPublicPort: a second listener only when the ports differ.
      ...(config.publicPort !== config.httpPort ? { public: { port: config.publicPort } } : {}),
      idleTimeoutMs: config.idleTimeoutSeconds * 1000,
      ...(options.tls !== undefined ? { tls: options.tls } : {}),
    },
  );
}
