// What the heartbeat knows of each master it may stream to, one status entry per master. Like Go,
// the volume server keeps one SendHeartbeat stream, to the leader; every other master stands by.
// So a master's desired state is "streaming" only while it is the one the client is aiming at
// (a seed in turn, or the leader a master named); the others are off as desired, with their own
// last error and the leader they pointed to, if any.
import assert from 'node:assert/strict';
import { ServiceHealth } from '../status/service-health.ts';
import { type ServiceSnapshot, type ServiceState, emptyStatus } from '../status/service-status.ts';

/** Masters tracked: the seeds plus leaders learnt from redirects; a cluster has a handful. */
export const MAX_MASTER_LINKS = 64;

export interface MasterLink {
  readonly address: string;
  readonly seed: boolean;
  readonly health: ServiceHealth;
  /** The leader this master named when it turned the stream away; '' when it never did. */
  redirectedTo: string;
}

export interface StreamView {
  /** The master the client is streaming to or connecting to; '' before the first attempt. */
  target: string;
  /** The stream to `target` has had its first answer. */
  connected: boolean;
  /** The heartbeat was stopped for good (shutdown), or not started. */
  stopped: boolean;
}

export class MasterLinks {
  private readonly links = new Map<string, MasterLink>();

  constructor(
    seeds: readonly string[],
    private readonly nowMs: () => number = Date.now,
  ) {
    for (const seed of seeds) this.add(seed, true);
  }

  /** The link to `address`, tracked from now on if it is new (a leader learnt from a redirect). */
  linkOf(address: string): MasterLink {
    return this.links.get(address) ?? this.add(address, false);
  }

  snapshots(view: StreamView): ServiceSnapshot[] {
    return [...this.links.values()].map((link) => this.snapshotOf(link, view));
  }

  private add(address: string, seed: boolean): MasterLink {
    assert.ok(address !== '', 'a master has an address');
    const link: MasterLink = { address, seed, health: new ServiceHealth(this.nowMs), redirectedTo: '' };
    // Past the bound a learnt leader is still streamed to; it only goes without its own entry.
    if (this.links.size < MAX_MASTER_LINKS) this.links.set(address, link);
    return link;
  }

  private snapshotOf(link: MasterLink, view: StreamView): ServiceSnapshot {
    const aimedAt = !view.stopped && view.target === link.address;
    let current: ServiceState;
    if (view.stopped) current = 'Stopped';
    else if (!aimedAt) current = 'Stopped';
    else if (view.connected) current = 'Running';
    else current = link.health.failing ? 'Degraded' : 'Starting';
    const detail = aimedAt
      ? view.connected
        ? 'streaming heartbeats'
        : link.health.failing
          ? 'the stream failed; retrying'
          : 'connecting'
      : link.redirectedTo !== ''
        ? `standing by: named ${link.redirectedTo} the leader`
        : view.target !== '' && !view.stopped
          ? `standing by: the stream goes to ${view.target}`
          : 'standing by';
    return {
      name: `heartbeat/${link.address}`,
      desired: { enabled: aimedAt, master: link.address, seed: link.seed },
      current,
      status: emptyStatus({
        ...link.health.figures(),
        cancelledBy: ['shutdown', 'operator', 'master-loss'],
        hasShutdownHandle: true,
        detail,
      }),
    };
  }
}
