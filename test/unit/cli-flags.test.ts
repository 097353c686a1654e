import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FlagError,
  HelpRequestedError,
  parseGoBool,
  parseGoDurationMs,
  parseGoInt,
  parseMinFreeSpace,
  parseVolumeFlags,
  usage,
  type FlagDeps,
  type VolumeConfig,
} from '../../src/cli/flags.ts';
import { GLOG_DEFAULTS } from '../../src/log/process-logger.ts';

const files = new Map<string, string>();
const deps: FlagDeps = {
  detectHostAddress: () => '10.1.2.3',
  tempDir: () => '/tmp-default',
  homeDir: () => '/home/weed',
  readTextFile: (filePath) => {
    const text = files.get(filePath);
    if (text === undefined) throw new Error(`ENOENT: no such file, open '${filePath}'`);
    return text;
  },
};

function parse(argv: string[], env: Record<string, string | undefined> = {}): VolumeConfig {
  return parseVolumeFlags(argv, env, deps);
}

function assertFlagError(
  argv: string[],
  message: string | RegExp,
  flagName?: string,
  env: Record<string, string> = {},
): void {
  assert.throws(
    () => parse(argv, env),
    (err: unknown) => {
      assert.ok(err instanceof FlagError, `expected FlagError, got ${String(err)}`);
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
      if (flagName !== undefined) assert.equal(err.flagName, flagName);
      return true;
    },
    argv.join(' '),
  );
}

/** rustVolumeArgs from test/volume_server/framework/cluster_rust.go, as the harness passes it. */
function harnessArgv(
  options: { readMode?: string; limitMB?: number; inflight?: string; publicPort?: number } = {},
): string[] {
  const argv = [
    '--port',
    '18080',
    '--port.grpc',
    '28080',
    '--port.public',
    String(options.publicPort ?? 18080),
    '--ip',
    '127.0.0.1',
    '--ip.bind',
    '127.0.0.1',
    '--dir',
    '/tmp/seaweedfs_volume_server_it_123/volume',
    '--max',
    '16',
    '--master',
    '127.0.0.1:12345',
    '--securityFile',
    '/tmp/seaweedfs_volume_server_it_123/config/security.toml',
    '--readMode',
    options.readMode ?? 'proxy',
    '--concurrentUploadLimitMB',
    String(options.limitMB ?? 0),
    '--concurrentDownloadLimitMB',
    String(options.limitMB ?? 0),
    '--preStopSeconds',
    '0',
  ];
  if (options.inflight !== undefined) {
    argv.push('--inflightUploadDataTimeout', options.inflight, '--inflightDownloadDataTimeout', options.inflight);
  }
  return argv;
}

describe('parseVolumeFlags: the parity harness argv', () => {
  it('parses the P1/P2/P3 vector (26 args)', () => {
    const argv = harnessArgv();
    assert.equal(argv.length, 26);
    const config = parse(argv);
    assert.equal(config.httpPort, 18080);
    assert.equal(config.grpcPort, 28080);
    assert.equal(config.publicPort, 18080);
    assert.equal(config.ip, '127.0.0.1');
    assert.equal(config.bindIp, '127.0.0.1');
    assert.equal(config.publicUrl, '127.0.0.1:18080');
    assert.equal(config.serverId, '127.0.0.1:18080');
    assert.deepEqual(config.masters, ['127.0.0.1:12345']);
    assert.deepEqual(config.folders, [
      {
        dir: '/tmp/seaweedfs_volume_server_it_123/volume',
        maxVolumeCount: 16,
        diskType: '',
        tags: [],
        minFreeSpace: { kind: 'percent', percent: 1, raw: '1' },
      },
    ]);
    assert.equal(config.securityFile, '/tmp/seaweedfs_volume_server_it_123/config/security.toml');
    assert.equal(config.readMode, 'proxy');
    assert.equal(config.concurrentUploadLimitBytes, 0);
    assert.equal(config.concurrentDownloadLimitBytes, 0);
    assert.equal(config.preStopSeconds, 0);
    assert.equal(config.inflightUploadDataTimeoutMs, 60_000);
    assert.equal(config.inflightDownloadDataTimeoutMs, 60_000);
    assert.equal(config.fileSizeLimitBytes, 256 * 1024 * 1024);
    assert.equal(config.indexKind, 'memory');
    assert.equal(config.metricsIp, '127.0.0.1');
    assert.equal(config.offsetWidth, 4);
    assert.deepEqual(config.ignoredFlags, []);
  });

  it('parses the P8 vector (30 args) with Go Duration.String() timeouts', () => {
    const argv = harnessArgv({ limitMB: 1, inflight: '2s' });
    assert.equal(argv.length, 30);
    const config = parse(argv);
    assert.equal(config.concurrentUploadLimitBytes, 1024 * 1024);
    assert.equal(config.concurrentDownloadLimitBytes, 1024 * 1024);
    assert.equal(config.inflightUploadDataTimeoutMs, 2000);
    assert.equal(config.inflightDownloadDataTimeoutMs, 2000);
  });

  it('takes a separate public port and the other read modes', () => {
    const config = parse(harnessArgv({ publicPort: 18081, readMode: 'redirect' }));
    assert.equal(config.publicPort, 18081);
    assert.equal(config.publicUrl, '127.0.0.1:18081');
    assert.equal(config.readMode, 'redirect');
    assert.equal(parse(harnessArgv({ readMode: 'local' })).readMode, 'local');
  });

  it('accepts the Go launcher form too (-config_dir before the subcommand, one dash, =)', () => {
    const config = parse([
      '-config_dir=/base/config',
      'volume',
      '-ip=127.0.0.1',
      '-port=8081',
      '-port.grpc=18081',
      '-port.public=8081',
      '-dir=/base/volume',
      '-max=16',
      '-master=127.0.0.1:9333',
      '-readMode=proxy',
      '-concurrentUploadLimitMB=0',
      '-concurrentDownloadLimitMB=0',
      '-volume.allowUntrustedRemoteEndpoints',
    ]);
    assert.equal(config.configDir, '/base/config');
    assert.equal(config.securityFile, undefined);
    assert.equal(config.httpPort, 8081);
    assert.equal(config.allowUntrustedRemoteEndpoints, true);
  });
});

