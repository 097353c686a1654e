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
// - -securityFile (the Rust port's flag, used by the test harness), -offsetBytes and
//   NEEDLEWORK_OFFSET_BYTES are ours; -config_dir is also accepted after `volume`.
//
// Accepted but ignored (parsed and validated, reported in VolumeConfig.ignoredFlags when set):
// cpuprofile, memprofile, pprof, debug, debug.port, images.fix.orientation, index.leveldbTimeout,
// and the global logging flags logtostderr, alsologtostderr, stderrthreshold, vmodule,
// log_backtrace_at, logdir, log_max_size_mb, log_max_files, log_rotate_hours, log_json,
// log_compress. (`v` is kept as logVerbosity.) Their values still appear in VolumeConfig where a
// field exists, so callers can choose to implement them later.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { OffsetWidth } from '../storage/types.ts';
import type { MinFreeSpace } from '../store/min-free-space.ts';

export class FlagError extends Error {
  /** The flag the problem is about, without dashes, when there is one. */
  readonly flagName: string | undefined;

  constructor(message: string, flagName?: string) {
    super(message);
    this.name = 'FlagError';
    this.flagName = flagName;
  }
}

/** `-h` / `-help`: the caller should print usage() and exit (Go exits with status 2 here too). */
export class HelpRequestedError extends FlagError {
  constructor() {
    super('flag: help requested');
    this.name = 'HelpRequestedError';
  }
}

export type ReadMode = 'local' | 'proxy' | 'redirect';
export type IndexKind = 'memory' | 'leveldb' | 'leveldbMedium' | 'leveldbLarge';

export type { MinFreeSpace } from '../store/min-free-space.ts';

export interface VolumeFolder {
  dir: string;
  /** 0 means "auto": free disk space divided by the volume size limit. */
  maxVolumeCount: number;
  /** Go's types.ToDiskType: lower-cased, and '' for hdd (what the heartbeat reports). */
  diskType: string;
  /** Lower-cased, de-duplicated tags from -tags (':'-separated per folder). */
  tags: string[];
  minFreeSpace: MinFreeSpace;
  /** From -dir.idx: where .idx files live instead of next to the .dat; the same for every folder. */
  idxDir?: string;
}

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
  /** glog's -v. */
  logVerbosity: number;
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

export const OFFSET_BYTES_ENV = 'NEEDLEWORK_OFFSET_BYTES';
const GRPC_PORT_OFFSET = 10000;
const MIB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Flag table

export type FlagKind = 'string' | 'int' | 'bool' | 'duration';
export type FlagValue = string | number | boolean;

export interface FlagSpec {
  readonly kind: FlagKind;
  /** Default as text, the way Go's Flag.DefValue holds it (converted like a command-line value). */
  readonly defaultText: string;
  readonly usage: string;
  readonly ignored?: boolean;
}

