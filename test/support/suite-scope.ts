// Cleanups for suites that set up in before(): an after() registered inside a hook runs as soon
// as that hook ends, so setup defers its cleanups here instead and the suite runs them, newest
// first, once all its tests are done. Call suiteScope() in the describe body.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

export interface SuiteScope {
  defer(cleanup: () => unknown): void;
  tempDir(prefix: string): Promise<string>;
}

/** A scope whose cleanups run, newest first, when close() is called (also outside node:test). */
export function closableScope(): SuiteScope & { close(): Promise<void> } {
  const cleanups: Array<() => unknown> = [];
  return {
    defer: (cleanup) => {
      cleanups.push(cleanup);
    },
    async tempDir(prefix) {
      const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      return dir;
    },
    async close() {
      for (const cleanup of cleanups.reverse()) await cleanup();
    },
  };
}

export function suiteScope(): SuiteScope {
  const scope = closableScope();
  after(() => scope.close());
  return scope;
}
