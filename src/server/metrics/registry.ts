// The volume server's Prometheus metrics, named, labelled and bucketed as upstream's
// weed/stats/metrics.go so existing SeaweedFS dashboards work unchanged. Every value is measured:
// counters move where the event happens (HTTP middleware, transfer meter, gRPC interceptor) and
// store gauges are computed from the live store at scrape time (store-gauges.ts).
//
// Upstream metrics for the volume server that are NOT exported here, because nothing in this
// server measures them yet (an exported-but-frozen series would lie): master_disconnections
// (needs a heartbeat hook), replication_* (needs a hook in replication.ts), file_read_invalid_needles (needs the read path
// to say "needle not found" apart from other 404s). Go's go_* runtime series are replaced by
// prom-client's nodejs_* ones; process_* keep their names.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, exponentialBuckets } from 'prom-client';
import { RequestMeter } from './request-meter.ts';

const PREFIX = 'SeaweedFS_volumeServer_';

/** Upstream's prometheus.ExponentialBuckets(0.0001, 2, 24), used by every volume server histogram. */
export const SECONDS_BUCKETS = exponentialBuckets(0.0001, 2, 24);

/** handler_total label values (weed/stats/metrics_names.go), including upstream's spelling. */
export const HandlerLabel = {
  DownloadLimitCondition: 'downloadLimitCondition',
  UploadLimitCondition: 'uploadLimitCondition',
  ReadRedirectRequest: 'readRedirectRequest',
  ErrorGetNotFound: 'errorGetNotFound',
  ErrorGetInternal: 'errorGetInternal',
} as const;

export interface VolumeServerMetricsOptions {
  /** -concurrentDownloadLimitMB / -concurrentUploadLimitMB in bytes (0: unlimited). */
  concurrentDownloadLimitBytes: number;
  concurrentUploadLimitBytes: number;
  /** Process metrics (process_*, nodejs_*); off in tests that build many registries. */
  processMetrics?: boolean;
  nowMs?: () => number;
}

export class VolumeServerMetrics {
  readonly registry = new Registry();

  /** request_total, request_seconds and in_flight_requests, counted without prom-client on the hot path. */
  readonly requests: RequestMeter;
  readonly handlerTotal: Counter<'type'>;
  readonly fileReadFailures: Counter;
  readonly fileWriteFailures: Counter;
  readonly vacuumingCompactCount: Counter<'success'>;
  readonly vacuumingCommitCount: Counter<'success'>;
  readonly vacuumingSeconds: Histogram<'type'>;
  readonly scrubLastTimeSeconds: Gauge<'mode'>;
  readonly scrubVolumeFailures: Counter<'mode'>;
  readonly scrubShardFailures: Counter<'mode'>;
  readonly ecRebuildSeconds: Histogram<'result'>;
  readonly ecRebuildTotal: Counter<'result'>;

  /** Bytes being received by uploads / sent by downloads right now (transfer-meter.ts keeps them). */
  inFlightUploadBytes = 0;
  inFlightDownloadBytes = 0;

  constructor(options: VolumeServerMetricsOptions) {
    const registers = [this.registry];
    const nowMs = options.nowMs ?? Date.now;
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });

    new Gauge({
      name: `${PREFIX}start_time_seconds`,
      help: 'Start time of the volume server, as seconds since UNIX epoch.',
      registers,
    }).set(Math.floor(nowMs() / 1000));
    this.requests = new RequestMeter(
      this.registry,
      { total: `${PREFIX}request_total`, seconds: `${PREFIX}request_seconds`, inFlight: `${PREFIX}in_flight_requests` },
      SECONDS_BUCKETS,
    );
    this.handlerTotal = new Counter({
      name: `${PREFIX}handler_total`,
      help: 'Counter of volume server handlers.',
      labelNames: ['type'],
      registers,
    });
    this.fileReadFailures = new Counter({
      name: `${PREFIX}file_read_failures`,
      help: 'Counter of overall failed file read requests from clients.',
      registers,
    });
    this.fileWriteFailures = new Counter({
      name: `${PREFIX}file_write_failures`,
      help: 'Counter of overall failed file write requests from clients.',
      registers,
    });

    this.vacuumingCompactCount = new Counter({
      name: `${PREFIX}vacuuming_compact_count`,
      help: 'Counter of volume vacuuming Compact counter',
      labelNames: ['success'],
      registers,
    });
    this.vacuumingCommitCount = new Counter({
      name: `${PREFIX}vacuuming_commit_count`,
      help: 'Counter of volume vacuuming commit counter',
      labelNames: ['success'],
      registers,
    });
    this.vacuumingSeconds = new Histogram({
      name: `${PREFIX}vacuuming_seconds`,
      help: 'Bucketed histogram of volume server vacuuming processing time.',
      labelNames: ['type'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.scrubLastTimeSeconds = new Gauge({
      name: `${PREFIX}scrub_last_time_seconds`,
      help: 'Last scrub execution time, as seconds since UNIX epoch.',
      labelNames: ['mode'],
      registers,
    });
    this.scrubVolumeFailures = new Counter({
      name: `${PREFIX}scrub_volume_failures`,
      help: 'Counter of overall volumes with issues detected during scrubbing.',
      labelNames: ['mode'],
      registers,
    });
    this.scrubShardFailures = new Counter({
      name: `${PREFIX}scrub_shard_failures`,
      help: 'Counter of overall EC shards with issues detected during scrubbing.',
      labelNames: ['mode'],
      registers,
    });

    this.ecRebuildSeconds = new Histogram({
      name: `${PREFIX}ec_rebuild_seconds`,
      help: 'Bucketed histogram of EC shard rebuild/reconstruct duration by result.',
      labelNames: ['result'],
      buckets: exponentialBuckets(0.01, 2, 20),
      registers,
    });
    this.ecRebuildTotal = new Counter({
      name: `${PREFIX}ec_rebuild_total`,
      help: 'Counter of EC shard rebuild operations by result.',
      labelNames: ['result'],
      registers,
    });

    new Gauge({
      name: `${PREFIX}concurrent_download_limit`,
      help: 'Limit total concurrent download size.',
      registers,
    }).set(options.concurrentDownloadLimitBytes);
    new Gauge({ name: `${PREFIX}concurrent_upload_limit`, help: 'Limit total concurrent upload size.', registers }).set(
      options.concurrentUploadLimitBytes,
    );
    const metrics = this;
    new Gauge({
      name: `${PREFIX}in_flight_download_size`,
      help: 'In flight total download size.',
      registers,
      collect() {
        this.set(metrics.inFlightDownloadBytes);
      },
    });
    new Gauge({
      name: `${PREFIX}in_flight_upload_size`,
      help: 'In flight total upload size.',
      registers,
      collect() {
        this.set(metrics.inFlightUploadBytes);
      },
    });
  }

  /** The exposition text (Prometheus text format 0.0.4). */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
