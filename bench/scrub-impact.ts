// What the continuous scrubber costs foreground reads: 1 KB random reads by `weed benchmark`
// against our server with the scrubber off and on (a pass every second at -scrub.MBps), rounds
// alternating the order. Prints read requests/s and p99 per round and the on/off ratios of the
// medians; the target is a p99 ratio of at most 1.5.
// Run: npm run bench:scrub [-- --rounds 3 --files 20000 --mbps 10]
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  setCleanupWithTest,
  startMaster,
  startOurVolumeServer,
  waitForHttp,
  weedBinary,
} from '../test/interop/peers.ts';
import { parseSection, runWeed } from './weed-runner.ts';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    files: { type: 'string', default: '20000' },
    mbps: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '16' },
  },
});
const ROUNDS = Number(args.rounds);
const FILES = Number(args.files);
const CONCURRENCY = Number(args.concurrency);

interface Sample {
  failed: number;
  readRps: number;
  readP99Ms: number;
  scrubbedBytes: number;
}

async function scrubbedBytes(port: number): Promise<number> {
  const body = (await (await fetch(`http://127.0.0.1:${port}/status/services`)).json()) as {
    services: Array<{ name: string; status: { counters: Record<string, number> } }>;
  };
  return body.services.find((s) => s.name === 'scrubber')?.status.counters.bytesChecked ?? 0;
}

async function runOne(weed: string, scrub: boolean): Promise<Sample> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), `scrub-bench-${scrub ? 'on' : 'off'}-`));
  const dataDir = path.join(workDir, 'data');
  await mkdir(dataDir);
  const master = await startMaster(workDir, undefined, 1024);
  const extra = scrub ? ['-scrub.interval=1s', `-scrub.MBps=${args.mbps}`] : [];
  const ours = await startOurVolumeServer(workDir, dataDir, master.address, undefined, extra, 16);
  try {
    await waitForHttp(`http://${master.address}/dir/assign`, (s) => s === 200);
    const common = [
      `-master=${master.address}`,
      `-c=${CONCURRENCY}`,
      `-n=${FILES}`,
      '-size=1024',
      '-collection=scrub',
      `-list=${path.join(workDir, 'list.txt')}`,
    ];
    await runWeed(weed, ['benchmark', ...common, '-writeOnly'], workDir);
    const before = await scrubbedBytes(ours.port);
    const read = parseSection(
      await runWeed(weed, ['benchmark', ...common, '-readOnly'], workDir),
      'Randomly Reading Benchmark',
    );
    return {
      failed: read.failed,
      readRps: read.rps,
      readP99Ms: read.p99Ms,
      scrubbedBytes: (await scrubbedBytes(ours.port)) - before,
    };
  } finally {
    await ours.peer.stop();
    await master.peer.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  setCleanupWithTest(false);
  const weed = weedBinary();
  if (weed === null) throw new Error('no weed binary (scripts/obtain-weed.sh)');
  const samples: Record<'off' | 'on', Sample[]> = { off: [], on: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order: Array<'off' | 'on'> = round % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
    for (const mode of order) {
      const s = await runOne(weed, mode === 'on');
      samples[mode].push(s);
      console.log(
        `round ${round + 1} scrub ${mode.padEnd(3)}: ${s.readRps.toFixed(0)} reads/s, p99 ${s.readP99Ms.toFixed(1)} ms, scrubbed ${(s.scrubbedBytes / 1048576).toFixed(1)} MiB during the reads${s.failed > 0 ? `, ${s.failed} FAILED reads` : ''}`,
      );
    }
  }
  const off = { rps: median(samples.off.map((s) => s.readRps)), p99: median(samples.off.map((s) => s.readP99Ms)) };
  const on = { rps: median(samples.on.map((s) => s.readRps)), p99: median(samples.on.map((s) => s.readP99Ms)) };
  console.log(
    `\n1 KB random reads, ${FILES} files, concurrency ${CONCURRENCY}, scrub at ${args.mbps} MB/s, medians of ${ROUNDS} rounds`,
  );
  console.log(`scrub off: ${off.rps.toFixed(0)} reads/s, p99 ${off.p99.toFixed(1)} ms`);
  console.log(`scrub on:  ${on.rps.toFixed(0)} reads/s, p99 ${on.p99.toFixed(1)} ms`);
  console.log(
    `on/off: throughput ${(on.rps / off.rps).toFixed(2)}, p99 ${(on.p99 / off.p99).toFixed(2)} (target p99 <= 1.50)`,
  );
}

await main();
