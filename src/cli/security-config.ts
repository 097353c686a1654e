// security.toml, the file SeaweedFS's master and volume servers share (weed/command/scaffold/
// security.toml), reduced to the keys a volume server reads, plus Go's WEED_* environment overrides.
//
// The TOML reader is a small subset parser rather than an npm dependency: security.toml only ever
// holds tables with dotted names, strings, integers, booleans and the odd array, so ~250 lines we
// control (and that report line numbers) beat a general parser. Supported: comments, blank lines,
// `[a.b.c]` headers (bare or quoted parts), bare/quoted/dotted keys, basic strings with TOML
// escapes, literal strings, integers (decimal/hex/octal/binary, `_` separators), floats,
// booleans, and arrays (multi-line, trailing comma, comments). Rejected with a line number:
// multi-line strings, inline tables, arrays of tables, dates, and everything malformed.
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

export class SecurityConfigError extends Error {
  /** The problem without the file/line prefix that `message` carries. */
  readonly detail: string;
  /** 1-based line of the problem, when it is a syntax error. */
  readonly line: number | undefined;
  readonly filePath: string | undefined;

  constructor(detail: string, options: { line?: number; filePath?: string; cause?: unknown } = {}) {
    const where = [options.filePath, options.line === undefined ? undefined : `line ${options.line}`].filter(Boolean).join(' ');
    super(where ? `${where}: ${detail}` : detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SecurityConfigError';
    this.detail = detail;
    this.line = options.line;
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
// TOML subset

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

function isTable(value: TomlValue | undefined): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const BARE_KEY_CHAR = /[A-Za-z0-9_-]/;
const DECIMAL_INT = /^[+-]?(?:0|[1-9](?:_?\d)*)$/;
const PREFIXED_INT = /^(?:0x[0-9a-fA-F](?:_?[0-9a-fA-F])*|0o[0-7](?:_?[0-7])*|0b[01](?:_?[01])*)$/;
const FLOAT = /^[+-]?(?:0|[1-9](?:_?\d)*)(?:\.\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?$/;
const SPECIAL_FLOAT = /^[+-]?(?:inf|nan)$/;

class TomlReader {
  private pos = 0;
  private line = 1;
  private readonly root: TomlTable = {};
  /** Tables opened by a [header] (may not be opened again) and those defined by dotted keys. */
  private readonly headerTables = new WeakSet<TomlTable>();
  private readonly dottedKeyTables = new WeakSet<TomlTable>();
  private current: TomlTable = this.root;

  constructor(private readonly text: string) {}

  parse(): TomlTable {
    for (;;) {
      this.skipBlankLinesAndComments();
      if (this.atEnd()) return this.root;
      if (this.peek() === '[') this.parseHeader();
      else this.parseKeyValue();
      this.expectEndOfLine();
    }
  }

  private fail(message: string): never {
    throw new SecurityConfigError(message, { line: this.line });
  }

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  private peek(offset = 0): string {
    return this.text[this.pos + offset] ?? '';
  }

  private skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos += 1;
  }

  private skipComment(): void {
    if (this.peek() !== '#') return;
    while (!this.atEnd() && this.peek() !== '\n' && this.peek() !== '\r') {
      const code = this.text.charCodeAt(this.pos);
      if ((code < 0x20 && code !== 0x09) || code === 0x7f) this.fail('control character in comment');
      this.pos += 1;
    }
  }

  /** Consumes one newline (LF or CRLF); returns false if none is here. */
  private skipNewline(): boolean {
    if (this.peek() === '\n') {
      this.pos += 1;
    } else if (this.peek() === '\r' && this.peek(1) === '\n') {
      this.pos += 2;
    } else {
      return false;
    }
    this.line += 1;
    return true;
  }

  private skipBlankLinesAndComments(): void {
    for (;;) {
      this.skipSpaces();
      this.skipComment();
      if (!this.skipNewline()) return;
    }
  }

  private expectEndOfLine(): void {
    this.skipSpaces();
    this.skipComment();
    if (this.atEnd() || this.skipNewline()) return;
    this.fail(`unexpected ${JSON.stringify(this.peek())} after value; expected end of line`);
  }

  private parseHeader(): void {
    this.pos += 1; // '['
    if (this.peek() === '[') this.fail('arrays of tables ([[...]]) are not supported');
    this.skipSpaces();
    const keys = this.parseKeyPath();
    this.skipSpaces();
    if (this.peek() !== ']') this.fail(`expected ']' to close table header [${keys.join('.')}`);
    this.pos += 1;
    let table = this.root;
    for (const key of keys) table = this.descend(table, key, keys);
    if (this.headerTables.has(table) || this.dottedKeyTables.has(table)) this.fail(`table [${keys.join('.')}] is defined more than once`);
    this.headerTables.add(table);
    this.current = table;
  }

  /** Steps into (creating if needed) sub-table `key`; a non-table value in the way is an error. */
  private descend(table: TomlTable, key: string, fullPath: readonly string[]): TomlTable {
    const existing = table[key];
    if (existing === undefined) {
      const created: TomlTable = {};
      table[key] = created;
      return created;
    }
    if (!isTable(existing)) this.fail(`key ${JSON.stringify(key)} in ${fullPath.join('.')} is already a value, not a table`);
    return existing;
  }

  private parseKeyValue(): void {
    const keys = this.parseKeyPath();
    this.skipSpaces();
    if (this.peek() !== '=') this.fail(`expected '=' after key ${JSON.stringify(keys.join('.'))}`);
    this.pos += 1;
    this.skipSpaces();
    const value = this.parseValue();
    let table = this.current;
    for (const key of keys.slice(0, -1)) {
      const existed = isTable(table[key]);
      table = this.descend(table, key, keys);
      if (existed && this.headerTables.has(table)) this.fail(`cannot add to table ${key} with a dotted key after its header`);
      this.dottedKeyTables.add(table);
    }
    const last = keys[keys.length - 1]!;
    if (Object.hasOwn(table, last)) this.fail(`duplicate key ${JSON.stringify(keys.join('.'))}`);
    table[last] = value;
  }

  private parseKeyPath(): string[] {
    const keys = [this.parseKey()];
    for (;;) {
      this.skipSpaces();
      if (this.peek() !== '.') return keys;
      this.pos += 1;
      this.skipSpaces();
      keys.push(this.parseKey());
    }
  }

  private parseKey(): string {
    const c = this.peek();
    if (c === '"') {
      if (this.text.startsWith('"""', this.pos)) this.fail('multi-line strings are not valid keys');
      return this.parseBasicString();
    }
    if (c === "'") {
      if (this.text.startsWith("'''", this.pos)) this.fail('multi-line strings are not valid keys');
      return this.parseLiteralString();
    }
    const start = this.pos;
    while (BARE_KEY_CHAR.test(this.peek())) this.pos += 1;
    if (this.pos === start) this.fail(this.atEnd() || c === '\n' || c === '\r' ? 'expected a key' : `invalid character ${JSON.stringify(c)} in key`);
    return this.text.slice(start, this.pos);
  }

  private parseValue(): TomlValue {
    const c = this.peek();
    if (c === '"') {
      if (this.text.startsWith('"""', this.pos)) this.fail('multi-line strings are not supported');
      return this.parseBasicString();
    }
    if (c === "'") {
      if (this.text.startsWith("'''", this.pos)) this.fail('multi-line strings are not supported');
      return this.parseLiteralString();
    }
    if (c === '[') return this.parseArray();
    if (c === '{') this.fail('inline tables are not supported');
    if (this.atEnd() || c === '\n' || c === '\r' || c === '#') this.fail('missing value');
    return this.parseScalarToken();
  }

  private parseBasicString(): string {
    this.pos += 1; // opening quote
    let out = '';
    for (;;) {
      if (this.atEnd() || this.peek() === '\n' || this.peek() === '\r') this.fail('unterminated string');
      const c = this.peek();
      this.pos += 1;
      if (c === '"') return out;
      if (c === '\\') {
        out += this.parseEscape();
        continue;
      }
      this.checkStringChar(c);
      out += c;
    }
  }

  private parseEscape(): string {
    const c = this.peek();
    this.pos += 1;
    switch (c) {
      case 'b': return '\b';
      case 't': return '\t';
      case 'n': return '\n';
      case 'f': return '\f';
      case 'r': return '\r';
      case 'e': return '\x1b'; // TOML 1.1
      case '"': return '"';
      case '\\': return '\\';
      case 'u': return this.parseUnicodeEscape(4);
      case 'U': return this.parseUnicodeEscape(8);
    }
    this.fail(`invalid escape sequence \\${c}`);
  }

  private parseUnicodeEscape(digits: number): string {
    const hex = this.text.slice(this.pos, this.pos + digits);
    if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) this.fail(`invalid unicode escape: expected ${digits} hex digits`);
    this.pos += digits;
    const code = Number.parseInt(hex, 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) this.fail(`invalid unicode scalar value U+${hex}`);
    return String.fromCodePoint(code);
  }

  private parseLiteralString(): string {
    this.pos += 1;
    const start = this.pos;
    for (;;) {
      if (this.atEnd() || this.peek() === '\n' || this.peek() === '\r') this.fail('unterminated string');
      const c = this.peek();
      if (c === "'") break;
      this.checkStringChar(c);
      this.pos += 1;
    }
    const value = this.text.slice(start, this.pos);
    this.pos += 1;
    return value;
  }

  private checkStringChar(c: string): void {
    const code = c.charCodeAt(0);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) this.fail('control character in string (use an escape)');
  }

  private parseArray(): TomlValue[] {
    this.pos += 1; // '['
    const items: TomlValue[] = [];
    for (;;) {
      this.skipBlankLinesAndComments();
      if (this.atEnd()) this.fail("unterminated array: expected ']'");
      if (this.peek() === ']') break;
      items.push(this.parseValue());
      this.skipBlankLinesAndComments();
      if (this.peek() === ',') {
        this.pos += 1;
        continue;
      }
      if (this.peek() === ']') break;
      this.fail(this.atEnd() ? "unterminated array: expected ']'" : `expected ',' or ']' in array, found ${JSON.stringify(this.peek())}`);
    }
    this.pos += 1; // ']'
    return items;
  }

  private parseScalarToken(): TomlValue {
    const start = this.pos;
    while (!this.atEnd() && /[A-Za-z0-9_+\-.:]/.test(this.peek())) this.pos += 1;
    const token = this.text.slice(start, this.pos);
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (DECIMAL_INT.test(token) || PREFIXED_INT.test(token)) {
      const negative = token.startsWith('-');
      const digits = token.replace(/^[+-]/, '').replaceAll('_', '');
      const magnitude = BigInt(digits);
      const value = negative ? -magnitude : magnitude;
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) this.fail(`integer ${token} is out of range`);
      return Number(value);
    }
    if (FLOAT.test(token)) return Number(token.replaceAll('_', ''));
    if (SPECIAL_FLOAT.test(token)) return token.endsWith('nan') ? Number.NaN : token.startsWith('-') ? -Infinity : Infinity;
    if (/^\d{4}-\d{2}-\d{2}|^\d{2}:\d{2}/.test(token)) this.fail('dates and times are not supported');
    this.fail(token === '' ? `invalid value starting with ${JSON.stringify(this.peek())}` : `invalid value ${JSON.stringify(token)} (strings need quotes)`);
  }
}