describe('parseVolumeFlags: Go flag syntax', () => {
  it('treats -name=value, -name value, --name=value and --name value alike', () => {
    for (const argv of [['-port=9000'], ['-port', '9000'], ['--port=9000'], ['--port', '9000']]) {
      assert.equal(parse(argv).httpPort, 9000, argv.join(' '));
    }
  });

  it('skips an optional leading "volume" and accepts flags in any order', () => {
    const a = parse(['volume', '-dir=/d', '-port=9000', '-max=3']);
    const b = parse(['-max', '3', '--port=9000', '-dir', '/d']);
    assert.deepEqual(a, b);
    assert.equal(a.folders[0]!.maxVolumeCount, 3);
  });

  it('lets the last occurrence of a flag win', () => {
    assert.equal(parse(['-port=1', '-port=2']).httpPort, 2);
  });

  it('takes the next argument as the value even when it starts with a dash', () => {
    assert.equal(parse(['-dataCenter', '-dc1']).dataCenter, '-dc1');
  });

  it('keeps "=" inside values', () => {
    assert.equal(parse(['-rack=a=b']).rack, 'a=b');
  });

  it('reads Go integer syntax', () => {
    assert.equal(parse(['-port=0x1f90']).httpPort, 8080);
    assert.equal(parse(['-port=017620']).httpPort, 8080);
    assert.equal(parse(['-port=0o17620']).httpPort, 8080);
    assert.equal(parse(['-port=8_080']).httpPort, 8080);
    assert.equal(parse(['-port=+8080']).httpPort, 8080);
  });

  it('accepts `--` as the end of flags only when nothing follows', () => {
    assert.equal(parse(['-port=9000', '--']).httpPort, 9000);
    assertFlagError(['-port=9000', '--', 'x'], /unexpected argument "x"/);
  });

  it('rejects positional arguments (Go would stop parsing there and ignore the rest)', () => {
    assertFlagError(['-port=9000', 'extra'], /unexpected argument "extra"/);
    assertFlagError(['volume', 'volume'], /unexpected argument "volume"/);
    assertFlagError(['-'], /unexpected argument "-"/);
    assertFlagError(['-port=1', 'volume', '-rack=r'], /unexpected argument "volume"/);
  });

  it('rejects bad flag syntax', () => {
    assertFlagError(['---port=1'], 'bad flag syntax: ---port=1');
    assertFlagError(['-=1'], 'bad flag syntax: -=1');
  });
});

describe('parseVolumeFlags: booleans', () => {
  it('sets a bare boolean to true without consuming the next argument', () => {
    const config = parse(['-pprof', '-port', '9000']);
    assert.equal(config.pprof, true);
    assert.equal(config.httpPort, 9000);
    assertFlagError(['-hasSlowRead', 'false'], /unexpected argument "false"/);
  });

  it("accepts every strconv.ParseBool spelling after '='", () => {
    for (const text of ['1', 't', 'T', 'TRUE', 'true', 'True'])
      assert.equal(parse([`-hasSlowRead=${text}`]).hasSlowRead, true, text);
    for (const text of ['0', 'f', 'F', 'FALSE', 'false', 'False'])
      assert.equal(parse([`--hasSlowRead=${text}`]).hasSlowRead, false, text);
  });

  it('rejects other spellings', () => {
    assertFlagError(
      ['-pprof=yes'],
      'invalid boolean value "yes" for -pprof: strconv.ParseBool: parsing "yes": invalid syntax',
      'pprof',
    );
    assertFlagError(['-pprof='], /invalid boolean value "" for -pprof/, 'pprof');
  });

  it('defaults hasSlowRead to true and the others to false', () => {
    const config = parse([]);
    assert.equal(config.hasSlowRead, true);
    assert.equal(config.pprof, false);
    assert.equal(config.fixJpgOrientation, false);
    assert.equal(config.allowUntrustedRemoteEndpoints, false);
    assert.equal(config.debug, false);
  });
});

