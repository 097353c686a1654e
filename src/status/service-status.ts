// The status contract every background service of the server answers with: what it is meant to
// do (desired), what it is doing (current, the narrowest state the code can prove), and its
// figures (status). A snapshot is a plain copy: taking one starts, stops, wakes, resizes,
// writes, emits or publishes nothing.

export const SERVICE_STATES = ['NotConfigured', 'Disabled', 'Starting', 'Running', 'Degraded', 'Stopping', 'Stopped', 'Unknown'] as const;
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
