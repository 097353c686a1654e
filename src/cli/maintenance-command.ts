// `needlework maintenance rebuild-index|verify ...`: the maintenance agents from the command line.
// Offline (-dir): on the files of a stopped server, under the volume's lease. Online (-server):
// the running server does the work (it unmounts the volume for a rebuild); this polls its progress.
// Either way a progress bar goes to stderr and the figures to stdout (-json: the raw result).
// Exit status: 0 done (verify: nothing wrong), 1 verify found damage or the run failed, 2 usage.
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import { AgentProgress, type ProgressSnapshot } from '../storage/maintenance/agent-progress.ts';
import { type RebuildResult, rebuildIndex } from '../storage/maintenance/index-rebuild.ts';
import { VolumeLease } from '../storage/maintenance/volume-lease.ts';
import { type VerifyReport, verifyVolumeFiles } from '../storage/maintenance/volume-verify.ts';
import type { OffsetWidth } from '../storage/types.ts';
import { type VolumeLocation, parseVolumeBaseName } from '../storage/volume-files.ts';
import { MAINTENANCE_AGENTS, type MaintenanceAgent, type MaintenanceRun } from '../store/maintenance-runs.ts';
import { type FlagSpec, FlagError, HelpRequestedError, commandFlagDefaults, parseCommandFlags } from './flags.ts';
import { formatBytes, formatProgress } from './progress-bar.ts';

const POLL_INTERVAL_MS = 300;
const REDRAW_INTERVAL_MS = 200;
/** A server that stops answering mid-run: give up after this long without a reply. */
const POLL_TIMEOUT_MS = 30_000;

const FLAGS: ReadonlyMap<string, FlagSpec> = new Map<string, FlagSpec>([
  [
    'dir',
    {
      kind: 'string',
      defaultText: '',
      usage: 'offline: the data directory holding the volume (the server must be stopped)',
    },
  ],
  [
    'dir.idx',
    { kind: 'string', defaultText: '', usage: 'offline: the directory of .idx files, when the server uses -dir.idx' },
  ],
  [
    'collection',
    {
      kind: 'string',
      defaultText: '',
      usage: "offline: the volume's collection, when the directory has the id in several",
    },
  ],
  [
    'offsetBytes',
    {
      kind: 'int',
      defaultText: '4',
      usage: 'offline: index offset width, 4 (stock weed) or 5 (the 5BytesOffset build)',
    },
  ],
  [
    'server',
    {
      kind: 'string',
      defaultText: '',
      usage: "online: the volume server's admin address host:port (or an http(s):// URL)",
    },
  ],
  ['volumeId', { kind: 'int', defaultText: '0', usage: 'the volume to work on' }],
  [
    'full',
    {
      kind: 'bool',
      defaultText: 'false',
      usage: 'rebuild-index: scan the whole .dat even when the old index checks out',
    },
  ],
  ['json', { kind: 'bool', defaultText: 'false', usage: 'print the result as JSON' }],
]);

export function maintenanceUsage(): string {
  return (
    'Usage: needlework maintenance <rebuild-index|verify> [flags]\n' +
    "  rebuild-index  rebuilds a volume's .idx from its .dat (the same bytes as weed fix)\n" +
    "  verify         checks every needle's CRC and every index entry; changes nothing\n" +
    '  e.g. needlework maintenance verify -dir=/data -volumeId=7\n' +
    '       needlework maintenance rebuild-index -server=127.0.0.1:8080 -volumeId=7\n\n' +
    commandFlagDefaults(FLAGS)
  );
}

interface Output {
  out(text: string): void;
  err(text: string): void;
  isTty: boolean;
}

/** Draws the bar: redrawn in place on a terminal, one line per phase otherwise. */
class ProgressView {
  private lastPhase = '';
  private lastDrawMs = 0;

  constructor(private readonly output: Output) {}

  show(p: ProgressSnapshot, force = false): void {
    const now = Date.now();
    if (this.output.isTty) {
      if (!force && now - this.lastDrawMs < REDRAW_INTERVAL_MS) return;
      this.lastDrawMs = now;
      this.output.err(`\r${formatProgress(p)}\x1b[K`);
      if (p.finishedAtMs !== null) this.output.err('\n');
    } else if (p.phase !== this.lastPhase || force) {
      this.output.err(`${formatProgress(p)}\n`);
    }
    this.lastPhase = p.phase;
  }
}

