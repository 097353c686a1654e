// `needlework status -server=host:port`: the server's background services as a table (GET
// /status/services on its admin port): desired, current state, last success and error,
// progress, and what the reconcile plan says would have to change. -json prints the answer.
import type { ReconcilePlan } from '../status/reconcile-plan.ts';
import type { ServiceSnapshot } from '../status/service-status.ts';
import { type FlagSpec, FlagError, HelpRequestedError, commandFlagDefaults, parseCommandFlags } from './flags.ts';
import { formatBytes } from './progress-bar.ts';

const REQUEST_TIMEOUT_MS = 10_000;
/** Columns wider than this are cut, so one long error does not unhinge the table. */
const MAX_CELL_CHARS = 60;

const FLAGS: ReadonlyMap<string, FlagSpec> = new Map<string, FlagSpec>([
  [
    'server',
    { kind: 'string', defaultText: '', usage: "the volume server's admin address host:port (or an http(s):// URL)" },
  ],
  ['json', { kind: 'bool', defaultText: 'false', usage: 'print the answer as JSON' }],
]);

export function statusUsage(): string {
  return (
    'Usage: needlework status -server=host:port [-json]\n  shows every background service of a running volume server\n\n' +
    commandFlagDefaults(FLAGS)
  );
}

interface Output {
  out(text: string): void;
  err(text: string): void;
}

function ago(atMs: number | null, nowMs: number): string {
  if (atMs === null) return '-';
  const seconds = Math.max(0, Math.round((nowMs - atMs) / 1000));
  return seconds < 120
    ? `${seconds}s ago`
    : seconds < 7200
      ? `${Math.round(seconds / 60)}m ago`
      : `${Math.round(seconds / 3600)}h ago`;
}

function cell(text: string): string {
  return text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS - 1)}…` : text;
}

/** The table text for snapshots and their plans (exported for tests). */
export function formatServicesTable(
  services: readonly ServiceSnapshot[],
  plans: readonly ReconcilePlan[],
  nowMs: number,
): string {
  const header = ['SERVICE', 'DESIRED', 'CURRENT', 'LAST SUCCESS', 'LAST ERROR', 'PROGRESS', 'PLAN'];
  const rows = services.map((s, i) => {
    const p = s.status.progress;
    const progress =
      p === null
        ? '-'
        : `${p.totalBytes > 0 ? Math.floor((100 * p.doneBytes) / p.totalBytes) : 0}% of ${formatBytes(p.totalBytes)}${p.etaMs !== null ? `, ETA ${Math.ceil(p.etaMs / 1000)}s` : ''}`;
    const error =
      s.status.lastError === null ? '-' : `${s.status.lastError.message} (${ago(s.status.lastError.atMs, nowMs)})`;
    const plan = plans[i];
    return [
      s.name,
      s.desired.enabled ? 'on' : 'off',
      s.current,
      ago(s.status.lastSuccessAtMs, nowMs),
      error,
      progress,
      plan === undefined ? '-' : plan.action === 'none' ? 'none' : `${plan.action}: ${plan.reason}`,
    ].map(cell);
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells.map((text, c) => (c === cells.length - 1 ? text : text.padEnd(widths[c]!))).join('  ');
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

export async function runStatusCommand(args: readonly string[], output: Output): Promise<number> {
  let flags;
  try {
    flags = parseCommandFlags(args, FLAGS);
    if (flags.get('server') === '') throw new FlagError('-server names the volume server');
  } catch (err) {
    if (err instanceof HelpRequestedError) {
      output.out(statusUsage());
      return 0;
    }
    if (err instanceof FlagError) {
      output.err(`${err.message}\n${statusUsage()}`);
      return 2;
    }
    throw err;
  }
  const server = flags.get('server') as string;
  const base = /^https?:\/\//.test(server) ? server.replace(/\/+$/, '') : `http://${server}`;
  let body: { services: ServiceSnapshot[]; plans: ReconcilePlan[] };
  try {
    const reply = await fetch(`${base}/status/services`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    if (reply.status !== 200) throw new Error(`HTTP ${reply.status}`);
    body = (await reply.json()) as typeof body;
  } catch (err) {
    output.err(`needlework status: ${base}/status/services: ${(err as Error).message}\n`);
    return 1;
  }
  output.out(
    flags.get('json') === true
      ? `${JSON.stringify(body, null, 2)}\n`
      : formatServicesTable(body.services, body.plans, Date.now()),
  );
  return 0;
}
