// Entry point: `needlework [volume] <weed volume flags>`, `needlework maintenance ...` or
// `needlework status ...`.
import { FlagError, HelpRequestedError, parseVolumeFlags, usage } from './flags.ts';
import { runMaintenanceCommand } from './maintenance-command.ts';
import { runStatusCommand } from './status-command.ts';
import { findSecurityFile, loadSecurityConfig } from '../security/security-config.ts';
import { startVolumeServer } from './volume-server.ts';
import { GLOG_DEFAULTS, type LogSettings, type ProcessLogger, createProcessLogger } from '../log/process-logger.ts';

const FORCED_EXIT_AFTER_MS = 20_000;

/** Before the flags are read (and for the maintenance and status commands): stderr only. */
const STDERR_ONLY: LogSettings = { ...GLOG_DEFAULTS, toStderr: true };

/** Replaced by the one the flags describe as soon as they are parsed. */
let processLogger: ProcessLogger = createProcessLogger(STDERR_ONLY);

async function main(): Promise<void> {
  let config;
  try {
    config = parseVolumeFlags(process.argv.slice(2));
  } catch (err) {
    if (err instanceof HelpRequestedError) {
      process.stdout.write(usage());
      process.exit(0);
    }
    if (err instanceof FlagError) {
      process.stderr.write(`${err.message}\n${usage()}`);
      process.exit(2);
    }
    throw err;
  }
  processLogger = createProcessLogger(config.logging);
  const log = processLogger.logger;
  for (const flag of config.ignoredFlags) log.warn(`flag -${flag} is accepted but has no effect in this server`);
  const securityPath = config.securityFile ?? (await findSecurityFile(config.configDir));
  const security = await loadSecurityConfig(securityPath);
  if (security.whiteList.length > 0) config.whiteList = [...config.whiteList, ...security.whiteList];

  const server = await startVolumeServer(config, security, log);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) process.exit(1);
    setTimeout(() => process.exit(1), FORCED_EXIT_AFTER_MS).unref();
    server.stop(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        log.error(`error while stopping: ${(err as Error).message}`, { error: (err as Error).message });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Exits once what was written to stdout and stderr has gone out (they may be pipes). */
async function exitAfterFlush(code: number): Promise<never> {
  await new Promise((resolve) => process.stdout.write('', resolve));
  await new Promise((resolve) => process.stderr.write('', resolve));
  process.exit(code);
}

const processOutput = {
  out: (text: string) => void process.stdout.write(text),
  err: (text: string) => void process.stderr.write(text),
  isTty: process.stderr.isTTY === true,
};
const subcommands: Record<string, (args: readonly string[]) => Promise<number>> = {
  maintenance: (args) => runMaintenanceCommand(args, processOutput),
  status: (args) => runStatusCommand(args, processOutput),
};
const subcommand = subcommands[process.argv[2] ?? ''];
const entry = subcommand !== undefined ? subcommand(process.argv.slice(3)).then(exitAfterFlush) : main();
entry.catch((err: unknown) => {
  processLogger.fatal(`fatal: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
