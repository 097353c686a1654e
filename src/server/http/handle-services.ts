// GET /status/services on the admin port (white-listed: the settings name files and folders):
// every background service's snapshot and the reconcile plan worked out from it, as JSON.
// Collecting them only reads.
import type { Context } from 'hono';
import { planReconcile } from '../../status/reconcile-plan.ts';
import type { ServerContext } from './deps.ts';
import type { AppEnv } from './request-info.ts';
import { jsonResponse } from './responses.ts';

export function handleServices(c: Context<AppEnv>, server: ServerContext): Response {
  const services = server.deps.services?.snapshots() ?? [];
  return jsonResponse(200, { services, plans: services.map(planReconcile) }, c.get('info').pretty);
}
