import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  SecurityConfigError,
  applySecurityEnv,
  emptySecurityConfig,
  findSecurityFile,
  loadSecurityConfig,
  parseSecurityToml,
  securityEnvName,
} from '../../src/security/security-config.ts';
import { tempDir } from '../support/helpers.ts';

// Byte-for-byte what test/volume_server/framework/cluster.go writeSecurityConfig produces.
const P3 =
  '[jwt.signing]\nkey = "volume-server-write-key"\nexpires_after_seconds = 60\n\n' +
  '[jwt.signing.read]\nkey = "volume-server-read-key"\nexpires_after_seconds = 60\n';
const P3_UI = `${P3}\n[access]\nui = true\n`;
const COMMENT_ONLY = '# optional security config generated for integration tests\n';

// An excerpt of weed/command/scaffold/security.toml (4.44), comments and all.
const SCAFFOLD = `# Put this file to one of the location, with descending priority
#    ./security.toml
# this file is read by master, volume server, filer, and worker

[cors.allowed_origins]
values = "*"

# this jwt signing key is read by master and volume server, and it is used for write operations:
[jwt.signing]
key = ""
expires_after_seconds = 10           # seconds

[access]
ui = false

[filer.expose_directory_metadata]
enabled = true

[jwt.signing.read]
key = ""
expires_after_seconds = 10           # seconds

[grpc]
ca = ""
# Set wildcard domain for enable TLS authentication by common names
allowed_wildcard_domain = "" # .mycompany.com

[grpc.volume]
cert = ""
key = ""
client_cert = ""
client_key = ""
allowed_commonNames = ""    # comma-separated SSL certificate common names

[grpc.master]
cert = ""
key = ""

[https.client]
enabled = false  # Set to true to enable HTTPS for all outgoing HTTP client connections
cert = ""        # Client certificate for mTLS (optional if server doesn't require client cert)
insecure_skip_verify = false  # Skip TLS certificate verification (NOT recommended for production)

[https.volume]
cert = ""
key = ""
ca = ""

[admin.readonly]
user = ""
password = ""

# white list. It's checking request ip address.
[guard]
white_list = ""
`;

function assertSyntaxError(text: string, line: number, reason: RegExp): void {
  assert.throws(
    () => parseSecurityToml(text),
    (err: unknown) => {
      assert.ok(err instanceof SecurityConfigError, `expected SecurityConfigError, got ${String(err)}`);
      assert.equal(err.line, line, `line of ${JSON.stringify(text)}: ${err.message}`);
      assert.match(err.message, new RegExp(`^line ${line} column \\d+: not valid TOML: `));
      assert.match(err.detail, reason);
      return true;
    },
    text,
  );
}

describe('parseSecurityToml: harness files', () => {
  it('reads the P3 JWT keys', () => {
    const config = parseSecurityToml(P3);
    assert.equal(config.jwtSigningKey, 'volume-server-write-key');
    assert.equal(config.jwtExpiresAfterSeconds, 60);
    assert.equal(config.jwtReadSigningKey, 'volume-server-read-key');
    assert.equal(config.jwtReadExpiresAfterSeconds, 60);
    assert.equal(config.uiAccess, false);
  });

  it('reads [access] ui from the P3 + EnableUIAccess file', () => {
    const config = parseSecurityToml(P3_UI);
    assert.equal(config.uiAccess, true);
    assert.equal(config.jwtSigningKey, 'volume-server-write-key');
  });

  it('gives the defaults for a comment-only or empty file', () => {
    assert.deepEqual(parseSecurityToml(COMMENT_ONLY), emptySecurityConfig());
    assert.deepEqual(parseSecurityToml(''), emptySecurityConfig());
    assert.deepEqual(parseSecurityToml('\n\n   \n# a\n\t# b'), emptySecurityConfig());
  });

  it('has Go defaults: no keys, expiry 10 s (write) and 60 s (read)', () => {
    const config = emptySecurityConfig();
    assert.equal(config.jwtSigningKey, '');
    assert.equal(config.jwtExpiresAfterSeconds, 10);
    assert.equal(config.jwtReadExpiresAfterSeconds, 60);
    assert.equal(parseSecurityToml('[jwt.signing]\nkey = "k"\n').jwtExpiresAfterSeconds, 10);
    assert.equal(parseSecurityToml('[jwt.signing.read]\nkey = "k"\n').jwtReadExpiresAfterSeconds, 60);
  });

  it('parses the upstream scaffold', () => {
    const config = parseSecurityToml(SCAFFOLD);
    assert.deepEqual(config, { ...emptySecurityConfig(), jwtReadExpiresAfterSeconds: 10 });
  });
});

