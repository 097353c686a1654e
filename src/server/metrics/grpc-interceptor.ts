// Metrics upstream records inside some gRPC handlers, taken here from each call's request,
// response and final status, so the handlers stay free of metrics code:
// - VacuumVolumeCompact / VacuumVolumeCommit: vacuuming_seconds{type=compact|commit} and
//   vacuuming_{compact,commit}_count{success="true"|"false"};
// - ScrubVolume / ScrubEcVolume (successful): scrub_last_time_seconds{mode},
//   scrub_volume_failures{mode} += broken volumes, scrub_shard_failures{mode} += broken shards;
// - VolumeEcShardsRebuild: ec_rebuild_seconds{result} and ec_rebuild_total{result}, "success"
//   when shards were rebuilt, "failure" when the rebuild failed (a call that found nothing to
//   rebuild is not a rebuild, as upstream);
// - ReadNeedleBlob, ReadNeedleMeta, ReadAllNeedles failing: file_read_failures;
//   WriteNeedleBlob failing: file_write_failures. Refusals before the work starts (admin gate,
//   maintenance mode) are not failures upstream and are not counted.
import * as grpc from '@grpc/grpc-js';
import type { VolumeServerMetrics } from './registry.ts';

type CallStatus = { code: grpc.status; details?: string };
// biome-ignore lint/suspicious/noExplicitAny: the interceptor wraps every method, whatever its message types (parameter variance).
type Outcome = (request: any, response: any, status: CallStatus, seconds: number) => void;

function refusedUpFront(status: CallStatus): boolean {
  return status.code === grpc.status.PERMISSION_DENIED || (status.details ?? '').includes('maintenance mode');
}

function outcomes(metrics: VolumeServerMetrics): ReadonlyMap<string, Outcome> {
  const vacuum =
    (type: 'compact' | 'commit', counter: typeof metrics.vacuumingCompactCount): Outcome =>
    (_req, _res, status, seconds) => {
      metrics.vacuumingSeconds.observe({ type }, seconds);
      counter.inc({ success: String(status.code === grpc.status.OK) });
    };
  const scrub: Outcome = (request, response, status) => {
    if (status.code !== grpc.status.OK || response === undefined) return;
    const mode = String(request?.mode ?? 'INDEX');
    metrics.scrubLastTimeSeconds.set({ mode }, Math.floor(Date.now() / 1000));
    metrics.scrubVolumeFailures.inc({ mode }, (response.broken_volume_ids as unknown[] | undefined)?.length ?? 0);
    const shards = (response.broken_shard_infos as unknown[] | undefined)?.length;
    if (shards !== undefined) metrics.scrubShardFailures.inc({ mode }, shards);
  };
  const failure =
    (counter: typeof metrics.fileReadFailures): Outcome =>
    (_req, _res, status) => {
      if (status.code !== grpc.status.OK && !refusedUpFront(status)) counter.inc();
    };
  const ecRebuild: Outcome = (_req, response, status, seconds) => {
    let result: 'success' | 'failure';
    if (status.code === grpc.status.OK) {
      if (((response?.rebuilt_shard_ids as unknown[] | undefined)?.length ?? 0) === 0) return;
      result = 'success';
    } else {
      if (refusedUpFront(status)) return;
      result = 'failure';
    }
    metrics.ecRebuildSeconds.observe({ result }, seconds);
    metrics.ecRebuildTotal.inc({ result });
  };
  return new Map<string, Outcome>([
    ['VolumeEcShardsRebuild', ecRebuild],
    ['VacuumVolumeCompact', vacuum('compact', metrics.vacuumingCompactCount)],
    ['VacuumVolumeCommit', vacuum('commit', metrics.vacuumingCommitCount)],
    ['ScrubVolume', scrub],
    ['ScrubEcVolume', scrub],
    ['ReadNeedleBlob', failure(metrics.fileReadFailures)],
    ['ReadNeedleMeta', failure(metrics.fileReadFailures)],
    ['ReadAllNeedles', failure(metrics.fileReadFailures)],
    ['WriteNeedleBlob', failure(metrics.fileWriteFailures)],
  ]);
}

export function grpcMetricsInterceptor(metrics: VolumeServerMetrics): grpc.ServerInterceptor {
  const byMethod = outcomes(metrics);
  return (method, call) => {
    const outcome = byMethod.get(method.path.slice(method.path.lastIndexOf('/') + 1));
    if (outcome === undefined) return new grpc.ServerInterceptingCall(call);
    const startedAt = performance.now();
    let request: unknown;
    let response: unknown;
    return new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMessage: (message, forward) => {
            request ??= message;
            forward(message);
          },
        }),
      sendMessage: (message, next) => {
        response = message;
        next(message);
      },
      sendStatus: (status, next) => {
        outcome(request, response, status, (performance.now() - startedAt) / 1000);
        next(status);
      },
    });
  };
}