const VOLUME_FLAGS: ReadonlyMap<string, FlagSpec> = new Map<string, FlagSpec>([
  ['port', { kind: 'int', defaultText: '8080', usage: 'http listen port' }],
  ['port.grpc', { kind: 'int', defaultText: '0', usage: 'grpc listen port (0: port+10000)' }],
  ['port.public', { kind: 'int', defaultText: '0', usage: 'port opened to public (0: same as -port)' }],
  ['ip', { kind: 'string', defaultText: '', usage: 'ip or server name, also used as identifier (default: detected host address)' }],
  ['id', { kind: 'string', defaultText: '', usage: 'volume server id. If empty, default to ip:port' }],
  ['publicUrl', { kind: 'string', defaultText: '', usage: 'Publicly accessible address' }],
  ['ip.bind', { kind: 'string', defaultText: '', usage: 'ip address to bind to. If empty, default to same as -ip option.' }],
  ['master', { kind: 'string', defaultText: 'localhost:9333', usage: 'comma-separated master servers' }],
  ['mserver', { kind: 'string', defaultText: '', usage: 'comma-separated master servers (deprecated, use -master instead)' }],
  ['preStopSeconds', { kind: 'int', defaultText: '10', usage: 'number of seconds between stop send heartbeats and stop volume server' }],
  ['idleTimeout', { kind: 'int', defaultText: '30', usage: 'connection idle seconds' }],
  ['dataCenter', { kind: 'string', defaultText: '', usage: "current volume server's data center name" }],
  ['rack', { kind: 'string', defaultText: '', usage: "current volume server's rack name" }],
  ['index', { kind: 'string', defaultText: 'memory', usage: 'Choose [memory|leveldb|leveldbMedium|leveldbLarge] mode for memory~performance balance.' }],
  ['disk', { kind: 'string', defaultText: '', usage: '[hdd|ssd|<tag>] hard drive or solid state drive or any tag' }],
  ['tags', { kind: 'string', defaultText: '', usage: "comma-separated tag groups per data dir; each group uses ':' (e.g. fast:ssd,archive)" }],
  ['images.fix.orientation', { kind: 'bool', defaultText: 'false', usage: 'Adjust jpg orientation when uploading.', ignored: true }],
  ['readMode', { kind: 'string', defaultText: 'proxy', usage: "[local|proxy|redirect] how to deal with non-local volume: 'not found|proxy to remote node|redirect volume location'." }],
  ['cpuprofile', { kind: 'string', defaultText: '', usage: 'cpu profile output file', ignored: true }],
  ['memprofile', { kind: 'string', defaultText: '', usage: 'memory profile output file', ignored: true }],
  ['compactionMBps', { kind: 'int', defaultText: '0', usage: 'limit background compaction or copying speed in mega bytes per second' }],
  ['maintenanceMBps', { kind: 'int', defaultText: '0', usage: 'limit maintenance (replication / balance) IO rate in MB/s. Unset is 0, no limitation.' }],
  ['fileSizeLimitMB', { kind: 'int', defaultText: '256', usage: 'limit file size to avoid out of memory' }],
  ['index.leveldbTimeout', { kind: 'int', defaultText: '0', usage: 'alive time for leveldb (default to 0), in hours', ignored: true }],
  ['concurrentUploadLimitMB', { kind: 'int', defaultText: '0', usage: 'limit total concurrent upload size, 0 means unlimited' }],
  ['concurrentDownloadLimitMB', { kind: 'int', defaultText: '0', usage: 'limit total concurrent download size, 0 means unlimited' }],
  ['pprof', { kind: 'bool', defaultText: 'false', usage: 'enable pprof http handlers. precludes -memprofile and -cpuprofile', ignored: true }],
  ['metricsPort', { kind: 'int', defaultText: '0', usage: 'Prometheus metrics listen port' }],
  ['metricsIp', { kind: 'string', defaultText: '', usage: 'metrics listen ip. If empty, default to same as -ip.bind option.' }],
  ['dir', { kind: 'string', defaultText: '', usage: 'directories to store data files. dir[,dir]... (default: the temp directory)' }],
  ['dir.idx', { kind: 'string', defaultText: '', usage: 'directory to store .idx files' }],
  ['max', { kind: 'string', defaultText: '8', usage: 'maximum numbers of volumes, count[,count]... If set to zero, the limit will be auto configured as free disk space divided by volume size.' }],
  ['whiteList', { kind: 'string', defaultText: '', usage: 'comma separated Ip addresses having write permission. No limit if empty.' }],
  ['minFreeSpacePercent', { kind: 'string', defaultText: '1', usage: 'minimum free disk space (default to 1%). Low disk space will mark all volumes as ReadOnly (deprecated, use minFreeSpace instead).' }],
  ['minFreeSpace', { kind: 'string', defaultText: '', usage: 'min free disk space (value<=100 as percentage like 1, other as human readable bytes, like 10GiB). Low disk space will mark all volumes as ReadOnly.' }],
  ['inflightUploadDataTimeout', { kind: 'duration', defaultText: '60s', usage: 'inflight upload data wait timeout of volume servers' }],
  ['inflightDownloadDataTimeout', { kind: 'duration', defaultText: '60s', usage: 'inflight download data wait timeout of volume servers' }],
  ['minFreeSpace.interval', { kind: 'duration', defaultText: '1m0s', usage: 'how often each -dir\'s free space is checked against -minFreeSpace; below it, the folder\'s volumes are read-only until space is freed (Needlework; upstream always checks every minute)' }],
  ['hasSlowRead', { kind: 'bool', defaultText: 'true', usage: '<experimental> if true, this prevents slow reads from blocking other requests, but large file read P99 latency will increase.' }],
  ['readBufferSizeMB', { kind: 'int', defaultText: '4', usage: '<experimental> larger values can optimize query performance but will increase some memory usage,Use with hasSlowRead normally.' }],
  ['fsyncMinBatchBytes', { kind: 'int', defaultText: '1048576', usage: 'minimum bytes an fsync batch gathers before a drained queue flushes without waiting' }],
  ['fsyncMinBatchRequests', { kind: 'int', defaultText: '128', usage: 'minimum requests an fsync batch gathers before a drained queue flushes without waiting' }],
  ['fsyncBatchWait', { kind: 'duration', defaultText: '500\u00b5s', usage: 'how long a below-minimum fsync batch waits for more requests once the queue drains; 0 flushes immediately' }],
  ['volume.allowUntrustedRemoteEndpoints', { kind: 'bool', defaultText: 'false', usage: 'if true, FetchAndWriteNeedle accepts arbitrary remote S3 endpoints including loopback / link-local hosts.' }],
  ['debug', { kind: 'bool', defaultText: 'false', usage: 'serves runtime profiling data via pprof on the port specified by -debug.port', ignored: true }],
  ['debug.port', { kind: 'int', defaultText: '6060', usage: 'http port for debugging', ignored: true }],
  // fla9 adds this to every FlagSet at Parse time.
  ['options', { kind: 'string', defaultText: '', usage: 'a file of command line options, each line in optionName=optionValue format' }],
  // Ours.
  ['securityFile', { kind: 'string', defaultText: '', usage: 'path to security.toml (JWT keys, TLS, white list)' }],
  ['config_dir', { kind: 'string', defaultText: '', usage: 'directory with toml configuration files (security.toml)' }],
  ['offsetBytes', { kind: 'int', defaultText: '0', usage: `index offset width, 4 or 5 (default: $${OFFSET_BYTES_ENV}, else 4); must match the weed build (5 = -tags 5BytesOffset)` }],
]);

