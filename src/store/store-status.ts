// Status sources for the store's background work: each vacuum under way (one job per volume,
// with its progress) and the write-drain barriers of every volume. Reading them only reads.
import { type ServiceSnapshot, type StatusSource, emptyStatus, progressFigures } from '../status/service-status.ts';
import type { Store } from './store.ts';

/** One job per volume a vacuum is copying or waiting to commit; none when no vacuum runs. */
export function vacuumJobsStatus(store: Store, nowMs: () => number = Date.now): StatusSource {
  return {
    snapshots(): ServiceSnapshot[] {
      const jobs: ServiceSnapshot[] = [];
      for (const { volume } of store.allVolumes()) {
        const progress = volume.compactionProgress();
        if (progress === null) continue;
        jobs.push({
          name: `vacuum/volume-${volume.id}`,
          desired: { enabled: true, volumeId: volume.id },
          current: 'Running',
          status: emptyStatus({
            progress: progressFigures(progress.doneBytes, progress.totalBytes, nowMs() - progress.startedAtMs, false),
            // The master's vacuum drives it: a commit or cleanup RPC ends it, or a restart drops the copy.
            cancelledBy: ['operator', 'shutdown'],
            detail: progress.phase === 'copying' ? 'copying live needles' : 'copied; waiting for the commit',
          }),
        });
      }
      return jobs;
    },
  };
}

/** The drain barriers of all volumes (held when a volume stops taking writes), as one service. */
export function drainBarriersStatus(store: Store): StatusSource {
  return {
    snapshots(): ServiceSnapshot[] {
      let drains = 0;
      let timeouts = 0;
      let inProgress = 0;
      let maxDurationMs = 0;
      let lastTimeout = '';
      for (const { volume } of store.allVolumes()) {
        const s = volume.drainStats;
        drains += s.drainsTotal;
        timeouts += s.timeoutsTotal;
        inProgress += s.inProgress;
        maxDurationMs = Math.max(maxDurationMs, s.maxDurationMs);
        if (s.lastTimeoutReason !== '') lastTimeout = `volume ${volume.id}: ${s.lastTimeoutReason}`;
      }
      return [
        {
          name: 'drain-barriers',
          desired: { enabled: true },
          // Barriers are held on demand; with none held the service is idle, which counts as running.
          current: 'Running',
          status: emptyStatus({
            counters: { drains, timeouts, maxDurationMs },
            queueDepth: inProgress,
            cancelledBy: ['shutdown'],
            detail:
              lastTimeout !== ''
                ? `last timeout: ${lastTimeout}`
                : inProgress > 0
                  ? `${inProgress} barrier(s) held`
                  : 'no barrier held',
          }),
        },
      ];
    },
  };
}