describe('parseSecurityToml: keys the volume server reads', () => {
  it('reads TLS, guard and client settings', () => {
    const config = parseSecurityToml(`
[grpc]
ca = "/certs/ca.pem"
allowed_wildcard_domain = ".example.com"

[grpc.volume]
cert = "/certs/volume.pem"
key = "/certs/volume.key"
client_cert = "/certs/client.pem"
client_key = "/certs/client.key"
ca = "/ignored/by/go.pem"
allowed_commonNames = "a.internal, b.internal"

[https.volume]
cert = "/certs/https.pem"
key = "/certs/https.key"
ca = "/certs/https-ca.pem"

[https.client]
enabled = true
cert = "/c.pem"
key = "/c.key"
ca = "/ca.pem"
insecure_skip_verify = true

[tls]
min_version = "TLS 1.2"
max_version = "TLS 1.3"
cipher_suites = "TLS_AES_128_GCM_SHA256"

[guard]
white_list = "127.0.0.1, 10.0.0.0/8,"
`);
    assert.equal(config.grpcCaFile, '/certs/ca.pem');
    assert.equal(config.grpcAllowedWildcardDomain, '.example.com');
    assert.equal(config.grpcVolumeCertFile, '/certs/volume.pem');
    assert.equal(config.grpcVolumeKeyFile, '/certs/volume.key');
    assert.equal(config.grpcVolumeClientCertFile, '/certs/client.pem');
    assert.equal(config.grpcVolumeClientKeyFile, '/certs/client.key');
    assert.deepEqual(config.grpcVolumeAllowedCommonNames, ['a.internal', 'b.internal']);
    assert.equal(config.httpsVolumeCertFile, '/certs/https.pem');
    assert.equal(config.httpsVolumeKeyFile, '/certs/https.key');
    assert.equal(config.httpsVolumeCaFile, '/certs/https-ca.pem');
    assert.equal(config.httpsClientEnabled, true);
    assert.equal(config.httpsClientCertFile, '/c.pem');
    assert.equal(config.httpsClientKeyFile, '/c.key');
    assert.equal(config.httpsClientCaFile, '/ca.pem');
    assert.equal(config.httpsClientInsecureSkipVerify, true);
    assert.equal(config.tlsMinVersion, 'TLS 1.2');
    assert.equal(config.tlsMaxVersion, 'TLS 1.3');
    assert.equal(config.tlsCipherSuites, 'TLS_AES_128_GCM_SHA256');
    assert.deepEqual(config.whiteList, ['127.0.0.1', '10.0.0.0/8']);
  });

  it('accepts the white list as an array, across lines, with comments and a trailing comma', () => {
    const config = parseSecurityToml(
      '[guard]\nwhite_list = [\n  "10.0.0.1", # first\n  # spacer\n  \'10.0.0.0/8\',\n]\n',
    );
    assert.deepEqual(config.whiteList, ['10.0.0.1', '10.0.0.0/8']);
    assert.deepEqual(parseSecurityToml('[guard]\nwhite_list = []').whiteList, []);
  });

  it('matches keys case-insensitively like viper', () => {
    const config = parseSecurityToml('[JWT.Signing]\nKey = "k"\n[GRPC.volume]\nALLOWED_COMMONNAMES = "x"\n');
    assert.equal(config.jwtSigningKey, 'k');
    assert.deepEqual(config.grpcVolumeAllowedCommonNames, ['x']);
  });

  it('coerces values like viper (cast)', () => {
    const config = parseSecurityToml(
      '[jwt.signing]\nkey = 12345\nexpires_after_seconds = "30"\n[access]\nui = "true"\n[https.client]\nenabled = 1\n',
    );
    assert.equal(config.jwtSigningKey, '12345');
    assert.equal(config.jwtExpiresAfterSeconds, 30);
    assert.equal(config.uiAccess, true);
    assert.equal(config.httpsClientEnabled, true);
    assert.equal(parseSecurityToml('[access]\nui = "nope"').uiAccess, false);
    assert.equal(parseSecurityToml('[jwt.signing]\nexpires_after_seconds = "soon"').jwtExpiresAfterSeconds, 0);
  });

  it('reads root-level dotted keys and quoted header parts', () => {
    assert.equal(parseSecurityToml('jwt.signing.key = "dotted"\n').jwtSigningKey, 'dotted');
    assert.equal(parseSecurityToml('[ "jwt" . \'signing\' ]\nkey = "quoted"\n').jwtSigningKey, 'quoted');
    assert.equal(parseSecurityToml('[jwt]\nsigning.read.key = "nested"\n').jwtReadSigningKey, 'nested');
  });

  it('copes with CRLF line endings and a BOM', () => {
    assert.equal(parseSecurityToml('\ufeff[jwt.signing]\r\nkey = "crlf"\r\n').jwtSigningKey, 'crlf');
  });
});

