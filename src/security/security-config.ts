// security.toml, the file SeaweedFS's master and volume servers share (weed/command/scaffold/
// security.toml), reduced to the keys a volume server reads, plus Go's WEED_* environment overrides.
//
// The TOML itself is read by smol-toml, a complete TOML 1.0 parser, so any file upstream's
// go-toml accepts (multi-line strings, inline tables, arrays of tables, dates) loads here too.
//
// Differences from Go (viper + go-toml), deliberately:
// - A malformed file is an error. Go logs a warning and runs with NO security settings, which
//   would silently switch JWT checks off.
// - [guard] white_list and [grpc.volume] allowed_commonNames may be arrays as well as comma
//   strings (viper's GetString turns an array into ""), and list items are trimmed.
// Like Go: keys are matched case-insensitively, values are coerced the way viper's cast does
// (`ui = "true"` is true, `expires_after_seconds = "60"` is 60), a set non-empty WEED_* variable
// wins over the file, and the expiry defaults (10 s write, 60 s read) apply when the key is absent.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, TomlError, type TomlTable, type TomlValue } from 'smol-toml';
import { tryParseGoBool } from '../gocompat/go-value-syntax.ts';

export class SecurityConfigError extends Error {
  /** The problem without the file/line prefix that `message` carries. */
  readonly detail: string;
  /** 1-based line of the problem, when the file is not valid TOML. */
  readonly line: number | undefined;
  /** 1-based column of the problem, when the file is not valid TOML. */
  readonly column: number | undefined;
  readonly filePath: string | undefined;

  constructor(detail: string, options: { line?: number; column?: number; filePath?: string; cause?: unknown } = {}) {
    const where = [
      options.filePath,
      options.line === undefined ? undefined : `line ${options.line}`,
      options.column === undefined ? undefined : `column ${options.column}`,
    ]
      .filter(Boolean)
      .join(' ');
    super(where ? `${where}: ${detail}` : detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SecurityConfigError';
    this.detail = detail;
    this.line = options.line;
    this.column = options.column;
    this.filePath = options.filePath;
  }
}

export interface SecurityConfig {
  /** [jwt.signing] key: HMAC secret for writes and deletes; '' means no write JWT check. */
  jwtSigningKey: string;
  /** [jwt.signing] expires_after_seconds (default 10); only used when minting. */
  jwtExpiresAfterSeconds: number;
  /** [jwt.signing.read] key: HMAC secret for reads; '' means no read JWT check. */
  jwtReadSigningKey: string;
  /** [jwt.signing.read] expires_after_seconds (default 60); only used when minting. */
  jwtReadExpiresAfterSeconds: number;
  /** [access] ui: re-enables the volume UI when a signing key is set. */
  uiAccess: boolean;
  /** [guard] white_list, merged by upstream with -whiteList. */
  whiteList: string[];
  /** [grpc] ca: CA for gRPC mTLS, both directions (Go ignores [grpc.volume] ca). */
  grpcCaFile: string;
  /** [grpc] allowed_wildcard_domain */
  grpcAllowedWildcardDomain: string;
  /** [grpc.volume] cert / key: the gRPC server certificate. */
  grpcVolumeCertFile: string;
  grpcVolumeKeyFile: string;
  /** [grpc.volume] client_cert / client_key: presented when dialing; cert/key are used when unset. */
  grpcVolumeClientCertFile: string;
  grpcVolumeClientKeyFile: string;
  /** [grpc.volume] allowed_commonNames */
  grpcVolumeAllowedCommonNames: string[];
  /** [https.volume] cert / key: HTTPS on the volume HTTP port when key is set. */
  httpsVolumeCertFile: string;
  httpsVolumeKeyFile: string;
  /** [https.volume] ca: require client certificates signed by this CA. */
  httpsVolumeCaFile: string;
  /** [https.client]: outgoing HTTP(S) to other servers. */
  httpsClientEnabled: boolean;
  httpsClientCertFile: string;
  httpsClientKeyFile: string;
  httpsClientCaFile: string;
  httpsClientInsecureSkipVerify: boolean;
  /** [tls] min_version / max_version ("TLS 1.2", ...) and cipher_suites (comma list). */
  tlsMinVersion: string;
  tlsMaxVersion: string;
  tlsCipherSuites: string;
}

export const DEFAULT_JWT_EXPIRES_AFTER_SECONDS = 10;
export const DEFAULT_JWT_READ_EXPIRES_AFTER_SECONDS = 60;

// ---------------------------------------------------------------------------------------------
// Reading the TOML document

/** smol-toml's error message is "Invalid TOML document: <reason>\n\n<code block>". */
const TOML_ERROR_PREFIX = 'Invalid TOML document: ';

/**
 * Parse `text` as TOML. Integers beyond 2^53 come back as bigint rather than failing, since
 * go-toml takes any int64. The error keeps smol-toml's reason and position but not its code
 * block: that quotes the offending lines, and security.toml lines hold signing keys.
 */
function parseTomlDocument(text: string): TomlTable {
  try {
    return parse(text.startsWith('\ufeff') ? text.slice(1) : text, { integersAsBigInt: 'asNeeded' });
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    const reason = err.message.slice(0, err.message.length - err.codeblock.length).trim();
    const detail = `not valid TOML: ${reason.startsWith(TOML_ERROR_PREFIX) ? reason.slice(TOML_ERROR_PREFIX.length) : reason}`;
    throw new SecurityConfigError(detail, { line: err.line, column: err.column, cause: err });
  }
}

/** Tables are plain objects; dates (TomlDate extends Date) are objects too but are values. */
function isTable(value: TomlValue | undefined): value is TomlTable {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

// ---------------------------------------------------------------------------------------------
// Viper-style lookups

const DECIMAL_INT = /^[+-]?(?:0|[1-9](?:_?\d)*)$/;
const PREFIXED_INT = /^(?:0x[0-9a-fA-F](?:_?[0-9a-fA-F])*|0o[0-7](?:_?[0-7])*|0b[01](?:_?[01])*)$/;

/** viper lower-cases every key, so `[JWT.Signing] Key` and `allowed_commonNames` match either way. */
function lookup(doc: TomlTable, dottedKey: string): TomlValue | undefined {
  let node: TomlValue | undefined = doc;
  for (const part of dottedKey.toLowerCase().split('.')) {
    if (!isTable(node)) return undefined;
    const table: TomlTable = node;
    const match: string | undefined = Object.keys(table).find((k) => k.toLowerCase() === part);
    node = match === undefined ? undefined : table[match];
  }
  return node;
}

/**
 * cast.ToString: scalars print (a bigint as its decimal text), arrays and tables become ''
 * (callers that take lists use toList). A date prints in TOML's own form: cast uses Go's String
 * method there, and no key read here is meant to hold a date.
 */
function toText(value: TomlValue | undefined): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  return '';
}

/**
 * cast.ToInt: numbers truncate, numeric strings parse (base prefixes too), anything else (dates,
 * arrays, tables, other strings) is 0. A bigint keeps only double precision, which no count of
 * seconds here needs.
 */
function toInt(value: TomlValue | undefined): number {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : 0;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const text = value.trim().replace(/\.0*$/, ''); // cast's trimZeroDecimal
    if (DECIMAL_INT.test(text) || PREFIXED_INT.test(text.replace(/^[+-]/, ''))) {
      const negative = text.startsWith('-');
      const n = Number(BigInt(text.replace(/^[+-]/, '').replaceAll('_', '')));
      return negative ? -n : n;
    }
  }
  return 0;
}