/** weed's own flags, which Go only accepts before the subcommand word. */
const GLOBAL_FLAGS: ReadonlyMap<string, FlagSpec> = new Map<string, FlagSpec>([
  ['config_dir', VOLUME_FLAGS.get('config_dir')!],
  ['options', VOLUME_FLAGS.get('options')!],
  ['v', { kind: 'int', defaultText: '0', usage: 'log levels [0|1|2|3|4], default to 0' }],
  ['logtostderr', { kind: 'bool', defaultText: 'false', usage: 'log to standard error instead of files', ignored: true }],
  ['alsologtostderr', { kind: 'bool', defaultText: 'true', usage: 'log to standard error as well as files', ignored: true }],
  ['stderrthreshold', { kind: 'string', defaultText: '', usage: 'logs at or above this threshold go to stderr', ignored: true }],
  ['vmodule', { kind: 'string', defaultText: '', usage: 'comma-separated list of pattern=N settings for file-filtered logging', ignored: true }],
  ['log_backtrace_at', { kind: 'string', defaultText: '', usage: 'when logging hits line file:N, emit a stack trace', ignored: true }],
  ['logdir', { kind: 'string', defaultText: '', usage: 'If non-empty, write log files in this directory', ignored: true }],
  ['log_max_size_mb', { kind: 'int', defaultText: '1800', usage: 'Maximum size in megabytes of each log file before it is rotated', ignored: true }],
  ['log_max_files', { kind: 'int', defaultText: '5', usage: 'Maximum number of log files to keep per severity level', ignored: true }],
  ['log_rotate_hours', { kind: 'int', defaultText: '168', usage: 'Rotate log files after this many hours', ignored: true }],
  ['log_json', { kind: 'bool', defaultText: 'false', usage: 'Output logs in JSON format instead of glog text format', ignored: true }],
  ['log_compress', { kind: 'bool', defaultText: 'false', usage: 'Gzip-compress rotated log files to save disk space', ignored: true }],
]);

