// Maintenance agents over HTTP on the admin port (white-listed, like writes): start an index
// rebuild or a verify of one volume, and read their progress and final figures.
//   POST /maintenance/rebuild-index?volumeId=N[&full=true]   202 with the run
//   POST /maintenance/verify?volumeId=N                       202 with the run
//   GET  /maintenance/runs                                    the kept runs, oldest first
//   GET  /maintenance/runs/:id                                one run
// Upstream has no such routes; these paths are not fids, so nothing of its API is shadowed.
import type { Context } from 'hono';
import { httpStatusOfError } from './error-status.ts';
import { MAINTENANCE_AGENTS, type MaintenanceAgent } from '../../store/maintenance-runs.ts';
import type { ServerContext } from './deps.ts';
import type { AppEnv } from './request-info.ts';
import { jsonError, jsonResponse } from './responses.ts';

function isAgent(name: string): name is MaintenanceAgent {
  return (MAINTENANCE_AGENTS as readonly string[]).includes(name);
}

export async function handleMaintenanceStart(
  c: Context<AppEnv>,
  server: ServerContext,
  agentName: string,
): Promise<Response> {
  const { query, pretty } = c.get('info');
  if (!isAgent(agentName))
    return jsonError(404, `no maintenance agent ${agentName}; there are ${MAINTENANCE_AGENTS.join(', ')}`, pretty);
  const volumeText = query.get('volumeId');
  if (!/^\d{1,10}$/.test(volumeText) || Number(volumeText) > 0xffff_ffff)
    return jsonError(400, `volumeId ${JSON.stringify(volumeText)} is not a volume id`, pretty);
  const full = query.get('full');
  if (full !== '' && full !== 'true' && full !== 'false')
    return jsonError(400, `full=${full} is neither true nor false`, pretty);
  try {
    const run = await server.deps.store.maintenance.start(agentName, Number(volumeText), { full: full === 'true' });
    return jsonResponse(202, run, pretty);
  } catch (err) {
    // A refusal (no such volume here, a held lease) is answered; a failure goes to the app's 500.
    const status = httpStatusOfError(err);
    if (status === 500) throw err;
    return jsonError(status, (err as Error).message, pretty);
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