/** cast.ToBool: strconv.ParseBool for strings (invalid → false), non-zero numbers are true. */
function toBool(value: TomlValue | undefined): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'bigint') return value !== 0n;
  if (typeof value === 'string') return tryParseGoBool(value.trim()) === true;
  return false;
}

/** A comma-separated string (upstream's form) or an array of strings; items trimmed, empties dropped. */
function toList(value: TomlValue | undefined): string[] {
  const items = Array.isArray(value) ? value.map(toText) : toText(value).split(',');
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

type Coerce<T> = (value: TomlValue | undefined) => T;

interface KeyBinding<F extends keyof SecurityConfig> {
  key: string;
  field: F;
  coerce: Coerce<SecurityConfig[F]>;
}

function bind<F extends keyof SecurityConfig>(key: string, field: F, coerce: Coerce<SecurityConfig[F]>): KeyBinding<F> {
  return { key, field, coerce };
}

const BINDINGS: ReadonlyArray<KeyBinding<keyof SecurityConfig>> = [
  bind('jwt.signing.key', 'jwtSigningKey', toText),
  bind('jwt.signing.expires_after_seconds', 'jwtExpiresAfterSeconds', toInt),
  bind('jwt.signing.read.key', 'jwtReadSigningKey', toText),
  bind('jwt.signing.read.expires_after_seconds', 'jwtReadExpiresAfterSeconds', toInt),
  bind('access.ui', 'uiAccess', toBool),
  bind('guard.white_list', 'whiteList', toList),
  bind('grpc.ca', 'grpcCaFile', toText),
  bind('grpc.allowed_wildcard_domain', 'grpcAllowedWildcardDomain', toText),
  bind('grpc.volume.cert', 'grpcVolumeCertFile', toText),
  bind('grpc.volume.key', 'grpcVolumeKeyFile', toText),
  bind('grpc.volume.client_cert', 'grpcVolumeClientCertFile', toText),
  bind('grpc.volume.client_key', 'grpcVolumeClientKeyFile', toText),
  bind('grpc.volume.allowed_commonNames', 'grpcVolumeAllowedCommonNames', toList),
  bind('https.volume.cert', 'httpsVolumeCertFile', toText),
  bind('https.volume.key', 'httpsVolumeKeyFile', toText),
  bind('https.volume.ca', 'httpsVolumeCaFile', toText),
  bind('https.client.enabled', 'httpsClientEnabled', toBool),
  bind('https.client.cert', 'httpsClientCertFile', toText),
  bind('https.client.key', 'httpsClientKeyFile', toText),
  bind('https.client.ca', 'httpsClientCaFile', toText),
  bind('https.client.insecure_skip_verify', 'httpsClientInsecureSkipVerify', toBool),
  bind('tls.min_version', 'tlsMinVersion', toText),
  bind('tls.max_version', 'tlsMaxVersion', toText),
  bind('tls.cipher_suites', 'tlsCipherSuites', toText),
];

export function emptySecurityConfig(): SecurityConfig {
  return {
    jwtSigningKey: '',
    jwtExpiresAfterSeconds: DEFAULT_JWT_EXPIRES_AFTER_SECONDS,
    jwtReadSigningKey: '',
    jwtReadExpiresAfterSeconds: DEFAULT_JWT_READ_EXPIRES_AFTER_SECONDS,
    uiAccess: false,
    whiteList: [],
    grpcCaFile: '',
    grpcAllowedWildcardDomain: '',
    grpcVolumeCertFile: '',
    grpcVolumeKeyFile: '',
    grpcVolumeClientCertFile: '',
    grpcVolumeClientKeyFile: '',
    grpcVolumeAllowedCommonNames: [],
    httpsVolumeCertFile: '',
    httpsVolumeKeyFile: '',
    httpsVolumeCaFile: '',
    httpsClientEnabled: false,
    httpsClientCertFile: '',
    httpsClientKeyFile: '',
    httpsClientCaFile: '',
    httpsClientInsecureSkipVerify: false,
    tlsMinVersion: '',
    tlsMaxVersion: '',
    tlsCipherSuites: '',
  };
}

function setField<F extends keyof SecurityConfig>(
  config: SecurityConfig,
  binding: KeyBinding<F>,
  value: TomlValue,
): void {
  config[binding.field] = binding.coerce(value);
}

/** viper's AutomaticEnv with prefix WEED: `jwt.signing.key` → WEED_JWT_SIGNING_KEY; empty means unset. */
export function securityEnvName(key: string): string {
  return `WEED_${key.toUpperCase().replaceAll('.', '_')}`;
}

/** Pure: the security settings in `text` (no environment). Throws SecurityConfigError with a line number. */
export function parseSecurityToml(text: string): SecurityConfig {
  const doc = parseTomlDocument(text);
  const config = emptySecurityConfig();
  for (const binding of BINDINGS) {
    const value = lookup(doc, binding.key);
    if (value !== undefined) setField(config, binding, value);
  }
  return config;
}

/** Applies set, non-empty WEED_* variables over `config` (viper: environment beats the file). */
export function applySecurityEnv(config: SecurityConfig, env: Record<string, string | undefined>): SecurityConfig {
  const result = { ...config };
  for (const binding of BINDINGS) {
    const value = env[securityEnvName(binding.key)];
    if (value !== undefined && value !== '') setField(result, binding, value);
  }
  return result;
}

/**
 * Read security.toml at `filePath` and apply WEED_* overrides from `env` (default process.env).
 * No path, or a missing file, gives the defaults (plus env) without error; a file that is not
 * valid TOML throws SecurityConfigError naming the file, line, column and the parser's reason.
 */
export async function loadSecurityConfig(
  filePath: string | undefined,
  env: Record<string, string | undefined> = process.env,
): Promise<SecurityConfig> {
  if (filePath === undefined || filePath === '') return applySecurityEnv(emptySecurityConfig(), env);
  let text: string;
  try {
    text = await fs.readFile(filePath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return applySecurityEnv(emptySecurityConfig(), env);
    throw new SecurityConfigError(`cannot read: ${(err as Error).message}`, { filePath, cause: err });
  }
  try {
    return applySecurityEnv(parseSecurityToml(text), env);
  } catch (err) {
    if (err instanceof SecurityConfigError) {
      throw new SecurityConfigError(err.detail, {
        filePath,
        ...(err.line === undefined ? {} : { line: err.line }),
        ...(err.column === undefined ? {} : { column: err.column }),
        cause: err.cause,
      });
    }
    throw err;
  }
}

/**
 * Where Go looks for security.toml when no file is named, in order: -config_dir, the working
 * directory, ~/.seaweedfs, /usr/local/etc/seaweedfs, /etc/seaweedfs. Returns the first that is a
 * file, or undefined.
 */
export async function findSecurityFile(
  configDir: string | undefined,
  options: { cwd?: string; homeDir?: string } = {},
): Promise<string | undefined> {
  const homeDir = options.homeDir ?? os.homedir();
  const dirs = [
    ...(configDir ? [configDir] : []),
    options.cwd ?? process.cwd(),
    path.join(homeDir, '.seaweedfs'),
    '/usr/local/etc/seaweedfs',
    '/etc/seaweedfs',
  ];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'security.toml');
    // Missing or unreadable: try the next directory, as upstream's search does.
    const stat = await fs.stat(candidate).catch(() => undefined);
    if (stat?.isFile()) return candidate;
  }
  return undefined;
}