describe('parseVolumeFlags: errors', () => {
  it('reports unknown flags like Go', () => {
    assertFlagError(['-foo'], 'flag provided but not defined: -foo', 'foo');
    assertFlagError(['--foo=bar', '-port=1'], 'flag provided but not defined: -foo', 'foo');
    assertFlagError(['-port=1', '--bar', 'x'], 'flag provided but not defined: -bar', 'bar');
  });

  it('reports -h and -help as HelpRequestedError (a FlagError)', () => {
    for (const flag of ['-h', '--help', '-help']) {
      assert.throws(
        () => parse([flag]),
        (err: unknown) => err instanceof HelpRequestedError && err instanceof FlagError,
        flag,
      );
    }
  });

  it('names the flag in bad-value errors', () => {
    assertFlagError(
      ['-port=abc'],
      'invalid value "abc" for flag -port: strconv.ParseInt: parsing "abc": invalid syntax',
      'port',
    );
    assertFlagError(['-port', '8__080'], /invalid value "8__080" for flag -port/, 'port');
    assertFlagError(
      ['-port.grpc=70000'],
      /invalid value "70000" for flag -port.grpc: port must be between 0 and 65535/,
      'port.grpc',
    );
    assertFlagError(['-port=60000'], /-port.grpc defaults to -port \+ 10000 = 70000/, 'port.grpc');
    assertFlagError(
      ['-inflightUploadDataTimeout=2'],
      'invalid value "2" for flag -inflightUploadDataTimeout: time: missing unit in duration "2"',
      'inflightUploadDataTimeout',
    );
    assertFlagError(
      ['-inflightDownloadDataTimeout', '2x'],
      /time: unknown unit "x" in duration "2x"/,
      'inflightDownloadDataTimeout',
    );
    assertFlagError(['-inflightUploadDataTimeout=-1s'], /must not be negative/, 'inflightUploadDataTimeout');
    assertFlagError(
      ['-concurrentUploadLimitMB=-1'],
      /invalid value "-1" for flag -concurrentUploadLimitMB/,
      'concurrentUploadLimitMB',
    );
    assertFlagError(
      ['-readMode=fast'],
      'invalid value "fast" for flag -readMode: must be one of local, proxy, redirect',
      'readMode',
    );
    assertFlagError(
      ['-index=rocksdb'],
      /for flag -index: must be one of memory, leveldb, leveldbMedium, leveldbLarge/,
      'index',
    );
  });

  it('requires a value for non-boolean flags', () => {
    assertFlagError(['-port'], 'flag needs an argument: -port', 'port');
    assertFlagError(['-dir=/d', '--master'], 'flag needs an argument: -master', 'master');
  });
});

