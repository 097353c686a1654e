// Start-up: the time from exec of the volume server to its first `/healthz` 200, for Go's
// `weed volume` and for ours, on the same data: `--volumes` volumes holding `--needles` needles in
// all (200 and 10 M by default). Both answer /healthz 200 only once every volume is loaded and the
// first heartbeat reached the master, so the figure covers loading every `.idx` as well as the
// process's own start (for ours: Node, module loading, gRPC and HTTP listeners).
// Each run gets a fresh copy of the generated directory and a fresh Go master; rounds alternate
// the order (Go, ours, ours, Go, ...). Prints the median and range per server and the ratio.
// Run: npm run bench:startup [-- --volumes 200 --needles 10000000 --rounds 3 --only ours]
import { cp, mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  freePort,
  serverNodeFlags,
  setCleanupWithTest,
  startMaster,
  startProcess,
  weedBinary,
} from '../test/support/peers.ts';
import { encodeIndexEntry } from '../src/storage/idx/entry.ts';
import { encodeNeedle, newNeedle } from '../src/storage/needle/needle.ts';
import { encodeSuperBlock, newSuperBlock } from '../src/storage/super-block.ts';
import { indexEntrySizeBytes, NEEDLE_PADDING_SIZE_BYTES } from '../src/storage/types.ts';
import { newVolumeInfo, writeVolumeInfoFile } from '../src/storage/volume-info.ts';

const { values: args } = parseArgs({
  options: {
    volumes: { type: 'string', default: '200' },
    needles: { type: 'string', default: '10000000' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
    /** A directory for CPU profiles of our server's start (node --cpu-prof; written when it stops). */
    'cpu-prof': { type: 'string' },
  },
});

const VOLUME_COUNT = Number(args.volumes);
const NEEDLE_COUNT = Number(args.needles);
const ROUNDS = Number(args.rounds);
const OFFSET_WIDTH = 4;
const READY_TIMEOUT_MS = 10 * 60_000;
const POLL_INTERVAL_MS = 10;
/** Needle records written per `.dat` write while generating. */
const GENERATE_BATCH_NEEDLES = 8192;
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

type Kind = 'go' | 'ours';

/**
 * Writes `VOLUME_COUNT` volumes of 1-byte needles with consecutive ids, each with the `.vif` a
 * volume gets when it is created. Every record is the same
 * template with its id patched in: the checksum covers only the data, so the bytes stay valid.
 */
async function generate(dir: string): Promise<void> {
  const template = encodeNeedle(newNeedle({ id: 0n, cookie: 0x1234_5678, data: Buffer.from('x'), appendAtNs: 1n }), 3);
  if (template.length % NEEDLE_PADDING_SIZE_BYTES !== 0)
    throw new Error(`unpadded needle template: ${template.length} bytes`);
  const needleSize = template.readInt32BE(12);
  const superBlock = encodeSuperBlock(newSuperBlock({ version: 3 }));
  const rowBytes = indexEntrySizeBytes(OFFSET_WIDTH);
  let nextId = 1n;
  for (let volumeId = 1; volumeId <= VOLUME_COUNT; volumeId++) {
    const needles = Math.floor(NEEDLE_COUNT / VOLUME_COUNT) + (volumeId <= NEEDLE_COUNT % VOLUME_COUNT ? 1 : 0);
    await writeVolumeInfoFile(
      path.join(dir, `${volumeId}.vif`),
      newVolumeInfo({ version: 3, bytesOffset: OFFSET_WIDTH }),
    );
    const dat = await open(path.join(dir, `${volumeId}.dat`), 'w');
    const idx = await open(path.join(dir, `${volumeId}.idx`), 'w');
    try {
      await dat.write(superBlock);
      let offsetBytes = superBlock.length;
      for (let first = 0; first < needles; first += GENERATE_BATCH_NEEDLES) {
        const count = Math.min(GENERATE_BATCH_NEEDLES, needles - first);
        const records = Buffer.allocUnsafe(count * template.length);
        const rows = Buffer.allocUnsafe(count * rowBytes);
        for (let i = 0; i < count; i++) {
          template.copy(records, i * template.length);
          records.writeBigUInt64BE(nextId, i * template.length + 4);
          encodeIndexEntry({ key: nextId, offset: offsetBytes, size: needleSize }, OFFSET_WIDTH, rows, i * rowBytes);
          nextId++;
          offsetBytes += template.length;
        }
        await dat.write(records);
        await idx.write(rows);
      }
    } finally {
      await dat.close();
      await idx.close();
    }
  }
}

async function rssMbOf(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status);
  return kb === null ? 0 : Number(kb[1]) / 1024;
}