const ALL_FLAGS: ReadonlyMap<string, FlagSpec> = new Map([...VOLUME_FLAGS, ...GLOBAL_FLAGS]);

// ---------------------------------------------------------------------------------------------
// Go value syntax

/** strconv.ParseBool. */
export function parseGoBool(text: string): boolean {
  switch (text) {
    case '1': case 't': case 'T': case 'TRUE': case 'true': case 'True':
      return true;
    case '0': case 'f': case 'F': case 'FALSE': case 'false': case 'False':
      return false;
  }
  throw new Error(`strconv.ParseBool: parsing ${goQuote(text)}: invalid syntax`);
}

const GO_INT_SYNTAX = /^[+-]?(?:0[xX]_?[0-9a-fA-F]+(?:_[0-9a-fA-F]+)*|0[oO]_?[0-7]+(?:_[0-7]+)*|0[bB]_?[01]+(?:_[01]+)*|0(?:_?[0-7]+)*|[1-9](?:_?[0-9]+)*)$/;

/**
 * strconv.ParseInt(text, 0, 64) as Go's int flags use it: decimal, 0x hex, 0o / leading-0 octal,
 * 0b binary, optional sign, `_` between digits. Limited to safe JS integers.
 */
export function parseGoInt(text: string): number {
  if (!GO_INT_SYNTAX.test(text)) throw new Error(`strconv.ParseInt: parsing ${goQuote(text)}: invalid syntax`);
  const negative = text.startsWith('-');
  let digits = text.replace(/^[+-]/, '').replaceAll('_', '');
  // BigInt understands 0x/0o/0b but not Go's legacy leading-zero octal.
  if (/^0[0-7]+$/.test(digits)) digits = `0o${digits.slice(1)}`;
  const magnitude = BigInt(digits);
  const value = negative ? -magnitude : magnitude;
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new Error(`strconv.ParseInt: parsing ${goQuote(text)}: value out of range`);
  }
  return Number(value);
}

const DURATION_UNIT_NS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n], // micro sign
  ['\u03bcs', 1_000n], // Greek mu
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);
const MAX_DURATION_NS = (1n << 63n) - 1n;

/** time.ParseDuration (`1h30m`, `2s`, `500ms`, `1.5s`, `-3m`, `0`), returned in milliseconds. */
export function parseGoDurationMs(text: string): number {
  const invalid = (): Error => new Error(`time: invalid duration ${goQuote(text)}`);
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw invalid();
  // Whole nanoseconds in BigInt, as Go's int64 does, so `1.1s` is exactly 1100 ms.
  let totalNs = 0n;
  while (rest !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(rest)!; // always matches, possibly empty
    const whole = number[1] ?? '';
    const fractionDigits = number[2] ?? '';
    if (whole === '' && fractionDigits === '') throw invalid();
    rest = rest.slice(number[0].length);
    const unit = /^[^\d.]*/.exec(rest)![0];
    if (unit === '') throw new Error(`time: missing unit in duration ${goQuote(text)}`);
    const unitNs = DURATION_UNIT_NS.get(unit);
    if (unitNs === undefined) throw new Error(`time: unknown unit ${goQuote(unit)} in duration ${goQuote(text)}`);
    rest = rest.slice(unit.length);
    totalNs += BigInt(whole || '0') * unitNs + (BigInt(fractionDigits || '0') * unitNs) / 10n ** BigInt(fractionDigits.length);
    if (totalNs > MAX_DURATION_NS) throw invalid();
  }
  return totalNs === 0n ? 0 : (sign * Number(totalNs)) / 1e6;
}

/** Go's %q for the plain ASCII we print; JSON string syntax is close enough. */
function goQuote(text: string): string {
  return JSON.stringify(text);
}

