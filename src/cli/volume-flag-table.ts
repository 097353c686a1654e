// The `weed volume` flag table (SeaweedFS 4.44's, plus a few of ours marked below) and weed's
// global flags, with the command's usage text. What they resolve to is volume-config.ts's.
import { type FlagSpec, printDefaults } from './flag-set.ts';

export const OFFSET_BYTES_ENV = 'NEEDLEWORK_OFFSET_BYTES';

export const VOLUME_FLAGS: ReadonlyMap<string, FlagSpec> = new Map<string, FlagSpec>([
  ['port', { kind: 'int', defaultText: '8080', usage: 'http listen port' }],
  ['port.grpc', { kind: 'int', defaultText: '0', usage: 'grpc listen port (0: port+10000)' }],
  ['port.public', { kind: 'int', defaultText: '0', usage: 'port opened to public (0: same as -port)' }],
  [
    'ip',
    {
      kind: 'string',
      defaultText: '',
      usage: 'ip or server name, also used as identifier (default: detected host address)',
    },
  ],
  ['id', { kind: 'string', defaultText: '', usage: 'volume server id. If empty, default to ip:port' }],
  ['publicUrl', { kind: 'string', defaultText: '', usage: 'Publicly accessible address' }],
  [
    'ip.bind',
    { kind: 'string', defaultText: '', usage: 'ip address to bind to. If empty, default to same as -ip option.' },
  ],
  ['master', { kind: 'string', defaultText: 'localhost:9333', usage: 'comma-separated master servers' }],
  [
    'mserver',
    { kind: 'string', defaultText: '', usage: 'comma-separated master servers (deprecated, use -master instead)' },
  ],
  [
    'preStopSeconds',
    { kind: 'int', defaultText: '10', usage: 'number of seconds between stop send heartbeats and stop volume server' },
  ],
  ['idleTimeout', { kind: 'int', defaultText: '30', usage: 'connection idle seconds' }],
  ['dataCenter', { kind: 'string', defaultText: '', usage: "current volume server's data center name" }],
  ['rack', { kind: 'string', defaultText: '', usage: "current volume server's rack name" }],
  [
    'index',
    {
      kind: 'string',
      defaultText: 'memory',
      usage: 'Choose [memory|leveldb|leveldbMedium|leveldbLarge] mode for memory~performance balance.',
    },
  ],
  ['disk', { kind: 'string', defaultText: '', usage: '[hdd|ssd|<tag>] hard drive or solid state drive or any tag' }],
  [
    'tags',
    {
      kind: 'string',
      defaultText: '',
      usage: "comma-separated tag groups per data dir; each group uses ':' (e.g. fast:ssd,archive)",
    },
  ],
  [
    'images.fix.orientation',
    { kind: 'bool', defaultText: 'false', usage: 'Adjust jpg orientation when uploading.', ignored: true },
  ],
  [
    'readMode',
    {
      kind: 'string',
      defaultText: 'proxy',
      usage:
        "[local|proxy|redirect] how to deal with non-local volume: 'not found|proxy to remote node|redirect volume location'.",
    },
  ],
  ['cpuprofile', { kind: 'string', defaultText: '', usage: 'cpu profile output file', ignored: true }],
  ['memprofile', { kind: 'string', defaultText: '', usage: 'memory profile output file', ignored: true }],
  [
    'compactionMBps',
    { kind: 'int', defaultText: '0', usage: 'limit background compaction or copying speed in mega bytes per second' },
  ],
  [
    'maintenanceMBps',
    {
      kind: 'int',
      defaultText: '0',
      usage: 'limit maintenance (replication / balance) IO rate in MB/s. Unset is 0, no limitation.',
    },
  ],
  ['fileSizeLimitMB', { kind: 'int', defaultText: '256', usage: 'limit file size to avoid out of memory' }],
  [
    'index.leveldbTimeout',
    { kind: 'int', defaultText: '0', usage: 'alive time for leveldb (default to 0), in hours', ignored: true },
  ],
  [
    'concurrentUploadLimitMB',
    { kind: 'int', defaultText: '0', usage: 'limit total concurrent upload size, 0 means unlimited' },
  ],
  [
    'concurrentDownloadLimitMB',
    { kind: 'int', defaultText: '0', usage: 'limit total concurrent download size, 0 means unlimited' },
  ],
  [
    'pprof',
    {
      kind: 'bool',
      defaultText: 'false',
      usage: 'enable pprof http handlers. precludes -memprofile and -cpuprofile',
      ignored: true,
    },
  ],
  ['metricsPort', { kind: 'int', defaultText: '0', usage: 'Prometheus metrics listen port' }],
  [
    'metricsIp',
    { kind: 'string', defaultText: '', usage: 'metrics listen ip. If empty, default to same as -ip.bind option.' },
  ],
  [
    'dir',
    {
      kind: 'string',
      defaultText: '',
      usage: 'directories to store data files. dir[,dir]... (default: the temp directory)',
    },
  ],
  ['dir.idx', { kind: 'string', defaultText: '', usage: 'directory to store .idx files' }],
  [
    'max',
    {
      kind: 'string',
      defaultText: '8',
      usage:
        'maximum numbers of volumes, count[,count]... If set to zero, the limit will be auto configured as free disk space divided by volume size.',
    },
  ],
  [
    'whiteList',
    {
      kind: 'string',
      defaultText: '',
      usage: 'comma separated Ip addresses having write permission. No limit if empty.',
    },
  ],
  [
    'minFreeSpacePercent',
    {
      kind: 'string',
      defaultText: '1',
      usage:
        'minimum free disk space (default to 1%). Low disk space will mark all volumes as ReadOnly (deprecated, use minFreeSpace instead).',
    },
  ],
  [
    'minFreeSpace',
    {
      kind: 'string',
      defaultText: '',
      usage:
        'min free disk space (value<=100 as percentage like 1, other as human readable bytes, like 10GiB). Low disk space will mark all volumes as ReadOnly.',
    },
  ],
  [
    'inflightUploadDataTimeout',
    { kind: 'duration', defaultText: '60s', usage: 'inflight upload data wait timeout of volume servers' },
  ],
  [
    'inflightDownloadDataTimeout',
    { kind: 'duration', defaultText: '60s', usage: 'inflight download data wait timeout of volume servers' },
  ],
  [
    'minFreeSpace.interval',
    {
      kind: 'duration',
      defaultText: '1m0s',
      usage:
        "how often each -dir's free space is checked against -minFreeSpace; below it, the folder's volumes are read-only until space is freed (Needlework; upstream always checks every minute)",
    },
  ],
  [
    'hasSlowRead',
    {
      kind: 'bool',
      defaultText: 'true',
      usage:
        '<experimental> if true, this prevents slow reads from blocking other requests, but large file read P99 latency will increase.',
    },
  ],
  [
    'readBufferSizeMB',
    {
      kind: 'int',
      defaultText: '4',
      usage:
        '<experimental> larger values can optimize query performance but will increase some memory usage,Use with hasSlowRead normally.',
    },
  ],
  [
    'fsyncMinBatchBytes',
    {
      kind: 'int',
      defaultText: '1048576',
      usage: 'minimum bytes an fsync batch gathers before a drained queue flushes without waiting',
    },
  ],
  [
    'fsyncMinBatchRequests',
    {
      kind: 'int',
      defaultText: '128',
      usage: 'minimum requests an fsync batch gathers before a drained queue flushes without waiting',
    },
  ],
  [
    'fsyncBatchWait',
    {
      kind: 'duration',
      defaultText: '500\u00b5s',
      usage:
        'how long a below-minimum fsync batch waits for more requests once the queue drains; 0 flushes immediately',
    },
  ],
  [
    'volume.allowUntrustedRemoteEndpoints',
    {
      kind: 'bool',
      defaultText: 'false',
      usage:
        'if true, FetchAndWriteNeedle accepts arbitrary remote S3 endpoints including loopback / link-local hosts.',
    },
  ],
  [
    'debug',
    {
      kind: 'bool',
      defaultText: 'false',
      usage: 'serves runtime profiling data via pprof on the port specified by -debug.port',
      ignored: true,
    },
  ],
  ['debug.port', { kind: 'int', defaultText: '6060', usage: 'http port for debugging', ignored: true }],
  // fla9 adds this to every FlagSet at Parse time.
  [
    'options',
    {
      kind: 'string',
      defaultText: '',
      usage: 'a file of command line options, each line in optionName=optionValue format',
    },
  ],
  // Ours.
  ['securityFile', { kind: 'string', defaultText: '', usage: 'path to security.toml (JWT keys, TLS, white list)' }],
  ['config_dir', { kind: 'string', defaultText: '', usage: 'directory with toml configuration files (security.toml)' }],
  [
    'offsetBytes',
    {
      kind: 'int',
      defaultText: '0',
      usage: `index offset width, 4 or 5 (default: $${OFFSET_BYTES_ENV}, else 4); must match the weed build (5 = -tags 5BytesOffset)`,
    },
  ],
  [
    'scrub.interval',
    {
      kind: 'duration',
      defaultText: '0s',
      usage: 'a full verification pass over every volume per interval; 0 disables the scrubber',
    },
  ],
  ['scrub.MBps', { kind: 'int', defaultText: '10', usage: 'scrub read rate limit per disk, in MB/s' }],
  ['scrub.concurrentVolumes', { kind: 'int', defaultText: '1', usage: 'volumes scrubbed at once per disk' }],
]);

