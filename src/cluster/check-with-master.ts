// At start, before any volume loads: the master's configuration (upstream's checkWithMaster, which
// NewVolumeServer calls before NewStore). It carries the [storage.backend] stores, and a tiered
// volume can only load once its store is registered; it also names the metrics push gateway. As
// upstream, each master is asked in turn, and the passes repeat every 1790 ms until one answers:
// starting without the backends would leave every tiered volume out until the next restart.
import { type MasterConfiguration, getMasterConfiguration } from './master-client.ts';
import type { Logger } from '../log/logger.ts';

/** Upstream's pause between passes over the masters. */
export const CHECK_WITH_MASTER_RETRY_MS = 1790;

export interface CheckWithMasterOptions {
  /** One GetMasterConfiguration call, registering the backends it names (tests replace it). */
  ask?: (master: string) => Promise<MasterConfiguration>;
  retryMs?: number;
  /** Gives up waiting (the process is stopping). */
  signal?: AbortSignal;
}

export async function checkWithMaster(
  masters: readonly string[],
  log: Logger,
  options: CheckWithMasterOptions = {},
): Promise<MasterConfiguration> {
  if (masters.length === 0) throw new Error('checkWithMaster needs at least one master');
  const ask = options.ask ?? getMasterConfiguration;
  const retryMs = options.retryMs ?? CHECK_WITH_MASTER_RETRY_MS;
  for (;;) {
    for (const master of masters) {
      options.signal?.throwIfAborted();
      try {
        return await ask(master);
      } catch (err) {
        log.warn(`checkWithMaster ${master}: ${(err as Error).message}`);
      }
    }
    await pause(retryMs, options.signal);
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
