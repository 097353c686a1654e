// The headline benchmark: upstream's own client, `weed benchmark`, against a Go `weed volume` and
// against ours, each alone with its own fresh Go master on loopback. Rounds alternate the order
// (Go, ours, ours, Go, ...) so drift on this shared machine falls on both. For every file size it
// prints write and read requests/s, p99 latency and the volume server's RSS, with ours/Go ratios
// over the medians of the rounds.
// Run: npm run bench:weed [-- --rounds 2 --sizes 1024,65536,1048576 --concurrency 16 --only ours]
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseSection, runWeed as run } from './weed-runner.ts';
import {
  setCleanupWithTest,
  startGoVolumeServer,
  startMaster,
  startOurVolumeServer,
  waitForHttp,
  weedBinary,
} from '../test/support/peers.ts';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    sizes: { type: 'string', default: '1024,65536,1048576' },
    concurrency: { type: 'string', default: '16' },
    only: { type: 'string' },
    /** Extra flags for our server, comma-separated (e.g. for an A/B of a setting). */
    'ours-args': { type: 'string', default: '' },
    /** Environment for the Go volume server only, comma-separated NAME=value (e.g. GOMAXPROCS=1). */
    'go-env': { type: 'string', default: '' },
  },
});

const ROUNDS = Number(args.rounds);
const SIZES_BYTES = (args.sizes ?? '').split(',').map(Number);
const CONCURRENCY = Number(args.concurrency);
const GO_ENV: NodeJS.ProcessEnv = Object.fromEntries(
  (args['go-env'] ?? '')
    .split(',')
    .filter((pair) => pair.includes('='))
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
/** Files per size: enough for several seconds of load at Go's rate, bounded in bytes. */
const FILES_BUDGET_BYTES = 1536 * 1024 * 1024;
const MAX_FILES = 40_000;
const MIN_FILES = 800;
/** Room for the 7 benchmark volumes at the largest size (the master grows them by this limit). */
const VOLUME_SIZE_LIMIT_MB = 1024;
/** Each size is its own collection, and weed benchmark grows 7 volumes for each. */
const MAX_VOLUMES = 32;

interface Sample {
  writeRps: number;
  readRps: number;
  writeP99Ms: number;
  readP99Ms: number;
  /** The volume server's CPU (all threads, user + system) per request. */
  writeCpuUs: number;
  readCpuUs: number;
  failed: number;
}

interface RunResult {
  bySize: Map<number, Sample>;
  rssMb: number;
}

type Kind = 'go' | 'ours';

function filesFor(sizeBytes: number): number {
  return Math.max(MIN_FILES, Math.min(MAX_FILES, Math.floor(FILES_BUDGET_BYTES / sizeBytes / 4)));
}

/** utime + stime of a process in microseconds (clock ticks are 100 Hz on Linux). */
async function cpuUsOf(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

async function rssMbOf(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status);
  return kb === null ? 0 : Number(kb[1]) / 1024;
}

async function runOne(weed: string, kind: Kind): Promise<RunResult> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), `weed-bench-${kind}-`));
  const dataDir = path.join(workDir, 'data');
  await mkdir(dataDir);
  const master = await startMaster(workDir, undefined, VOLUME_SIZE_LIMIT_MB);
  const extra = (args['ours-args'] ?? '').split(',').filter((a) => a !== '');
  let volume: Awaited<ReturnType<typeof startOurVolumeServer>>;
  try {
    volume =
      kind === 'go'
        ? await startGoVolumeServer(workDir, dataDir, master.address, MAX_VOLUMES, GO_ENV)
        : await startOurVolumeServer(workDir, dataDir, master.address, undefined, extra, MAX_VOLUMES);
  } catch (err) {
    // A server that never came up must not leave its master running.
    await master.peer.stop();
    throw err;
  }
  const bySize = new Map<number, Sample>();
  try {
    // The master learns of the volume server from its first heartbeat.
    await waitForHttp(`http://${master.address}/dir/assign`, (s) => s === 200);
    const pid = volume.peer.process.pid;
    for (const sizeBytes of SIZES_BYTES) {
      const files = filesFor(sizeBytes);
      const common = [
        `-master=${master.address}`,
        `-c=${CONCURRENCY}`,
        `-n=${files}`,
        `-size=${sizeBytes}`,
        `-collection=bench${sizeBytes}`,
        `-list=${path.join(workDir, `list-${sizeBytes}.txt`)}`,
      ];
      // Write and read run as two invocations so the server's CPU can be read between them.
      let cpuUs = await cpuUsOf(pid);
      const write = parseSection(await run(weed, ['benchmark', ...common, '-writeOnly'], workDir), 'Writing Benchmark');
      const writeCpuUs = (await cpuUsOf(pid)) - cpuUs;
      cpuUs = await cpuUsOf(pid);
      const read = parseSection(
        await run(weed, ['benchmark', ...common, '-readOnly'], workDir),
        'Randomly Reading Benchmark',
      );
      const readCpuUs = (await cpuUsOf(pid)) - cpuUs;
      bySize.set(sizeBytes, {
        writeRps: write.rps,
        readRps: read.rps,
        writeP99Ms: write.p99Ms,
        readP99Ms: read.p99Ms,
        writeCpuUs: writeCpuUs / files,
        readCpuUs: readCpuUs / files,
        failed: write.failed + read.failed,
      });
    }
    return { bySize, rssMb: await rssMbOf(volume.peer.process.pid) };
  } finally {
    await volume.peer.stop();
    await master.peer.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function range(values: number[], digits = 0): string {
  return `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
}

function sizeLabel(sizeBytes: number): string {
  return sizeBytes >= 1024 * 1024 ? `${sizeBytes / 1024 / 1024} MB` : `${sizeBytes / 1024} KB`;
}

async function main(): Promise<void> {
  setCleanupWithTest(false);
  const weed = weedBinary();
  if (weed === null) throw new Error('no weed binary: run scripts/obtain-weed.sh');
  const kinds: Kind[] = args.only === 'go' || args.only === 'ours' ? [args.only] : ['go', 'ours'];
  const results: Record<Kind, RunResult[]> = { go: [], ours: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? kinds : [...kinds].reverse();
    for (const kind of order) {
      const result = await runOne(weed, kind);
      results[kind].push(result);
      const line = [...result.bySize]
        .map(
          ([s, r]) =>
            `${sizeLabel(s)} w ${r.writeRps.toFixed(0)} r ${r.readRps.toFixed(0)}${r.failed > 0 ? ` FAILED ${r.failed}` : ''}`,
        )
        .join(', ');
      console.log(`round ${round + 1} ${kind}: ${line}, RSS ${result.rssMb.toFixed(0)} MB`);
    }
  }

  const rows: string[] = [];
  rows.push(
    `weed benchmark -c ${CONCURRENCY}, ${ROUNDS} round(s), medians (ranges), ${new Date().toISOString().slice(0, 10)}`,
  );
  rows.push('| load | Go req/s | ours req/s | ours/Go | p99 Go | p99 ours | CPU/req Go | CPU/req ours |');
  rows.push('|---|---|---|---|---|---|---|---|');
  const pick = (kind: Kind, size: number, field: keyof Sample) =>
    results[kind].map((r) => r.bySize.get(size)?.[field] ?? 0);
  for (const size of SIZES_BYTES) {
    for (const [label, rpsField, p99Field, cpuField] of [
      ['write', 'writeRps', 'writeP99Ms', 'writeCpuUs'],
      ['read', 'readRps', 'readP99Ms', 'readCpuUs'],
    ] as const) {
      const go = pick('go', size, rpsField);
      const ours = pick('ours', size, rpsField);
      const ratio = go.length > 0 && ours.length > 0 ? (median(ours) / median(go)).toFixed(2) : '-';
      const cell = (v: number[]) => (v.length === 0 ? '-' : `${median(v).toFixed(0)} (${range(v)})`);
      const p99 = (kind: Kind) =>
        results[kind].length === 0 ? '-' : `${median(pick(kind, size, p99Field)).toFixed(1)} ms`;
      const cpu = (kind: Kind) =>
        results[kind].length === 0 ? '-' : `${median(pick(kind, size, cpuField)).toFixed(0)} µs`;
      rows.push(
        `| ${sizeLabel(size)} ${label} | ${cell(go)} | ${cell(ours)} | **${ratio}** | ${p99('go')} | ${p99('ours')} | ${cpu('go')} | ${cpu('ours')} |`,
      );
    }
  }
  const rss = (kind: Kind) => results[kind].map((r) => r.rssMb);
  const rssCell = (kind: Kind) =>
    results[kind].length === 0 ? '-' : `${median(rss(kind)).toFixed(0)} MB (${range(rss(kind))})`;
  const rssRatio =
    results.go.length > 0 && results.ours.length > 0 ? (median(rss('ours')) / median(rss('go'))).toFixed(2) : '-';
  rows.push(`| RSS after the run | ${rssCell('go')} | ${rssCell('ours')} | ${rssRatio} | | | | |`);
  console.log(`\n${rows.join('\n')}`);
}

await main();