/** weed's own flags, which Go only accepts before the subcommand word. */
export const GLOBAL_FLAGS: ReadonlyMap<string, FlagSpec> = new Map<string, FlagSpec>([
  ['config_dir', VOLUME_FLAGS.get('config_dir')!],
  ['options', VOLUME_FLAGS.get('options')!],
  // glog's flags (weed/glog), with upstream's usage text; -stderrthreshold's real default is
  // ERROR, but Go registers it at 0 and so prints none.
  ['v', { kind: 'int', defaultText: '0', usage: 'log levels [0|1|2|3|4], default to 0', typeName: 'value' }],
  ['logtostderr', { kind: 'bool', defaultText: 'false', usage: 'log to standard error instead of files' }],
  ['alsologtostderr', { kind: 'bool', defaultText: 'true', usage: 'log to standard error as well as files' }],
  [
    'stderrthreshold',
    { kind: 'string', defaultText: '', usage: 'logs at or above this threshold go to stderr', typeName: 'value' },
  ],
  [
    'vmodule',
    {
      kind: 'string',
      defaultText: '',
      usage: 'comma-separated list of pattern=N settings for file-filtered logging',
      typeName: 'value',
    },
  ],
  [
    'log_backtrace_at',
    {
      kind: 'string',
      defaultText: '',
      usage: 'when logging hits line file:N, emit a stack trace',
      ignored: true,
      typeName: 'value',
    },
  ],
  ['logdir', { kind: 'string', defaultText: '', usage: 'If non-empty, write log files in this directory' }],
  [
    'log_max_size_mb',
    {
      kind: 'int',
      defaultText: '1800',
      usage: 'Maximum size in megabytes of each log file before it is rotated (0 = use default of 1800 MB)',
      typeName: 'uint',
    },
  ],
  [
    'log_max_files',
    {
      kind: 'int',
      defaultText: '5',
      usage:
        'Maximum number of log files to keep per severity level before older ones are deleted (0 = use default of 5)',
    },
  ],
  [
    'log_rotate_hours',
    {
      kind: 'int',
      defaultText: '168',
      usage: 'Rotate log files after this many hours (default: 168 = 7 days, 0 = disabled)',
    },
  ],
  ['log_json', { kind: 'bool', defaultText: 'false', usage: 'Output logs in JSON format instead of glog text format' }],
  ['log_compress', { kind: 'bool', defaultText: 'false', usage: 'Gzip-compress rotated log files to save disk space' }],
]);

export const ALL_FLAGS: ReadonlyMap<string, FlagSpec> = new Map([...VOLUME_FLAGS, ...GLOBAL_FLAGS]);

/** Go-style usage text (the format of FlagSet.PrintDefaults). */
export function usage(): string {
  return (
    'Usage: needlework [global flags] [volume] [flags]\n' +
    '  start a volume server to provide storage spaces (SeaweedFS `weed volume` compatible)\n' +
    '  e.g. needlework volume -port=8080 -dir=/tmp -max=5 -ip=server_name -master=localhost:9333\n' +
    "  (needlework maintenance -h: rebuild or verify a volume's index; needlework status -h: its background services)\n\n" +
    'Volume flags:\n' +
    printDefaults(VOLUME_FLAGS) +
    '\nFor Logging, use "needlework [logging_options] volume [flags]" (or mix them with the flags when "volume"\n' +
    'is omitted). The logging options are:\n' +
    printDefaults(new Map([...GLOBAL_FLAGS].filter(([name]) => !VOLUME_FLAGS.has(name))))
  );
}