async function findLocation(
  dir: string,
  idxDir: string,
  volumeId: number,
  collection: string,
): Promise<VolumeLocation> {
  const found: string[] = [];
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.dat')) continue;
    const base = parseVolumeBaseName(name.slice(0, -4));
    if (base?.volumeId === volumeId && (collection === '' || base.collection === collection))
      found.push(base.collection);
  }
  if (found.length === 0)
    throw new Error(
      `no .dat of volume ${volumeId}${collection !== '' ? ` in collection ${collection}` : ''} in ${dir}`,
    );
  if (found.length > 1)
    throw new Error(
      `volume ${volumeId} is in several collections in ${dir} (${found.join(', ')}): pick one with -collection`,
    );
  return { dir, ...(idxDir !== '' ? { idxDir } : {}), collection: found[0]!, volumeId };
}

async function runOffline(
  agent: MaintenanceAgent,
  flags: Map<string, unknown>,
  view: ProgressView,
): Promise<RebuildResult | VerifyReport> {
  const width = flags.get('offsetBytes') as number;
  if (width !== 4 && width !== 5) throw new FlagError(`-offsetBytes must be 4 or 5, not ${width}`);
  const loc = await findLocation(
    flags.get('dir') as string,
    flags.get('dir.idx') as string,
    flags.get('volumeId') as number,
    flags.get('collection') as string,
  );
  const lease = await VolumeLease.acquire(loc, { owner: `cli@${os.hostname()}`, agent });
  lease.keepRenewed();
  const progress = new AgentProgress();
  const timer = setInterval(() => view.show(progress.snapshot()), REDRAW_INTERVAL_MS);
  try {
    const offsetWidth = width as OffsetWidth;
    const result =
      agent === 'rebuild-index'
        ? await rebuildIndex(loc, { offsetWidth, full: flags.get('full') === true, progress, lease })
        : await verifyVolumeFiles(loc, { offsetWidth, progress, lease });
    progress.finish('done');
    return result;
  } catch (err) {
    progress.finish('failed');
    throw err;
  } finally {
    clearInterval(timer);
    view.show(progress.snapshot(), true);
    await lease.release();
  }
}

function adminUrl(server: string): string {
  return /^https?:\/\//.test(server) ? server.replace(/\/+$/, '') : `http://${server}`;
}

/** A server answer: a run, or `{ error }` when refused. */
type JsonReply = MaintenanceRun & { error?: string };

async function fetchJson(url: string, init?: RequestInit): Promise<{ status: number; body: JsonReply }> {
  const reply = await fetch(url, { ...init, signal: AbortSignal.timeout(POLL_TIMEOUT_MS) });
  const text = await reply.text();
  let body: JsonReply;
  try {
    body = JSON.parse(text) as JsonReply;
  } catch {
    // Not one of our JSON answers (a proxy, an old server): show what came back.
    body = { error: text.trim() || `HTTP ${reply.status}` } as JsonReply;
  }
  return { status: reply.status, body };
}

async function runOnline(
  agent: MaintenanceAgent,
  flags: Map<string, unknown>,
  view: ProgressView,
): Promise<RebuildResult | VerifyReport> {
  const base = adminUrl(flags.get('server') as string);
  const full = flags.get('full') === true ? '&full=true' : '';
  const started = await fetchJson(`${base}/maintenance/${agent}?volumeId=${flags.get('volumeId') as number}${full}`, {
    method: 'POST',
  });
  if (started.status !== 202) throw new Error(`${base}: ${started.body.error ?? `HTTP ${started.status}`}`);
  let run = started.body as MaintenanceRun;
  for (;;) {
    view.show(run.progress);
    if (run.state !== 'running') break;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    const polled = await fetchJson(`${base}/maintenance/runs/${run.id}`);
    if (polled.status !== 200)
      throw new Error(`${base}: run ${run.id}: ${polled.body.error ?? `HTTP ${polled.status}`}`);
    run = polled.body as MaintenanceRun;
  }
  view.show(run.progress, true);
  if (run.state !== 'done' || run.result === null)
    throw new Error(`${run.agent} of volume ${run.volumeId} ${run.state}: ${run.error ?? 'no result'}`);
  return run.result;
}

