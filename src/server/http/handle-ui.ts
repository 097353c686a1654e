// GET /ui/index.html: a small HTML status page (volumes and disks). Registered only when JWT
// signing is off or security.toml sets [access] ui = true, as upstream does.
import type { Context } from 'hono';
import { planReconcile } from '../../status/reconcile-plan.ts';
import type { ServiceSnapshot } from '../../status/service-status.ts';
import type { ServerContext } from './deps.ts';
import type { AppEnv } from './request-info.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

function htmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

function serviceRow(s: ServiceSnapshot): string {
  const p = s.status.progress;
  const progress =
    p === null
      ? ''
      : `<progress value="${p.doneBytes}" max="${Math.max(1, p.totalBytes)}"></progress> ${p.totalBytes > 0 ? Math.floor((100 * p.doneBytes) / p.totalBytes) : 0}%${p.etaMs !== null ? `, ETA ${Math.ceil(p.etaMs / 1000)}s` : ''}`;
  const error =
    s.status.lastError === null
      ? ''
      : `${s.status.lastError.message} (${new Date(s.status.lastError.atMs).toISOString()})`;
  const success = s.status.lastSuccessAtMs === null ? '' : new Date(s.status.lastSuccessAtMs).toISOString();
  const plan = planReconcile(s);
  const cells = [s.name, s.desired.enabled ? 'on' : 'off', s.current, success, error, s.status.detail];
  return `<tr data-service="${htmlEscape(s.name)}">${cells.map((c) => `<td>${htmlEscape(c)}</td>`).join('')}<td class="progress">${progress}</td><td>${htmlEscape(plan.action === 'none' ? 'none' : `${plan.action}: ${plan.reason}`)}</td></tr>`;
}

export function handleUi(_c: Context<AppEnv>, server: ServerContext): Response {
  const { store, serverVersion } = server.deps;
  const rows = [...store.allVolumes()]
    .sort((a, b) => a.volume.id - b.volume.id)
    .map(({ volume, location }) => {
      const s = volume.stats();
      const repair = volume.loadReport.notes.concat(volume.damage).join('; ');
      return `<tr><td>${volume.id}</td><td>${htmlEscape(volume.collection)}</td><td>${htmlEscape(location.dir)}</td><td>${s.datSizeBytes}</td><td>${s.fileCount}</td><td>${s.deletedCount}</td><td>${volume.isReadOnly}</td><td>${htmlEscape(repair)}</td></tr>`;
    })
    .join('\n');
  const services = (server.deps.services?.snapshots() ?? []).map(serviceRow).join('\n');
  const disks = store.locations
    .map((l) => `<tr><td>${htmlEscape(l.dir)}</td><td>${l.volumes.size}</td><td>${l.maxVolumeCount}</td></tr>`)
    .join('\n');
  const html = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>SeaweedFS ${htmlEscape(serverVersion)}</title></head>
<body><h1>SeaweedFS Volume Server (Needlework ${htmlEscape(serverVersion)})</h1>
<h2>Disks</h2><table><tr><th>Dir</th><th>Volumes</th><th>Max</th></tr>
${disks}
</table>
<h2>Background services</h2><table id="services"><tr><th>Service</th><th>Desired</th><th>Current</th><th>Last success</th><th>Last error</th><th>Detail</th><th>Progress</th><th>Plan</th></tr>
${services}
</table>
<h2>Volumes</h2><table><tr><th>Id</th><th>Collection</th><th>Dir</th><th>Size</th><th>Files</th><th>Deleted</th><th>Read only</th><th>Load repairs / damage</th></tr>
${rows}
</table></body></html>
`;
  return new Response(html, { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
}