describe('parseSecurityToml: TOML the old subset reader rejected', () => {
  it('reads multi-line basic strings, trimming the first newline and joining escaped line ends', () => {
    const config = parseSecurityToml(
      '[jwt.signing]\nkey = """\nfirst\nsecond"""\n[jwt.signing.read]\nkey = """\n  joined \\\n  here"""\n',
    );
    assert.equal(config.jwtSigningKey, 'first\nsecond');
    assert.equal(config.jwtReadSigningKey, '  joined here');
  });

  it('reads literal strings verbatim, single- and multi-line', () => {
    const config = parseSecurityToml(
      "[grpc]\nca = 'C:\\certs\\no\\escapes.pem'\n[tls]\ncipher_suites = '''TLS_AES_128_GCM_SHA256,\nTLS_AES_256_GCM_SHA384'''\n",
    );
    assert.equal(config.grpcCaFile, 'C:\\certs\\no\\escapes.pem');
    assert.equal(config.tlsCipherSuites, 'TLS_AES_128_GCM_SHA256,\nTLS_AES_256_GCM_SHA384');
  });

  it('reads inline tables, nested and at the root', () => {
    const config = parseSecurityToml(
      '[grpc]\nca = "/certs/ca.pem"\nvolume = { cert = "/certs/volume.pem", key = "/certs/volume.key", allowed_commonNames = ["a", "b"] }\n' +
        'https = { client = { enabled = true, insecure_skip_verify = true } }\n',
    );
    assert.equal(config.grpcCaFile, '/certs/ca.pem');
    assert.equal(config.grpcVolumeCertFile, '/certs/volume.pem');
    assert.equal(config.grpcVolumeKeyFile, '/certs/volume.key');
    assert.deepEqual(config.grpcVolumeAllowedCommonNames, ['a', 'b']);
    assert.equal(config.httpsClientEnabled, false, 'https = {...} under [grpc] is grpc.https, not https');
    const root = parseSecurityToml('https = { client = { enabled = true, insecure_skip_verify = true } }\n');
    assert.equal(root.httpsClientEnabled, true);
    assert.equal(root.httpsClientInsecureSkipVerify, true);
  });

  it('reads keys among comments, arrays, arrays of tables and dates it does not use', () => {
    const config = parseSecurityToml(`# leading comment
[[filer.options]]   # an array of tables
name = "one"
[[filer.options]]
name = "two"

[guard]  # comment after a header
white_list = [ # comment inside an array
  "10.0.0.1",
  "10.0.0.2", # trailing comma next
]
[access]
ui = true # comment after a value
[meta]
created = 1979-05-27T07:32:00Z
big = 9_223_372_036_854_775_807
`);
    assert.deepEqual(config.whiteList, ['10.0.0.1', '10.0.0.2']);
    assert.equal(config.uiAccess, true);
  });

  it('reads escapes in basic strings', () => {
    const config = parseSecurityToml(String.raw`[jwt.signing]
key = "tab\there \"q\" back\\slash \u00e9 \U0001F600 nl\n"
[jwt.signing.read]
key = "# not a comment" # a comment
`);
    assert.equal(config.jwtSigningKey, 'tab\there "q" back\\slash \u00e9 \u{1F600} nl\n');
    assert.equal(config.jwtReadSigningKey, '# not a comment');
  });

  it('coerces integers beyond 2^53, floats, prefixed integers and dates like cast', () => {
    assert.equal(parseSecurityToml('[jwt.signing]\nkey = 9007199254740993').jwtSigningKey, '9007199254740993');
    assert.equal(parseSecurityToml('[jwt.signing]\nexpires_after_seconds = 0x1e').jwtExpiresAfterSeconds, 30);
    assert.equal(parseSecurityToml('[jwt.signing]\nexpires_after_seconds = 12.9').jwtExpiresAfterSeconds, 12);
    assert.equal(parseSecurityToml('[jwt.signing]\nexpires_after_seconds = 1_000').jwtExpiresAfterSeconds, 1000);
    assert.equal(parseSecurityToml('[jwt.signing]\nexpires_after_seconds = 1979-05-27').jwtExpiresAfterSeconds, 0);
    assert.equal(parseSecurityToml('[jwt.signing]\nkey = 1979-05-27').jwtSigningKey, '1979-05-27');
    assert.equal(parseSecurityToml('[access]\nui = 1979-05-27').uiAccess, false);
    assert.equal(parseSecurityToml('[https.client]\nenabled = 9007199254740993').httpsClientEnabled, true);
  });

  it('treats a table where a value is expected, or a value where a table is, as unset', () => {
    assert.equal(parseSecurityToml('[jwt.signing.key]\nx = 1\n').jwtSigningKey, '');
    assert.equal(parseSecurityToml('jwt = "flat"\n').jwtSigningKey, '');
    assert.equal(parseSecurityToml('[[jwt.signing]]\nkey = "in an array"\n').jwtSigningKey, '');
  });
});

