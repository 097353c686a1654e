// Soak: `npm run soak -- --minutes M [--seed S] [--vacuum-minutes V] [--keep]`.
// A Go master and our server (bin/needlework, the built dist/) under a steady mixed load: writes,
// reads (checked byte for byte) and deletes; `weed shell` volume.vacuum every few minutes; an EC
// encode of one volume and its decode later (its needles read throughout); a VolumeTailSender
// follower on another volume. Prints the errors (must be 0) and, after warm-up, the slopes of the
// server's RSS (must stay under 1 MB/min) and event-loop delay, sampled from its -metricsPort.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { messagesOf, newPeerClient } from '../src/cluster/peer-client.ts';
import { freePort, runShell, setCleanupWithTest, startMaster, startOurVolumeServer } from '../test/support/peers.ts';
import { prng } from '../test/support/prng.ts';
import { weedBinary } from './peer-paths.ts';

const WRITERS = 4;
const READERS = 4;
/** Steady rates, well under capacity: the soak looks for drift, not throughput. */
const WRITES_PER_SECOND = 40;
const READS_PER_SECOND = 80;
const MIN_SIZE_BYTES = 512;
const MAX_SIZE_BYTES = 48 * 1024;
/** Live needles kept; beyond it the oldest are deleted (besides the random deletes). */
const MAX_LIVE = 2000;
const RANDOM_DELETE_SHARE = 0.2;
const SAMPLE_INTERVAL_MS = 5_000;
/**
 * Samples before this are warm-up: the larger of two minutes and a fifth of the run (at most
 * half). The first vacuum and the first EC encode and decode run inside it, so one-time costs
 * (the coding workers starting, the live set filling) are not read as a trend.
 */
const MIN_WARMUP_MS = 120_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** How long an EC-encoded volume is read as shards before it is decoded. */
const EC_HOLD_MS = 30_000;
const VOLUME_SIZE_LIMIT_MB = 64;
const MAX_VOLUMES = 40;
const MAX_ERRORS_KEPT = 50;
const RSS_SLOPE_LIMIT_MB_PER_MIN = 1;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    seed: { type: 'string' },
    'vacuum-minutes': { type: 'string', default: '2' },
    keep: { type: 'boolean', default: false },
  },
});
const minutes = Number(values.minutes);
const vacuumEveryMs = Number(values['vacuum-minutes']) * 60_000;
if (!(minutes > 0) || !(vacuumEveryMs > 0)) throw new Error('--minutes and --vacuum-minutes must be positive');
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
const random = prng(seed);
if (weedBinary() === null) throw new Error('no weed binary (set WEED_BINARY or run scripts/obtain-weed.sh)');
setCleanupWithTest(false);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

interface LiveNeedle {
  fid: string;
  volumeId: number;
  sizeBytes: number;
  sha256: string;
}

/** Live needles in insertion order, with O(1) random pick and removal. */
class LiveSet {
  private readonly list: LiveNeedle[] = [];
  private readonly index = new Map<string, number>();
  private oldest = 0;

  get size(): number {
    return this.index.size;
  }

  add(n: LiveNeedle): void {
    this.index.set(n.fid, this.list.length);
    this.list.push(n);
  }

  has(fid: string): boolean {
    return this.index.has(fid);
  }

  pick(): LiveNeedle | undefined {
    if (this.index.size === 0) return undefined;
    for (;;) {
      const n = this.list[this.oldest + Math.floor(random() * (this.list.length - this.oldest))];
      if (n !== undefined && this.index.has(n.fid)) return n;
    }
  }

  takeOldest(): LiveNeedle | undefined {
    while (this.oldest < this.list.length) {
      const n = this.list[this.oldest++]!;
      if (this.index.delete(n.fid)) return n;
    }
    return undefined;
  }

  take(n: LiveNeedle): boolean {
    return this.index.delete(n.fid);
  }

  /** Drops removed entries from the front so the list stays bounded. */
  compact(): void {
    if (this.oldest < MAX_LIVE) return;
    const kept = this.list.slice(this.oldest).filter((n) => this.index.has(n.fid));
    this.list.length = 0;
    this.index.clear();
    this.oldest = 0;
    for (const n of kept) this.add(n);
  }

  volumes(): Map<number, number> {
    const counts = new Map<number, number>();
    for (const fid of this.index.keys()) {
      const volumeId = Number(fid.slice(0, fid.indexOf(',')));
      counts.set(volumeId, (counts.get(volumeId) ?? 0) + 1);
    }
    return counts;
  }
}