describe('parseVolumeFlags: defaults', () => {
  it('resolves the documented defaults', () => {
    const config = parse([]);
    assert.equal(config.httpPort, 8080);
    assert.equal(config.grpcPort, 18080);
    assert.equal(config.publicPort, 8080);
    assert.equal(config.ip, '10.1.2.3');
    assert.equal(config.bindIp, '10.1.2.3');
    assert.equal(config.publicUrl, '10.1.2.3:8080');
    assert.equal(config.serverId, '10.1.2.3:8080');
    assert.equal(config.metricsIp, '10.1.2.3');
    assert.deepEqual(config.masters, ['localhost:9333']);
    assert.deepEqual(config.folders, [
      {
        dir: '/tmp-default',
        maxVolumeCount: 8,
        diskType: '',
        tags: [],
        minFreeSpace: { kind: 'percent', percent: 1, raw: '1' },
      },
    ]);
    assert.equal(config.readMode, 'proxy');
    assert.equal(config.indexKind, 'memory');
    assert.equal(config.preStopSeconds, 10);
    assert.equal(config.idleTimeoutSeconds, 30);
    assert.equal(config.fileSizeLimitBytes, 256 * 1024 * 1024);
    assert.equal(config.readBufferSizeBytes, 4 * 1024 * 1024);
    assert.equal(config.inflightUploadDataTimeoutMs, 60_000);
    assert.equal(config.inflightDownloadDataTimeoutMs, 60_000);
    assert.equal(config.compactionBytesPerSecond, 0);
    assert.equal(config.maintenanceBytesPerSecond, 0);
    assert.equal(config.metricsPort, 0);
    assert.equal(config.debugPort, 6060);
    assert.equal(config.leveldbTimeoutHours, 0);
    assert.deepEqual(config.whiteList, []);
    assert.equal(config.dataCenter, '');
    assert.equal(config.rack, '');
    assert.equal(config.securityFile, undefined);
    assert.equal(config.configDir, undefined);
    assert.equal(config.offsetWidth, 4);
    assert.deepEqual(config.logging, GLOG_DEFAULTS);
    // Upstream's defaults, spelled out: stderr and files, ERROR threshold, 1800 MB files, 5 kept, 7 days.
    assert.equal(config.logging.alsoToStderr, true);
    assert.equal(config.logging.stderrThreshold, 2);
    assert.equal(config.logging.maxSizeBytes, 1800 * 1024 * 1024);
    assert.equal(config.logging.maxFiles, 5);
    assert.equal(config.logging.rotateHours, 168);
  });

  it('derives gRPC and public ports from -port only when they are 0 or unset', () => {
    const config = parse(['-port=9000']);
    assert.equal(config.grpcPort, 19000);
    assert.equal(config.publicPort, 9000);
    const explicit = parse(['-port=9000', '-port.grpc=0', '-port.public=0']);
    assert.equal(explicit.grpcPort, 19000);
    assert.equal(explicit.publicPort, 9000);
    assert.equal(parse(['-port=9000', '-port.grpc=9001']).grpcPort, 9001);
  });

  it('derives bind ip, public url, id and metrics ip from -ip', () => {
    const config = parse(['-ip=192.168.0.5', '-port=9000', '-port.public=9100']);
    assert.equal(config.bindIp, '192.168.0.5');
    assert.equal(config.publicUrl, '192.168.0.5:9100');
    assert.equal(config.serverId, '192.168.0.5:9000');
    assert.equal(config.metricsIp, '192.168.0.5');
    const bound = parse([
      '-ip=192.168.0.5',
      '-ip.bind=0.0.0.0',
      '-publicUrl=vol.example:80',
      '-id=  vs-1 ',
      '-metricsIp=127.0.0.2',
    ]);
    assert.equal(bound.bindIp, '0.0.0.0');
    assert.equal(bound.publicUrl, 'vol.example:80');
    assert.equal(bound.serverId, 'vs-1');
    assert.equal(bound.metricsIp, '127.0.0.2');
    assert.equal(parse(['-ip=1.2.3.4', '-ip.bind=0.0.0.0']).metricsIp, '0.0.0.0');
  });

  it('detects the ip again for an explicit empty -ip, but leaves the metrics ip empty like Go', () => {
    const config = parse(['-ip=']);
    assert.equal(config.ip, '10.1.2.3');
    assert.equal(config.metricsIp, '');
  });

  it('brackets IPv6 addresses in derived host:port strings', () => {
    const config = parse(['-ip=fd00::5', '-port=9000']);
    assert.equal(config.publicUrl, '[fd00::5]:9000');
    assert.equal(config.serverId, '[fd00::5]:9000');
  });
});

