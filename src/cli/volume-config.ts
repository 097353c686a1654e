// The `weed volume` command line (SeaweedFS 4.44), parsed with Go `flag` syntax and resolved the way
// upstream's runVolume/startVolumeServer do. Upstream parses with weed/util/fla9, a fork of Go's
// `flag`: `-name=value`, `-name value`, one or two dashes, bare booleans never take the next
// argument, parsing stops at `--` or at the first non-flag argument, plus an `-options <file>` flag.
//
// Accepted forms: `needlework volume [flags]`, `needlework [flags]` (the test harness form), and
// `needlework [global flags] volume [flags]` where the global flags are weed's own (config_dir and
// glog's logging flags). Without the `volume` word, global and volume flags mix freely.
//
// Deliberate differences from upstream (Go):
// - Go stops parsing silently at the first positional argument, so in `weed volume x -port=9000`
//   the -port is ignored and the server starts on 8080. We throw a FlagError instead. (Bad or
//   unknown flags are fatal in both: Go prints the error and usage and exits with status 2.)
// - Go's `weed volume` FlagSet is a zero value, so its environment prefix is empty: it reads every
//   flag from an unprefixed environment variable (PORT, DIR, IP, MAX, DEBUG, PORT_GRPC, ...) when the
//   flag is not on the command line. We do not: those names are far too common to inherit safely.
// - -readMode and -index are validated (Go runs an unknown -readMode as redirect and an unknown
//   -index as memory), ports must be 0..65535, and sizes, counts and durations must not be
//   negative. The exceptions are the fsync batching flags (-fsyncMinBatchBytes,
//   -fsyncMinBatchRequests, -fsyncBatchWait), accepted as Go does: a value <= 0 there just means
//   a drained batch is synced at once.
// - -securityFile (the Rust port's flag, used by the test harness), -offsetBytes,
//   NEEDLEWORK_OFFSET_BYTES and the continuous scrubber's -scrub.interval, -scrub.MBps and
//   -scrub.concurrentVolumes are ours; -config_dir is also accepted after `volume`.
//
// The parts: the flag-set mechanics (flag-set.ts), Go's value syntax (gocompat), the flag table
// and usage (volume-flag-table.ts), the folders (volume-folders.ts), and here the resolution.
//
// Accepted but ignored (parsed and validated, reported in VolumeConfig.ignoredFlags when set):
// cpuprofile, memprofile, pprof, debug, debug.port, images.fix.orientation, index.leveldbTimeout,
// and the global logging flag log_backtrace_at (it names a Go source line). Their
// values still appear in VolumeConfig where a field exists, so callers can choose to implement
// them later. The other glog flags resolve into VolumeConfig.logging (-vmodule's patterns name
// components, where Go's name source files).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { goQuote } from '../gocompat/go-value-syntax.ts';
import { GLOG_DEFAULTS, type LogSettings } from '../log/process-logger.ts';
import { parseStderrThreshold } from '../log/severity.ts';
import { parseVmodule } from '../log/vmodule.ts';
import type { OffsetWidth } from '../storage/types.ts';
import {
  FlagError,
  FlagValues,
  type ParseState,
  applyOptionsFile,
  convertFlagValue,
  errorMessage,
  parseArgs,
  splitSubcommand,
} from './flag-set.ts';
import { ALL_FLAGS, GLOBAL_FLAGS, OFFSET_BYTES_ENV, VOLUME_FLAGS } from './volume-flag-table.ts';
import { type VolumeFolder, resolveFolders, resolveHome } from './volume-folders.ts';

export type ReadMode = 'local' | 'proxy' | 'redirect';
export type IndexKind = 'memory' | 'leveldb' | 'leveldbMedium' | 'leveldbLarge';

