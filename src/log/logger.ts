// The logger every layer is handed: glog's severities (Info, Warning, Error) and its V(n)
// verbose lines, with structured fields beside the message. Only this type and the silent
// logger live here; the process logger (pino, glog's files and flags) is built in
// process-logger.ts, so storage and the store depend on nothing but this interface.

/** Values a line carries beside its message, e.g. `{ volumeId: 7, path, error }`. */
export type LogFields = Readonly<Record<string, unknown>>;

/** glog.V(n) levels above 0 (V(0) is plain info); `-v=n` turns on 1..n. */
export type VerboseLevel = 1 | 2 | 3 | 4;

export const MAX_VERBOSE_LEVEL: VerboseLevel = 4;

export interface Logger {
  /** glog.Info: always written. */
  info(message: string, fields?: LogFields): void;
  /** glog.Warning. */
  warn(message: string, fields?: LogFields): void;
  /** glog.Error. */
  error(message: string, fields?: LogFields): void;
  /** glog.V(level).Info: written only when `-v` is at least `level`; costs a compare otherwise. */
  verbose(level: VerboseLevel, message: string, fields?: LogFields): void;
  /** glog.V(level) as a test, to skip building a costly message. */
  isVerbose(level: VerboseLevel): boolean;
  /** A logger whose lines carry `fields` too; `component` names the service in every line. */
  child(fields: LogFields & { component?: string }): Logger;
}

/** Writes nothing: the default where a caller passes no logger (tests, offline tools). */
export const silentLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: () => {},
  verbose: () => {},
  isVerbose: () => false,
  child: () => silentLogger,
};
