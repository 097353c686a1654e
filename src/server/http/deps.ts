// What the HTTP surface needs from the rest of the server, and the seams later features plug into.
import type { Context } from 'hono';
import type { Needle } from '../../storage/needle/needle.ts';
import type { Volume } from '../../storage/volume.ts';
import type { Store } from '../../store/store.ts';
import type { ServiceRegistry } from '../../status/service-registry.ts';
import type { VolumeServerMetrics } from '../metrics/registry.ts';
import type { FastPathOptions } from './fast-path.ts';
import type { GunzipBudget } from './gunzip-budget.ts';
import type { RequestCounters } from './request-counters.ts';
import type { Logger } from '../../log/logger.ts';

/** A parsed store-handler target: `/vid,fid`, `/vid/fid` or `/vid/fid/filename`. */
export interface FileTarget {
  /** The URL's texts, as JWT checks and proxies need them. */
  vidText: string;
  fidText: string;
  volumeId: number;
  needleId: bigint;
  cookie: number;
}

export interface WriteContext {
  volumeId: number;
  /** Undefined when the volume is not on this server. */
  volume: Volume | undefined;
  needle: Needle;
  fsync: boolean;
  /** `type=replicate`: this request is itself a replica write. */
  isReplicate: boolean;
  contentMd5: string;
}

export interface DeleteContext {
  volumeId: number;
  volume: Volume;
  /** The live needle's metadata (data not read). */
  needle: Needle;
  isReplicate: boolean;
}

/**
 * Optional behaviour added by later issues. Every hook has a default that matches a single
 * server with no security, no replication and `-readMode=local`.
 */
export interface HttpHooks {
  /**
   * JWT check (Go's maybeCheckJwtAuthorization). Reads call it before path parsing, writes after
   * the vid parse, deletes after the fid parse. false ⇒ 401 {"error":"wrong jwt"}. Default: allow.
   */
  authorize(c: Context, request: { vidText: string; fidText: string; isWrite: boolean }): boolean;
  /** Whitelist guard for POST/PUT/DELETE on the admin port. false ⇒ 401, empty body. Default: allow. */
  guardWrite(c: Context): boolean;
  /** GET/HEAD for a volume that is not local (readMode proxy/redirect/local). Default: 404, empty. */
  readNonLocal(c: Context, target: FileTarget): Promise<Response> | Response;
  /**
   * Runs the write: locally when `volume` is set, then to replicas. Returns whether the needle
   * was unchanged. Throws with the message Go puts in its 500 body. Default: local write only.
   */
  replicatedWrite(c: Context, write: WriteContext): Promise<{ unchanged: boolean }>;
  /** Deletes locally and on replicas; throws with the 500 message (prefixed "Deletion Failed: "). */
  replicatedDelete(c: Context, del: DeleteContext): Promise<void>;
  /**
   * A chunk-manifest needle being read without `cm=false`: return the expanded response, or
   * undefined to serve the manifest bytes as they are (the default).
   */
  serveChunkManifest(
    c: Context,
    needle: Needle,
    read: { filename: string; ext: string; headers: Headers },
  ): Promise<Response | undefined>;
  /** A chunk-manifest needle being deleted: delete its chunks; returns the size to report. Default: the needle's own size. */
  deleteChunkManifest(c: Context, needle: Needle): Promise<number>;
  /** Around every upload (throttling). Default: run it. */
  aroundUpload(c: Context, run: () => Promise<Response>): Promise<Response>;
  /** Around every GET/HEAD (throttling). Default: run it. */
  aroundDownload(c: Context, run: () => Promise<Response>): Promise<Response>;
}

export interface HttpDeps {
  /** /ui/index.html is served only when JWT signing is off or [access] ui = true. Default true. */
  uiEnabled?: boolean;
  store: Store;
  /** Go's version.VERSION, e.g. "30GB 4.53": sent as `Server: SeaweedFS Volume <serverVersion>`. */
  serverVersion: string;
  /** `Version` in /status (Go's version.Version(): VERSION + " " + COMMIT). Default `${serverVersion} `. */
  statusVersion?: string;
  /** `-fileSizeLimitMB` in bytes: larger uploads are refused with 400. */
  fileSizeLimitBytes: number;
  /** Cap on a compressed needle's gunzipped size when a reader needs it plain. Default 1 GiB. */
  maxGunzipBytes?: number;
  /** Cap on gunzipped bytes held at once by all such reads together. Default 256 MiB. */
  gunzipBudgetBytes?: number;
  /** /healthz and /readyz: true from start (before any heartbeat); false after VolumeServerLeave or once shutdown begins. */
  isHealthy(): boolean;
  log: Logger;
  hooks?: Partial<HttpHooks>;
  /** Prometheus metrics: store requests are counted and timed when set. */
  metrics?: VolumeServerMetrics;
  /** Which fid requests may be served on plain node:http ahead of the app; default neither. */
  fastPath?: FastPathOptions;
  /** The background services' status (GET /status/services); an empty list when not given. */
  services?: ServiceRegistry;
}

export const DEFAULT_MAX_GUNZIP_BYTES = 1024 * 1024 * 1024;

/** Deps with defaults applied, shared by the handlers. */
export interface ServerContext {
  deps: HttpDeps;
  hooks: HttpHooks;
  maxGunzipBytes: number;
  /** Shared by the admin and public listeners. */
  gunzipBudget: GunzipBudget;
  /** `SeaweedFS Volume <serverVersion>`. */
  serverHeader: string;
  /** Admin-port requests since start (/stats/counter). */
  counters: RequestCounters;
}
