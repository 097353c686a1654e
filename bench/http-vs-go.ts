// Side by side: the same HTTP load against a Go `weed volume` and against ours, each alone with a
// real Go master on loopback. 1 KB and 1 MB writes and reads; requests per second and p99 latency;
// prints the ratio ours/Go. Bounded: a fixed request count per phase and a time cap.
// Run: npm run bench:http [-- requestsPerPhase]
import http from 'node:http';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  setCleanupWithTest,
  startGoVolumeServer,
  startMaster,
  startOurVolumeServer,
  weedBinary,
} from '../test/support/peers.ts';

const REQUESTS_PER_PHASE = Number(process.argv[2] ?? 2000);
const CONCURRENCY = 16;
const PHASE_TIME_CAP_MS = 60_000;
/** The harness master's 32 MB volume limit fills 8 slots within the 1 MB phase. */
const MAX_VOLUMES = 64;
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

interface PhaseResult {
  rps: number;
  p99Ms: number;
}

function request(method: string, url: string, body?: Buffer): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: body ? { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Fids from multi-count assigns (`fid`, `fid_1`, ... `fid_{n-1}`): the master reserves room per
 * assign call, so one call per batch keeps thousands of fids from exhausting its volume slots.
 */
async function assign(master: string, count: number): Promise<string[]> {
  const fids: string[] = [];
  let failures = 0;
  while (fids.length < count) {
    const batch = Math.min(100, count - fids.length);
    const res = await request('GET', `http://${master}/dir/assign?count=${batch}`);
    const json = JSON.parse(res.body.toString()) as { fid?: string; count?: number; error?: string };
    if (json.fid !== undefined) {
      const granted = json.count ?? 1;
      for (let i = 0; i < granted && fids.length < count; i++) fids.push(i === 0 ? json.fid : `${json.fid}_${i}`);
      continue;
    }
    // While the master grows new volumes it answers with an error; wait and retry (bounded).
    if (++failures > 100) throw new Error(`assign failed: ${res.body.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return fids;
}

async function phase(count: number, run: (i: number) => Promise<void>): Promise<PhaseResult> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const deadline = started + PHASE_TIME_CAP_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count && performance.now() < deadline) {
        const i = next++;
        const t = performance.now();
        await run(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / elapsedS, p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0 };
}

async function measure(label: string, volumeUrl: string, master: string): Promise<Map<string, PhaseResult>> {
  const results = new Map<string, PhaseResult>();
  for (const [sizeLabel, sizeBytes, count] of [
    ['1 KB', 1024, REQUESTS_PER_PHASE],
    ['1 MB', 1024 * 1024, Math.max(50, Math.floor(REQUESTS_PER_PHASE / 10))],
  ] as const) {
    const payload = Buffer.alloc(sizeBytes, 0x5a);
    const fids = await assign(master, count);
    results.set(
      `${sizeLabel} write`,
      await phase(count, async (i) => {
        const res = await request('POST', `${volumeUrl}/${fids[i]}`, payload);
        if (res.status !== 201) throw new Error(`${label} write ${res.status}: ${res.body.toString()}`);
      }),
    );
    results.set(
      `${sizeLabel} read`,
      await phase(count, async (i) => {
        const res = await request('GET', `${volumeUrl}/${fids[i % fids.length]}`);
        if (res.status !== 200 || res.body.length !== sizeBytes) throw new Error(`${label} read ${res.status}`);
      }),
    );
  }
  return results;
}

async function withCluster(
  name: string,
  start: (work: string, dataDir: string, master: string) => Promise<{ url: string; stop(): Promise<void> }>,
) {
  const work = await mkdtemp(path.join(os.tmpdir(), `needlework-bench-${name}-`));
  try {
    const dataDir = path.join(work, 'volume');
    await mkdir(dataDir);
    const master = await startMaster(work);
    const server = await start(work, dataDir, master.address);
    // Give the heartbeat a moment so the master can assign on this server.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const results = await measure(name, server.url, master.address);
    await server.stop();
    await master.peer.stop();
    return results;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

setCleanupWithTest(false);
if (weedBinary() === null) {
  console.log('bench:http needs the SeaweedFS weed binary (WEED_BINARY or scripts/obtain-weed.sh)');
  process.exit(0);
}
const go = await withCluster('go', async (work, dataDir, master) => {
  const server = await startGoVolumeServer(work, dataDir, master, MAX_VOLUMES);
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.peer.stop() };
});
const ours = await withCluster('needlework', async (work, dataDir, master) => {
  const server = await startOurVolumeServer(work, dataDir, master, undefined, [], MAX_VOLUMES);
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.peer.stop() };
});
console.log(
  `${'phase'.padEnd(12)} ${'Go rps'.padStart(9)} ${'ours rps'.padStart(9)} ${'ratio'.padStart(6)}   ${'Go p99'.padStart(9)} ${'ours p99'.padStart(9)}`,
);
for (const [key, goResult] of go) {
  const our = ours.get(key);
  if (our === undefined) continue;
  console.log(
    `${key.padEnd(12)} ${goResult.rps.toFixed(0).padStart(9)} ${our.rps.toFixed(0).padStart(9)} ${(our.rps / goResult.rps).toFixed(2).padStart(6)}   ${goResult.p99Ms.toFixed(1).padStart(7)}ms ${our.p99Ms.toFixed(1).padStart(7)}ms`,
  );
}
agent.destroy();
process.exit(0);