async function healthzStatus(url: string): Promise<number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** Ours as bin/needlework starts it, or, with --cpu-prof, node with the same flags and a profiler. */
async function startOurs(common: string[], workDir: string) {
  const logFile = path.join(workDir, 'needlework.log');
  const profileDir = args['cpu-prof'];
  if (profileDir === undefined) return startProcess(path.join(ROOT, 'bin', 'needlework'), common, logFile, workDir);
  const main = path.join(ROOT, 'dist', 'cli', 'main.js');
  const nodeArgs = [...(await serverNodeFlags()), '--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`, main];
  return startProcess(process.execPath, [...nodeArgs, ...common], logFile, workDir);
}

async function runOne(weed: string, kind: Kind, generated: string): Promise<{ readyMs: number; rssMb: number }> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), `startup-bench-${kind}-`));
  const dataDir = path.join(workDir, 'data');
  await cp(generated, dataDir, { recursive: true });
  const master = await startMaster(workDir);
  const port = await freePort();
  const grpcPort = await freePort();
  const common = [
    '-ip=127.0.0.1',
    '-ip.bind=127.0.0.1',
    `-port=${port}`,
    `-port.grpc=${grpcPort}`,
    `-dir=${dataDir}`,
    `-max=${VOLUME_COUNT + 50}`,
    `-master=${master.address}`,
    '-preStopSeconds=0',
  ];
  const startedMs = performance.now();
  const peer =
    kind === 'go'
      ? startProcess(weed, ['volume', ...common], path.join(workDir, 'go-volume.log'), workDir)
      : await startOurs(common, workDir);
  try {
    const url = `http://127.0.0.1:${port}/healthz`;
    while ((await healthzStatus(url)) !== 200) {
      if (peer.process.exitCode !== null)
        throw new Error(`${kind} exited with ${peer.process.exitCode}; see ${peer.logFile}`);
      if (performance.now() - startedMs > READY_TIMEOUT_MS)
        throw new Error(`${kind} not healthy after ${READY_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
    const readyMs = performance.now() - startedMs;
    return { readyMs, rssMb: await rssMbOf(peer.process.pid) };
  } finally {
    await peer.stop();
    await master.peer.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summary(values: number[], digits = 0): string {
  return `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
}

async function main(): Promise<void> {
  const weed = weedBinary();
  if (weed === null) throw new Error('no weed binary: run scripts/obtain-weed.sh');
  setCleanupWithTest(false);
  const base = await mkdtemp(path.join(os.tmpdir(), 'startup-bench-'));
  try {
    const generated = path.join(base, 'generated');
    await mkdir(generated);
    const generateStartedMs = performance.now();
    await generate(generated);
    await writeFile(path.join(base, 'README'), `${VOLUME_COUNT} volumes, ${NEEDLE_COUNT} needles\n`);
    process.stdout.write(
      `generated ${VOLUME_COUNT} volumes with ${NEEDLE_COUNT} needles in ${((performance.now() - generateStartedMs) / 1000).toFixed(1)} s\n`,
    );
    const kinds: Kind[] = args.only === undefined ? ['go', 'ours'] : [args.only as Kind];
    const results: Record<Kind, { readyMs: number[]; rssMb: number[] }> = {
      go: { readyMs: [], rssMb: [] },
      ours: { readyMs: [], rssMb: [] },
    };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? kinds : [...kinds].reverse();
      for (const kind of order) {
        const { readyMs, rssMb } = await runOne(weed, kind, generated);
        results[kind].readyMs.push(readyMs);
        results[kind].rssMb.push(rssMb);
        process.stdout.write(
          `round ${round + 1} ${kind}: healthz 200 after ${readyMs.toFixed(0)} ms, RSS ${rssMb.toFixed(0)} MB\n`,
        );
      }
    }
    process.stdout.write(`\n| server | exec to /healthz 200, ms | RSS when ready, MB |\n|---|---|---|\n`);
    for (const kind of kinds)
      process.stdout.write(`| ${kind} | ${summary(results[kind].readyMs)} | ${summary(results[kind].rssMb)} |\n`);
    if (kinds.length === 2) {
      process.stdout.write(
        `\nours/Go: start-up time ${(median(results.ours.readyMs) / median(results.go.readyMs)).toFixed(2)}, RSS ${(median(results.ours.rssMb) / median(results.go.rssMb)).toFixed(2)} (medians of ${ROUNDS} rounds)\n`,
      );
    }
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

await main();
