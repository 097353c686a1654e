// Kill -9 torture: `npm run torture -- --cycles N [--seed S] [--keep]`.
// Each cycle starts a Go master and two of our servers (bin/needlework, the built dist/) on free
// ports, writes from 16 clients at 1 KB-1 MB (half with replication 001, so across both servers),
// kills one server with SIGKILL at a random moment, restarts it on the same folder and ports, and
// reads back every write acknowledged so far, in any cycle, from every server that must hold it
// (both for 001). Prints the totals: cycles, acknowledged writes, lost writes (must be 0) and
// volumes left read-only. Exits 1 when a write was lost.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Peer, freePort, setCleanupWithTest, startMaster, startOurVolumeServer } from '../test/support/peers.ts';
import { prng } from '../test/support/prng.ts';
import { weedBinary } from './peer-paths.ts';

const WRITERS = 16;
const MIN_SIZE_BYTES = 1024;
const MAX_SIZE_BYTES = 1024 * 1024;
/** The kill lands this long after the storm starts, at random within the range. */
const KILL_AFTER_MIN_MS = 400;
const KILL_AFTER_MAX_MS = 4_000;
/** Writers go on this long after the kill (their requests to the dead server fail, unacknowledged). */
const WRITE_AFTER_KILL_MS = 500;
const REQUEST_TIMEOUT_MS = 30_000;
const CLUSTER_READY_TIMEOUT_MS = 60_000;
/** Acknowledged writes kept to verify (a cycle adds a few hundred). */
const MAX_ACKED = 200_000;
const VERIFY_CONCURRENCY = 8;
const MAX_VOLUMES_PER_SERVER = 200;

interface Acked {
  fid: string;
  sizeBytes: number;
  sha256: string;
  /** Ports of every server that must hold it. */
  holders: number[];
  cycle: number;
}

interface Server {
  name: string;
  dir: string;
  port: number;
  grpcPort: number;
  peer: Peer | undefined;
}

const { values } = parseArgs({
  options: {
    cycles: { type: 'string', default: '5' },
    seed: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const cycles = Number(values.cycles);
if (!Number.isInteger(cycles) || cycles <= 0)
  throw new Error(`--cycles must be a positive integer, not ${values.cycles}`);
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
const random = prng(seed);
if (weedBinary() === null) throw new Error('no weed binary (set WEED_BINARY or run scripts/obtain-weed.sh)');
setCleanupWithTest(false);

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  return (await response.json()) as T;
}

interface TopologyStatus {
  Topology?: { DataCenters?: Array<{ Racks?: Array<{ DataNodes?: Array<{ Url?: string }> | null }> | null }> | null };
}

/** Waits until the master lists both servers (their heartbeats arrived). */
async function waitForNodes(master: string, count: number): Promise<void> {
  const deadline = Date.now() + CLUSTER_READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      const status = await fetchJson<TopologyStatus>(`http://${master}/dir/status`);
      const nodes = (status.Topology?.DataCenters ?? []).flatMap((dc) =>
        (dc.Racks ?? []).flatMap((rack) => rack.DataNodes ?? []),
      );
      if (nodes.length >= count) return;
    } catch {
      // the master is still starting
    }
    await sleep(200);
  }
  throw new Error(`master ${master} did not list ${count} volume servers within ${CLUSTER_READY_TIMEOUT_MS} ms`);
}

/** Waits until the master assigns with this replication (it grows volumes on first demand). */
async function waitForAssign(master: string, replication: string): Promise<void> {
  const deadline = Date.now() + CLUSTER_READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      if ((await fetchJson<Assigned>(`http://${master}/dir/assign?replication=${replication}`)).fid !== undefined)
        return;
    } catch {
      // not yet
    }
    await sleep(200);
  }
  throw new Error(
    `master ${master} assigned nothing with replication ${replication} within ${CLUSTER_READY_TIMEOUT_MS} ms`,
  );
}

async function startServer(work: string, master: string, server: Server): Promise<void> {
  const started = await startOurVolumeServer(
    work,
    server.dir,
    master,
    { port: server.port, grpcPort: server.grpcPort },
    [],
    MAX_VOLUMES_PER_SERVER,
  );
  server.peer = started.peer;
}

interface Assigned {
  fid?: string;
  url?: string;
  error?: string;
}