/** Parse the TOML subset described at the top of this file into nested tables. */
export function parseTomlSubset(text: string): TomlTable {
  return new TomlReader(text.startsWith('\ufeff') ? text.slice(1) : text).parse();
}

// ---------------------------------------------------------------------------------------------
// Viper-style lookups

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

/** cast.ToString: scalars print, arrays and tables become '' (callers that take lists use toList). */
function toText(value: TomlValue | undefined): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/** cast.ToInt: numbers truncate, numeric strings parse (base prefixes too), anything else is 0. */
function toInt(value: TomlValue | undefined): number {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : 0;
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
  if (typeof value === 'string') return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value.trim());
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

function setField<F extends keyof SecurityConfig>(config: SecurityConfig, binding: KeyBinding<F>, value: TomlValue): void {
  config[binding.field] = binding.coerce(value);
}

/** viper's AutomaticEnv with prefix WEED: `jwt.signing.key` → WEED_JWT_SIGNING_KEY; empty means unset. */
export function securityEnvName(key: string): string {
  return `WEED_${key.toUpperCase().replaceAll('.', '_')}`;
}

/** Pure: the security settings in `text` (no environment). Throws SecurityConfigError with a line number. */
export function parseSecurityToml(text: string): SecurityConfig {
  const doc = parseTomlSubset(text);
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
 * No path, or a missing file, gives the defaults (plus env) without error; a syntax error throws
 * SecurityConfigError naming the file and line.
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
      throw new SecurityConfigError(err.detail, { filePath, ...(err.line === undefined ? {} : { line: err.line }) });
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
    const stat = await fs.stat(candidate).catch(() => undefined);
    if (stat?.isFile()) return candidate;
  }
  return undefined;
}
