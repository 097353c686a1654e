// Builds the ServerContext the handlers share from the caller's deps.
import { resolveHooks } from './default-hooks.ts';
import { DEFAULT_MAX_GUNZIP_BYTES, type HttpDeps, type ServerContext } from './deps.ts';
import { DEFAULT_GUNZIP_BUDGET_BYTES, GunzipBudget } from './gunzip-budget.ts';
import { RequestCounters } from './request-counters.ts';

export function createServerContext(deps: HttpDeps): ServerContext {
  if (!Number.isSafeInteger(deps.fileSizeLimitBytes) || deps.fileSizeLimitBytes < 0) {
    throw new Error(`fileSizeLimitBytes must be a non-negative integer, got ${deps.fileSizeLimitBytes}`);
  }
  return {
    deps,
    hooks: resolveHooks(deps.hooks),
    maxGunzipBytes: deps.maxGunzipBytes ?? DEFAULT_MAX_GUNZIP_BYTES,
    gunzipBudget: new GunzipBudget(deps.gunzipBudgetBytes ?? DEFAULT_GUNZIP_BUDGET_BYTES),
    serverHeader: `SeaweedFS Volume ${deps.serverVersion}`,
    counters: new RequestCounters(),
  };
}