describe('parseVolumeFlags: folders', () => {
  it('pairs -dir and -max lists', () => {
    const config = parse(['-dir=/a,/b', '-max=5,6']);
    assert.deepEqual(
      config.folders.map((f) => [f.dir, f.maxVolumeCount]),
      [
        ['/a', 5],
        ['/b', 6],
      ],
    );
  });

  it('applies a single -max, -disk or min free space to every folder', () => {
    const config = parse(['-dir=/a,/b,/c', '-max=7', '-disk=SSD', '-minFreeSpace=10GiB']);
    assert.deepEqual(
      config.folders.map((f) => f.maxVolumeCount),
      [7, 7, 7],
    );
    assert.deepEqual(
      config.folders.map((f) => f.diskType),
      ['ssd', 'ssd', 'ssd'],
    );
    for (const folder of config.folders)
      assert.deepEqual(folder.minFreeSpace, { kind: 'bytes', bytes: 10 * 2 ** 30, raw: '10GiB' });
  });

  it('rejects mismatched counts with Go messages', () => {
    assertFlagError(['-dir=/a,/b,/c', '-max=1,2'], '3 directories by -dir, but only 2 max is set by -max');
    assertFlagError(
      ['-dir=/a,/b', '-disk=ssd,hdd,nvme'],
      '2 directories by -dir, but only 3 disk types is set by -disk',
    );
    assertFlagError(
      ['-dir=/a,/b,/c', '-minFreeSpacePercent=1,2'],
      '3 directories by -dir, but only 2 minFreeSpacePercent is set by -minFreeSpacePercent',
    );
  });

  it('rejects bad -max entries and empty directories', () => {
    assertFlagError(['-max=x'], 'The max specified in -max not a valid number x', 'max');
    assertFlagError(['-dir=/a,/b', '-max=5, 6'], 'The max specified in -max not a valid number  6', 'max');
    assertFlagError(['-dir=/a,,/b'], /empty directory name/, 'dir');
  });

  it('keeps max 0 as "auto"', () => {
    assert.equal(parse(['-max=0']).folders[0]!.maxVolumeCount, 0);
  });

  it('maps disk types like types.ToDiskType', () => {
    const config = parse(['-dir=/a,/b,/c', '-disk=ssd,HDD,Archive']);
    assert.deepEqual(
      config.folders.map((f) => f.diskType),
      ['ssd', '', 'archive'],
    );
  });

  it('assigns tags like parseVolumeTags', () => {
    const all = parse(['-dir=/a,/b', '-tags=Fast:SSD:fast']);
    assert.deepEqual(
      all.folders.map((f) => f.tags),
      [
        ['fast', 'ssd'],
        ['fast', 'ssd'],
      ],
    );
    const each = parse(['-dir=/a,/b,/c', '-tags=a, b:C']);
    assert.deepEqual(
      each.folders.map((f) => f.tags),
      [['a'], ['b', 'c'], []],
    );
  });

  it('reads min free space as percent or bytes', () => {
    assert.deepEqual(parse(['-minFreeSpacePercent=5']).folders[0]!.minFreeSpace, {
      kind: 'percent',
      percent: 5,
      raw: '5',
    });
    assert.deepEqual(parse(['-minFreeSpacePercent=5', '-minFreeSpace=0.5']).folders[0]!.minFreeSpace, {
      kind: 'percent',
      percent: 0.5,
      raw: '0.5',
    });
    assert.deepEqual(parseMinFreeSpace('2 GB'), { kind: 'bytes', bytes: 2e9, raw: '2 GB' });
    assert.deepEqual(parseMinFreeSpace('1.5mib'), { kind: 'bytes', bytes: 1.5 * 2 ** 20, raw: '1.5mib' });
    assertFlagError(
      ['-minFreeSpace=200'],
      'The value specified in -minFreeSpace not a valid value 200',
      'minFreeSpace',
    );
    assertFlagError(['-minFreeSpace=50B'], /not a valid value 50B/);
    assertFlagError(['-minFreeSpace=10 furlongs'], /not a valid value/);
  });

  it('sets -dir.idx on every folder and expands ~', () => {
    const config = parse(['-dir=~/a,/b', '-dir.idx=~/idx']);
    assert.deepEqual(
      config.folders.map((f) => [f.dir, f.idxDir]),
      [
        ['/home/weed/a', '/home/weed/idx'],
        ['/b', '/home/weed/idx'],
      ],
    );
  });
});

describe('parseVolumeFlags: other flags', () => {
  it('uses -mserver over -master and drops empty entries', () => {
    assert.deepEqual(parse(['-master=m1:9333,,m2:9333']).masters, ['m1:9333', 'm2:9333']);
    assert.deepEqual(parse(['-master=m1:9333', '-mserver=old:9333']).masters, ['old:9333']);
    assert.deepEqual(parse(['-master=m1:9333', '-mserver=']).masters, ['m1:9333']);
  });

  it('splits -whiteList', () => {
    assert.deepEqual(parse(['-whiteList=10.0.0.1, 10.0.0.0/8,']).whiteList, ['10.0.0.1', '10.0.0.0/8']);
  });

  it('converts MB flags to bytes', () => {
    const config = parse(['-fileSizeLimitMB=1', '-compactionMBps=2', '-maintenanceMBps=3', '-readBufferSizeMB=5']);
    assert.equal(config.fileSizeLimitBytes, 1 << 20);
    assert.equal(config.compactionBytesPerSecond, 2 << 20);
    assert.equal(config.maintenanceBytesPerSecond, 3 << 20);
    assert.equal(config.readBufferSizeBytes, 5 << 20);
  });

  it('accepts every weed volume 4.44 flag', () => {
    const samples: Record<string, string> = {
      port: '1',
      'port.grpc': '2',
      'port.public': '3',
      ip: 'h',
      id: 'i',
      publicUrl: 'u',
      'ip.bind': 'b',
      master: 'm:1',
      mserver: 'm:2',
      preStopSeconds: '1',
      idleTimeout: '1',
      dataCenter: 'dc',
      rack: 'r',
      index: 'leveldb',
      disk: 'ssd',
      tags: 't',
      'images.fix.orientation': 'true',
      readMode: 'local',
      cpuprofile: 'c',
      memprofile: 'm',
      compactionMBps: '1',
      maintenanceMBps: '1',
      fileSizeLimitMB: '1',
      'index.leveldbTimeout': '1',
      concurrentUploadLimitMB: '1',
      concurrentDownloadLimitMB: '1',
      pprof: 'true',
      metricsPort: '9',
      metricsIp: 'x',
      'dir.idx': '/i',
      inflightUploadDataTimeout: '1s',
      inflightDownloadDataTimeout: '1s',
      hasSlowRead: 'false',
      readBufferSizeMB: '1',
      'volume.allowUntrustedRemoteEndpoints': 'true',
      debug: 'true',
      'debug.port': '7',
      dir: '/d',
      max: '1',
      whiteList: 'w',
      minFreeSpacePercent: '2',
      minFreeSpace: '3',
      securityFile: '/s',
      config_dir: '/c',
      offsetBytes: '5',
    };
    for (const [name, value] of Object.entries(samples)) {
      assert.doesNotThrow(() => parse([`-${name}=${value}`]), name);
    }
    const config = parse(Object.entries(samples).map(([name, value]) => `--${name}=${value}`));
    assert.deepEqual(config.ignoredFlags, [
      'cpuprofile',
      'debug',
      'debug.port',
      'images.fix.orientation',
      'index.leveldbTimeout',
      'memprofile',
      'pprof',
    ]);
    assert.equal(config.indexKind, 'leveldb');
    assert.equal(config.leveldbTimeoutHours, 1);
    assert.equal(config.offsetWidth, 5);
  });
});

