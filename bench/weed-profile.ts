// A CPU profile of our volume server under `weed benchmark` load, for finding the hot path: the
// server runs from dist/ under `node --cpu-prof`, next to a fresh Go master, and each size is
// written (and, unless --writes-only, read) as bench:weed drives it. It prints the functions with
// the most self time, and where the .cpuprofile files are (open them in Chrome DevTools).
// Run: npm run build && node --import tsx bench/weed-profile.ts [-- --sizes 1024 --files 20000 --top 40]
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../scripts/peer-paths.ts';
import {
  freePort,
  serverNodeFlags,
  setCleanupWithTest,
  startMaster,
  startProcess,
  waitForHttp,
  weedBinary,
} from '../test/support/peers.ts';
import { summarizeProfile } from './cpu-profile-summary.ts';
import { parseSection, runWeed } from './weed-runner.ts';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1024' },
    files: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '16' },
    top: { type: 'string', default: '40' },
    'writes-only': { type: 'boolean', default: false },
    /** Extra flags for our server, comma-separated. */
    'ours-args': { type: 'string', default: '' },
    /** Extra flags for node itself, comma-separated (e.g. --trace-deopt; its output goes to the server's log). */
    'node-args': { type: 'string', default: '' },
  },
});

const MAX_VOLUMES = 32;

const VOLUME_SIZE_LIMIT_MB = 1024;

async function main(): Promise<void> {
  setCleanupWithTest(false);
  const weed = weedBinary();
  if (weed === null) throw new Error('no weed binary: run scripts/obtain-weed.sh');
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'weed-profile-'));
  const dataDir = path.join(workDir, 'data');
  const profileDir = path.join(workDir, 'profile');
  await mkdir(dataDir);
  await mkdir(profileDir);
  const master = await startMaster(workDir, undefined, VOLUME_SIZE_LIMIT_MB);
  const port = await freePort();
  const grpcPort = await freePort();
  const extra = (args['ours-args'] ?? '').split(',').filter((a) => a !== '');
  const server = startProcess(
    process.execPath,
    [
      ...(await serverNodeFlags()),
      '--cpu-prof',
      `--cpu-prof-dir=${profileDir}`,
      ...(args['node-args'] ?? '').split(',').filter((a) => a !== ''),
      path.join(ROOT, 'dist', 'cli', 'main.js'),
      `-port=${port}`,
      `-port.grpc=${grpcPort}`,
      '-ip=127.0.0.1',
      '-ip.bind=127.0.0.1',
      `-dir=${dataDir}`,
      `-max=${MAX_VOLUMES}`,
      `-master=${master.address}`,
      '-preStopSeconds=0',
      ...extra,
    ],
    path.join(workDir, 'needlework.log'),
    workDir,
  );
  console.log(`server log: ${path.join(workDir, 'needlework.log')}`);
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`);
    await waitForHttp(`http://${master.address}/dir/assign`, (s) => s === 200);
    for (const sizeBytes of (args.sizes ?? '').split(',').map(Number)) {
      const common = [
        `-master=${master.address}`,
        `-c=${args.concurrency}`,
        `-n=${args.files}`,
        `-size=${sizeBytes}`,
        `-collection=bench${sizeBytes}`,
        `-list=${path.join(workDir, `list-${sizeBytes}.txt`)}`,
      ];
      const write = parseSection(
        await runWeed(weed, ['benchmark', ...common, '-writeOnly'], workDir),
        'Writing Benchmark',
      );
      console.log(`${sizeBytes} B write: ${write.rps} req/s, p99 ${write.p99Ms} ms, failed ${write.failed}`);
      if (args['writes-only']) continue;
      const read = parseSection(
        await runWeed(weed, ['benchmark', ...common, '-readOnly'], workDir),
        'Randomly Reading Benchmark',
      );
      console.log(`${sizeBytes} B read: ${read.rps} req/s, p99 ${read.p99Ms} ms, failed ${read.failed}`);
    }
  } finally {
    await server.stop();
    await master.peer.stop();
    // The volumes (gigabytes at 1 MB) go; the profiles and the server's log stay.
    await rm(dataDir, { recursive: true, force: true });
  }
  const profiles = (await readdir(profileDir)).filter((f) => f.endsWith('.cpuprofile'));
  for (const file of profiles) {
    const full = path.join(profileDir, file);
    console.log(`\n${full}`);
    console.log(await summarizeProfile(full, Number(args.top)));
  }
}

await main();
