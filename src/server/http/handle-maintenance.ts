// Maintenance agents over HTTP on the admin port (white-listed, like writes): start an index
// rebuild or a verify of one volume, and read their progress and final figures.
//   POST /maintenance/rebuild-index?volumeId=N[&full=true]   202 with the run
//   POST /maintenance/verify?volumeId=N                       202 with the run
//   GET  /maintenance/runs                                    the kept runs, oldest first
//   GET  /maintenance/runs/:id                                one run
// Upstream has no such routes; these paths are not fids, so nothing of its API is shadowed.
import type { Context } from 'hono';
import { isStorageError } from '../../storage/errors.ts';
import { MAINTENANCE_AGENTS, type MaintenanceAgent } from '../../store/maintenance-runs.ts';
import { StoreError } from '../../store/store-error.ts';
import type { ServerContext } from './deps.ts';
import type { AppEnv } from './request-info.ts';
import { jsonError, jsonResponse } from './responses.ts';

function isAgent(name: string): name is MaintenanceAgent {
  return (MAINTENANCE_AGENTS as readonly string[]).includes(name);
}

export async function handleMaintenanceStart(c: Context<AppEnv>, server: ServerContext, agentName: string): Promise<Response> {
  const { query, pretty } = c.get('info');
  if (!isAgent(agentName)) return jsonError(404, `no maintenance agent ${agentName}; there are ${MAINTENANCE_AGENTS.join(', ')}`, pretty);
  const volumeText = query.get('volumeId');
  if (!/^\d{1,10}$/.test(volumeText) || Number(volumeText) > 0xffff_ffff) return jsonError(400, `volumeId ${JSON.stringify(volumeText)} is not a volume id`, pretty);
  const full = query.get('full');
  if (full !== '' && full !== 'true' && full !== 'false') return jsonError(400, `full=${full} is neither true nor false`, pretty);
  try {
    const run = await server.deps.store.maintenance.start(agentName, Number(volumeText), { full: full === 'true' });
    return jsonResponse(202, run, pretty);
  } catch (err) {
    if (err instanceof StoreError && err.code === 'not_found') return jsonError(404, err.message, pretty);
    if (isStorageError(err, 'lease_held')) return jsonError(409, err.message, pretty);
    throw err;
  }
}

export function handleMaintenanceRuns(c: Context<AppEnv>, server: ServerContext): Response {
  return jsonResponse(200, { runs: server.deps.store.maintenance.list() }, c.get('info').pretty);
}

export function handleMaintenanceRun(c: Context<AppEnv>, server: ServerContext, idText: string): Response {
  const { pretty } = c.get('info');
  const run = /^\d{1,9}$/.test(idText) ? server.deps.store.maintenance.get(Number(idText)) : undefined;
  return run === undefined ? jsonError(404, `no maintenance run ${idText}`, pretty) : jsonResponse(200, run, pretty);
}
