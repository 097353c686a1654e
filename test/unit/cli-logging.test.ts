// The server process honours glog's flags end to end: its startup lines land in -logdir (and on
// stderr, weed's -alsologtostderr default), -logtostderr keeps them off disk, and a -logdir that
// cannot hold files is reported on stderr while the server comes up all the same.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { freePort } from '../interop/peers.ts';
import { tempDir } from './helpers.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src', 'cli', 'main.ts');

interface Running {
  child: ChildProcess;
  stderr: () => string;
  /** Resolves when stderr has a line matching `pattern` (rejects if the process exits first). */
  stderrLine(pattern: RegExp): Promise<void>;
  /** SIGTERM; resolves once the process is gone (it may not have installed its handler yet). */
  stop(): Promise<void>;
}

async function startServer(logFlags: string[]): Promise<Running> {
  const dir = await tempDir('needlework-cli-log-vol-');
  const port = await freePort();
  const grpcPort = await freePort();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      MAIN,
      ...logFlags,
      'volume',
      `-dir=${dir}`,
      '-master=',
      '-ip=127.0.0.1',
      `-port=${port}`,
      `-port.grpc=${grpcPort}`,
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve: () => void; reject: (err: Error) => void }> = [];
  const settle = (): void => {
    for (const waiter of [...waiters]) {
      if (!waiter.pattern.test(stderr)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    settle();
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  void exited.then(() => {
    for (const waiter of waiters.splice(0)) waiter.reject(new Error(`server exited; stderr:\n${stderr}`));
  });
  return {
    child,
    stderr: () => stderr,
    stderrLine: (pattern) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ pattern, resolve, reject });
        settle();
      }),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

const readInfoLog = (dir: string): string => readFileSync(path.join(dir, 'needlework.INFO'), 'utf8');

describe('needlework and the logging flags', () => {
  it('-logdir: the startup lines are in needlework.INFO there, and on stderr too', async () => {
    const logDir = await tempDir('needlework-cli-log-');
    const server = await startServer([`-logdir=${logDir}`]);
    try {
      await server.stderrLine(/\] HTTP listening on 127\.0\.0\.1:\d+/);
    } finally {
      await server.stop();
    }
    const names = readdirSync(logDir);
    assert.ok(
      names.some((name) => /^needlework\.[^.]+\.[^.]+\.log\.INFO\.\d{8}-\d{6}\.\d+$/.test(name)),
      names.join(', '),
    );
    assert.match(server.stderr(), /(^|\n)I\d{4} [\d:.]+ needlework\] loaded 0 volumes/);
    // Each line goes to stderr, then to the files: the one before the last seen is in the file for sure.
    assert.match(readInfoLog(logDir), /\nI\d{4} [\d:.]+ needlework\] gRPC listening on 127\.0\.0\.1:\d+\n/);
  });

  it('-logtostderr: the lines are on stderr and no file is written', async () => {
    const logDir = await tempDir('needlework-cli-log-');
    const server = await startServer(['-logtostderr', `-logdir=${logDir}`]);
    try {
      await server.stderrLine(/\] HTTP listening on/);
    } finally {
      await server.stop();
    }
    assert.deepEqual(readdirSync(logDir), []);
  });

  it('a -logdir that does not exist: glog error on stderr, and the server runs', async () => {
    const parent = await tempDir('needlework-cli-log-');
    const missing = path.join(parent, 'missing');
    const server = await startServer([`-logdir=${missing}`]);
    try {
      await server.stderrLine(
        /glog: exiting because of error: log: cannot create log: open .*missing\/needlework\..*: no such file or directory\n/,
      );
      await server.stderrLine(/\] HTTP listening on/);
    } finally {
      await server.stop();
    }
    assert.equal(existsSync(missing), false);
  });
});
