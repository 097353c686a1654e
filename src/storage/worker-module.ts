// Where a worker thread's task module is, and what the worker needs to load it. The code runs as
// TypeScript from the source tree (tests, scripts), beside its task modules, or from the server's
// bundle (bin/needlework), whose build (scripts/build.ts) puts each task module under dist/ at
// its source path, found from the package's root.

/** Whether the module at `moduleUrl` runs from the TypeScript sources. */
export function runsAsSource(moduleUrl: string): boolean {
  return moduleUrl.endsWith('.ts');
}

/**
 * The task module `sourcePath` (relative to src/, e.g. 'storage/index-load-task.ts') as the
 * calling module at `moduleUrl` would load it.
 */
export function taskModuleUrl(moduleUrl: string, sourcePath: string): URL {
  const root = new URL('.', import.meta.resolve('needlework/package.json'));
  if (runsAsSource(moduleUrl)) return new URL(`src/${sourcePath}`, root);
  return new URL(`dist/${sourcePath.replace(/\.ts$/, '.js')}`, root);
}

/**
 * Workers running the TypeScript sources need the loader the parent runs with (`--import tsx`, as
 * the test runner uses); they inherit process.execArgv, and we add the loader if it is missing.
 * Workers of the bundle need nothing.
 */
export function workerExecArgv(moduleUrl: string): string[] | undefined {
  if (!runsAsSource(moduleUrl)) return undefined;
  if (process.execArgv.some((arg) => arg.includes('tsx'))) return undefined; // inherited as is
  return [...process.execArgv, '--import', import.meta.resolve('tsx')];
}