describe('parseVolumeFlags: global flags and config_dir', () => {
  it('accepts weed global flags before "volume" only', () => {
    const config = parse([
      '-v=2',
      '-logtostderr',
      '--logdir',
      '/var/log/weed',
      '-config_dir',
      '/etc/sw',
      'volume',
      '-port=9000',
    ]);
    assert.equal(config.logging.verbosity, 2);
    assert.equal(config.logging.toStderr, true);
    assert.equal(config.logging.dir, '/var/log/weed');
    assert.equal(config.configDir, '/etc/sw');
    assert.equal(config.httpPort, 9000);
    assert.deepEqual(config.ignoredFlags, []);
    assertFlagError(['volume', '-logdir=/x'], 'flag provided but not defined: -logdir', 'logdir');
    assertFlagError(['-port=1', 'volume'], /unexpected argument "volume"/);
  });

  it('accepts global flags among volume flags when "volume" is omitted', () => {
    const config = parse(['-port=9000', '-v', '3', '-alsologtostderr=false']);
    assert.equal(config.logging.verbosity, 3);
    assert.equal(config.logging.alsoToStderr, false);
    assert.deepEqual(config.ignoredFlags, []);
  });

  it("resolves glog's file flags, with glog's defaults where they are 0", () => {
    const config = parse([
      '-log_max_size_mb=10',
      '-log_max_files=2',
      '-log_rotate_hours=0',
      '-log_json',
      '-log_compress',
      '-vmodule=heartbeat=2,,scrub*=0,s?ore=3',
      '-log_backtrace_at=volume.go:12',
    ]);
    assert.equal(config.logging.maxSizeBytes, 10 * 1024 * 1024);
    assert.equal(config.logging.maxFiles, 2);
    assert.equal(config.logging.rotateHours, 0);
    assert.equal(config.logging.json, true);
    assert.equal(config.logging.compressRotated, true);
    assert.deepEqual(config.logging.vmodule, [
      { pattern: 'heartbeat', level: 2 },
      { pattern: 's?ore', level: 3 },
    ]);
    assert.deepEqual(config.ignoredFlags, ['log_backtrace_at']);
    assertFlagError(
      ['-vmodule=heartbeat'],
      'invalid value "heartbeat" for flag -vmodule: syntax error: expect comma-separated list of filename=N',
      'vmodule',
    );
    assertFlagError(['-vmodule=x=-1'], /negative value for vmodule level/, 'vmodule');
    const zeros = parse(['-log_max_size_mb=0', '-log_max_files=0']);
    assert.equal(zeros.logging.maxSizeBytes, 1800 * 1024 * 1024);
    assert.equal(zeros.logging.maxFiles, 5);
  });

  it('reads -stderrthreshold as glog does: a severity name in any case, or a number', () => {
    assert.equal(parse(['-stderrthreshold=warning']).logging.stderrThreshold, 1);
    assert.equal(parse(['-stderrthreshold=FATAL']).logging.stderrThreshold, 3);
    assert.equal(parse(['-stderrthreshold=0']).logging.stderrThreshold, 0);
    assertFlagError(
      ['-stderrthreshold=loud'],
      'invalid value "loud" for flag -stderrthreshold: strconv.Atoi: parsing "loud": invalid syntax',
      'stderrthreshold',
    );
  });

  it('accepts -config_dir after "volume" as well, and keeps -securityFile separate', () => {
    const config = parse(['volume', '-config_dir=~/cfg', '-securityFile=~/s.toml']);
    assert.equal(config.configDir, '/home/weed/cfg');
    assert.equal(config.securityFile, '/home/weed/s.toml');
  });
});

