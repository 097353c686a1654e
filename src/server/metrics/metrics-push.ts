// Pushing to a Prometheus push gateway, as upstream's stats.LoopPushingMetric: the master's
// configuration (weed master -metrics.address / -metrics.intervalSeconds, read once at start via
// GetMasterConfiguration) names the gateway; every interval we PUT our whole registry to
// <address>/metrics/job/volumeServer/instance/<ip:port>. No address or a zero interval: no push.
import type { MetricsSource } from './metrics-server.ts';
import { ServiceHealth } from '../../status/service-health.ts';
import { type ServiceSnapshot, emptyStatus } from '../../status/service-status.ts';
import type { Logger } from '../../log/logger.ts';

const PUSH_TIMEOUT_MS = 10_000;

export interface PushTarget {
  /** Gateway address, with or without a scheme (http:// is assumed, as Go's push client does). */
  address: string;
  intervalSeconds: number;
  /** Grouping key `instance`: this server's ip:port. */
  instance: string;
  job?: string;
}

export interface MetricsPusher {
  /** Resolves after the first push attempt (tests). */
  readonly firstPush: Promise<void>;
  stop(): void;
  statusSnapshot(): ServiceSnapshot;
}

/** The push loop's status when the master names no gateway (or a zero interval). */
export function metricsPushNotConfigured(): ServiceSnapshot {
  return {
    name: 'metrics-push',
    desired: { enabled: false },
    current: 'NotConfigured',
    status: emptyStatus({ detail: 'the master names no push gateway' }),
  };
}

export function pushUrl(target: PushTarget): string {
  const base = (/^[a-z][a-z0-9+.-]*:\/\//i.test(target.address) ? target.address : `http://${target.address}`).replace(
    /\/+$/,
    '',
  );
  return `${base}/metrics/job/${encodeURIComponent(target.job ?? 'volumeServer')}/instance/${encodeURIComponent(target.instance)}`;
}

export function startMetricsPush(source: MetricsSource, target: PushTarget, log: Logger): MetricsPusher | null {
  if (target.address === '' || target.intervalSeconds <= 0) return null;
  const url = pushUrl(target);
  log.info(`volumeServer sends metrics to ${target.address} every ${target.intervalSeconds} seconds`);
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const health = new ServiceHealth();
  const pushOnce = async (): Promise<void> => {
    health.count('pushes');
    try {
      const { contentType, body } = await source.scrape();
      const response = await fetch(url, {
        method: 'PUT',
        headers: { 'Content-Type': contentType },
        body,
        signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      if (response.status !== 200 && response.status !== 202) {
        health.failed(new Error(`status ${response.status}`));
        log.warn(`could not push metrics to prometheus push gateway ${target.address}: status ${response.status}`);
      } else {
        health.succeeded();
      }
    } catch (err) {
      health.failed(err);
      log.warn(`could not push metrics to prometheus push gateway ${target.address}: ${(err as Error).message}`);
    }
  };
  const loop = async (): Promise<void> => {
    await pushOnce();
    if (stopped) return;
    timer = setTimeout(() => void loop(), target.intervalSeconds * 1000);
    timer.unref();
  };
  const firstPush = loop();
  return {
    firstPush,
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
    },
    statusSnapshot(): ServiceSnapshot {
      const figures = health.figures();
      const current = stopped
        ? 'Stopped'
        : figures.lastSuccessAtMs === null && figures.lastError === null
          ? 'Starting'
          : health.failing
            ? 'Degraded'
            : 'Running';
      return {
        name: 'metrics-push',
        desired: { enabled: true, address: target.address, intervalSeconds: target.intervalSeconds },
        current,
        status: emptyStatus({ ...figures, cancelledBy: ['shutdown'], hasShutdownHandle: true, detail: `PUT ${url}` }),
      };
    },
  };
}