function convert(kind: FlagKind, text: string): FlagValue {
  switch (kind) {
    case 'string': return text;
    case 'int': return parseGoInt(text);
    case 'bool': return parseGoBool(text);
    case 'duration': return parseGoDurationMs(text);
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing

interface ParseState {
  readonly values: Map<string, FlagValue>;
  /** Flags set explicitly (Go's FlagSet.actual): command line first, then the -options file. */
  readonly explicit: Set<string>;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function positionalError(arg: string): FlagError {
  return new FlagError(
    `unexpected argument ${goQuote(arg)}: weed volume takes no positional arguments ` +
      `(flags are -name=value or -name value; "volume" may only come first, after any global flags)`,
  );
}

/** One FlagSet.Parse pass over `args` (Go's parseOne loop), failing on anything Go would reject or drop. */
function parseArgs(args: readonly string[], table: ReadonlyMap<string, FlagSpec>, state: ParseState): void {
  let i = 0;
  while (i < args.length) {
    const arg = args[i]!;
    if (arg.length < 2 || arg[0] !== '-') throw positionalError(arg);
    let dashes = 1;
    if (arg[1] === '-') {
      dashes = 2;
      if (arg.length === 2) {
        // `--` ends the flags; Go would hand the rest to the command, which ignores it.
        if (i + 1 < args.length) throw positionalError(args[i + 1]!);
        return;
      }
    }
    let name = arg.slice(dashes);
    if (name === '' || name[0] === '-' || name[0] === '=') throw new FlagError(`bad flag syntax: ${arg}`);
    i += 1;
    let inlineValue: string | undefined;
    const equals = name.indexOf('=');
    if (equals > 0) {
      inlineValue = name.slice(equals + 1);
      name = name.slice(0, equals);
    }
    const spec = table.get(name);
    if (spec === undefined) {
      if (name === 'help' || name === 'h') throw new HelpRequestedError();
      throw new FlagError(`flag provided but not defined: -${name}`, name);
    }
    if (spec.kind === 'bool') {
      // A bare boolean never consumes the next argument.
      const text = inlineValue ?? 'true';
      try {
        state.values.set(name, parseGoBool(text));
      } catch (err) {
        throw new FlagError(`invalid boolean value ${goQuote(text)} for -${name}: ${errorMessage(err)}`, name);
      }
    } else {
      let text = inlineValue;
      if (text === undefined) {
        // Like Go, the next argument is the value even if it starts with '-'.
        if (i >= args.length) throw new FlagError(`flag needs an argument: -${name}`, name);
        text = args[i]!;
        i += 1;
      }
      try {
        state.values.set(name, convert(spec.kind, text));
      } catch (err) {
        throw new FlagError(`invalid value ${goQuote(text)} for flag -${name}: ${errorMessage(err)}`, name);
      }
    }
    state.explicit.add(name);
  }
}

/**
 * Split `[global flags] volume [flags]`. Only splits when everything before the `volume` word is a
 * well-formed global flag; otherwise the whole argv is the command's (harness form, no subcommand).
 */
function splitSubcommand(argv: readonly string[]): { globalArgs: readonly string[]; commandArgs: readonly string[] } | null {
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i]!;
    if (arg === 'volume') return { globalArgs: argv.slice(0, i), commandArgs: argv.slice(i + 1) };
    const match = /^--?([^-=][^=]*)(=.*)?$/.exec(arg);
    const spec = match ? GLOBAL_FLAGS.get(match[1]!) : undefined;
    if (!match || !spec) return null;
    i += spec.kind === 'bool' || match[2] !== undefined ? 1 : 2;
  }
  return null;
}

/**
 * fla9's ParseFile: one `name=value`, `name value` or `name:value` per line (split at the first of
 * those three characters), `#` comments, a leading `-` dropped, unknown names ignored, and flags
 * already set on the command line win.
 */
function applyOptionsFile(text: string, filePath: string, table: ReadonlyMap<string, FlagSpec>, state: ParseState): void {
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const separator = line.search(/[= :]/);
    let name = separator < 0 ? line : line.slice(0, separator).trim();
    let value = separator < 0 ? '' : line.slice(separator + 1).trim();
    if (name.startsWith('-')) name = name.slice(1);
    if (state.explicit.has(name) || name === 'options') continue;
    const spec = table.get(name);
    if (spec === undefined) continue;
    if (spec.kind === 'bool' && value === '') value = 'true';
    try {
      state.values.set(name, convert(spec.kind, value));
    } catch (err) {
      throw new FlagError(`invalid value ${goQuote(value)} for configuration variable ${name} in ${filePath}: ${errorMessage(err)}`, name);
    }
    state.explicit.add(name);
  }
}

