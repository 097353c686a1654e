// The server process's logger: pino with glog's levels and destinations. glog's V(1)..V(4) are
// pino levels just below info (29..26), so `-v=n` is pino's level `v<n>` and every verbose call
// above it is pino's no-op. A line is INFO, WARNING, ERROR or FATAL as upstream writes it; a
// verbose line is INFO with its `v` in JSON. Settings come from weed's global flags (cli).
import os from 'node:os';
import { pino } from 'pino';
import { GlogSink, type TextOutput } from './glog-sink.ts';
import { isoMicros, nowMicros } from './glog-line.ts';
import { LogFiles } from './log-files.ts';
import { type LogFields, type Logger, MAX_VERBOSE_LEVEL, type VerboseLevel } from './logger.ts';
import { severityRank } from './severity.ts';
import { type ModulePattern, moduleLevel } from './vmodule.ts';

/** glog's flags, resolved (see volume-flag-table.ts for their upstream text). */
export interface LogSettings {
  /** -v. */
  readonly verbosity: number;
  /** -vmodule: a higher -v for the components it names. */
  readonly vmodule: readonly ModulePattern[];
  /** -logtostderr: stderr only, no files. */
  readonly toStderr: boolean;
  /** -alsologtostderr: every line on stderr as well as in the files. */
  readonly alsoToStderr: boolean;
  /** -stderrthreshold as a severity rank (INFO 0 .. FATAL 3). */
  readonly stderrThreshold: number;
  /** -logdir, or the temp directory when empty. */
  readonly dir: string;
  readonly maxSizeBytes: number;
  readonly maxFiles: number;
  readonly rotateHours: number;
  readonly json: boolean;
  readonly compressRotated: boolean;
}

/** glog's settings when no flag is given (SeaweedFS's glog: -alsologtostderr on, ERROR threshold). */
export const GLOG_DEFAULTS: LogSettings = {
  verbosity: 0,
  vmodule: [],
  toStderr: false,
  alsoToStderr: true,
  stderrThreshold: severityRank('ERROR'),
  dir: '',
  maxSizeBytes: 1800 * 1024 * 1024,
  maxFiles: 5,
  rotateHours: 168,
  json: false,
  compressRotated: false,
};

/** What a process logger needs from its surroundings; tests substitute them. */
export interface LogEnvironment {
  readonly stderr: TextOutput;
  readonly program: string;
  readonly host: string;
  readonly user: string;
  readonly pid: number;
  readonly tempDir: string;
}

export interface ProcessLogger {
  readonly logger: Logger;
  /** glog.Fatal's line (FATAL, in every file); the caller decides how the process ends. */
  fatal(message: string, fields?: LogFields): void;
  /** Closes the log files (at exit; a later line would open new ones). */
  close(): void;
}

type VerboseName = 'v1' | 'v2' | 'v3' | 'v4';
type PinoLogger = pino.Logger<VerboseName>;

const INFO_LEVEL = 30;
const VERBOSE_LEVELS: Record<VerboseName, number> = { v1: 29, v2: 28, v3: 27, v4: 26 };
const HOUR_MS = 3_600_000;

/** glog's severity for a pino level number, with V(n) kept as `v` (JSON only). */
function severityFields(level: number): Record<string, unknown> {
  if (level >= 60) return { level: 'FATAL' };
  if (level >= 50) return { level: 'ERROR' };
  if (level >= 40) return { level: 'WARNING' };
  if (level >= INFO_LEVEL) return { level: 'INFO' };
  return { level: 'INFO', v: INFO_LEVEL - level };
}

/** The -v value as pino's level name: 0 (or less) is info, past 4 all verbose lines show. */
export function pinoLevelFor(verbosity: number): 'info' | VerboseName {
  if (verbosity <= 0) return 'info';
  return `v${Math.min(verbosity, MAX_VERBOSE_LEVEL)}` as VerboseName;
}

class PinoBackedLogger implements Logger {
  constructor(
    private readonly pinoLogger: PinoLogger,
    private readonly settings: Pick<LogSettings, 'verbosity' | 'vmodule'>,
  ) {}

  info(message: string, fields?: LogFields): void {
    this.pinoLogger.info(fields ?? {}, message);
  }

  warn(message: string, fields?: LogFields): void {
    this.pinoLogger.warn(fields ?? {}, message);
  }

  error(message: string, fields?: LogFields): void {
    this.pinoLogger.error(fields ?? {}, message);
  }

  verbose(level: VerboseLevel, message: string, fields?: LogFields): void {
    this.pinoLogger[`v${level}`](fields ?? {}, message);
  }

  isVerbose(level: VerboseLevel): boolean {
    return this.pinoLogger.isLevelEnabled(`v${level}`);
  }

  child(fields: LogFields & { component?: string }): Logger {
    const { verbosity, vmodule } = this.settings;
    if (vmodule.length === 0 || typeof fields.component !== 'string')
      return new PinoBackedLogger(this.pinoLogger.child(fields), this.settings);
    // A named component gets -v or its -vmodule level, whichever is higher (glog's V()).
    const level = pinoLevelFor(Math.max(verbosity, moduleLevel(vmodule, fields.component)));
    return new PinoBackedLogger(this.pinoLogger.child(fields, { level }), this.settings);
  }

  fatal(message: string, fields?: LogFields): void {
    this.pinoLogger.fatal(fields ?? {}, message);
  }
}

function shortHostname(): string {
  const host = os.hostname();
  const dot = host.indexOf('.');
  return dot >= 0 ? host.slice(0, dot) : host;
}

function userName(): string {
  try {
    return os.userInfo().username.replaceAll('\\', '_');
  } catch {
    return 'unknownuser';
  }
}

export function defaultLogEnvironment(): LogEnvironment {
  return {
    stderr: { write: (text) => void process.stderr.write(text) },
    program: 'needlework',
    host: shortHostname() || 'unknownhost',
    user: userName(),
    pid: process.pid,
    tempDir: os.tmpdir(),
  };
}

export function createProcessLogger(
  settings: LogSettings,
  env: LogEnvironment = defaultLogEnvironment(),
): ProcessLogger {
  const files = settings.toStderr
    ? null
    : new LogFiles({
        dir: settings.dir !== '' ? settings.dir : env.tempDir,
        program: env.program,
        host: env.host,
        user: env.user,
        pid: env.pid,
        maxSizeBytes: settings.maxSizeBytes,
        maxFiles: settings.maxFiles,
        rotateAfterMs: settings.rotateHours * HOUR_MS,
        compressRotated: settings.compressRotated,
        writeHeader: !settings.json,
      });
  const sink = new GlogSink(
    {
      toStderr: settings.toStderr,
      alsoToStderr: settings.alsoToStderr,
      stderrThreshold: settings.stderrThreshold,
      json: settings.json,
      program: env.program,
    },
    env.stderr,
    files,
  );
  const root = pino<VerboseName>(
    {
      base: null,
      customLevels: VERBOSE_LEVELS,
      level: pinoLevelFor(settings.verbosity),
      timestamp: settings.json ? () => `,"ts":"${isoMicros(nowMicros())}"` : () => `,"time":${nowMicros()}`,
      formatters: { level: (_label, number) => severityFields(number) },
    },
    sink,
  );
  const logger = new PinoBackedLogger(root, settings);
  return {
    logger,
    fatal: (message, fields) => logger.fatal(message, fields),
    close: () => files?.close(),
  };
}
