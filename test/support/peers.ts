// Real SeaweedFS peers for interop tests: the weed binary, free ports, processes on loopback.
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { after } from 'node:test';
import { weedBinary } from '../../scripts/peer-paths.ts';

const READY_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 200;

export { weedBinary };

export function skipReason(): string | false {
  if (weedBinary() !== null) return false;
  const reason = 'no SeaweedFS weed binary (set WEED_BINARY or run scripts/obtain-weed.sh)';
  // CI builds the peers first; a missing binary there is a broken build, not a reason to skip.
  if (process.env.NEEDLEWORK_REQUIRE_PARITY === '1') throw new Error(reason);
  return reason;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A master HTTP port whose +10000 gRPC port is also free (SeaweedFS's convention). */
export async function freeMasterPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * 12_000);
    if ((await isFree(port)) && (await isFree(port + 10_000))) return port;
  }
  throw new Error('no free master port pair');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface Peer {
  process: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

/** Outside node:test (benchmarks) pass `cleanupWithTest: false` and stop the peer yourself. */
export let cleanupWithTest = true;
export function setCleanupWithTest(value: boolean): void {
  cleanupWithTest = value;
}

export function startProcess(
  command: string,
  args: string[],
  logFile: string,
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Peer {
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', fd, fd] });
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const peer: Peer = {
    process: child,
    logFile,
    async stop() {
      if (exited) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
  if (cleanupWithTest) after(() => peer.stop());
  return peer;
}

export async function waitForHttp(url: string, accept: (status: number) => boolean = (s) => s < 500): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (accept(response.status)) return;
      lastError = `status ${response.status}`;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new Error(`${url} not ready after ${READY_TIMEOUT_MS} ms: ${lastError}`);
}

/** The harness's volume size limit: small, so tests fill and grow volumes quickly. */
const DEFAULT_VOLUME_SIZE_LIMIT_MB = 32;

export async function startMaster(
  workDir: string,
  configDir?: string,
  volumeSizeLimitMB = DEFAULT_VOLUME_SIZE_LIMIT_MB,
): Promise<{ peer: Peer; port: number; address: string }> {
  const weed = weedBinary();
  if (weed === null) throw new Error('no weed binary');
  const port = await freeMasterPort();
  const peer = startProcess(
    weed,
    [
      ...(configDir !== undefined ? [`-config_dir=${configDir}`] : []),
      'master',
      '-ip=127.0.0.1',
      '-ip.bind=127.0.0.1',
      `-port=${port}`,
      `-mdir=${path.join(workDir, 'master')}`,
      '-peers=none',
      `-volumeSizeLimitMB=${volumeSizeLimitMB}`,
      '-defaultReplication=000',
    ],
    path.join(workDir, 'master.log'),
    workDir,
  );
  await waitForHttp(`http://127.0.0.1:${port}/dir/status`);
  return { peer, port, address: `127.0.0.1:${port}` };
}

function requiredWeed(): string {
  const weed = weedBinary();
  if (weed === null) throw new Error('no weed binary');
  return weed;
}

async function freeWeedPorts(): Promise<{ port: number; grpcPort: number }> {
  return { port: await freePort(), grpcPort: await freePort() };
}

export async function startGoVolumeServer(
  workDir: string,
  dataDir: string,
  master: string,
  maxVolumes = 8,
  /** Extra environment for the Go process only (a benchmark's GOMAXPROCS, say). */
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<{ peer: Peer; port: number; grpcPort: number }> {
  const { port, grpcPort } = await freeWeedPorts();
  const peer = startProcess(
    requiredWeed(),
    [
      'volume',
      '-ip=127.0.0.1',
      '-ip.bind=127.0.0.1',
      `-port=${port}`,
      `-port.grpc=${grpcPort}`,
      `-dir=${dataDir}`,
      `-max=${maxVolumes}`,
      `-master=${master}`,
      '-preStopSeconds=0',
      // 4.53 refuses loopback peers (VolumeCopy, EC shard copy) unless told this cluster is trusted.
      '-volume.allowUntrustedRemoteEndpoints',
    ],
    path.join(workDir, `go-volume-${port}.log`),
    workDir,
    { ...process.env, ...extraEnv },
  );
  await waitForHttp(`http://127.0.0.1:${port}/status`);
  return { peer, port, grpcPort };
}

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

/** The V8 flags bin/needlework starts node with (bin/node-flags.txt without its comment lines). */
export async function serverNodeFlags(): Promise<string[]> {
  const text = await readFile(path.join(ROOT, 'bin', 'node-flags.txt'), 'utf8');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Starts our server (bin/needlework) with the argv the upstream harness uses. */
export async function startOurVolumeServer(
  workDir: string,
  dataDir: string,
  master: string,
  ports?: { port: number; grpcPort: number },
  extraArgs: string[] = [],
  maxVolumes = 16,
): Promise<{ peer: Peer; port: number; grpcPort: number }> {
  const port = ports?.port ?? (await freePort());
  const grpcPort = ports?.grpcPort ?? (await freePort());
  const peer = startProcess(
    path.join(ROOT, 'bin', 'needlework'),
    [
      '--port',
      String(port),
      '--port.grpc',
      String(grpcPort),
      '--port.public',
      String(port),
      '--ip',
      '127.0.0.1',
      '--ip.bind',
      '127.0.0.1',
      '--dir',
      dataDir,
      '--max',
      String(maxVolumes),
      '--master',
      master,
      '--preStopSeconds',
      '0',
      '--volume.allowUntrustedRemoteEndpoints',
      ...extraArgs,
    ],
    path.join(workDir, `needlework-${port}.log`),
    workDir,
  );
  await waitForHttp(`http://127.0.0.1:${port}/healthz`);
  return { peer, port, grpcPort };
}

/** Runs commands in `weed shell` against a master; returns everything it printed. */
const SHELL_TIMEOUT_MS = 60_000;

/** A filer on the master, with its own leveldb store under `workDir`. */
export async function startFiler(
  workDir: string,
  master: string,
): Promise<{ peer: Peer; port: number; address: string; shellAddress: string }> {
  const { port, grpcPort } = await freeWeedPorts();
  const peer = startProcess(
    requiredWeed(),
    [
      'filer',
      '-ip=127.0.0.1',
      '-ip.bind=127.0.0.1',
      `-port=${port}`,
      `-port.grpc=${grpcPort}`,
      `-master=${master}`,
      `-defaultStoreDir=${path.join(workDir, 'filer')}`,
    ],
    path.join(workDir, `filer-${port}.log`),
    workDir,
  );
  await waitForHttp(`http://127.0.0.1:${port}/`);
  // `host:port.grpcPort`: how weed names a server whose gRPC port is not port+10000.
  return { peer, port, address: `127.0.0.1:${port}`, shellAddress: `127.0.0.1:${port}.${grpcPort}` };
}

export function runShell(master: string, commands: string, extraArgs: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(weedBinary()!, ['shell', `-master=${master}`, ...extraArgs], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), SHELL_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(output);
    });
    child.stdin.end(`${commands}\nexit\n`);
  });
}

/** `count` fids on one volume from a multi-count assign, retrying while the master grows volumes. */
export async function assignFids(master: string, count: number): Promise<string[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const assigned = (await (await fetch(`http://${master}/dir/assign?count=${count}`)).json()) as { fid?: string };
    if (assigned.fid !== undefined)
      return Array.from({ length: count }, (_, i) => (i === 0 ? assigned.fid! : `${assigned.fid}_${i}`));
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`master ${master} assigned no fids`);
}