// ---------------------------------------------------------------------------------------------
// Resolution (runVolume / startVolumeServer)

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

/** util.ResolvePath: only a leading `~` is expanded. */
function resolveHome(dir: string, homeDir: string): string {
  if (dir === '~') return homeDir;
  if (dir.startsWith('~/')) return path.join(homeDir, dir.slice(2));
  return dir;
}

class Values {
  constructor(private readonly values: ReadonlyMap<string, FlagValue>) {}

  string(name: string): string {
    return this.typed(name, 'string') as string;
  }

  int(name: string): number {
    return this.typed(name, 'number') as number;
  }

  bool(name: string): boolean {
    return this.typed(name, 'boolean') as boolean;
  }

  private typed(name: string, type: 'string' | 'number' | 'boolean'): FlagValue {
    const value = this.values.get(name);
    if (typeof value !== type) throw new Error(`internal: flag ${name} has no ${type} value`);
    return value!;
  }
}

function requireRange(values: Values, name: string, min: number, max: number, what: string): number {
  const value = values.int(name);
  if (value < min || value > max) {
    throw new FlagError(`invalid value "${value}" for flag -${name}: ${what} must be between ${min} and ${max}`, name);
  }
  return value;
}

function nonNegative(values: Values, name: string): number {
  return requireRange(values, name, 0, Number.MAX_SAFE_INTEGER, 'value');
}

function port(values: Values, name: string): number {
  return requireRange(values, name, 0, 65535, 'port');
}

function nonNegativeDurationMs(values: Values, name: string): number {
  const ms = values.int(name);
  if (ms < 0) throw new FlagError(`invalid value for flag -${name}: duration must not be negative`, name);
  return ms;
}

function positiveDurationMs(values: Values, name: string): number {
  const ms = values.int(name);
  if (ms <= 0) throw new FlagError(`invalid value for flag -${name}: duration must be positive`, name);
  return ms;
}

function oneOf<T extends string>(values: Values, name: string, allowed: readonly T[]): T {
  const value = values.string(name);
  if (!(allowed as readonly string[]).includes(value)) {
    throw new FlagError(`invalid value ${goQuote(value)} for flag -${name}: must be one of ${allowed.join(', ')}`, name);
  }
  return value as T;
}

/** A single value applies to every folder; otherwise there must be one per folder (Go's rule). */
function perFolder<T>(items: T[], folderCount: number, mismatch: string): T[] {
  if (items.length === 1 && folderCount > 1) return Array.from({ length: folderCount }, () => items[0]!);
  if (items.length !== folderCount) throw new FlagError(mismatch);
  return items;
}

function parseMaxVolumeCount(text: string): number {
  // Go: strconv.ParseInt(s, 10, 64) then int32; base 10 only, no spaces.
  if (!/^[+-]?\d+$/.test(text) || Math.abs(Number(text)) > 2 ** 31 - 1) {
    throw new FlagError(`The max specified in -max not a valid number ${text}`, 'max');
  }
  return Number(text);
}