export interface VolumeConfig {
  httpPort: number;
  /** -port.grpc, or httpPort + 10000 when 0/unset. */
  grpcPort: number;
  /** -port.public, or httpPort when 0/unset. A different value means a separate public listener. */
  publicPort: number;
  /** -ip, or the detected host address. Identifies the server to the master. */
  ip: string;
  /** -ip.bind, or ip. Address every listener binds to. */
  bindIp: string;
  /** -publicUrl, or ip:publicPort. */
  publicUrl: string;
  /** -id (trimmed), or ip:httpPort. */
  serverId: string;
  /** Master HTTP addresses (-mserver wins over -master when non-empty). */
  masters: string[];
  folders: VolumeFolder[];
  dataCenter: string;
  rack: string;
  readMode: ReadMode;
  indexKind: IndexKind;
  /** -whiteList only; upstream's guard also appends [guard] white_list from security.toml. */
  whiteList: string[];
  preStopSeconds: number;
  idleTimeoutSeconds: number;
  fileSizeLimitBytes: number;
  /** 0 means unlimited. */
  concurrentUploadLimitBytes: number;
  /** 0 means unlimited. */
  concurrentDownloadLimitBytes: number;
  inflightUploadDataTimeoutMs: number;
  inflightDownloadDataTimeoutMs: number;
  /** How often the disk monitor checks each folder against -minFreeSpace (upstream: a minute). */
  diskCheckIntervalMs: number;
  /** 0 means unlimited. */
  compactionBytesPerSecond: number;
  /** 0 means unlimited. */
  maintenanceBytesPerSecond: number;
  /**
   * -fsyncMinBatchBytes, -fsyncMinBatchRequests, -fsyncBatchWait (upstream's SyncBatchOption): a
   * drained batch of fsync writes below both minimums waits up to fsyncBatchWaitMs for more.
   */
  fsyncMinBatchBytes: number;
  fsyncMinBatchRequests: number;
  fsyncBatchWaitMs: number;
  /** -scrub.interval: a full verification pass over every volume per interval; 0 is off. */
  scrubIntervalMs: number;
  /** -scrub.MBps: the scrubber's read rate limit per disk. */
  scrubBytesPerSecond: number;
  /** -scrub.concurrentVolumes: volumes scrubbed at once per disk (1..16). */
  scrubConcurrentVolumes: number;
  hasSlowRead: boolean;
  readBufferSizeBytes: number;
  fixJpgOrientation: boolean;
  leveldbTimeoutHours: number;
  /** 0 means no metrics listener. */
  metricsPort: number;
  /** -metricsIp, else -ip.bind, else -ip (Go's order; '' means all interfaces). */
  metricsIp: string;
  pprof: boolean;
  debug: boolean;
  debugPort: number;
  allowUntrustedRemoteEndpoints: boolean;
  /** -securityFile as given; undefined when absent (see findSecurityFile for Go's search path). */
  securityFile: string | undefined;
  /** -config_dir: Go's directory for security.toml; undefined when absent. */
  configDir: string | undefined;
  /** Index offset width: -offsetBytes, else NEEDLEWORK_OFFSET_BYTES, else 4. */
  offsetWidth: OffsetWidth;
  /** glog's flags: -v, -logtostderr, -alsologtostderr, -stderrthreshold, -logdir, -log_*. */
  logging: LogSettings;
  /** Accepted-but-ignored flags that were explicitly set, so the caller can warn. */
  ignoredFlags: string[];
}

/** Injectable environment facts, for tests. */
export interface FlagDeps {
  detectHostAddress(): string;
  tempDir(): string;
  homeDir(): string;
  readTextFile(filePath: string): string;
}

const GRPC_PORT_OFFSET = 10000;
const MIB = 1024 * 1024;
/** The scrubber's bound on volumes read at once per disk: each holds a read buffer and disk time. */
const MAX_SCRUB_CONCURRENT_VOLUMES = 16;
/** MB/s whose bytes per second are still a safe integer. */
const MAX_SCRUB_MBPS = Math.floor(Number.MAX_SAFE_INTEGER / MIB);

/** Go's util.DetectedHostAddress: first up, non-loopback IPv4, else non-link-local IPv6; else 127.0.0.1. */
export function detectHostAddress(): string {
  const addresses = Object.values(os.networkInterfaces()).flatMap((list) => list ?? []);
  const v4 = addresses.find((a) => a.family === 'IPv4' && !a.internal);
  if (v4) return v4.address;
  const v6 = addresses.find((a) => a.family === 'IPv6' && !a.internal && !/^fe[89ab]/i.test(a.address));
  if (v6) return v6.address;
  return '127.0.0.1';
}

const defaultDeps: FlagDeps = {
  detectHostAddress,
  tempDir: () => os.tmpdir(),
  homeDir: () => os.homedir(),
  readTextFile: (filePath) => readFileSync(filePath, 'utf8'),
};

