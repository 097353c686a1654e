// The status contract every background service of the server answers with: what it is meant to
// do (desired), what it is doing (current, the narrowest state the code can prove), and its
// figures (status). A snapshot is a plain copy: taking one starts, stops, wakes, resizes,
// writes, emits or publishes nothing.

export const SERVICE_STATES = [
  'NotConfigured',
  'Disabled',
  'Starting',
  'Running',
  'Degraded',
  'Stopping',
  'Stopped',
  'Unknown',
] as const;
/**
 * NotConfigured: nothing asks for it (no master given, no gateway named). Disabled: configured
 * off. Degraded: running with a known error or stall. Unknown: the code cannot observe it.
 */
export type ServiceState = (typeof SERVICE_STATES)[number];

/** What ends the service's work, besides finishing it. */
export type CancelCause = 'shutdown' | 'master-loss' | 'operator' | 'client';

export type DesiredValue = string | number | boolean;

/** The configured intent and the values that drive it, read from flags and config. */
export interface ServiceDesired {
  readonly enabled: boolean;
  readonly [setting: string]: DesiredValue;
}

export interface ServiceProgress {
  doneBytes: number;
  totalBytes: number;
  rateBytesPerSecond: number;
  /** Null when it cannot be told (nothing done yet, or no total). */
  etaMs: number | null;
}

export interface ServiceStatus {
  counters: Readonly<Record<string, number>>;
  queueDepth: number | null;
  queueLimit: number | null;
  workers: number | null;
  lastSuccessAtMs: number | null;
  lastError: { message: string; atMs: number } | null;
  cancelledBy: readonly CancelCause[];
  hasShutdownHandle: boolean;
  progress: ServiceProgress | null;
  /** A short line on what it is doing, for people. */
  detail: string;
}

export interface ServiceSnapshot {
  /** Unique among the server's services: `heartbeat`, `vacuum/volume-7`. */
  name: string;
  desired: ServiceDesired;
  current: ServiceState;
  status: ServiceStatus;
}

/** A service, or a family of jobs (one snapshot each, none when idle). */
export interface StatusSource {
  snapshots(): readonly ServiceSnapshot[];
}

/**
 * Done/total bytes with the rate since the start and the ETA at that rate: 0 once finished or
 * complete, null when it cannot be told (no total, or nothing done yet).
 */
export function progressFigures(
  doneBytes: number,
  totalBytes: number,
  elapsedMs: number,
  finished: boolean,
): ServiceProgress {
  const rate = elapsedMs > 0 ? (doneBytes * 1000) / elapsedMs : 0;
  const remainingBytes = Math.max(0, totalBytes - doneBytes);
  let etaMs: number | null = null;
  if (finished || (totalBytes > 0 && remainingBytes === 0)) etaMs = 0;
  else if (totalBytes > 0 && rate > 0) etaMs = Math.round((remainingBytes * 1000) / rate);
  return { doneBytes, totalBytes, rateBytesPerSecond: Math.round(rate), etaMs };
}

/** A status with every optional figure empty; services fill in what they know. */
export function emptyStatus(fields: Partial<ServiceStatus> = {}): ServiceStatus {
  return {
    counters: {},
    queueDepth: null,
    queueLimit: null,
    workers: null,
    lastSuccessAtMs: null,
    lastError: null,
    cancelledBy: [],
    hasShutdownHandle: false,
    progress: null,
    detail: '',
    ...fields,
  };
}
