// Prometheus metrics for the process: the registry (always kept, as upstream's stats.Gather),
// the -metricsPort listener when set, and the push gateway loop when the master's configuration
// names one. Metrics are never served on the admin or public HTTP ports.
import type { VolumeConfig } from './flags.ts';
import { joinHostPort } from './flags.ts';
import type { MasterConfiguration } from '../cluster/master-client.ts';
import { type MetricsServer, startMetricsServer } from '../server/metrics/metrics-server.ts';
import { type MetricsPusher, metricsPushNotConfigured, startMetricsPush } from '../server/metrics/metrics-push.ts';
import type { ServiceSnapshot } from '../status/service-status.ts';
import { VolumeServerMetrics } from '../server/metrics/registry.ts';
import { type MeteredLocation, registerStoreGauges } from '../server/metrics/store-gauges.ts';
import type { Logger } from '../log/logger.ts';
import { type IoQuarantineSource, registerIoErrorMetrics } from '../server/metrics/io-error-metrics.ts';

export interface MetricsSetup {
  metrics: VolumeServerMetrics;
  /** The -metricsPort listener's port; undefined when not listening. */
  port: number | undefined;
  /** The push loop's service status (NotConfigured when the master names no gateway). */
  pushStatus(): ServiceSnapshot;
  close(): Promise<void>;
}

export async function setUpMetrics(
  config: VolumeConfig,
  store: { locations: readonly MeteredLocation[] } & IoQuarantineSource,
  log: Logger,
  /** What checkWithMaster got at start; null without a master. */
  masterConfiguration: MasterConfiguration | null,
): Promise<MetricsSetup> {
  const metrics = new VolumeServerMetrics({
    concurrentDownloadLimitBytes: config.concurrentDownloadLimitBytes,
    concurrentUploadLimitBytes: config.concurrentUploadLimitBytes,
  });
  registerStoreGauges(metrics.registry, { locations: store.locations });
  registerIoErrorMetrics(metrics.registry, store);

  let server: MetricsServer | undefined;
  if (config.metricsPort > 0) {
    server = await startMetricsServer(metrics, config.metricsIp, config.metricsPort, log);
    log.info(
      `Prometheus metrics on http://${joinHostPort(config.metricsIp === '' ? '0.0.0.0' : config.metricsIp, server.port)}/metrics`,
    );
  }

  // The push gateway is named by the master's configuration, fetched before the store loaded.
  const pusher: MetricsPusher | null =
    masterConfiguration === null
      ? null
      : startMetricsPush(
          metrics,
          {
            address: masterConfiguration.metricsAddress,
            intervalSeconds: masterConfiguration.metricsIntervalSeconds,
            instance: joinHostPort(config.ip, config.httpPort),
          },
          log,
        );

  return {
    metrics,
    port: server?.port,
    pushStatus: () => pusher?.statusSnapshot() ?? metricsPushNotConfigured(),
    async close() {
      pusher?.stop();
      await server?.close();
    },
  };
}