/** net.JoinHostPort: brackets around IPv6 literals. */
export function joinHostPort(host: string, port: number): string {
  if (host.startsWith('[') && host.endsWith(']')) return `${host}:${port}`;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function requireRange(values: FlagValues, name: string, min: number, max: number, what: string): number {
  const value = values.int(name);
  if (value < min || value > max) {
    throw new FlagError(`invalid value "${value}" for flag -${name}: ${what} must be between ${min} and ${max}`, name);
  }
  return value;
}

function nonNegative(values: FlagValues, name: string): number {
  return requireRange(values, name, 0, Number.MAX_SAFE_INTEGER, 'value');
}

function port(values: FlagValues, name: string): number {
  return requireRange(values, name, 0, 65535, 'port');
}

function nonNegativeDurationMs(values: FlagValues, name: string): number {
  const ms = values.int(name);
  if (ms < 0) throw new FlagError(`invalid value for flag -${name}: duration must not be negative`, name);
  return ms;
}

function positiveDurationMs(values: FlagValues, name: string): number {
  const ms = values.int(name);
  if (ms <= 0) throw new FlagError(`invalid value for flag -${name}: duration must be positive`, name);
  return ms;
}

function oneOf<T extends string>(values: FlagValues, name: string, allowed: readonly T[]): T {
  const value = values.string(name);
  if (!(allowed as readonly string[]).includes(value)) {
    throw new FlagError(
      `invalid value ${goQuote(value)} for flag -${name}: must be one of ${allowed.join(', ')}`,
      name,
    );
  }
  return value as T;
}

function resolveOffsetWidth(
  values: FlagValues,
  explicit: ReadonlySet<string>,
  env: Record<string, string | undefined>,
): OffsetWidth {
  if (explicit.has('offsetBytes')) {
    const width = values.int('offsetBytes');
    if (width !== 4 && width !== 5)
      throw new FlagError(`invalid value "${width}" for flag -offsetBytes: must be 4 or 5`, 'offsetBytes');
    return width;
  }
  const fromEnv = env[OFFSET_BYTES_ENV];
  if (fromEnv === undefined || fromEnv === '') return 4;
  if (fromEnv.trim() === '4') return 4;
  if (fromEnv.trim() === '5') return 5;
  throw new FlagError(
    `invalid value ${goQuote(fromEnv)} for environment variable ${OFFSET_BYTES_ENV}: must be 4 or 5`,
    'offsetBytes',
  );
}

function resolveLogging(values: FlagValues, explicit: ReadonlySet<string>): LogSettings {
  let stderrThreshold = GLOG_DEFAULTS.stderrThreshold;
  if (explicit.has('stderrthreshold')) {
    const text = values.string('stderrthreshold');
    try {
      stderrThreshold = parseStderrThreshold(text);
    } catch (err) {
      throw new FlagError(
        `invalid value ${goQuote(text)} for flag -stderrthreshold: ${errorMessage(err)}`,
        'stderrthreshold',
      );
    }
  }
  let vmodule: LogSettings['vmodule'];
  try {
    vmodule = parseVmodule(values.string('vmodule'));
  } catch (err) {
    throw new FlagError(
      `invalid value ${goQuote(values.string('vmodule'))} for flag -vmodule: ${errorMessage(err)}`,
      'vmodule',
    );
  }
  const maxSizeMb = nonNegative(values, 'log_max_size_mb');
  const maxFiles = values.int('log_max_files');
  return {
    verbosity: values.int('v'),
    vmodule,
    toStderr: values.bool('logtostderr'),
    alsoToStderr: values.bool('alsologtostderr'),
    stderrThreshold,
    dir: values.string('logdir'),
    // glog's defaults where its flags are 0.
    maxSizeBytes: maxSizeMb > 0 ? maxSizeMb * MIB : GLOG_DEFAULTS.maxSizeBytes,
    maxFiles: maxFiles > 0 ? maxFiles : GLOG_DEFAULTS.maxFiles,
    rotateHours: Math.max(0, values.int('log_rotate_hours')),
    json: values.bool('log_json'),
    compressRotated: values.bool('log_compress'),
  };
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * Parse a `weed volume` argv (without the node/script prefix) into a resolved VolumeConfig.
 * `env` supplies NEEDLEWORK_OFFSET_BYTES (default process.env). Throws FlagError (or its subclass
 * HelpRequestedError for -h/-help).
 */
export function parseVolumeFlags(
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
  deps: Partial<FlagDeps> = {},
): VolumeConfig {
  const io: FlagDeps = { ...defaultDeps, ...deps };
  const state: ParseState = { values: new Map(), explicit: new Set() };
  for (const [name, spec] of ALL_FLAGS) state.values.set(name, convertFlagValue(spec.kind, spec.defaultText));

  const split = splitSubcommand(argv, 'volume', GLOBAL_FLAGS);
  if (split) {
    parseArgs(split.globalArgs, GLOBAL_FLAGS, state);
    parseArgs(split.commandArgs, VOLUME_FLAGS, state);
  } else {
    parseArgs(argv, ALL_FLAGS, state);
  }
  const optionsFile = state.values.get('options');
  if (typeof optionsFile === 'string' && optionsFile !== '') {
    let text: string;
    try {
      text = io.readTextFile(optionsFile);
    } catch (err) {
      throw new FlagError(`cannot read -options file ${optionsFile}: ${errorMessage(err)}`, 'options');
    }
    applyOptionsFile(text, optionsFile, ALL_FLAGS, state);
  }

  const v = new FlagValues(state.values);
  const explicit = state.explicit;
  const homeDir = io.homeDir();

  const httpPort = port(v, 'port');
  const grpcFlag = port(v, 'port.grpc');
  const grpcPort = grpcFlag === 0 ? httpPort + GRPC_PORT_OFFSET : grpcFlag;
  if (grpcPort > 65535) {
    throw new FlagError(
      `-port.grpc defaults to -port + ${GRPC_PORT_OFFSET} = ${grpcPort}, which is not a valid port; set -port.grpc`,
      'port.grpc',
    );
  }
  const publicFlag = port(v, 'port.public');
  const publicPort = publicFlag === 0 ? httpPort : publicFlag;

  // Go's -ip default is the detected address; an explicit -ip="" is detected again later, but
  // still counts as empty for the metrics listener.
  const ipFlag = explicit.has('ip') ? v.string('ip') : io.detectHostAddress();
  const ip = ipFlag === '' ? io.detectHostAddress() : ipFlag;
  const bindIpFlag = v.string('ip.bind');
  const bindIp = bindIpFlag === '' ? ip : bindIpFlag;
  const publicUrl = v.string('publicUrl') === '' ? joinHostPort(ip, publicPort) : v.string('publicUrl');
  const serverId = v.string('id').trim() === '' ? joinHostPort(ip, httpPort) : v.string('id').trim();
  const metricsIp = v.string('metricsIp') || bindIpFlag || ipFlag;

  const mserver = v.string('mserver');
  const masters = (mserver !== '' ? mserver : v.string('master')).split(',').filter((m) => m !== '');

  const dirFlag = explicit.has('dir') ? v.string('dir') : io.tempDir();
  const folders = resolveFolders(v, dirFlag, homeDir);

  const securityFile = v.string('securityFile');
  const configDir = v.string('config_dir');
  return {
    httpPort,
    grpcPort,
    publicPort,
    ip,
    bindIp,
    publicUrl,
    serverId,
    masters,
    folders,
    dataCenter: v.string('dataCenter'),
    rack: v.string('rack'),
    readMode: oneOf(v, 'readMode', ['local', 'proxy', 'redirect'] as const),
    indexKind: oneOf(v, 'index', ['memory', 'leveldb', 'leveldbMedium', 'leveldbLarge'] as const),
    whiteList: splitList(v.string('whiteList')),
    preStopSeconds: nonNegative(v, 'preStopSeconds'),
    idleTimeoutSeconds: nonNegative(v, 'idleTimeout'),
    fileSizeLimitBytes: nonNegative(v, 'fileSizeLimitMB') * MIB,
    concurrentUploadLimitBytes: nonNegative(v, 'concurrentUploadLimitMB') * MIB,
    concurrentDownloadLimitBytes: nonNegative(v, 'concurrentDownloadLimitMB') * MIB,
    inflightUploadDataTimeoutMs: nonNegativeDurationMs(v, 'inflightUploadDataTimeout'),
    inflightDownloadDataTimeoutMs: nonNegativeDurationMs(v, 'inflightDownloadDataTimeout'),
    diskCheckIntervalMs: positiveDurationMs(v, 'minFreeSpace.interval'),
    compactionBytesPerSecond: nonNegative(v, 'compactionMBps') * MIB,
    maintenanceBytesPerSecond: nonNegative(v, 'maintenanceMBps') * MIB,
    fsyncMinBatchBytes: v.int('fsyncMinBatchBytes'),
    fsyncMinBatchRequests: v.int('fsyncMinBatchRequests'),
    fsyncBatchWaitMs: v.int('fsyncBatchWait'),
    scrubIntervalMs: nonNegativeDurationMs(v, 'scrub.interval'),
    scrubBytesPerSecond: requireRange(v, 'scrub.MBps', 1, MAX_SCRUB_MBPS, 'rate') * MIB,
    scrubConcurrentVolumes: requireRange(v, 'scrub.concurrentVolumes', 1, MAX_SCRUB_CONCURRENT_VOLUMES, 'count'),
    hasSlowRead: v.bool('hasSlowRead'),
    readBufferSizeBytes: nonNegative(v, 'readBufferSizeMB') * MIB,
    fixJpgOrientation: v.bool('images.fix.orientation'),
    leveldbTimeoutHours: nonNegative(v, 'index.leveldbTimeout'),
    metricsPort: port(v, 'metricsPort'),
    metricsIp,
    pprof: v.bool('pprof'),
    debug: v.bool('debug'),
    debugPort: port(v, 'debug.port'),
    allowUntrustedRemoteEndpoints: v.bool('volume.allowUntrustedRemoteEndpoints'),
    securityFile: securityFile === '' ? undefined : resolveHome(securityFile, homeDir),
    configDir: configDir === '' ? undefined : resolveHome(configDir, homeDir),
    offsetWidth: resolveOffsetWidth(v, explicit, env),
    logging: resolveLogging(v, explicit),
    ignoredFlags: [...ALL_FLAGS]
      .filter(([name, spec]) => spec.ignored && explicit.has(name))
      .map(([name]) => name)
      .sort(),
  };
}
