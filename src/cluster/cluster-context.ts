// What the outgoing clients need to know of this server: the store they report or fill, the
// address the master knows it by, and which master to ask. The gRPC adapter's context carries
// all of it, so a handler passes its own context unchanged.
import type { Logger } from '../log/logger.ts';
import type { Store } from '../store/store.ts';

export interface ClusterContext {
  store: Store;
  /** -ip and the HTTP port: how the master knows this server. */
  ip: string;
  port: number;
  /** Seed masters (HTTP addresses) and the one the heartbeat is connected to. */
  masters: string[];
  currentMaster(): string;
  log: Logger;
}

/** The master the heartbeat is connected to, else the first seed; '' when there is none. */
export function masterToAsk(ctx: ClusterContext): string {
  return ctx.currentMaster() || (ctx.masters[0] ?? '');
}