describe('parseSecurityToml: malformed input', () => {
  it('reports the line and reason of each error', () => {
    assertSyntaxError('[jwt.signing]\nkey "x"\n', 2, /illegal character in key/);
    assertSyntaxError('# c\n\n[jwt.signing\nkey = "x"\n', 3, /illegal character in key/);
    assertSyntaxError('[jwt.signing]\nkey = "x\n', 2, /control characters/);
    assertSyntaxError("a = 'x\n", 1, /control characters/);
    assertSyntaxError('[jwt.signing]\nkey = volume-server-write-key\n', 2, /invalid value/);
    assertSyntaxError('a = 1\nb = 2\na = 3\n', 3, /redefine/);
    assertSyntaxError('[guard]\n[access]\n\n[guard]\n', 4, /redefine/);
    assertSyntaxError('[x]\na = 1 2\n', 2, /end-of-line/);
    assertSyntaxError('a = "bad \\q escape"', 1, /escape/);
    assertSyntaxError('a = "\\uD800"', 1, /unicode escape/);
    assertSyntaxError('a =\n', 1, /invalid value/);
    assertSyntaxError('= 1\n', 1, /key/);
    assertSyntaxError('a = """never closed\n\n', 1, /unfinished string/);
    assertSyntaxError('a = { x = 1 }\na.y = 2\n', 2, /redefine/);
    assertSyntaxError('[[a]]\n[a]\n', 2, /redefine/);
    assertSyntaxError('a = 1979-13-45\n', 1, /invalid date/);
    assertSyntaxError('a = [1, 2\n\nb = 3\n', 3, /comma/);
    assertSyntaxError('a = 1\na.b = 2\n', 2, /redefine/);
    assertSyntaxError('a = 01\n', 1, /leading zero/);
    assertSyntaxError('a = "x"\rb = 1', 1, /end-of-line/);
  });

  it('does not quote the offending line, which may hold a signing key', () => {
    assert.throws(
      () => parseSecurityToml('[jwt.signing]\nkey = "super-secret\n'),
      (err: unknown) =>
        err instanceof SecurityConfigError && !err.message.includes('super-secret') && err.column !== undefined,
    );
  });
});