const BYTE_SUFFIXES: ReadonlyMap<string, number> = new Map([
  ['b', 1], ['', 1],
  ['kib', 2 ** 10], ['ki', 2 ** 10], ['kb', 1e3], ['k', 1e3],
  ['mib', 2 ** 20], ['mi', 2 ** 20], ['mb', 1e6], ['m', 1e6],
  ['gib', 2 ** 30], ['gi', 2 ** 30], ['gb', 1e9], ['g', 1e9],
  ['tib', 2 ** 40], ['ti', 2 ** 40], ['tb', 1e12], ['t', 1e12],
  ['pib', 2 ** 50], ['pi', 2 ** 50], ['pb', 1e15], ['p', 1e15],
  ['eib', 2 ** 60], ['ei', 2 ** 60], ['eb', 1e18], ['e', 1e18],
]);
const GO_FLOAT_SYNTAX = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** util.ParseMinFreeSpace: a plain number is a percentage (0..100); else util.ParseBytes, > 100 bytes. */
export function parseMinFreeSpace(text: string): MinFreeSpace {
  const raw = text.trim();
  const bad = (): FlagError => new FlagError(`The value specified in -minFreeSpace not a valid value ${text}`, 'minFreeSpace');
  if (GO_FLOAT_SYNTAX.test(raw)) {
    const percent = Number(raw);
    if (percent < 0 || percent > 100) throw bad();
    return { kind: 'percent', percent, raw };
  }
  const number = /^[\d.]*/.exec(raw)![0];
  const multiplier = BYTE_SUFFIXES.get(raw.slice(number.length).trim().toLowerCase());
  if (!GO_FLOAT_SYNTAX.test(number) || multiplier === undefined) throw bad();
  const bytes = Math.floor(Number(number) * multiplier);
  if (bytes <= 100) throw bad();
  return { kind: 'bytes', bytes, raw };
}

/** types.ToDiskType: lower-cased; "hdd" and "" are both the default hard-drive type, ''. */
function toDiskType(text: string): string {
  const lower = text.toLowerCase();
  return lower === 'hdd' ? '' : lower;
}

/** util.NormalizeTagList. */
function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter((t) => t !== ''))];
}

/** parseVolumeTags: one entry applies to all folders; otherwise entry i to folder i, extras ignored. */
function folderTags(tagsArg: string, folderCount: number): string[][] {
  const entries = tagsArg.trim() === '' ? [] : tagsArg.split(',');
  if (entries.length === 1) {
    const tags = normalizeTags(entries[0]!.split(':'));
    return Array.from({ length: folderCount }, () => [...tags]);
  }
  return Array.from({ length: folderCount }, (_, i) => (i < entries.length ? normalizeTags(entries[i]!.split(':')) : []));
}

function resolveOffsetWidth(values: Values, explicit: ReadonlySet<string>, env: Record<string, string | undefined>): OffsetWidth {
  if (explicit.has('offsetBytes')) {
    const width = values.int('offsetBytes');
    if (width !== 4 && width !== 5) throw new FlagError(`invalid value "${width}" for flag -offsetBytes: must be 4 or 5`, 'offsetBytes');
    return width;
  }
  const fromEnv = env[OFFSET_BYTES_ENV];
  if (fromEnv === undefined || fromEnv === '') return 4;
  if (fromEnv.trim() === '4') return 4;
  if (fromEnv.trim() === '5') return 5;
  throw new FlagError(`invalid value ${goQuote(fromEnv)} for environment variable ${OFFSET_BYTES_ENV}: must be 4 or 5`, 'offsetBytes');
}