/** One writer: assign, upload, record what was acknowledged, until `stopped()`. */
async function writer(
  master: string,
  servers: Server[],
  cycle: number,
  stopped: () => boolean,
  acked: Acked[],
  counts: { attempted: number; failed: number },
): Promise<void> {
  while (!stopped()) {
    const replicated = random() < 0.5;
    let assigned: Assigned;
    try {
      assigned = await fetchJson<Assigned>(`http://${master}/dir/assign?replication=${replicated ? '001' : '000'}`);
    } catch {
      await sleep(50);
      continue;
    }
    if (assigned.fid === undefined || assigned.url === undefined) {
      await sleep(100);
      continue;
    }
    const sizeBytes = MIN_SIZE_BYTES + Math.floor(random() * (MAX_SIZE_BYTES - MIN_SIZE_BYTES + 1));
    const data = randomBytes(sizeBytes);
    counts.attempted++;
    try {
      const response = await fetch(`http://${assigned.url}/${assigned.fid}`, {
        method: 'PUT',
        body: data,
        headers: { 'content-type': 'application/octet-stream' },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      if (response.status !== 201) {
        counts.failed++;
        continue;
      }
    } catch {
      counts.failed++;
      continue;
    }
    const primary = Number(assigned.url.slice(assigned.url.lastIndexOf(':') + 1));
    const holders = replicated ? servers.map((s) => s.port) : [primary];
    if (acked.length < MAX_ACKED) acked.push({ fid: assigned.fid, sizeBytes, sha256: sha256(data), holders, cycle });
  }
}

/** Reads every acknowledged write from each server that must hold it; returns the lost ones. */
async function verify(acked: Acked[]): Promise<string[]> {
  const lost: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < acked.length) {
      const a = acked[next++]!;
      for (const port of a.holders) {
        let problem: string | undefined;
        try {
          // proxied=true: each server answers from its own copy.
          const response = await fetch(`http://127.0.0.1:${port}/${a.fid}?proxied=true`, {
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          });
          const body = new Uint8Array(await response.arrayBuffer());
          if (response.status !== 200) problem = `status ${response.status}`;
          else if (body.length !== a.sizeBytes || sha256(body) !== a.sha256)
            problem = `bytes differ (${body.length} of ${a.sizeBytes})`;
        } catch (err) {
          problem = (err as Error).message;
        }
        if (problem !== undefined) lost.push(`${a.fid} (cycle ${a.cycle}) on :${port}: ${problem}`);
      }
    }
  };
  await Promise.all(Array.from({ length: VERIFY_CONCURRENCY }, worker));
  return lost;
}

interface StatusVolumes {
  Volumes?: Array<{ Id: number; ReadOnly: boolean }> | null;
}

async function readOnlyVolumes(servers: Server[]): Promise<string[]> {
  const found: string[] = [];
  for (const s of servers) {
    const status = await fetchJson<StatusVolumes>(`http://127.0.0.1:${s.port}/status`);
    for (const v of status.Volumes ?? []) if (v.ReadOnly) found.push(`${s.name}:${v.Id}`);
  }
  return found;
}

const work = await mkdtemp(path.join(os.tmpdir(), 'needlework-torture-'));
const servers: Server[] = [];
for (const name of ['a', 'b']) {
  const dir = path.join(work, name);
  await mkdir(dir);
  servers.push({ name, dir, port: await freePort(), grpcPort: await freePort(), peer: undefined });
}
console.log(
  `torture: seed ${seed}, ${cycles} cycles, ${WRITERS} writers, ${MIN_SIZE_BYTES}-${MAX_SIZE_BYTES} bytes, work dir ${work}`,
);

const acked: Acked[] = [];
/** Lost writes by fid and server, counted once however many cycles find them lost. */
const lostEver = new Set<string>();
let readOnlyAtEnd: string[] = [];
let failedWrites = 0;
let attemptedWrites = 0;
for (let cycle = 1; cycle <= cycles; cycle++) {
  const master = await startMaster(work);
  try {
    for (const s of servers) await startServer(work, master.address, s);
    await waitForNodes(master.address, servers.length);
    // Volumes exist before the storm, so the kill lands among writes rather than volume growth.
    await waitForAssign(master.address, '000');
    await waitForAssign(master.address, '001');

    const before = acked.length;
    const counts = { attempted: 0, failed: 0 };
    let stop = false;
    const writers = Array.from({ length: WRITERS }, () =>
      writer(master.address, servers, cycle, () => stop, acked, counts),
    );
    const victim = servers[Math.floor(random() * servers.length)]!;
    const killAfterMs = KILL_AFTER_MIN_MS + Math.floor(random() * (KILL_AFTER_MAX_MS - KILL_AFTER_MIN_MS));
    await sleep(killAfterMs);
    victim.peer?.process.kill('SIGKILL');
    await sleep(WRITE_AFTER_KILL_MS);
    stop = true;
    await Promise.all(writers);
    await victim.peer?.stop();

    await startServer(work, master.address, victim);
    await waitForNodes(master.address, servers.length);
    const lost = await verify(acked);
    for (const line of lost) lostEver.add(line.slice(0, line.indexOf(': ')));
    readOnlyAtEnd = await readOnlyVolumes(servers);
    attemptedWrites += counts.attempted;
    failedWrites += counts.failed;
    console.log(
      `cycle ${cycle}: killed ${victim.name} after ${killAfterMs} ms; ${acked.length - before} writes acknowledged (${counts.failed} of ${counts.attempted} failed or cut), ` +
        `${acked.length} verified on every holder, ${lost.length} lost, ${readOnlyAtEnd.length} volumes read-only`,
    );
    for (const line of lost.slice(0, 20)) console.log(`  lost: ${line}`);
  } finally {
    for (const s of servers) await s.peer?.stop();
    await master.peer.stop();
  }
}

console.log(
  `torture totals: cycles ${cycles}, acknowledged writes ${acked.length}, lost writes ${lostEver.size}, volumes left read-only ${readOnlyAtEnd.length}${readOnlyAtEnd.length > 0 ? ` (${readOnlyAtEnd.join(', ')})` : ''}, writes attempted ${attemptedWrites} (${failedWrites} unacknowledged)`,
);
if (!values.keep) await rm(work, { recursive: true, force: true });
process.exitCode = lostEver.size === 0 ? 0 : 1;
