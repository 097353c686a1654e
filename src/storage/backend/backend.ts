// Remote `.dat` tiers ([storage.backend] of master.toml). As in upstream 4.53 a volume server does
// not read master.toml: the master reads it and hands the enabled backends to each volume server
// in GetMasterConfigurationResponse.storage_backends, which loadFromPbStorageBackends registers
// under "type.id" (and "type" for id "default"). Only s3 is a backend type, as upstream; storage
// holds no S3 client, so the type is registered from above (registerBackendType), by the cli.
import { assert } from '../types.ts';
import { type Logger, silentLogger } from '../../log/logger.ts';

/** Progress of a tier transfer; a rejection aborts the transfer (the caller went away). */
export type TierProgress = (processedBytes: number, percentage: number) => Promise<void>;

export interface BackendStorage {
  readonly type: string;
  readonly id: string;
  /** The properties the master sent, normalized (upstream's ToProperties). */
  toProperties(): Record<string, string>;
  /** Uploads a local file under a fresh key; `concurrency` <= 0 takes the backend default. */
  copyFile(filePath: string, progress: TierProgress, concurrency: number): Promise<{ key: string; sizeBytes: number }>;
  /** Downloads `key` into `filePath` (created or truncated, then fsynced). */
  downloadFile(filePath: string, key: string, progress: TierProgress, concurrency: number): Promise<number>;
  deleteFile(key: string): Promise<void>;
  /** Reads up to `length` bytes of `key` at `offsetBytes`. */
  readAt(key: string, offsetBytes: number, length: number): Promise<Buffer>;
}

export interface PbStorageBackend {
  type: string;
  id: string;
  properties: Record<string, string>;
}

/** Creates a backend of one type from the properties the master sent for it. */
export type BackendFactory = (properties: Record<string, string>, id: string) => BackendStorage;

/** Backend types by name ("s3"); a handful at most, registered once at start. */
const FACTORIES = new Map<string, BackendFactory>();

/** Makes `type` a backend type the master's list may name; registering it again replaces it. */
export function registerBackendType(type: string, factory: BackendFactory): void {
  assert(
    type !== '' && !type.includes('.'),
    `backend type ${JSON.stringify(type)} must be a non-empty name without a dot`,
  );
  FACTORIES.set(type, factory);
}

const backends = new Map<string, BackendStorage>();

/** "s3" → ["s3", "default"]; "s3.cold" → ["s3", "cold"]; anything else → ["", ""]. */
export function backendNameToTypeId(name: string): { type: string; id: string } {
  const parts = name.split('.');
  if (parts.length === 1) return { type: name, id: 'default' };
  if (parts.length !== 2) return { type: '', id: '' };
  return { type: parts[0]!, id: parts[1]! };
}

/**
 * Registers the master's backends. A name already registered keeps its first definition, as
 * upstream; an unknown type is skipped with a log line.
 */
export function loadFromPbStorageBackends(
  list: readonly PbStorageBackend[] | undefined,
  log: Logger = silentLogger,
): void {
  for (const entry of list ?? []) {
    const factory = FACTORIES.get(entry.type);
    if (factory === undefined) {
      log.warn(`storage type ${entry.type} not found`);
      continue;
    }
    const name = `${entry.type}.${entry.id}`;
    if (backends.has(name)) continue;
    let storage: BackendStorage;
    try {
      storage = factory(entry.properties ?? {}, entry.id);
    } catch (err) {
      log.error(`fail to create backend storage ${name}: ${(err as Error).message}`, { error: (err as Error).message });
      continue;
    }
    backends.set(name, storage);
    if (entry.id === 'default') backends.set(entry.type, storage);
    log.info(`created backend storage ${name}`);
  }
}

export function findBackendStorage(name: string): BackendStorage | undefined {
  return backends.get(name);
}

/** Registered names, as upstream lists them in "not found, supported: [...]". */
export function backendStorageNames(): string[] {
  return [...backends.keys()];
}

/** Go's %v of a []string: `[a b]`. */
export function goStringList(names: readonly string[]): string {
  return `[${names.join(' ')}]`;
}

/** Tests only: registers a backend directly, or clears all with undefined. */
export function setBackendStorageForTest(name: string | undefined, storage?: BackendStorage): void {
  if (name === undefined) backends.clear();
  else if (storage === undefined) backends.delete(name);
  else backends.set(name, storage);
}