describe('parseVolumeFlags: offset width', () => {
  it('defaults to 4 and reads NEEDLEWORK_OFFSET_BYTES', () => {
    assert.equal(parse([]).offsetWidth, 4);
    assert.equal(parse([], { NEEDLEWORK_OFFSET_BYTES: '5' }).offsetWidth, 5);
    assert.equal(parse([], { NEEDLEWORK_OFFSET_BYTES: '4' }).offsetWidth, 4);
    assert.equal(parse([], { NEEDLEWORK_OFFSET_BYTES: '' }).offsetWidth, 4);
  });

  it('lets -offsetBytes win over the environment', () => {
    assert.equal(parse(['-offsetBytes=4'], { NEEDLEWORK_OFFSET_BYTES: '5' }).offsetWidth, 4);
    assert.equal(parse(['--offsetBytes', '5']).offsetWidth, 5);
  });

  it('rejects widths other than 4 and 5', () => {
    assertFlagError(['-offsetBytes=8'], /-offsetBytes: must be 4 or 5/, 'offsetBytes');
    assertFlagError([], /NEEDLEWORK_OFFSET_BYTES: must be 4 or 5/, 'offsetBytes', { NEEDLEWORK_OFFSET_BYTES: 'five' });
  });
});

describe('parseVolumeFlags: -options file', () => {
  it('fills unset flags from the file like fla9.ParseFile', () => {
    files.set(
      '/opts/volume.options',
      [
        '# comment',
        '',
        'port=9001',
        '-dir /data/a,/data/b',
        'rack: r1',
        'master=m:9333',
        'pprof',
        'hasSlowRead=false',
        'unknownFlag=1',
        'max 4',
      ].join('\n'),
    );
    const config = parse(['-options=/opts/volume.options', '-max=9']);
    assert.equal(config.httpPort, 9001);
    assert.deepEqual(
      config.folders.map((f) => [f.dir, f.maxVolumeCount]),
      [
        ['/data/a', 9],
        ['/data/b', 9],
      ],
    );
    assert.equal(config.rack, 'r1');
    assert.deepEqual(config.masters, ['m:9333']);
    assert.equal(config.pprof, true);
    assert.equal(config.hasSlowRead, false);
    assert.deepEqual(config.ignoredFlags, ['pprof']);
  });

  it('reports unreadable files and bad values', () => {
    assertFlagError(['-options', '/nope'], /cannot read -options file \/nope/, 'options');
    files.set('/opts/bad', 'port=eighty\n');
    assertFlagError(
      ['-options=/opts/bad'],
      /invalid value "eighty" for configuration variable port in \/opts\/bad/,
      'port',
    );
  });
});

describe('Go value parsers', () => {
  it('parses durations to milliseconds', () => {
    const cases: Array<[string, number]> = [
      ['2s', 2000],
      ['500ms', 500],
      ['1m30s', 90_000],
      ['1h', 3_600_000],
      ['1.5s', 1500],
      ['.5s', 500],
      ['1.s', 1000],
      ['0', 0],
      ['-0', 0],
      ['-0s', 0],
      ['+3s', 3000],
      ['-1m', -60_000],
      ['1500us', 1.5],
      ['1500\u00b5s', 1.5],
      ['2000000ns', 2],
      ['1h2m3s4ms', 3_723_004],
      ['1.1s', 1100],
      ['0.001s', 1],
      ['2.5h', 9_000_000],
    ];
    for (const [text, ms] of cases) assert.equal(parseGoDurationMs(text), ms, text);
  });

  it('rejects bad durations with Go messages', () => {
    assert.throws(() => parseGoDurationMs(''), { message: 'time: invalid duration ""' });
    assert.throws(() => parseGoDurationMs('1'), { message: 'time: missing unit in duration "1"' });
    assert.throws(() => parseGoDurationMs('s'), { message: 'time: invalid duration "s"' });
    assert.throws(() => parseGoDurationMs('1d'), { message: 'time: unknown unit "d" in duration "1d"' });
    assert.throws(() => parseGoDurationMs('1s 2s'), /unknown unit "s "/);
    assert.throws(() => parseGoDurationMs('3000000h'), { message: 'time: invalid duration "3000000h"' });
  });

  it('parses Go integers and booleans', () => {
    assert.equal(parseGoInt('-0x10'), -16);
    assert.equal(parseGoInt('0b101'), 5);
    assert.equal(parseGoInt('0x_1F'), 31);
    assert.equal(parseGoInt('010'), 8);
    assert.equal(parseGoInt('0'), 0);
    for (const bad of ['', '1_', '_1', '0x', '08', '1.5', '1e3', ' 1'])
      assert.throws(() => parseGoInt(bad), /invalid syntax/, bad);
    assert.throws(() => parseGoInt('99999999999999999999'), /value out of range/);
    assert.equal(parseGoBool('T'), true);
    assert.throws(() => parseGoBool('yes'), /invalid syntax/);
  });
});