function describeRebuild(volumeId: number, r: RebuildResult): string {
  const how =
    r.mode === 'fast'
      ? `fast: ${r.keptRows} old rows kept, ${r.recordsScanned} records scanned after them`
      : `full scan of ${r.recordsScanned} records${r.fallbackReason !== null ? `, because ${r.fallbackReason}` : ''}`;
  return [
    `volume ${volumeId}: index rebuilt (${how})`,
    `  live entries     ${r.liveEntries}`,
    `  deleted entries  ${r.deletedEntries}`,
    `  .idx size        ${r.idxSizeBytes} bytes`,
    `  scanned          ${formatBytes(r.bytesScanned)}`,
    `  scan stopped at  ${r.stoppedAt === null ? 'the end of .dat' : `${r.stoppedAt.offsetBytes} (${r.stoppedAt.reason})`}`,
    '',
  ].join('\n');
}

function describeVerify(r: VerifyReport): string {
  const lines = [
    `volume ${r.volumeId}: ${r.good} good, ${r.corrupt} corrupt, ${r.orphaned} orphaned, ${r.dangling} dangling, ${r.deleted} deleted`,
    `  ${r.recordsScanned} records, ${formatBytes(r.bytesScanned)} scanned, ${r.idxRows} index rows${r.stoppedAt === null ? '' : `; the walk stopped at ${r.stoppedAt.offsetBytes} (${r.stoppedAt.reason})`}`,
  ];
  for (const f of r.findings)
    lines.push(
      `  ${f.kind.padEnd(9)} needle ${f.needleId.padEnd(16)} at ${String(f.offsetBytes).padEnd(12)} ${f.detail}`,
    );
  if (r.findingsNotListed > 0) lines.push(`  ... and ${r.findingsNotListed} more`);
  return `${lines.join('\n')}\n`;
}

function isVerifyReport(result: RebuildResult | VerifyReport): result is VerifyReport {
  return 'good' in result;
}

/** Runs the command; resolves to the exit status. */
export async function runMaintenanceCommand(args: readonly string[], output: Output): Promise<number> {
  const [agent, ...rest] = args;
  let flags: Map<string, unknown>;
  try {
    if (agent === undefined || agent === '-h' || agent === '-help' || agent === '--help')
      throw new HelpRequestedError();
    if (!(MAINTENANCE_AGENTS as readonly string[]).includes(agent))
      throw new FlagError(`unknown maintenance agent ${JSON.stringify(agent)}`);
    flags = parseCommandFlags(rest, FLAGS);
    const where = [flags.get('dir') !== '', flags.get('server') !== ''].filter(Boolean).length;
    if (where !== 1) throw new FlagError('give exactly one of -dir (offline) and -server (online)');
    const volumeId = flags.get('volumeId') as number;
    if (volumeId <= 0 || volumeId > 0xffff_ffff) throw new FlagError('-volumeId names the volume (a positive id)');
  } catch (err) {
    if (err instanceof HelpRequestedError) {
      output.out(maintenanceUsage());
      return 0;
    }
    if (err instanceof FlagError) {
      output.err(`${err.message}\n${maintenanceUsage()}`);
      return 2;
    }
    throw err;
  }
  const name = agent as MaintenanceAgent;
  const view = new ProgressView(output);
  let result: RebuildResult | VerifyReport;
  try {
    result = flags.get('server') !== '' ? await runOnline(name, flags, view) : await runOffline(name, flags, view);
  } catch (err) {
    output.err(`needlework maintenance ${name}: ${(err as Error).message}\n`);
    return err instanceof FlagError ? 2 : 1;
  }
  if (flags.get('json') === true) output.out(`${JSON.stringify(result, null, 2)}\n`);
  else
    output.out(
      isVerifyReport(result) ? describeVerify(result) : describeRebuild(flags.get('volumeId') as number, result),
    );
  return isVerifyReport(result) && result.corrupt + result.orphaned + result.dangling > 0 ? 1 : 0;
}