const errors: string[] = [];
let errorCount = 0;
function error(message: string): void {
  errorCount++;
  if (errors.length < MAX_ERRORS_KEPT) errors.push(`${new Date().toISOString()} ${message}`);
}

const work = await mkdtemp(path.join(os.tmpdir(), 'needlework-soak-'));
const dataDir = path.join(work, 'data');
await mkdir(dataDir);
const master = await startMaster(work, undefined, VOLUME_SIZE_LIMIT_MB);
const metricsPort = await freePort();
const ours = await startOurVolumeServer(
  work,
  dataDir,
  master.address,
  undefined,
  ['--metricsPort', String(metricsPort)],
  MAX_VOLUMES,
);
const base = `http://127.0.0.1:${ours.port}`;
console.log(`soak: seed ${seed}, ${minutes} min, vacuum every ${vacuumEveryMs / 60_000} min, work dir ${work}`);

const runMs = minutes * 60_000;
const startedMs = Date.now();
const deadlineMs = startedMs + runMs;
const running = (): boolean => Date.now() < deadlineMs;
const warmupMs = Math.min(runMs / 2, Math.max(MIN_WARMUP_MS, runMs / 5));
const live = new LiveSet();
const counts = {
  writes: 0,
  writeRetries: 0,
  reads: 0,
  deletes: 0,
  deleteRetries: 0,
  vacuums: 0,
  ecEncoded: 0,
  ecDecoded: 0,
  tailNeedles: 0,
  tailWrites: 0,
};
/** Fids being deleted or deleted: a reader's 404 for one of these is expected. */
const gone = new Set<string>();

interface Assigned {
  fid?: string;
  url?: string;
}

