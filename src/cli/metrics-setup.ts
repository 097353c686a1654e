// Prometheus metrics for the process: the registry (always kept, as upstream's stats.Gather),
// the -metricsPort listener when set, and the push gateway loop when the master's configuration
// names one. Metrics are never served on the admin or public HTTP ports.
import type { VolumeConfig } from './flags.ts';
import { joinHostPort } from './flags.ts';
import { getMasterConfiguration } from '../master/master-client.ts';
import { type MetricsServer, startMetricsServer } from '../server/metrics/metrics-server.ts';
import { type MetricsPusher, startMetricsPush } from '../server/metrics/metrics-push.ts';
import { VolumeServerMetrics } from '../server/metrics/registry.ts';
import { type MeteredLocation, registerStoreGauges } from '../server/metrics/store-gauges.ts';

/** Upstream's checkWithMaster retry pause. */
const MASTER_CONFIGURATION_RETRY_MS = 1790;

export interface MetricsSetup {
  metrics: VolumeServerMetrics;
  /** The -metricsPort listener's port; undefined when not listening. */
  port: number | undefined;
  close(): Promise<void>;
}

export async function setUpMetrics(
  config: VolumeConfig,
  store: { locations: readonly MeteredLocation[] },
  log: (message: string) => void,
): Promise<MetricsSetup> {
  const metrics = new VolumeServerMetrics({
    concurrentDownloadLimitBytes: config.concurrentDownloadLimitBytes,
    concurrentUploadLimitBytes: config.concurrentUploadLimitBytes,
  });
  registerStoreGauges(metrics.registry, { locations: store.locations, minFreeSpace: config.folders.map((f) => f.minFreeSpace) });

  let server: MetricsServer | undefined;
  if (config.metricsPort > 0) {
    server = await startMetricsServer(metrics, config.metricsIp, config.metricsPort, log);
    log(`Prometheus metrics on http://${joinHostPort(config.metricsIp === '' ? '0.0.0.0' : config.metricsIp, server.port)}/metrics`);
  }

  // The push gateway comes from the master's configuration; ask in the background until one answers.
  let stopped = false;
  let pusher: MetricsPusher | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  const askMasters = async (): Promise<void> => {
    for (const master of config.masters) {
      if (stopped) return;
      try {
        const { metricsAddress, metricsIntervalSeconds } = await getMasterConfiguration(master);
        if (stopped) return;
        pusher = startMetricsPush(
          metrics,
          { address: metricsAddress, intervalSeconds: metricsIntervalSeconds, instance: joinHostPort(config.ip, config.httpPort) },
          log,
        );
        return;
      } catch {
        // The heartbeat reports unreachable masters; try the next, then again after a pause.
      }
    }
    if (stopped) return;
    retryTimer = setTimeout(() => void askMasters(), MASTER_CONFIGURATION_RETRY_MS);
    retryTimer.unref();
  };
  if (config.masters.length > 0) void askMasters();

  return {
    metrics,
    port: server?.port,
    async close() {
      stopped = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      (pusher as MetricsPusher | null)?.stop();
      await server?.close();
    },
  };
}