describe('loadSecurityConfig', () => {
  it('returns the defaults without a path or file', async () => {
    assert.deepEqual(await loadSecurityConfig(undefined, {}), emptySecurityConfig());
    assert.deepEqual(await loadSecurityConfig('', {}), emptySecurityConfig());
    const dir = await tempDir();
    assert.deepEqual(await loadSecurityConfig(path.join(dir, 'missing.toml'), {}), emptySecurityConfig());
  });

  it('reads a file on disk', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'security.toml');
    await writeFile(file, P3);
    const config = await loadSecurityConfig(file, {});
    assert.equal(config.jwtSigningKey, 'volume-server-write-key');
    assert.equal(config.jwtReadSigningKey, 'volume-server-read-key');
    await writeFile(file, COMMENT_ONLY);
    assert.deepEqual(await loadSecurityConfig(file, {}), emptySecurityConfig());
  });

  it('names the file, line, column and reason when the file is not valid TOML', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'security.toml');
    await writeFile(file, '[jwt.signing]\nkey = "x"\nexpires_after_seconds = ten\n');
    await assert.rejects(loadSecurityConfig(file, {}), (err: unknown) => {
      assert.ok(err instanceof SecurityConfigError);
      assert.equal(err.line, 3);
      assert.equal(err.column, 25);
      assert.equal(err.filePath, file);
      assert.equal(err.message, `${file} line 3 column 25: not valid TOML: invalid value`);
      return true;
    });
  });

  it('loads a valid upstream-style file the old subset reader refused', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'security.toml');
    await writeFile(file, '[jwt.signing]\nkey = """\nmulti"""\n[grpc]\nvolume = { cert = "/v.pem", key = "/v.key" }\n');
    const config = await loadSecurityConfig(file, {});
    assert.equal(config.jwtSigningKey, 'multi');
    assert.equal(config.grpcVolumeCertFile, '/v.pem');
    assert.equal(config.grpcVolumeKeyFile, '/v.key');
  });

  it('fails on a path that exists but cannot be read as a file', async () => {
    const dir = await tempDir();
    await assert.rejects(
      loadSecurityConfig(dir, {}),
      (err: unknown) => err instanceof SecurityConfigError && err.filePath === dir,
    );
  });

  it('lets set, non-empty WEED_* variables win over the file', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'security.toml');
    await writeFile(file, P3);
    const config = await loadSecurityConfig(file, {
      WEED_JWT_SIGNING_KEY: 'from-env',
      WEED_JWT_SIGNING_READ_KEY: '',
      WEED_ACCESS_UI: 'true',
      WEED_GUARD_WHITE_LIST: '1.1.1.1,2.2.2.2',
      WEED_GRPC_VOLUME_ALLOWED_COMMONNAMES: 'cn',
    });
    assert.equal(config.jwtSigningKey, 'from-env');
    assert.equal(config.jwtReadSigningKey, 'volume-server-read-key');
    assert.equal(config.uiAccess, true);
    assert.deepEqual(config.whiteList, ['1.1.1.1', '2.2.2.2']);
    assert.deepEqual(config.grpcVolumeAllowedCommonNames, ['cn']);
    const noFile = await loadSecurityConfig(undefined, { WEED_JWT_SIGNING_EXPIRES_AFTER_SECONDS: '5' });
    assert.equal(noFile.jwtExpiresAfterSeconds, 5);
  });

  it('names environment variables the viper way', () => {
    assert.equal(securityEnvName('jwt.signing.read.key'), 'WEED_JWT_SIGNING_READ_KEY');
    assert.equal(securityEnvName('grpc.volume.allowed_commonNames'), 'WEED_GRPC_VOLUME_ALLOWED_COMMONNAMES');
    assert.deepEqual(applySecurityEnv(emptySecurityConfig(), {}), emptySecurityConfig());
  });
});

describe('findSecurityFile', () => {
  it('prefers -config_dir, then the working directory', async () => {
    const base = await tempDir();
    const configDir = path.join(base, 'config');
    const cwd = path.join(base, 'cwd');
    await mkdir(configDir);
    await mkdir(cwd);
    await writeFile(path.join(cwd, 'security.toml'), COMMENT_ONLY);
    const options = { cwd, homeDir: path.join(base, 'home') };
    assert.equal(await findSecurityFile(configDir, options), path.join(cwd, 'security.toml'));
    await writeFile(path.join(configDir, 'security.toml'), P3);
    assert.equal(await findSecurityFile(configDir, options), path.join(configDir, 'security.toml'));
    assert.equal(await findSecurityFile(undefined, options), path.join(cwd, 'security.toml'));
  });
});