async function writeOne(): Promise<LiveNeedle | undefined> {
  const assigned = (await (
    await fetch(`http://${master.address}/dir/assign`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
  ).json()) as Assigned;
  if (assigned.fid === undefined) {
    counts.writeRetries++;
    return undefined;
  }
  const data = randomBytes(MIN_SIZE_BYTES + Math.floor(random() * (MAX_SIZE_BYTES - MIN_SIZE_BYTES)));
  const response = await fetch(`${base}/${assigned.fid}`, {
    method: 'PUT',
    body: data,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  if (response.status === 409) {
    // A volume the master still assigns while it turns read-only (EC encode): a client retries.
    counts.writeRetries++;
    return undefined;
  }
  if (response.status !== 201) {
    error(`write ${assigned.fid}: ${response.status} ${text.slice(0, 200)}`);
    return undefined;
  }
  counts.writes++;
  const n = {
    fid: assigned.fid,
    volumeId: Number(assigned.fid.slice(0, assigned.fid.indexOf(','))),
    sizeBytes: data.length,
    sha256: sha256(data),
  };
  live.add(n);
  return n;
}

/** Runs `step` about `perSecond` times a second until the run ends. */
async function paced(perSecond: number, step: () => Promise<void>): Promise<void> {
  const intervalMs = 1000 / perSecond;
  let next = Date.now();
  while (running()) {
    try {
      await step();
    } catch (err) {
      error(`${(err as Error).message}`);
    }
    next += intervalMs;
    const waitMs = next - Date.now();
    if (waitMs > 0) await sleep(waitMs);
    else next = Date.now();
  }
}

async function readOne(): Promise<void> {
  const n = live.pick();
  if (n === undefined) return;
  const response = await fetch(`${base}/${n.fid}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const body = new Uint8Array(await response.arrayBuffer());
  counts.reads++;
  if (response.status === 404 && (gone.has(n.fid) || !live.has(n.fid))) return;
  if (response.status !== 200) error(`read ${n.fid}: ${response.status}`);
  else if (body.length !== n.sizeBytes || sha256(body) !== n.sha256)
    error(`read ${n.fid}: bytes differ (${body.length} of ${n.sizeBytes})`);
}

async function deleteOne(): Promise<void> {
  let n: LiveNeedle | undefined;
  if (live.size > MAX_LIVE) {
    n = live.takeOldest();
  } else if (random() < RANDOM_DELETE_SHARE) {
    n = live.pick();
    if (n !== undefined && !live.take(n)) n = undefined;
  }
  if (n === undefined) return;
  gone.add(n.fid);
  live.compact();
  const response = await fetch(`${base}/${n.fid}`, {
    method: 'DELETE',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  if (response.status === 500 && /read.only/.test(text)) {
    // The volume is turning into EC shards (upstream refuses the same way): the needle stays live
    // and a later delete goes through the shards.
    counts.deleteRetries++;
    gone.delete(n.fid);
    live.add(n);
    return;
  }
  counts.deletes++;
  if (response.status !== 202) error(`delete ${n.fid}: ${response.status} ${text.slice(0, 200)}`);
  const verify = await fetch(`${base}/${n.fid}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  await verify.arrayBuffer();
  if (verify.status !== 404) error(`read after delete ${n.fid}: ${verify.status}`);
  // Bounded: a fid is only looked up in `gone` while a read of it may still be in flight.
  if (gone.size > MAX_LIVE) gone.clear();
}

/** Lines of shell output that report a failure. */
function shellProblems(output: string): string[] {
  return output.split('\n').filter((line) => /error|fail|panic/i.test(line));
}

async function vacuumLoop(): Promise<void> {
  let waitMs = warmupMs / 4;
  while (running()) {
    await sleep(Math.min(waitMs, Math.max(0, deadlineMs - Date.now())));
    waitMs = vacuumEveryMs;
    if (!running()) return;
    const output = await runShell(master.address, 'lock\nvolume.vacuum -garbageThreshold=0.01\nunlock');
    counts.vacuums++;
    for (const line of shellProblems(output)) error(`volume.vacuum: ${line}`);
  }
}

async function ecOnce(tailVolumeId: number | undefined): Promise<void> {
  // The volume with the most live needles, other than the tailed one.
  const candidates = [...live.volumes().entries()].filter(([vid]) => vid !== tailVolumeId).sort((a, b) => b[1] - a[1]);
  const volumeId = candidates[0]?.[0];
  if (volumeId === undefined) return;
  const encoded = await runShell(master.address, `lock\nec.encode -volumeId ${volumeId} -force\nunlock`);
  for (const line of shellProblems(encoded)) error(`ec.encode ${volumeId}: ${line}`);
  counts.ecEncoded++;
  await sleep(Math.min(EC_HOLD_MS, Math.max(0, deadlineMs - Date.now() - 30_000)));
  const decoded = await runShell(master.address, `lock\nec.decode -volumeId ${volumeId}\nunlock`);
  for (const line of shellProblems(decoded)) error(`ec.decode ${volumeId}: ${line}`);
  counts.ecDecoded++;
}

async function ecLoop(tailVolumeId: number | undefined): Promise<void> {
  // A third into the warm-up, then every ten minutes while at least a minute remains.
  await sleep(warmupMs / 3);
  while (running() && deadlineMs - Date.now() > 60_000) {
    await ecOnce(tailVolumeId);
    await sleep(Math.min(10 * 60_000, Math.max(0, deadlineMs - Date.now())));
  }
}

/** Follows one volume's tail for the whole run; counts the needles it delivers. */
async function tailFollower(volumeId: number, stopped: AbortSignal): Promise<void> {
  const client = newPeerClient(`127.0.0.1:${ours.port}.${ours.grpcPort}`);
  const stream = client.VolumeTailSender({
    volume_id: volumeId,
    since_ns: 0,
    idle_timeout_seconds: Math.ceil(runMs / 1000) + 60,
  });
  stopped.addEventListener('abort', () => stream.cancel());
  try {
    for await (const message of messagesOf(stream)) if (message.is_last_chunk) counts.tailNeedles++;
  } catch (err) {
    if (!stopped.aborted) error(`tail of volume ${volumeId}: ${(err as Error).message}`);
  } finally {
    client.close();
  }
  if (!stopped.aborted) error(`tail of volume ${volumeId} ended early`);
}

interface Sample {
  atMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
  eventLoopP99Seconds: number;
}

function metric(text: string, name: string): number {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
  return match === null ? Number.NaN : Number(match[1]);
}

async function sampleLoop(samples: Sample[]): Promise<void> {
  while (running()) {
    try {
      const text = await (
        await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
      ).text();
      samples.push({
        atMs: Date.now() - startedMs,
        rssBytes: metric(text, 'process_resident_memory_bytes'),
        heapUsedBytes: metric(text, 'nodejs_heap_size_used_bytes'),
        externalBytes: metric(text, 'nodejs_external_memory_bytes'),
        eventLoopP99Seconds: metric(text, 'nodejs_eventloop_lag_p99_seconds'),
      });
    } catch (err) {
      error(`metrics: ${(err as Error).message}`);
    }
    await sleep(SAMPLE_INTERVAL_MS);
  }
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  return sxx === 0 ? Number.NaN : sxy / sxx;
}

// The tailed volume is the first write's; its later writes are what the follower must see.
let first: LiveNeedle | undefined;
while (first === undefined && running()) first = await writeOne().catch(() => undefined);
const tailVolumeId = first?.volumeId;
const stopTail = new AbortController();
const tail = tailVolumeId === undefined ? Promise.resolve() : tailFollower(tailVolumeId, stopTail.signal);
const samples: Sample[] = [];
const loops = [
  ...Array.from({ length: WRITERS }, () =>
    paced(WRITES_PER_SECOND / WRITERS, async () => {
      const n = await writeOne();
      if (n !== undefined && n.volumeId === tailVolumeId) counts.tailWrites++;
    }),
  ),
  ...Array.from({ length: READERS }, () => paced(READS_PER_SECOND / READERS, readOne)),
  paced(WRITES_PER_SECOND * 1.1, deleteOne),
  vacuumLoop(),
  ecLoop(tailVolumeId),
  sampleLoop(samples),
];
const progress = setInterval(() => {
  const last = samples[samples.length - 1];
  console.log(
    `  ${((Date.now() - startedMs) / 60_000).toFixed(1)} min: ${counts.writes} writes, ${counts.reads} reads, ${counts.deletes} deletes, ${live.size} live, ` +
      `${counts.vacuums} vacuums, ${errorCount} errors, RSS ${last === undefined ? '?' : (last.rssBytes / 2 ** 20).toFixed(1)} MB`,
  );
}, 60_000);
await Promise.all(loops);
clearInterval(progress);
// Let the follower catch up with the last writes before it is stopped.
await sleep(3_000);
stopTail.abort();
await tail;

const steady = samples.filter((s) => s.atMs >= warmupMs && Number.isFinite(s.rssBytes));
const slopeOf = (value: (s: Sample) => number): number =>
  slope(steady.filter((s) => Number.isFinite(value(s))).map((s) => [s.atMs / 60_000, value(s)]));
const rssSlope = slopeOf((s) => s.rssBytes / 2 ** 20);
const heapSlope = slopeOf((s) => s.heapUsedBytes / 2 ** 20);
const externalSlope = slopeOf((s) => s.externalBytes / 2 ** 20);
const eldSlope = slope(
  steady
    .filter((s) => Number.isFinite(s.eventLoopP99Seconds))
    .map((s) => [s.atMs / 60_000, s.eventLoopP99Seconds * 1000]),
);
if (counts.tailNeedles < counts.tailWrites)
  error(
    `tail follower saw ${counts.tailNeedles} needles of volume ${tailVolumeId}, fewer than the ${counts.tailWrites} written to it`,
  );
if (!(rssSlope < RSS_SLOPE_LIMIT_MB_PER_MIN))
  error(`RSS slope ${rssSlope.toFixed(3)} MB/min is not under ${RSS_SLOPE_LIMIT_MB_PER_MIN} MB/min`);

await ours.peer.stop();
await master.peer.stop();
const mb = (bytes: number | undefined): string => (bytes === undefined ? '?' : (bytes / 2 ** 20).toFixed(1));
console.log(
  `soak totals: ${minutes} min, ${counts.writes} writes (${counts.writeRetries} retried), ${counts.reads} reads, ${counts.deletes} deletes (${counts.deleteRetries} retried), ${counts.vacuums} vacuums, EC ${counts.ecEncoded} encoded / ${counts.ecDecoded} decoded`,
);
console.log(
  `  tail follower: volume ${tailVolumeId}, ${counts.tailNeedles} needles seen for ${counts.tailWrites} writes after its first`,
);
console.log(
  `  RSS after warm-up (${(warmupMs / 60_000).toFixed(1)} min): ${mb(steady[0]?.rssBytes)} -> ${mb(steady[steady.length - 1]?.rssBytes)} MB, slope ${rssSlope.toFixed(3)} MB/min (${steady.length} samples)`,
);
console.log(
  `  heap used ${mb(steady[0]?.heapUsedBytes)} -> ${mb(steady[steady.length - 1]?.heapUsedBytes)} MB (slope ${heapSlope.toFixed(3)} MB/min), external ${mb(steady[0]?.externalBytes)} -> ${mb(steady[steady.length - 1]?.externalBytes)} MB (slope ${externalSlope.toFixed(3)} MB/min)`,
);
console.log(
  `  event-loop delay p99 after warm-up: ${((steady[0]?.eventLoopP99Seconds ?? NaN) * 1000).toFixed(1)} -> ${((steady[steady.length - 1]?.eventLoopP99Seconds ?? NaN) * 1000).toFixed(1)} ms, slope ${eldSlope.toFixed(3)} ms/min`,
);
console.log(`  errors: ${errorCount}`);
for (const line of errors) console.log(`    ${line}`);
if (!values.keep) await rm(work, { recursive: true, force: true });
process.exitCode = errorCount === 0 ? 0 : 1;