describe('usage', () => {
  it('lists flags in Go PrintDefaults style', () => {
    const text = usage();
    assert.match(text, /\n {2}-port int\n {4}\thttp listen port \(default 8080\)\n/);
    assert.match(text, /\n {2}-inflightUploadDataTimeout duration\n/);
    assert.match(text, /\n {2}-hasSlowRead\n/);
    assert.match(text, /-max string\n.*\(default "8"\)/);
    assert.match(text, /-offsetBytes int/);
    assert.match(text, /-config_dir string/);
    // glog's flags as weed prints them: flag.Var values are `value`, log_max_size_mb a uint.
    assert.match(text, /For Logging, use "needlework \[logging_options\] volume \[flags\]"/);
    assert.match(text, /\n {2}-v value\n {4}\tlog levels \[0\|1\|2\|3\|4\], default to 0\n/);
    assert.match(text, /\n {2}-logtostderr\n {4}\tlog to standard error instead of files\n/);
    assert.match(text, /\n {2}-alsologtostderr\n {4}\tlog to standard error as well as files \(default true\)\n/);
    assert.match(text, /\n {2}-stderrthreshold value\n {4}\tlogs at or above this threshold go to stderr\n/);
    assert.match(text, /\n {2}-logdir string\n {4}\tIf non-empty, write log files in this directory\n/);
    assert.match(text, /\n {2}-log_max_size_mb uint\n.*\(0 = use default of 1800 MB\) \(default 1800\)\n/);
    assert.match(
      text,
      /\n {2}-vmodule value\n {4}\tcomma-separated list of pattern=N settings for file-filtered logging\n/,
    );
    assert.match(text, /-log_backtrace_at value\n.*\[accepted, ignored\]/);
  });
});

describe('parseVolumeFlags: the continuous scrubber', () => {
  it('is off by default, reading at 10 MB/s one volume at a time when turned on', () => {
    const config = parse([]);
    assert.equal(config.scrubIntervalMs, 0);
    assert.equal(config.scrubBytesPerSecond, 10 * 1024 * 1024);
    assert.equal(config.scrubConcurrentVolumes, 1);
  });

  it('resolves the interval, the rate in MB/s and the concurrency', () => {
    const config = parse(['-scrub.interval=24h', '-scrub.MBps', '50', '--scrub.concurrentVolumes=16']);
    assert.equal(config.scrubIntervalMs, 24 * 3600 * 1000);
    assert.equal(config.scrubBytesPerSecond, 50 * 1024 * 1024);
    assert.equal(config.scrubConcurrentVolumes, 16);
    assert.equal(parse(['-scrub.interval=1m30s']).scrubIntervalMs, 90_000);
    assert.equal(parse(['-scrub.interval=0']).scrubIntervalMs, 0);
    assert.deepEqual(parse(['-scrub.interval=1h']).ignoredFlags, []);
  });

  it('reads the scrub flags from an -options file too', () => {
    files.set('/etc/scrub.options', 'scrub.interval=12h\nscrub.MBps=5\n');
    const config = parse(['-options=/etc/scrub.options', '-scrub.MBps=7']);
    assert.equal(config.scrubIntervalMs, 12 * 3600 * 1000);
    assert.equal(config.scrubBytesPerSecond, 7 * 1024 * 1024, 'the command line wins over the file');
  });

  it('refuses a negative interval, a rate below 1 MB/s and a concurrency outside 1..16', () => {
    assertFlagError(
      ['-scrub.interval=-1h'],
      'invalid value for flag -scrub.interval: duration must not be negative',
      'scrub.interval',
    );
    assertFlagError(['-scrub.interval=1'], /time: missing unit in duration "1"/, 'scrub.interval');
    assertFlagError(
      ['-scrub.MBps=0'],
      /^invalid value "0" for flag -scrub.MBps: rate must be between 1 and \d+$/,
      'scrub.MBps',
    );
    assertFlagError(['-scrub.MBps=-5'], /invalid value "-5" for flag -scrub.MBps/, 'scrub.MBps');
    assertFlagError(
      ['-scrub.concurrentVolumes=0'],
      'invalid value "0" for flag -scrub.concurrentVolumes: count must be between 1 and 16',
      'scrub.concurrentVolumes',
    );
    assertFlagError(
      ['-scrub.concurrentVolumes=17'],
      'invalid value "17" for flag -scrub.concurrentVolumes: count must be between 1 and 16',
      'scrub.concurrentVolumes',
    );
  });

  it('lists the scrub flags in the usage, without a default for the zero interval', () => {
    const text = usage();
    assert.match(
      text,
      /\n {2}-scrub\.interval duration\n {4}\ta full verification pass over every volume per interval; 0 disables the scrubber\n/,
    );
    assert.match(text, /\n {2}-scrub\.MBps int\n {4}\tscrub read rate limit per disk, in MB\/s \(default 10\)\n/);
    assert.match(text, /\n {2}-scrub\.concurrentVolumes int\n {4}\tvolumes scrubbed at once per disk \(default 1\)\n/);
  });
});