function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
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
  for (const [name, spec] of ALL_FLAGS) state.values.set(name, convert(spec.kind, spec.defaultText));

  const split = splitSubcommand(argv);
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

  const v = new Values(state.values);
  const explicit = state.explicit;
  const homeDir = io.homeDir();

  const httpPort = port(v, 'port');
  const grpcFlag = port(v, 'port.grpc');
  const grpcPort = grpcFlag === 0 ? httpPort + GRPC_PORT_OFFSET : grpcFlag;
  if (grpcPort > 65535) {
    throw new FlagError(`-port.grpc defaults to -port + ${GRPC_PORT_OFFSET} = ${grpcPort}, which is not a valid port; set -port.grpc`, 'port.grpc');
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
  const dirs = dirFlag.split(',').map((d) => resolveHome(d, homeDir));
  if (dirs.some((d) => d === '')) throw new FlagError(`invalid value ${goQuote(dirFlag)} for flag -dir: empty directory name`, 'dir');
  const count = dirs.length;
  const maxCounts = perFolder(
    v.string('max').split(',').map(parseMaxVolumeCount),
    count,
    `${count} directories by -dir, but only ${v.string('max').split(',').length} max is set by -max`,
  );
  const minFreeText = v.string('minFreeSpace') || v.string('minFreeSpacePercent');
  const minFreeSpaces = perFolder(
    minFreeText.split(',').map(parseMinFreeSpace),
    count,
    `${count} directories by -dir, but only ${minFreeText.split(',').length} minFreeSpacePercent is set by -minFreeSpacePercent`,
  );
  const diskTypes = perFolder(
    v.string('disk').split(',').map(toDiskType),
    count,
    `${count} directories by -dir, but only ${v.string('disk').split(',').length} disk types is set by -disk`,
  );
  const tags = folderTags(v.string('tags'), count);
  const idxDirFlag = v.string('dir.idx');
  const idxDir = idxDirFlag === '' ? undefined : resolveHome(idxDirFlag, homeDir);
  const folders: VolumeFolder[] = dirs.map((dir, i) => ({
    dir,
    maxVolumeCount: maxCounts[i]!,
    diskType: diskTypes[i]!,
    tags: tags[i]!,
    minFreeSpace: minFreeSpaces[i]!,
    ...(idxDir === undefined ? {} : { idxDir }),
  }));

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
    logVerbosity: v.int('v'),
    ignoredFlags: [...ALL_FLAGS].filter(([name, spec]) => spec.ignored && explicit.has(name)).map(([name]) => name).sort(),
  };
}

// ---------------------------------------------------------------------------------------------
// Usage

function typeName(kind: FlagKind): string {
  switch (kind) {
    case 'bool': return '';
    case 'int': return 'int';
    case 'duration': return 'duration';
    case 'string': return 'string';
  }
}

function printDefaults(table: ReadonlyMap<string, FlagSpec>): string {
  return [...table]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, spec]) => {
      const type = typeName(spec.kind);
      const isZero = ['', '0', 'false'].includes(spec.defaultText);
      const defaultNote = isZero ? '' : spec.kind === 'string' ? ` (default ${goQuote(spec.defaultText)})` : ` (default ${spec.defaultText})`;
      const ignoredNote = spec.ignored ? ' [accepted, ignored]' : '';
      return `  -${name}${type ? ` ${type}` : ''}\n    \t${spec.usage}${defaultNote}${ignoredNote}\n`;
    })
    .join('');
}

/** Another command's flags, parsed the way the volume flags are, with the table's defaults filled in. */
export function parseCommandFlags(args: readonly string[], table: ReadonlyMap<string, FlagSpec>): Map<string, FlagValue> {
  const state: ParseState = { values: new Map(), explicit: new Set() };
  parseArgs(args, table, state);
  for (const [name, spec] of table) if (!state.values.has(name)) state.values.set(name, convert(spec.kind, spec.defaultText));
  return state.values;
}

/** Another command's flag list, in the format of FlagSet.PrintDefaults. */
export function commandFlagDefaults(table: ReadonlyMap<string, FlagSpec>): string {
  return printDefaults(table);
}

/** Go-style usage text (the format of FlagSet.PrintDefaults). */
export function usage(): string {
  return (
    'Usage: needlework [global flags] [volume] [flags]\n' +
    '  start a volume server to provide storage spaces (SeaweedFS `weed volume` compatible)\n' +
    '  e.g. needlework volume -port=8080 -dir=/tmp -max=5 -ip=server_name -master=localhost:9333\n' +
    '  (needlework maintenance -h: rebuild or verify a volume\'s index; needlework status -h: its background services)\n\n' +
    'Volume flags:\n' +
    printDefaults(VOLUME_FLAGS) +
    '\nGlobal flags (before "volume", or anywhere when "volume" is omitted):\n' +
    printDefaults(new Map([...GLOBAL_FLAGS].filter(([name]) => !VOLUME_FLAGS.has(name))))
  );
}
